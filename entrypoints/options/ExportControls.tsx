// Export buttons with their options: JSON (the documented export), CSV (columns chosen, optional BOM for
// Excel) and vCard (4.0, or 3.0 for older address books). With `selection`, only that selection (the
// workspace's bulk bar: people, or companies with their people).
import { downloadParts } from '../../components/download';
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { CSV_EXPORT_COLUMNS, CSV_EXPORT_HEADERS, DEFAULT_CSV_COLUMNS, type CsvExportColumn } from '../../importers/export-csv';
import { EXPORT_EXTENSION, EXPORT_MIME, exportFileParts, type ExportFormat, type ExportRequest } from '../../importers/export-files';
import type { VcardVersion } from '../../importers/export-vcard';
import { exportFileName } from '../../storage/export';

/** What a selection exports, read when an export starts (a list of all N matching is made then). */
export interface ExportSelection {
  /** "3 people", "2 companies". */
  what: string;
  /** Whose rows the CSV and vCard hold: "people", "their people". */
  people: string;
  request(): Pick<ExportRequest, 'ids' | 'companyIds'>;
}

export interface ExportControlsProps {
  /** The selection; everything when absent. */
  selection?: ExportSelection;
  disabled?: boolean;
  onNotice: (n: { kind: 'ok' | 'error'; text: string } | null) => void;
  /** Extra buttons on the same row (the options page's delete). */
  children?: ComponentChildren;
}

function download(format: ExportFormat, parts: AsyncIterable<string>): Promise<string> {
  return downloadParts(parts, EXPORT_MIME[format], exportFileName(new Date(), EXPORT_EXTENSION[format]));
}

export function ExportControls({ selection, disabled, onNotice, children }: ExportControlsProps) {
  const [busy, setBusy] = useState<ExportFormat | null>(null);
  const [columns, setColumns] = useState<CsvExportColumn[]>([...DEFAULT_CSV_COLUMNS]);
  const [bom, setBom] = useState(true);
  const [version, setVersion] = useState<VcardVersion>('4.0');
  const what = selection?.what ?? 'everything';
  const people = selection?.people ?? 'people';

  const run = async (format: ExportFormat) => {
    setBusy(format);
    onNotice(null);
    try {
      const name = await download(
        format,
        exportFileParts({ format, ...selection?.request(), csv: { columns, bom }, vcardVersion: version }),
      );
      onNotice({ kind: 'ok', text: `Exported ${name}.` });
    } catch (e) {
      onNotice({ kind: 'error', text: `Export failed: ${(e as Error).message}` });
    } finally {
      setBusy(null);
    }
  };
  const toggle = (c: CsvExportColumn, on: boolean) =>
    setColumns((cur) => CSV_EXPORT_COLUMNS.filter((k) => (k === c ? on : cur.includes(k))));

  return (
    <div class="exports">
      <div class="row">
        <button data-testid="export-json" onClick={() => run('json')} disabled={!!busy || disabled}>
          {busy === 'json' ? 'Exporting…' : `Export ${what} (JSON)`}
        </button>
        <button data-testid="export-csv" onClick={() => run('csv')} disabled={!!busy || disabled || !columns.length}>
          {busy === 'csv' ? 'Exporting…' : `Export ${people} (CSV)`}
        </button>
        <button data-testid="export-vcard" onClick={() => run('vcard')} disabled={!!busy || disabled}>
          {busy === 'vcard' ? 'Exporting…' : `Export ${people} (vCard)`}
        </button>
        {children}
      </div>
      <fieldset class="export-options" data-testid="export-csv-columns">
        <legend class="small">CSV columns</legend>
        {CSV_EXPORT_COLUMNS.map((c) => (
          <label key={c}>
            <input
              type="checkbox"
              name={c}
              checked={columns.includes(c)}
              onChange={(e) => toggle(c, (e.target as HTMLInputElement).checked)}
            />{' '}
            {CSV_EXPORT_HEADERS[c]}
          </label>
        ))}
      </fieldset>
      <div class="export-options">
        <label>
          <input
            type="checkbox"
            data-testid="export-csv-bom"
            checked={bom}
            onChange={(e) => setBom((e.target as HTMLInputElement).checked)}
          />{' '}
          CSV for Excel (UTF-8 with byte order mark)
        </label>
        <label>
          vCard version{' '}
          <select
            data-testid="export-vcard-version"
            value={version}
            onChange={(e) => setVersion((e.target as HTMLSelectElement).value === '3.0' ? '3.0' : '4.0')}
          >
            <option value="4.0">4.0</option>
            <option value="3.0">3.0 (older address books)</option>
          </select>
        </label>
      </div>
    </div>
  );
}
