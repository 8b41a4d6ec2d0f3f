// A bulk delete with its undo window (decision 0042: nothing is written until the window ends), and
// the bar that says what is happening: "Deleting N… Undo", then what the last action did.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { callBackground } from '../../../messaging/client';
import { type BulkKind, type PendingDelete, deleteWithUndo } from '../../../storage/bulk';
import { countOf } from './BulkBar';

/** How long a bulk delete can be undone before it commits. */
export const UNDO_MS = 6000;

export interface UndoDelete {
  pending: PendingDelete | undefined;
  /** The ids waiting to be deleted: the table hides them at once. */
  hidden: ReadonlySet<string> | undefined;
  message: string | undefined;
  setMessage(message: string | undefined): void;
  start(ids: string[]): void;
}

export function useUndoDelete(kind: BulkKind): UndoDelete {
  const [pending, setPending] = useState<PendingDelete | undefined>();
  const [message, setMessage] = useState<string | undefined>();
  // Leaving the page commits a delete still waiting.
  useEffect(() => () => void pending?.commitNow(), [pending]);
  const hidden = useMemo(() => (pending ? new Set(pending.ids) : undefined), [pending]);
  const start = (ids: string[]) => {
    void pending?.commitNow();
    const job = deleteWithUndo(ids, UNDO_MS, { kind });
    setPending(job);
    setMessage(undefined);
    void job.done.then(
      (n) => {
        setPending((p) => (p === job ? undefined : p));
        if (n) {
          setMessage(`Deleted ${countOf(kind, n)}.`);
          void callBackground('dataChanged', { what: 'edit', count: n }).catch(() => undefined);
        }
      },
      (e: unknown) => {
        setPending((p) => (p === job ? undefined : p));
        setMessage(`Delete failed: ${e instanceof Error ? e.message : String(e)}`);
      },
    );
  };
  return { pending, hidden, message, setMessage, start };
}

/** "Deleting N… Undo" while a delete waits, else the last action's message. */
export function BulkStatus({ kind, state }: { kind: BulkKind; state: UndoDelete }) {
  const { pending, message } = state;
  if (pending)
    return (
      <div class="ws-toast" role="status" data-testid="undo-bar">
        Deleting {countOf(kind, pending.ids.length)}…
        <button
          type="button"
          data-testid="bulk-undo"
          onClick={() => {
            if (pending.undo()) state.setMessage('Delete undone.');
          }}
        >
          Undo
        </button>
      </div>
    );
  return message ? (
    <div class="ws-toast" role="status" data-testid="bulk-message">
      {message}
    </div>
  ) : null;
}
