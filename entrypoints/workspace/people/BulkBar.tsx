// Bulk actions on the selected people (or all N matching): tags, stage, sync, export, delete with
// a confirmation and an undo window. The writes are storage/bulk.ts's; the service worker is told
// afterwards so the sync engine sends what they queued.
import { useState } from 'preact/hooks';
import { callBackground } from '../../../messaging/client';
import { type PersonKey, bulkEditContacts, bulkQueueForSync, exportSelectionParts, personId } from '../../../storage/bulk';
import type { Source } from '../../../storage/schema';

export interface BulkBarProps {
  /** How many people the actions apply to. */
  count: number;
  /** Who they are (read when an action starts). */
  ids(): PersonKey[];
  stages: string[];
  onDelete(ids: string[]): void;
  onDone(message: string): void;
}

const source = (): Source => ({ type: 'manual', ref: 'workspace bulk action', at: new Date().toISOString() });
const plural = (n: number) => `${n.toLocaleString()} ${n === 1 ? 'person' : 'people'}`;

async function download(parts: AsyncGenerator<string>, name: string) {
  const chunks: string[] = [];
  for await (const p of parts) chunks.push(p);
  const url = URL.createObjectURL(new Blob(chunks, { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function BulkBar({ count, ids, stages, onDelete, onDone }: BulkBarProps) {
  const [tag, setTag] = useState('');
  const [mode, setMode] = useState<'add' | 'remove'>('add');
  const [busy, setBusy] = useState<string | undefined>();
  const [confirming, setConfirming] = useState(false);

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
      const changed = await bulkEditContacts(ids(), mode === 'add' ? { addTags: [t] } : { removeTags: [t] }, source());
      setTag('');
      return `${mode === 'add' ? 'Tagged' : 'Untagged'} ${plural(changed)} “${t}”.`;
    });
  };

  if (count === 0) return null;
  return (
    <div class="ws-bulk" data-testid="bulk-bar" aria-busy={busy ? true : undefined}>
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
            const changed = await bulkEditContacts(ids(), { stage: clear ? '' : stage }, source());
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
      <button
        type="button"
        data-testid="bulk-sync"
        disabled={!!busy}
        onClick={() => void run('Queueing', async () => `Queued ${(await bulkQueueForSync(ids())).toLocaleString()} pushes for your CRMs.`)}
      >
        Queue for sync
      </button>
      <button
        type="button"
        data-testid="bulk-export"
        disabled={!!busy}
        onClick={() =>
          void run('Exporting', async () => {
            const list = ids();
            await download(exportSelectionParts(list), `rapport-selection-${new Date().toISOString().slice(0, 10)}.json`);
            return `Exported ${plural(list.length)}.`;
          })
        }
      >
        Export
      </button>
      {confirming ? (
        <span class="ws-confirm" role="alertdialog" aria-label="Confirm delete">
          Delete {plural(count)} and their own history?
          <button
            type="button"
            data-testid="bulk-delete-confirm"
            class="danger"
            onClick={() => {
              setConfirming(false);
              onDelete(ids().map(personId));
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
  );
}
