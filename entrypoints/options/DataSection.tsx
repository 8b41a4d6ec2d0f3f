import { useState } from 'preact/hooks';
import { useLiveState } from '../../components/use-live-query';
import { callBackground } from '../../messaging/client';
import { counts } from '../../storage/repositories';
import { ExportControls } from './ExportControls';
import { ImportFlow } from './ImportFlow';

const fmt = new Intl.NumberFormat();

export function DataSection() {
  // Live: an import (in its worker), a delete, a capture or a sync pull shows in the counts at once.
  const live = useLiveState(() => counts(), []);
  const stats = live.state === 'ready' ? live.value : null;
  const [importing, setImporting] = useState(false);
  // A new key after "delete all" starts the import afresh (its last outcome no longer holds).
  const [flowKey, setFlowKey] = useState(0);
  const [busy, setBusy] = useState<string | null>(null);
  const [alsoSettings, setAlsoSettings] = useState(false);
  const [message, setNotice] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const notice =
    message ?? (live.state === 'error' ? { kind: 'error' as const, text: `Could not read the database: ${live.message}` } : null);

  const doDeleteAll = async () => {
    const total = stats ? stats.contacts + stats.companies + stats.activities + stats.tasks + stats.deals : 0;
    const what = stats
      ? `${fmt.format(stats.contacts)} contacts, ${fmt.format(stats.companies)} companies, ${fmt.format(stats.activities)} activities, ${fmt.format(stats.tasks)} tasks and ${fmt.format(stats.deals)} deals`
      : `${fmt.format(total)} records`;
    const question = alsoSettings
      ? `Delete all local Rapport data: ${what}, their sync queue, AND your CRM connections (with their tokens), rules and settings? Rapport gives back its access to those CRMs. Records already in a CRM stay there. This cannot be undone.`
      : `Delete ${what} from this browser, with their search index and sync queue? CRM connections, rules and settings are kept. Records already in a CRM stay there. This cannot be undone. Export first if you may need it.`;
    if (!confirm(question)) return;
    setBusy('delete');
    try {
      // The background stops the sync engine first, so a run in flight cannot write anything back.
      const r = await callBackground('deleteLocalData', { scope: alsoSettings ? 'everything' : 'records' });
      setFlowKey((k) => k + 1);
      setNotice({
        kind: 'ok',
        text: alsoSettings
          ? `All local data deleted, with ${fmt.format(r.connections)} CRM connection${r.connections === 1 ? '' : 's'}, rules and settings.`
          : 'All local records deleted. CRM connections, rules and settings were kept.',
      });
      void callBackground('dataChanged', { what: 'delete-all' }).catch(() => undefined);
    } catch (e) {
      setNotice({ kind: 'error', text: `Delete failed, nothing was removed: ${(e as Error).message}` });
    } finally {
      setBusy(null);
    }
  };

  return (
    <section class="card" aria-labelledby="data-h">
      <h2 id="data-h">Your data</h2>
      <div class="stats" data-testid="data-stats">
        {stats ? (
          (['contacts', 'companies', 'activities', 'tasks', 'deals'] as const).map((k) => (
            <div key={k}>
              <strong>{fmt.format(stats[k])}</strong>
              <span class="muted">{k}</span>
            </div>
          ))
        ) : (
          <span class="muted">Counting…</span>
        )}
      </div>

      <h3>Import</h3>
      <p class="muted small">
        CSV from Google Contacts, Outlook, LinkedIn (Connections.csv), HubSpot, Pipedrive, Salesforce or any sheet with a header row (you
        check the columns and a preview before anything is stored); vCard (.vcf, 2.1/3.0/4.0); or a Rapport export (.json). People already
        here are merged by email or LinkedIn profile, never duplicated.
      </p>
      <ImportFlow key={flowKey} disabled={!!busy} onRunningChange={setImporting} onStart={() => setNotice(null)} />
      <h3>Export and delete</h3>
      <ExportControls onNotice={setNotice} disabled={!!busy}>
        <button data-testid="delete-all" class="danger" onClick={doDeleteAll} disabled={!!busy || importing}>
          {busy === 'delete' ? 'Deleting…' : 'Delete all local data…'}
        </button>
      </ExportControls>
      <label class="row small">
        <input
          type="checkbox"
          data-testid="delete-all-settings"
          checked={alsoSettings}
          disabled={!!busy}
          onChange={(e) => setAlsoSettings((e.target as HTMLInputElement).checked)}
        />
        Also delete CRM connections, rules and settings (otherwise only contacts, companies, history, tasks and deals go)
      </label>
      {notice && (
        <p
          class={notice.kind === 'error' ? 'error' : 'muted'}
          role={notice.kind === 'error' ? 'alert' : 'status'}
          data-testid="data-notice"
        >
          {notice.text}
        </p>
      )}
    </section>
  );
}
