// Batch leases: taking the next due entries of a kind as batches to send, each with one lease
// row, and giving those rows back when a batch is not sent or is aborted.
import Dexie from 'dexie';
import type { PushItem, PushRecord, SyncKind } from '../../connectors/types';
import { changeIdOf } from '../../storage/outbox';
import { getManyInRange } from '../../storage/key-ranges';
import { BATCH_PREFIX, NEVER, type OutboxEntry, isItemKind } from '../../storage/sync-rows';
import type { ConnectorRun } from './connector-run';
import { DUE_INDEX, release } from './entries';
import type { EngineEnv } from './env';
import { type Prepared, prepare } from './prepare';
import type { RunState } from './state';
import { tableFor } from './tables';

/**
 * Where one kind's run stands: the entries of its batches in flight (never read twice), and the
 * due-index position just after the last batch taken, where the next one starts (the batches in
 * flight are not written to, so a read from the start would have to read past them).
 */
export interface Lane {
  inFlight: Set<string>;
  after?: [nextAt: number, id: string];
}

/**
 * Takes the next `count` batches of one kind, in one read-write transaction: finds up to
 * `size × count` due entries after the lane's position, reads what their push needs (records,
 * remote ids, unpushed dependencies), and writes the outcome — one lease row per batch to send (the
 * entries themselves are not written: a write per entry costs many times one row), entries whose
 * record was deleted dropped, entries waiting for a contact or company to be pushed first moved to
 * later. One transaction instead of one per step or per batch: in Chromium each transaction on the
 * outbox waits for every earlier one and has a cost of its own (docs/decisions/0009). A fresh
 * entry keeps its flag while in flight: the run that sent it clears it with the outcome, and a run
 * that dies leaves its lease row behind, which the next run settles (settleBatches, lease.ts)
 * before anything is sent again. The entries taken join lane.inFlight.
 */
export async function leaseBatches(
  env: Pick<EngineEnv, 'db' | 'now' | 'leaseMs' | 'owner'>,
  state: RunState,
  run: Pick<ConnectorRun, 'inst' | 'links' | 'connector'>,
  kind: SyncKind,
  size: number,
  count: number,
  lane: Lane,
  sweep: boolean,
): Promise<{ found: number; batches: Prepared[]; swept: boolean }> {
  const { db } = env;
  const t = env.now();
  const until = t + env.leaseMs;
  const cid = run.inst.id;
  const limit = size * count;
  // Pipeline items also read their pipelines and their threads' e-mails (prepare → item-pipelines.ts).
  const tables = [db.outbox, db.links, db.syncState, tableFor(db, kind), ...(isItemKind(kind) ? [db.pipelines, db.activities] : [])];
  return db.transaction('rw', tables, async () => {
    const read = (from: [number, string], n: number) =>
      db.outbox.where(DUE_INDEX).between([cid, kind, from[0], from[1]], [cid, kind, t, Dexie.maxKey], false, true).limit(n).toArray();
    const usable = (e: OutboxEntry) => e.state !== 'dead' && !lane.inFlight.has(e.id);
    // (A clock set back behind the position reads from the start: IndexedDB rejects a reversed range.)
    const fromPosition = !!lane.after && lane.after[0] <= t;
    let due = fromPosition ? (await read(lane.after!, limit)).filter(usable) : [];
    if (!due.length && fromPosition && !sweep) return { found: 0, batches: [], swept: false };
    if (!due.length) {
      // From the start: entries that became due behind the position (put back after a failure,
      // changed while in flight), past the ones in flight. Reading limit + in flight rows always
      // finds one that is not in flight if there is one.
      // Only keys are read past the ones in flight (a key costs a fraction of a row to read).
      const keys = (await db.outbox
        .where(DUE_INDEX)
        .between([cid, kind, Dexie.minKey, Dexie.minKey], [cid, kind, t, Dexie.maxKey], true, true)
        .limit(limit + lane.inFlight.size)
        .primaryKeys()) as string[];
      const wanted = keys.filter((k) => !lane.inFlight.has(k)).slice(0, limit);
      const rows = wanted.length ? (await getManyInRange(db.outbox, 'id', wanted)).found : new Map<string, OutboxEntry>();
      due = wanted.map((k) => rows.get(k)).filter((e): e is OutboxEntry => !!e && usable(e) && e.nextAt <= t);
    }
    if (!due.length) return { found: 0, batches: [], swept: true };
    const last = due[due.length - 1];
    lane.after = [last.nextAt, last.id];
    const fresh = new Set(due.filter((e) => e.fresh).map((e) => e.id));
    const all = await prepare(env, run.inst, run.links, kind, due, fresh);
    const batches: Prepared[] = [];
    for (let i = 0; i < all.items.length; i += size) {
      const items = all.items.slice(i, i + size);
      const byEntry = new Map(items.map((it) => [it.entryId, all.byEntry.get(it.entryId)!]));
      batches.push({ batchKey: `${BATCH_PREFIX}${env.owner}|${state.batches++}`, items, byEntry, gone: [], archives: [], deferred: [] });
    }
    const archives = archiveBatches(run, kind, all.archives, size, () => `${BATCH_PREFIX}${env.owner}|${state.batches++}`);
    batches.push(...archives.batches);
    if (batches.length) {
      await db.syncState.bulkPut(
        batches.map((b) => ({
          key: b.batchKey!,
          batch: { owner: env.owner, connectorId: cid, kind, until, localIds: [...b.byEntry.values()].map(({ entry: e }) => e.localId) },
        })),
      );
      for (const b of batches) for (const { entry } of b.byEntry.values()) lane.inFlight.add(entry.id);
    }
    // Deferred entries were never handed to the connector: they keep their `fresh` flag.
    const later = all.deferred.map((d) => ({ ...release(d.entry, d.until, t), ...(d.entry.fresh ? { fresh: true as const } : {}) }));
    if (later.length) await db.outbox.bulkPut(later);
    if (all.gone.length) await db.outbox.bulkDelete(all.gone.map((e) => e.id));
    if (archives.refused.length) await db.outbox.bulkPut(archives.refused.map((e) => refuseArchive(run, e, t)));
    return { found: due.length, batches, swept: false };
  });
}

