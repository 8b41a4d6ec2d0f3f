// Backfill: queueing the records saved before a connection could receive them (a new connection,
// a kind newly chosen, a direction that starts pushing). It is a job in the database, not a loop in
// the page that asked for it: the job is planned in the same transaction that saves the connection
// (sync/connectors.ts), and the service worker runs it a page of records per transaction, saving its
// cursor in that transaction. A worker stopped half-way resumes after the last committed page, so
// every record is queued once, and a closed options page loses nothing (docs/decisions/0029).
import type { IndexableType, Table } from 'dexie';
import type { RapportDB } from './db';
import { type Change, activityChanges, entryKey, newChangeId } from './outbox';
import type { Activity, Task } from './schema';
import { BACKFILL_PREFIX, type BackfillJob, type BackfillScan, type ConnectorInstance, type OutboxEntry, type SyncKind } from './sync-rows';

export const backfillKey = (connectorId: string): string => `${BACKFILL_PREFIX}${connectorId}`;

type SourceTable = BackfillScan['table'];

/** Which table holds each kind, in the order the engine pushes them (companies before people). */
const SOURCES: { table: SourceTable; kinds: SyncKind[] }[] = [
  { table: 'companies', kinds: ['company'] },
  { table: 'contacts', kinds: ['contact'] },
  { table: 'activities', kinds: ['email', 'note', 'call', 'meeting'] },
  { table: 'tasks', kinds: ['task'] },
  { table: 'deals', kinds: ['deal'] },
];

/** Whether an instance receives local records at all. */
export function pushes(inst: Pick<ConnectorInstance, 'enabled' | 'direction'> | undefined): boolean {
  return !!inst && inst.enabled && inst.direction !== 'pull';
}

/** The kinds a saved instance must have backfilled: those it pushes now and did not push before. */
export function kindsToBackfill(old: ConnectorInstance | undefined, next: ConnectorInstance): SyncKind[] {
  if (!pushes(next)) return [];
  return next.kinds.filter((k) => !(pushes(old) && old!.kinds.includes(k)));
}

/**
 * Adds scans for `kinds` to the instance's job (creating it). Runs inside the caller's transaction,
 * which must include `syncState`. A scan already planned or under way is left where it is: the new
 * one covers only the kinds it adds.
 */
export async function planBackfill(db: RapportDB, connectorId: string, kinds: SyncKind[], now: number = Date.now()): Promise<void> {
  if (kinds.length === 0) return;
  await db.transaction('rw', db.syncState, async () => {
    const key = backfillKey(connectorId);
    const job: BackfillJob = (await db.syncState.get(key))?.backfill ?? { scans: [], queued: 0, startedAt: now };
    for (const src of SOURCES) {
      const wanted = src.kinds.filter((k) => kinds.includes(k));
      if (wanted.length) job.scans.push({ table: src.table, kinds: wanted });
    }
    await db.syncState.put({ key, backfill: job });
  });
}

/** The job of one instance (for progress displays), or undefined when none is left. */
export async function backfillJob(db: RapportDB, connectorId: string): Promise<BackfillJob | undefined> {
  return (await db.syncState.get(backfillKey(connectorId)))?.backfill;
}

/** Instances with a backfill job left. */
export async function pendingBackfills(db: RapportDB): Promise<string[]> {
  const keys = await db.syncState.where('key').between(BACKFILL_PREFIX, `${BACKFILL_PREFIX}\uffff`).primaryKeys();
  return keys.map((k) => String(k).slice(BACKFILL_PREFIX.length));
}

/**
 * Queues the next page of the job's first scan and moves its cursor, in one transaction. Returns how
 * many entries it queued and whether the job is finished (or gone: its instance was removed or no
 * longer pushes).
 */
