// Bulk actions on the selected rows of a table (or all N matching): tags, the stage (people), sync,
// export, delete with a confirmation (the undo window is use-undo-delete's). One bar for People and
// Companies; the writes are storage/bulk.ts's, and the service worker is told afterwards so the sync
// engine sends what they queued.
import { useState } from 'preact/hooks';
import { callBackground } from '../../../messaging/client';
import { type BulkKind, type RecordKey, bulkEdit, bulkQueue } from '../../../storage/bulk';
import type { Source } from '../../../storage/schema';
import { ExportControls, type ExportSelection } from '../../options/ExportControls';

export interface BulkBarProps {
  kind: BulkKind;
  /** How many rows the actions apply to. */
  count: number;
  /** Their ids (read when an action starts). */
  ids(): string[];
  /** Their ids with their internal numbers (edits read the records by primary key). */
  keys(): RecordKey[];
  /** The stages "Set stage" offers; none, no such action (companies). */
  stages?: string[];
  /** What a delete takes with it, for the confirmation. */
  consequences: string;
  onDelete(ids: string[]): void;
  onDone(message: string): void;
}

const NOUNS: Record<BulkKind, [string, string]> = { contact: ['person', 'people'], company: ['company', 'companies'] };

/** "1 person", "2,000 companies". */
export const countOf = (kind: BulkKind, n: number) => `${n.toLocaleString()} ${NOUNS[kind][n === 1 ? 0 : 1]}`;

const source = (): Source => ({ type: 'manual', ref: 'workspace bulk action', at: new Date().toISOString() });

export function BulkBar({ kind, count, ids, keys, stages, consequences, onDelete, onDone }: BulkBarProps) {
  const [tag, setTag] = useState('');
  const [mode, setMode] = useState<'add' | 'remove'>('add');
  const [busy, setBusy] = useState<string | undefined>();
  const [confirming, setConfirming] = useState(false);
  const [exporting, setExporting] = useState(false);
  const plural = (n: number) => countOf(kind, n);

  const run = async (label: string, action: () => Promise<string>) => {
    setBusy(label);
    try {
      onDone(await action());
      void callBackground('dataChanged', { what: 'edit', count }).catch(() => undefined);
    } catch (e) {
      onDone(`${label} failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setBusy(undefined);
    }
  };
  const applyTag = () => {
    const t = tag.trim();
    if (!t) return;
    void run('Tagging', async () => {
      const changed = await bulkEdit(kind, keys(), mode === 'add' ? { addTags: [t] } : { removeTags: [t] }, source());
      setTag('');
      return `${mode === 'add' ? 'Tagged' : 'Untagged'} ${plural(changed)} “${t}”.`;
    });
  };
  const selection: ExportSelection = {
    what: plural(count),
    people: kind === 'contact' ? 'people' : 'their people',
    request: () => (kind === 'contact' ? { ids: ids() } : { companyIds: ids() }),
  };

  if (count === 0) return null;
  return (
    <div class="ws-bulk-wrap">
      <div class="ws-bulk" data-testid="bulk-bar" data-kind={kind} aria-busy={busy ? true : undefined}>
        <strong data-testid="selection-count" data-count={count}>
          {plural(count)} selected
        </strong>
        <select
          aria-label="Add or remove"
          data-testid="bulk-tag-mode"
          value={mode}
          onChange={(e) => setMode(e.currentTarget.value as 'add' | 'remove')}
        >
          <option value="add">Add tag</option>
          <option value="remove">Remove tag</option>
        </select>
        <input
          data-testid="bulk-tag"
          aria-label="Tag"
          placeholder="tag"
          value={tag}
          onInput={(e) => setTag(e.currentTarget.value)}
          onKeyDown={(e) => e.key === 'Enter' && applyTag()}
        />
        <button type="button" data-testid="bulk-apply" disabled={!!busy || !tag.trim()} onClick={applyTag}>
          Apply
        </button>
        {stages && (
          <select
            data-testid="bulk-stage"
            aria-label="Set stage"
            value=""
            disabled={!!busy}
            onChange={(e) => {
              const stage = e.currentTarget.value;
              e.currentTarget.value = '';
              if (!stage) return;
              const clear = stage === '\u0000';
              void run('Setting the stage', async () => {
                const changed = await bulkEdit(kind, keys(), { stage: clear ? '' : stage }, source());
                return clear ? `Cleared the stage of ${plural(changed)}.` : `Set ${plural(changed)} to ${stage}.`;
              });
            }}
          >
            <option value="">Set stage…</option>
            {stages.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
            <option value={'\u0000'}>(no stage)</option>
          </select>
        )}
        <button
          type="button"
          data-testid="bulk-sync"
          disabled={!!busy}
          onClick={() =>
            void run('Queueing', async () => `Queued ${(await bulkQueue(kind, keys())).toLocaleString()} pushes for your CRMs.`)
          }
        >
          Queue for sync
        </button>
        <button
          type="button"
          data-testid="bulk-export"
          aria-expanded={exporting}
          disabled={!!busy}
          onClick={() => setExporting(!exporting)}
        >
          Export…
        </button>
        {confirming ? (
          <span class="ws-confirm" role="alertdialog" aria-label="Confirm delete">
            Delete {plural(count)}? {consequences}
            <button
              type="button"
              data-testid="bulk-delete-confirm"
              class="danger"
              onClick={() => {
                setConfirming(false);
                onDelete(ids());
              }}
            >
              Delete
            </button>
            <button type="button" data-testid="bulk-delete-cancel" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </span>
        ) : (
          <button type="button" data-testid="bulk-delete" class="danger" disabled={!!busy} onClick={() => setConfirming(true)}>
            Delete…
          </button>
        )}
        {busy && <span role="status">{busy}…</span>}
      </div>
      {exporting && (
        <div class="ws-bulk-export" data-testid="bulk-export-panel">
          <ExportControls selection={selection} disabled={!!busy} onNotice={(n) => n && onDone(n.text)} />
        </div>
      )}
    </div>
  );
}
