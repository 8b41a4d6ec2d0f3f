// Outbox entries as the engine reads and writes them.
import type { OutboxEntry } from '../../storage/sync-rows';

/** The outbox index the engine reads due entries from: by instance, kind, due time, then id. */
export const DUE_INDEX = '[connectorId+kind+nextAt+id]';

/** The entry back in the queue, due at `nextAt`, no longer fresh (it may have been sent). */
export function release(e: OutboxEntry, nextAt: number, t: number): OutboxEntry {
  const { leaseOwner: _o, leaseUntil: _u, dirty: _d, fresh: _f, awaiting: _a, ...rest } = e;
  return { ...rest, state: e.attempts > 0 ? 'failed' : 'pending', nextAt, updatedAt: t };
}