export async function backfillStep(
  db: RapportDB,
  connectorId: string,
  pageSize = 2000,
  now: number = Date.now(),
): Promise<{ queued: number; done: boolean }> {
  const tables = SOURCES.map((s) => db.table(s.table));
  return db.transaction('rw', [db.syncState, db.outbox, db.connectors, ...tables], async () => {
    const key = backfillKey(connectorId);
    const job = (await db.syncState.get(key))?.backfill;
    if (!job) return { queued: 0, done: true };
    const inst = await db.connectors.get(connectorId);
    const scan = job.scans[0];
    if (!pushes(inst) || !scan) {
      await db.syncState.delete(key);
      return { queued: 0, done: true };
    }
    const table: Table = db.table(scan.table);
    const page = scan.after === undefined ? table.orderBy(':id') : table.where(':id').above(scan.after);
    const rows = (await page.limit(pageSize).toArray()) as Record<string, IndexableType>[];
    const kinds = scan.kinds.filter((k) => inst!.kinds.includes(k));
    const changes = toChanges(scan.table, rows).filter((c) => kinds.includes(c.kind));
    const queued = await enqueueFor(db, connectorId, changes, now);
    if (rows.length < pageSize) job.scans.shift();
    else scan.after = rows[rows.length - 1][table.schema.primKey.keyPath as string] as string | number;
    job.queued += queued;
    if (job.scans.length === 0) await db.syncState.delete(key);
    else await db.syncState.put({ key, backfill: job });
    return { queued, done: job.scans.length === 0 };
  });
}

/**
 * Runs the jobs of the given instances (all by default) until they are done, `budgetMs` is spent or
 * `signal` aborts (between pages: a page is one transaction).
 * Returns how many entries it queued.
 */
export async function continueBackfills(
  db: RapportDB,
  opts: { connectorIds?: string[]; pageSize?: number; budgetMs?: number; now?: () => number; signal?: AbortSignal } = {},
): Promise<number> {
  const now = opts.now ?? Date.now;
  const until = Date.now() + (opts.budgetMs ?? Infinity);
  let total = 0;
  for (const id of opts.connectorIds ?? (await pendingBackfills(db))) {
    for (;;) {
      if (opts.signal?.aborted) return total;
      const step = await backfillStep(db, id, opts.pageSize, now());
      total += step.queued;
      if (step.done) break;
      if (Date.now() >= until) return total;
    }
  }
  return total;
}

/**
 * Queues every existing record of the instance's kinds, to the end (bench and tests; the extension
 * plans the job when a connection is saved and lets the service worker run it). A job already
 * planned is run as it is; without one, one is planned for all the instance's kinds.
 */
export async function backfill(db: RapportDB, connectorId: string, pageSize = 2000, now: number = Date.now()): Promise<number> {
  const inst = await db.connectors.get(connectorId);
  if (!pushes(inst)) return 0;
  if (!(await backfillJob(db, connectorId))) await planBackfill(db, connectorId, inst!.kinds, now);
  return continueBackfills(db, { connectorIds: [connectorId], pageSize, now: () => now });
}

function toChanges(table: SourceTable, rows: unknown[]): Change[] {
  if (table === 'activities') return activityChanges(rows as Activity[]);
  // Rapport's own keep-in-touch items stay local (storage/tasks.ts).
  if (table === 'tasks') return (rows as Task[]).filter((t) => t.origin !== 'cadence').map((t) => ({ kind: 'task', localId: t.id }));
  const kind = SOURCES.find((s) => s.table === table)!.kinds[0];
  return (rows as { id: string }[]).map((r) => ({ kind, localId: r.id }));
}

/**
 * Entries for one instance, in the caller's transaction. A record already queued keeps its entry
 * (the engine reads the current record anyway); only missing entries are added.
 */
async function enqueueFor(db: RapportDB, connectorId: string, changes: Change[], now: number): Promise<number> {
  const ids = changes.map((c) => entryKey(connectorId, c.kind, c.localId));
  const existing = await db.outbox.bulkGet(ids);
  const rows: OutboxEntry[] = [];
  changes.forEach((c, i) => {
    if (existing[i]) return;
    rows.push({
      id: ids[i],
      connectorId,
      kind: c.kind,
      localId: c.localId,
      state: 'pending',
      attempts: 0,
      nextAt: now,
      version: 1,
      changeId: newChangeId(),
      createdAt: now,
      updatedAt: now,
    });
  });
  await db.outbox.bulkPut(rows);
  return rows.length;
}
