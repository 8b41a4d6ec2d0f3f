import { useEffect, useState } from 'preact/hooks';
import { callBackground } from '../../messaging/client';
import type { PageCapture } from '../../messaging/protocol';
import type { Settings } from '../../storage/settings';
import { useCaptureFeed } from './capture-feed';
import { CompanyView } from './views/CompanyView';
import { ComposeView } from './views/ComposeView';
import { NotCapturableView } from './views/NotCapturableView';
import { ProfileView } from './views/ProfileView';
import { ThreadView } from './views/ThreadView';
import { useVisibility } from './visibility-guard';

export function SidebarApp() {
  const visibility = useVisibility();
  // While the page hides or covers the frame, nothing in it can be clicked or typed into.
  return (
    <>
      {visibility.wasCovered && (
        <p class="sb-covered" role="status" data-testid="sidebar-covered-notice" data-actions={visibility.actionsOn ? 'on' : 'off'}>
          {visibility.actionsOn
            ? 'This page covered or hid Rapport for a moment; its buttons were off meanwhile.'
            : 'This page covers or hides Rapport: its buttons are off.'}{' '}
          {visibility.actionsOn && (
            <button data-testid="sidebar-covered-dismiss" onClick={visibility.dismiss}>
              OK
            </button>
          )}
        </p>
      )}
      <div inert={!visibility.actionsOn}>
        <SidebarBody />
      </div>
    </>
  );
}

/**
 * The frame is the collapsed tab when its content script makes it this narrow. Not at 0: the frame
 * preloads hidden (no width) and must come up open, showing its cards, when it is mounted open.
 */
const TAB_QUERY = '(min-width: 1px) and (max-width: 80px)';

/** True while the frame is as narrow as the collapsed tab: the page's content script decides. */
function useCollapsed(): boolean {
  const [collapsed, setCollapsed] = useState(() => matchMedia(TAB_QUERY).matches);
  useEffect(() => {
    const query = matchMedia(TAB_QUERY);
    const update = () => setCollapsed(query.matches);
    query.addEventListener('change', update);
    update();
    return () => query.removeEventListener('change', update);
  }, []);
  return collapsed;
}

function SidebarBody() {
  const state = useCaptureFeed();
  const collapsed = useCollapsed();

  // The content script lays it out (and remembers it for the site): the view follows the frame's size.
  const toggle = () => void callBackground('setSidebarCollapsed', { collapsed: !collapsed }).catch(() => undefined);

  if (collapsed) {
    return (
      <div class="sb-collapsed">
        <button data-testid="sidebar-toggle" aria-expanded="false" aria-label="Open Rapport sidebar" onClick={toggle}>
          R
        </button>
      </div>
    );
  }
  return (
    <div>
      <header class="sb-head">
        <span class="brand">Rapport</span>
        <button data-testid="sidebar-toggle" aria-expanded="true" aria-label="Collapse Rapport sidebar" onClick={toggle}>
          ⟩
        </button>
      </header>
      {state.status === 'loading' && <p class="empty">Reading this page…</p>}
      {state.status === 'error' && (
        <p class="empty error" role="alert">
          Rapport could not read this page: {state.message}
        </p>
      )}
      {state.status === 'ready' && <CaptureView capture={state.capture} settings={state.settings} />}
    </div>
  );
}

/** One view per kind of capture. */
function CaptureView({ capture, settings }: { capture: PageCapture | null; settings: Settings }) {
  if (!capture) return <p class="empty">Open a conversation or a LinkedIn profile.</p>;
  const r = capture.result;
  if (r.kind === 'not-capturable') return <NotCapturableView capture={r} />;
  if (r.kind === 'thread') return <ThreadView capture={r} settings={settings} />;
  if (r.kind === 'company') return <CompanyView capture={r} />;
  if (r.kind === 'compose') return <ComposeView capture={r} settings={settings} />;
  return <ProfileView key={r.profileUrl ?? r.name} capture={r} />;
}
