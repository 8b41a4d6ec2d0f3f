// The import, from choosing a file to its outcome: a CSV goes through the mapping step (columns,
// preview, merges) before anything is stored; vCard and JSON files are imported at once. The work runs
// in a worker. Used by the options page; the workspace reuses it as it is.
import { useEffect, useRef, useState } from 'preact/hooks';
import { callBackground } from '../../messaging/client';
import { detectImportKind } from '../../importers';
import { readCsvSample, type CsvMapping, type CsvSample } from '../../importers/csv';
import type { ImportSummary, WorkerReply } from '../../importers/import-job';
import { readFirstBytes } from '../../importers/text';
import { ImportMapping } from './ImportMapping';

type ImportState =
  | { state: 'idle' }
  | { state: 'reading'; file: string }
  | { state: 'mapping'; file: File; sample: CsvSample }
  | { state: 'running'; file: string; bytesRead: number; totalBytes: number; rows: number }
  | { state: 'done'; file: string; summary: ImportSummary }
  | { state: 'failed'; file: string; message: string };

const fmt = new Intl.NumberFormat();

export interface ImportFlowProps {
  /** Another action (a delete) is under way: no new file can be chosen. */
  disabled?: boolean;
  /** Told when an import starts and ends (to disable other actions meanwhile). */
  onRunningChange?: (running: boolean) => void;
  /** A notice of the page to clear when a file is chosen. */
  onStart?: () => void;
}

export function ImportFlow({ disabled, onRunningChange, onStart }: ImportFlowProps) {
  const [imp, setImp] = useState<ImportState>({ state: 'idle' });
  const fileInput = useRef<HTMLInputElement>(null);
  const running = imp.state === 'running';
  useEffect(() => onRunningChange?.(running), [running]);

  /** A CSV goes through the mapping step first; vCard and JSON files are imported at once. */
  const chooseFile = async (file: File) => {
    onStart?.();
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
    onStart?.();
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

  const pct = imp.state === 'running' && imp.totalBytes ? Math.round((imp.bytesRead / imp.totalBytes) * 100) : 0;
  return (
    <>
      <input
        ref={fileInput}
        data-testid="import-file"
        type="file"
        accept=".csv,.json,.vcf,.vcard,text/csv,application/json,text/vcard"
        disabled={disabled || imp.state === 'running' || imp.state === 'reading'}
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
    </>
  );
}