/**
 * Archive entries (decision 0043) and merge entries (0048) as batches for Connector.archive and
 * Connector.merge: each item names the record by its remote id. Entries a connector cannot carry
 * out are `refused`.
 */
function archiveBatches(
  run: Pick<ConnectorRun, 'connector'>,
  kind: SyncKind,
  entries: OutboxEntry[],
  size: number,
  batchKey: () => string,
): { batches: Prepared[]; refused: OutboxEntry[] } {
  if (!entries.length) return { batches: [], refused: [] };
  const merges = entries.filter((e) => e.op === 'merge');
  const archives = entries.filter((e) => e.op !== 'merge');
  const refused = [
    ...(run.connector.merge && kind === 'contact' ? [] : merges),
    ...(run.connector.archive && run.connector.archivable?.includes(kind) ? [] : archives),
  ];
  const batches: Prepared[] = [];
  for (const [op, list] of [
    ['merge', merges],
    ['archive', archives],
  ] as const) {
    if (list.some((e) => refused.includes(e))) continue;
    batches.push(...opBatches(kind, list, size, batchKey, op));
  }
  return { batches, refused };
}

/** Batches of one operation; the batch says which (`archive` or `merge`). */
function opBatches(kind: SyncKind, entries: OutboxEntry[], size: number, batchKey: () => string, op: 'archive' | 'merge'): Prepared[] {
  const batches: Prepared[] = [];
  for (let i = 0; i < entries.length; i += size) {
    const part = entries.slice(i, i + size);
    const items: PushItem[] = part.map((entry) => ({
      entryId: `${entry.id}#${entry.version}`,
      changeId: changeIdOf(entry),
      item: { kind, record: { id: entry.localId } } as PushRecord,
      remoteId: entry.remoteId,
      linked: { contacts: {}, companies: {} },
    }));
    const byEntry = new Map(part.map((entry, j) => [items[j].entryId, { entry, hadRemoteId: true }]));
    batches.push({ batchKey: batchKey(), items, byEntry, gone: [], archives: [], deferred: [], [op]: true });
  }
  return batches;
}

