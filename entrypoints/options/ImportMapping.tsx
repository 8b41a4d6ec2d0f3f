// The import's mapping step for a CSV: the detected columns with their proposed field (editable, any
// column to any field or "ignore"), the first rows as they will be stored, and whom each merges with.
// Used by the options page; the workspace reuses it as it is.
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { CsvMapping, CsvSample } from '../../importers/csv';
import {
  COLUMN_TARGETS,
  FIELD_LABELS,
  IGNORE,
  PRESET_LABELS,
  isColumnTarget,
  mappingFromColumns,
  mappingProblem,
  proposeColumns,
  type ColumnMapping,
} from '../../importers/csv-mapping';
import { markMerges, previewRows, type PreviewRow } from '../../importers/import-preview';
import type { RapportDB } from '../../storage/db';
import { getDb } from '../../storage/db';

/** Rows shown in the preview. */
export const PREVIEW_ROWS = 10;

export interface ImportMappingProps {
  fileName: string;
  sample: CsvSample;
  onConfirm: (mapping: CsvMapping) => void;
  onCancel: () => void;
  db?: RapportDB;
}

function targetLabel(t: string): string {
  return t === IGNORE ? '— ignore —' : FIELD_LABELS[t as keyof typeof FIELD_LABELS];
}

function firstValue(sample: CsvSample, col: number): string {
  for (const r of sample.records) {
    const v = r.cells[col];
    if (v && v.trim()) return v.length > 60 ? `${v.slice(0, 60)}…` : v;
  }
  return '';
}

function mergeText(r: PreviewRow): string {
  if (r.error) return `skipped: ${r.error}`;
  if (r.existing) return `merges with ${r.existing.name} (same ${r.existing.by === 'email' ? 'e-mail' : 'LinkedIn profile'})`;
  if (r.sameAsRow !== undefined) return `merges with row ${r.sameAsRow} of this file`;
  return 'new';
}

export function ImportMapping({ fileName, sample, onConfirm, onCancel, db = getDb() }: ImportMappingProps) {
  const proposed = useMemo(() => proposeColumns(sample.headers), [sample]);
  const [columns, setColumns] = useState<ColumnMapping>(proposed.columns);
  const mapping = useMemo(() => mappingFromColumns(columns), [columns]);
  const [preview, setPreview] = useState<PreviewRow[]>(() => previewRows({ records: sample.records.slice(0, PREVIEW_ROWS) }, mapping));
  const [lookup, setLookup] = useState<'pending' | 'ready' | string>('pending');
  const problem = mappingProblem(columns);

  useEffect(() => {
    let live = true;
    const rows = previewRows({ records: sample.records.slice(0, PREVIEW_ROWS) }, mapping);
    setPreview(rows);
    setLookup('pending');
    markMerges(rows, db).then(
      (marked) => {
        if (!live) return;
        setPreview(marked);
        setLookup('ready');
      },
      (e: Error) => live && setLookup(`Could not look for people already here: ${e.message}`),
    );
    return () => {
      live = false;
    };
  }, [mapping, sample, db]);

  const setTarget = (i: number, value: string) => {
    if (!isColumnTarget(value)) return;
    setColumns((cols) => cols.map((t, j) => (j === i ? value : t)));
  };

  return (
    <div class="import-mapping" data-testid="import-mapping" data-preset={proposed.preset}>
      <p>
        <strong>{fileName}</strong> looks like an export from <span data-testid="import-preset">{PRESET_LABELS[proposed.preset]}</span>.
        Check which field each column goes to, then import.
      </p>
      <label class="row small">
        What the file holds
        <select data-testid="import-kind" value="contacts">
          <option value="contacts">Contacts</option>
        </select>
        <span class="muted">(orders arrive with a later version)</span>
      </label>
      <table class="mapping">
        <thead>
          <tr>
            <th scope="col">Column</th>
            <th scope="col">First value</th>
            <th scope="col">Goes to</th>
          </tr>
        </thead>
        <tbody>
          {sample.headers.map((h, i) => (
            <tr key={i}>
              <td>{h || <span class="muted">(column {i + 1})</span>}</td>
              <td class="muted small">{firstValue(sample, i)}</td>
              <td>
                <select
                  data-column={h}
                  aria-label={`Field for column ${h || i + 1}`}
                  value={columns[i]}
                  onChange={(e) => setTarget(i, (e.target as HTMLSelectElement).value)}
                >
                  {COLUMN_TARGETS.map((t) => (
                    <option key={t} value={t}>
                      {targetLabel(t)}
                    </option>
                  ))}
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted small">
        Several columns can go to E-mail, Phone, Tags or Note: all their values are kept. For the other fields the first non-empty column
        wins. Custom fields arrive with the contact pages.
      </p>

      <h4>Preview: the first {preview.length} rows as they will be stored</h4>
      {lookup !== 'pending' && lookup !== 'ready' && (
        <p class="error" role="alert">
          {lookup}
        </p>
      )}
      <div class="preview-scroll">
        <table class="preview" data-testid="import-preview" data-lookup={lookup === 'ready' ? 'ready' : 'pending'}>
          <thead>
            <tr>
              <th scope="col">Row</th>
              <th scope="col">Name</th>
              <th scope="col">E-mails</th>
              <th scope="col">Phones</th>
              <th scope="col">Company</th>
              <th scope="col">Title</th>
              <th scope="col">Location</th>
              <th scope="col">Tags</th>
              <th scope="col">Stage</th>
              <th scope="col">LinkedIn</th>
              <th scope="col">Merge</th>
            </tr>
          </thead>
          <tbody>
            {preview.map((r) => (
              <tr
                key={r.row}
                data-testid="import-preview-row"
                data-row={r.row}
                data-merge={r.error ? 'skipped' : r.existing ? 'existing' : r.sameAsRow !== undefined ? 'file' : 'new'}
                class={r.error ? 'error' : undefined}
              >
                <td>{r.row}</td>
                <td data-field="name">{r.contact?.name}</td>
                <td data-field="emails">{r.contact?.emails.join(', ')}</td>
                <td data-field="phones">{r.contact?.phones.join(', ')}</td>
                <td data-field="company">{r.contact?.company}</td>
                <td data-field="title">{r.contact?.title}</td>
                <td data-field="location">{r.contact?.location}</td>
                <td data-field="tags">{r.contact?.tags.join(', ')}</td>
                <td data-field="stage">{r.contact?.stage}</td>
                <td data-field="linkedin">{r.contact?.linkedinId}</td>
                <td data-field="merge">{mergeText(r)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {problem && (
        <p class="error" role="alert" data-testid="import-mapping-problem">
          {problem}
        </p>
      )}
      <div class="row">
        <button data-testid="import-confirm" class="primary" disabled={!!problem} onClick={() => onConfirm(mapping)}>
          Import
        </button>
        <button data-testid="import-cancel" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}
