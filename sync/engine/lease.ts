// The engine lease (one engine pushes at a time) and the batch leases a run leaves behind when it
// dies or loses the engine lease.
import type { RapportDB } from '../../storage/db';
import { entryKey } from '../../storage/outbox';
import { BATCH_PREFIX, ENGINE_KEY, type OutboxEntry, type SyncStateRow } from '../../storage/sync-rows';
import { release } from './entries';
import type { EngineEnv } from './env';
import type { RunState } from './state';

/** Takes (or renews) the engine lease; false when another live engine holds it. */
export async function takeLease(db: RapportDB, owner: string, now: number, leaseMs: number): Promise<{ ok: boolean; until: number }> {
  return db.transaction('rw', db.syncState, async () => {
    const row = await db.syncState.get(ENGINE_KEY);
    const lease = row?.lease;
    if (lease && lease.owner !== owner && lease.until > now) return { ok: false, until: lease.until };
    const until = now + leaseMs;
    await db.syncState.put({ ...row, key: ENGINE_KEY, lease: { owner, until } });
    return { ok: true, until };
  });
}

export async function releaseLease(db: RapportDB, owner: string): Promise<void> {
  await db.transaction('rw', db.syncState, async () => {
    const row = await db.syncState.get(ENGINE_KEY);
    if (row?.lease?.owner === owner) await db.syncState.put({ key: ENGINE_KEY });
  });
}

/** Renews the engine lease once half of it is used up; false (and stop) when it was lost. */
export async function ensureLease(env: Pick<EngineEnv, 'db' | 'owner' | 'now' | 'leaseMs' | 'log'>, state: RunState): Promise<boolean> {
  const t = env.now();
  if (state.leaseUntil - t >= env.leaseMs / 2) return true;
  const lease = await takeLease(env.db, env.owner, t, env.leaseMs);
  if (!lease.ok) {
    state.stop = 'lease-lost';
    env.log({ level: 'warn', message: 'another sync engine took over the lease' });
    return false;
  }
  state.leaseUntil = lease.until;
  return true;
}

/**
 * At service-worker start-up: a browser runs one worker at a time, so any engine lease found then
 * belongs to a killed instance. Frees it and the entries it held (through the state index: no scan
 * of the whole outbox), instead of waiting for the leases to expire.
 */
export async function releaseDeadLeases(db: RapportDB, now: number = Date.now()): Promise<number> {
  return db.transaction('rw', db.syncState, db.outbox, db.connectors, async () => {
    const row = await db.syncState.get(ENGINE_KEY);
    if (row?.lease) await db.syncState.put({ key: ENGINE_KEY });
    let n = await settleBatches(db, now, false);
    // Entries leased one by one (before batch leases; a database upgraded mid-sync).
    for (const id of await db.connectors.toCollection().primaryKeys()) {
      n += await db.outbox
        .where('[connectorId+state]')
        .equals([id, 'leased'])
        .modify((e) => {
          Object.assign(e, release(e, now, now));
          delete e.leaseOwner;
          delete e.leaseUntil;
        });
    }
    return n;
  });
}

/**
 * Settles the batch leases left by runs that ended without committing them (killed, or lost the
 * engine lease): their entries lose `fresh` — the request may have created the record remotely, so
 * the next push looks it up first — and, with `waitForExpiry`, are not due before the lease's end
 * (a run that lost its lease may still be waiting for an answer). Runs in the caller's transaction
 * (outbox + syncState); returns how many entries were in those batches.
 */
export async function settleBatches(db: RapportDB, now: number, waitForExpiry: boolean): Promise<number> {
  const rows = await db.syncState.where('key').between(BATCH_PREFIX, `${BATCH_PREFIX}\uffff`).toArray();
  let n = 0;
  for (const row of rows) {
    const batch = row.batch;
    if (batch) {
      const ids = batch.localIds?.map((l) => entryKey(batch.connectorId, batch.kind, l)) ?? batch.entries?.map(([id]) => id) ?? [];
      const entries = await db.outbox.bulkGet(ids);
      const settled = entries
        .filter((e): e is OutboxEntry => !!e)
        .map((e) => {
          const { fresh: _f, ...rest } = e;
          return waitForExpiry && batch.until > now ? { ...rest, nextAt: Math.max(e.nextAt, batch.until) } : rest;
        });
      await db.outbox.bulkPut(settled);
      n += ids.length;
    }
    await db.syncState.delete(row.key);
  }
  return n;
}

/** Who holds the engine lease now (for status displays and tests). */
export async function engineLease(db: RapportDB): Promise<SyncStateRow['lease']> {
  return (await db.syncState.get(ENGINE_KEY))?.lease;
}
