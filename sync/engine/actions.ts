// What the user can do from the options page and the popup: sync now, retry, discard, list.
import type { ConnectorRegistry } from '../../connectors/registry';
import type { RapportDB } from '../../storage/db';
import { connectorStateKey, type OutboxEntry } from '../../storage/sync-rows';
import { runOnce } from './run';
import type { RunSummary, SyncNowOptions } from './types';

/** "Sync now": everything waiting (backoff, rate-limit waits) is due at once, then one run. */
export async function syncNow(db: RapportDB, registry: ConnectorRegistry, opts: SyncNowOptions = {}): Promise<RunSummary> {
  const t = (opts.now ?? Date.now)();
  await db.transaction('rw', db.outbox, db.connectors, db.syncState, async () => {
    const ids = opts.connectorIds ?? (await db.connectors.toCollection().primaryKeys());
    for (const id of ids) {
      // A pull is due now too.
      const row = await db.syncState.get(connectorStateKey(id));
      if (row?.nextPullAt && row.nextPullAt > t) await db.syncState.put({ ...row, nextPullAt: t });
      for (const state of ['pending', 'failed'] as const) {
        await db.outbox
          .where('[connectorId+state]')
          .equals([id, state])
          .modify((e) => {
            if (e.nextAt > t) e.nextAt = t;
          });
      }
    }
  });
  return runOnce(db, registry, opts);
}

/** Retries one failed or dead entry now. */
export async function retryEntry(db: RapportDB, id: string, now: number = Date.now()): Promise<boolean> {
  return db.transaction('rw', db.outbox, async () => {
    const e = await db.outbox.get(id);
    if (!e || e.state === 'leased') return false;
    const { awaiting: _a, ...rest } = e;
    await db.outbox.put({
      ...rest,
      state: 'pending',
      attempts: 0,
      nextAt: now,
      lastError: undefined,
      lastErrorKind: undefined,
      updatedAt: now,
    });
    return true;
  });
}

/** Retries every dead entry of an instance. */
export async function retryDead(db: RapportDB, connectorId: string, now: number = Date.now()): Promise<number> {
  return db.outbox
    .where('[connectorId+state]')
    .equals([connectorId, 'dead'])
    .modify((e) => {
      Object.assign(e, { state: 'pending', attempts: 0, nextAt: now, updatedAt: now });
      delete e.lastError;
      delete e.lastErrorKind;
      delete e.awaiting;
    });
}

/** Gives up on one entry (the record stays local; the next change queues it again). */
export async function discardEntry(db: RapportDB, id: string): Promise<boolean> {
  return db.transaction('rw', db.outbox, async () => {
    const found = await db.outbox.get(id);
    if (!found) return false;
    await db.outbox.delete(id);
    return true;
  });
}

/** Entries of an instance for the options page (failed and dead first: what needs attention). */
export async function listEntries(
  db: RapportDB,
  connectorInstanceId: string,
  states: OutboxEntry['state'][] = ['dead', 'failed'],
  limit = 200,
): Promise<OutboxEntry[]> {
  const out: OutboxEntry[] = [];
  for (const state of states) {
    if (out.length >= limit) break;
    out.push(
      ...(await db.outbox
        .where('[connectorId+state]')
        .equals([connectorInstanceId, state])
        .limit(limit - out.length)
        .toArray()),
    );
  }
  return out;
}
