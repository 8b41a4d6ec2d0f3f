// Sync soon after a page's own edits: a write that queued outbox entries (an edit, a delete, a note
// in the workspace or the popup) wakes the background's sync engine a moment later, instead of
// waiting for its one-minute alarm. Several writes in a row wake it once. The engine itself runs
// in the service worker, which the message wakes up if it was stopped.
import { callBackground } from '../../messaging/client';
import { onCommittedWrite } from '../../storage/write-signal';

/** How long after the last write the background is told (a burst of edits is one wake-up). */
export const SYNC_SOON_MS = 2000;

/**
 * Wakes `wake` `delayMs` after the last of a burst of outbox writes this page committed (the
 * database's write signal, storage/write-signal.ts: a failed transaction signals nothing).
 */
export function wakeAfterOutboxWrites(wake: () => void, delayMs = SYNC_SOON_MS): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCommittedWrite(({ table }) => {
    if (table !== 'outbox') return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      wake();
    }, delayMs);
  });
}

/** For an extension page: tell the background that data changed, so it syncs. */
export function syncSoonAfterEdits(delayMs = SYNC_SOON_MS): void {
  wakeAfterOutboxWrites(() => void callBackground('dataChanged', { what: 'edit' }).catch(() => undefined), delayMs);
}