const KIND_NAME: Partial<Record<SyncKind, string>> = {
  email: 'a logged e-mail',
  note: 'a note',
  call: 'a call',
  meeting: 'a meeting',
  task: 'a task',
};

/** What the user reads when a connection cannot archive or delete such a record. */
export function refusalMessage(displayName: string, e: Pick<OutboxEntry, 'kind' | 'remoteId'>, noArchive?: string): string {
  if (e.kind === 'contact' || e.kind === 'company')
    return `${displayName} cannot archive from Rapport: ${noArchive ?? 'archive this record there by hand'} (its id there: ${e.remoteId})`;
  return `${displayName} cannot delete ${KIND_NAME[e.kind] ?? 'this record'} from Rapport: remove it there by hand (its id there: ${e.remoteId})`;
}

/** An archive or merge request this connection cannot carry out: failed for good, saying what to do instead. */
function refuseArchive(run: Pick<ConnectorRun, 'connector'>, e: OutboxEntry, t: number): OutboxEntry {
  const { fresh: _f, ...rest } = e;
  const name = run.connector.displayName;
  return {
    ...rest,
    state: 'dead',
    nextAt: NEVER,
    lastError:
      e.op === 'merge'
        ? `${name} cannot merge from Rapport: merge record ${e.remoteId} into ${e.intoRemoteId} there by hand`
        : refusalMessage(name, e, run.connector.noArchive),
    lastErrorKind: 'validation',
    updatedAt: t,
  };
}

/**
 * Whether any entry of the kind not in flight is due, from the start of the due index: a read-only
 * look (keys only) before the read-write lease, so that readers of the outbox (the popup, the
 * options page) are not held up by a lease that finds nothing — after a large sync the index's
 * start is a long run of deleted rows that IndexedDB still has to step over.
 */
export async function anyDueFromStart(env: Pick<EngineEnv, 'db' | 'now'>, cid: string, kind: SyncKind, lane: Lane): Promise<boolean> {
  const t = env.now();
  const keys = (await env.db.outbox
    .where(DUE_INDEX)
    .between([cid, kind, Dexie.minKey, Dexie.minKey], [cid, kind, t, Dexie.maxKey], true, true)
    .limit(1 + lane.inFlight.size)
    .primaryKeys()) as string[];
  return keys.some((k) => !lane.inFlight.has(k));
}

/** Batches leased but never handed to the connector: their lease rows go; the entries were not touched. */
export async function dropLeases(env: Pick<EngineEnv, 'db' | 'owner'>, batches: Prepared[]): Promise<void> {
  const { db } = env;
  await db
    .transaction('rw', db.syncState, async () => {
      const keys = batches.map((b) => b.batchKey!).filter(Boolean);
      const rows = await db.syncState.bulkGet(keys);
      await db.syncState.bulkDelete(keys.filter((_, i) => rows[i]?.batch?.owner === env.owner));
    })
    .catch(() => undefined); // left behind, they are settled by the next run
}

/** An aborted batch: its lease row goes, its entries stay due and lose `fresh` (the request may have gone out). */
export async function releaseAll(env: Pick<EngineEnv, 'db' | 'owner'>, prepared: Prepared): Promise<void> {
  const { db } = env;
  const key = prepared.batchKey;
  if (!key) return;
  await db
    .transaction('rw', db.outbox, db.syncState, async () => {
      if ((await db.syncState.get(key))?.batch?.owner !== env.owner) return; // settled by another run
      const entries = await db.outbox.bulkGet([...prepared.byEntry.values()].map((x) => x.entry.id));
      await db.outbox.bulkPut(
        entries
          .filter((e): e is OutboxEntry => !!e?.fresh)
          .map((e) => {
            const { fresh: _f, ...rest } = e;
            return rest;
          }),
      );
      await db.syncState.delete(key);
    })
    .catch(() => undefined);
}
