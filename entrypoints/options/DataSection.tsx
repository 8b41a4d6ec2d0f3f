import { useRef, useState } from 'preact/hooks';
import { useLiveState } from '../../components/use-live-query';
import { callBackground } from '../../messaging/client';
import { counts } from '../../storage/repositories';
import { detectImportKind } from '../../importers';
import { readCsvSample, type CsvMapping, type CsvSample } from '../../importers/csv';
import type { ImportSummary, WorkerReply } from '../../importers/import-job';
import { readFirstBytes } from '../../importers/text';
import { ExportControls } from './ExportControls';
import { ImportMapping } from './ImportMapping';

type ImportState =
  | { state: 'idle' }
  | { state: 'reading'; file: string }
  | { state: 'mapping'; file: File; sample: CsvSample }
  | { state: 'running'; file: string; bytesRead: number; totalBytes: number; rows: number }
  | { state: 'done'; file: string; summary: ImportSummary }
  | { state: 'failed'; file: string; message: string };

const fmt = new Intl.NumberFormat();

export function DataSection() {
  // Live: an import (in its worker), a delete, a capture or a sync pull shows in the counts at once.
  const live = useLiveState(() => counts(), []);
  const stats = live.state === 'ready' ? live.value : null;
  const [imp, setImp] = useState<ImportState>({ state: 'idle' });
  const [busy, setBusy] = useState<string | null>(null);
  const [alsoSettings, setAlsoSettings] = useState(false);
  const [message, setNotice] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const notice =
    message ?? (live.state === 'error' ? { kind: 'error' as const, text: `Could not read the database: ${live.message}` } : null);
  const fileInput = useRef<HTMLInputElement>(null);

  /** A CSV goes through the mapping step first; vCard and JSON files are imported at once. */
  const chooseFile = async (file: File) => {
    setNotice(null);
    setImp({ state: 'reading', file: file.name });
    try {
      const kind = detectImportKind(file.name, await readFirstBytes(file, 4096));
      const sample = kind === 'csv' ? await readCsvSample(file, { rows: 20 }) : null;
      // No header found: the import itself says what is wrong with the file.
      if (sample && sample.headers.length) setImp({ state: 'mapping', file, sample });
      else startImport(file);
    } catch (e) {
      setImp({ state: 'failed', file: file.name, message: (e as Error).message });
    }
  };

  const cancelImport = () => {
    setImp({ state: 'idle' });
    if (fileInput.current) fileInput.current.value = '';
  };

  const startImport = (file: File, mapping?: CsvMapping) => {
    setNotice(null);
    setImp({ state: 'running', file: file.name, bytesRead: 0, totalBytes: file.size, rows: 0 });
    // Parsing and writing run in a worker so a 100k-row file never freezes this page.
    const worker = new Worker(new URL('../../importers/import-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<WorkerReply>) => {
      const msg = e.data;
      if (msg.type === 'progress') setImp({ state: 'running', file: file.name, ...msg.progress });
      else {
        worker.terminate();
        if (msg.type === 'done') {
          setImp({ state: 'done', file: file.name, summary: msg.summary });
          void callBackground('dataChanged', { what: 'import', count: msg.summary.imported }).catch(() => undefined);
        } else setImp({ state: 'failed', file: file.name, message: msg.message });
        if (fileInput.current) fileInput.current.value = '';
      }
    };
    worker.onerror = (e) => {
      worker.terminate();
      setImp({ state: 'failed', file: file.name, message: e.message || 'the import stopped unexpectedly' });
    };
    worker.postMessage({ file, mapping });
  };

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
      setImp({ state: 'idle' });
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

  const pct = imp.state === 'running' && imp.totalBytes ? Math.round((imp.bytesRead / imp.totalBytes) * 100) : 0;
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
      <input
        ref={fileInput}
        data-testid="import-file"
        type="file"
        accept=".csv,.json,.vcf,.vcard,text/csv,application/json,text/vcard"
        disabled={imp.state === 'running' || imp.state === 'reading'}
        onChange={(e) => {
          const f = (e.target as HTMLInputElement).files?.[0];
          if (f) void chooseFile(f);
        }}
      />
      {imp.state === 'reading' && (
        <p class="muted small" role="status">
          Reading the columns of {imp.file}…
        </p>
      )}
      {imp.state === 'mapping' && (
        <ImportMapping
          fileName={imp.file.name}
          sample={imp.sample}
          onCancel={cancelImport}
          onConfirm={(mapping) => startImport(imp.file, mapping)}
        />
      )}
      {imp.state === 'running' && (
        <div data-testid="import-progress" role="status">
          <progress max={100} value={pct} aria-label="Import progress" />
          <div class="small muted">
            Importing {imp.file}: {pct}% · {fmt.format(imp.rows)} rows read
          </div>
        </div>
      )}
      {imp.state === 'done' && (
        <div role="status">
          {imp.summary.stopped ? (
            <p class="error" role="alert" data-testid="import-failed" data-count={imp.summary.imported}>
              Imported {fmt.format(imp.summary.imported)} from {imp.file}, then stopped at {imp.summary.stopped.at}:{' '}
              {imp.summary.stopped.reason}. Nothing from there on was written; what was imported before is complete.
            </p>
          ) : (
            <p data-testid="import-done" data-count={imp.summary.imported}>
              Imported {fmt.format(imp.summary.imported)} from {imp.file}
              {imp.summary.kind !== 'json' && ` (${fmt.format(imp.summary.created)} new, ${fmt.format(imp.summary.merged)} merged)`}
              {imp.summary.kind === 'json' &&
                ` (${fmt.format(imp.summary.created)} new, ${fmt.format(imp.summary.merged)} updated, ${fmt.format(imp.summary.kept)} kept: the copy here is as new or newer)`}
              {imp.summary.errors.length ? `, ${fmt.format(imp.summary.errorCount)} problems` : ''}.
            </p>
          )}
          {imp.summary.errors.length > 0 && (
            <ul class="errors" data-testid="import-errors">
              {imp.summary.errors.map((er, i) => (
                <li key={i} class={er.severity === 'warning' ? 'muted' : 'error'}>
                  {er.row !== null ? `Row ${er.row}: ` : ''}
                  {er.card ? `“${er.card}”: ` : ''}
                  {er.message}
                </li>
              ))}
              {imp.summary.errorCount > imp.summary.errors.length && (
                <li class="muted">… and {fmt.format(imp.summary.errorCount - imp.summary.errors.length)} more</li>
              )}
            </ul>
          )}
        </div>
      )}
      {imp.state === 'failed' && (
        <p class="error" role="alert" data-testid="import-failed">
          Import of {imp.file} failed: {imp.message}. Nothing already stored was changed.
        </p>
      )}

      <h3>Export and delete</h3>
      <ExportControls onNotice={setNotice} disabled={!!busy}>
        <button data-testid="delete-all" class="danger" onClick={doDeleteAll} disabled={!!busy || imp.state === 'running'}>
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
