import { render } from 'preact';
import { wakeBackgroundOnWrites } from '../background/page-wake';
import { browser } from 'wxt/browser';
import { useEffect, useState } from 'preact/hooks';
import { ActivityView, CompanyView, ContactView } from './DetailViews';
import { DueView, useDueTasks } from './DueView';
import { type Opened, SearchView } from './SearchView';
import { SyncBadge } from '../../components/SyncBadge';
import '../../components/theme.css';
import { syncSoonAfterEdits } from '../workspace/sync-soon';
import { getDb } from '../../storage/db';
import { recordPath, workspaceHref } from '../workspace/routes';
import './popup.css';

// Task, cadence and settings writes wake the background (badge, reminders, keep-in-touch).
wakeBackgroundOnWrites();
// A quick action's outbox entries: told at once, the popup may close any moment.
syncSoonAfterEdits(0);
// Open the database while the first frame renders: the first keystroke finds it ready.
void getDb()
  .open()
  .catch(() => undefined);

/** Opens a workspace route in a new tab and closes the popup. */
function openWorkspace(path?: string) {
  void browser.tabs.create({ url: browser.runtime.getURL(workspaceHref(path) as '/workspace.html') }).then(() => close());
}

function Popup() {
  const [stack, setStack] = useState<Opened[]>([]);
  const [lastQuery, setLastQuery] = useState('');
  const [tab, setTab] = useState<'search' | 'due'>('search');
  const due = useDueTasks();
  const dueCount = due?.total ?? 0;
  const top = stack[stack.length - 1];
  const push = (o: Opened) => setStack((s) => [...s, o]);
  const back = () => setStack((s) => s.slice(0, -1));
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && stack.length) {
        e.preventDefault();
        back();
      }
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [stack.length]);

  if (!top) {
    return (
      <>
        <div class="popup-tabs" role="tablist">
          <button type="button" role="tab" data-testid="popup-search-tab" aria-selected={tab === 'search'} onClick={() => setTab('search')}>
            Search
          </button>
          <button type="button" role="tab" data-testid="popup-due" aria-selected={tab === 'due'} onClick={() => setTab('due')}>
            Due
            {dueCount > 0 && (
              <span class="count" data-testid="popup-due-count" aria-label={`${dueCount} due`}>
                {dueCount}
              </span>
            )}
          </button>
        </div>
        {tab === 'due' ? (
          <DueView due={due} onOpenContact={(id) => push({ kind: 'contact', id })} onOpenTasks={() => openWorkspace('/tasks')} />
        ) : (
          <SearchView
            initialQuery={lastQuery}
            onOpenWorkspace={openWorkspace}
            onOpen={(o) => {
              setLastQuery((document.querySelector('[data-testid="search-input"]') as HTMLInputElement | null)?.value ?? '');
              push(o);
            }}
          />
        )}
        <footer class="popup-footer">
          <SyncBadge />
          <button type="button" class="link" data-testid="open-workspace" onClick={() => openWorkspace()}>
            Open the workspace
          </button>
        </footer>
      </>
    );
  }
  const openContact = (id: string) => push({ kind: 'contact', id });
  return (
    <div>
      <div class="topbar">
        <button data-testid="back" onClick={back} autoFocus aria-label="Back to search">
          ← Back
        </button>
        {top.kind !== 'activity' && (
          <button
            type="button"
            class="link"
            data-testid="open-in-workspace"
            onClick={() => openWorkspace(recordPath(top.kind as 'contact' | 'company', top.id))}
          >
            Open in the workspace
          </button>
        )}
      </div>
      {top.kind === 'contact' && <ContactView id={top.id} onOpenWorkspace={openWorkspace} />}
      {top.kind === 'company' && <CompanyView id={top.id} onOpenContact={openContact} />}
      {top.kind === 'activity' && <ActivityView id={top.id} onOpenContact={openContact} />}
    </div>
  );
}

render(<Popup />, document.getElementById('app')!);
