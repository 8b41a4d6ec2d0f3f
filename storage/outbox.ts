// The outbox: what has to reach each CRM. Entries are written by the repositories inside the same
// Dexie transaction as the change they describe (docs/architecture.md, principle 3), one entry per record and
// connector instance, coalesced: ten edits before a sync are one entry and one remote write.
import type { Table } from 'dexie';
import type { RapportDB } from './db';
import { type Activity, newId } from './schema';
import { type OutboxEntry, type SyncKind } from './sync-rows';

export interface Change {
  kind: SyncKind;
  localId: string;
  /** The record was created in this transaction under a newly generated id (see OutboxEntry.fresh). */
  fresh?: boolean;
}

/** Tables a transaction must include to call enqueue() / dropEntries(). */
export function outboxScope(db: RapportDB): Table[] {
  return [db.outbox, db.connectors];
}

export function entryKey(connectorId: string, kind: SyncKind, localId: string): string {
  return `${connectorId}|${kind}|${localId}`;
}

/** A new change id (OutboxEntry.changeId): time-ordered, with 80 random bits. */
export function newChangeId(): string {
  return newId('chg');
}

/**
 * The id of the change an entry carries. Rows from before change ids existed get one from their
 * creation time and version: stable across retries, and (unlike the entry id and version alone)
 * new once the entry was deleted and queued again — unless that happened within the same
 * millisecond, which is why new rows carry a random one.
 */
export function changeIdOf(entry: Pick<OutboxEntry, 'id' | 'createdAt' | 'version' | 'changeId'>): string {
  return entry.changeId ?? `${entry.id}#${entry.createdAt}#${entry.version}`;
}

/** The sync kind of an activity: emails, notes, calls and meetings are pushed; profile views and the like are not. */
export function activityKind(activity: Pick<Activity, 'type'>): SyncKind | undefined {
  const t = activity.type;
  return t === 'email' || t === 'note' || t === 'call' || t === 'meeting' ? t : undefined;
}

/** Changes for written activities (skipping types no connector takes). */
export function activityChanges(activities: Iterable<Pick<Activity, 'id' | 'type'>>, freshIds?: ReadonlySet<string>): Change[] {
  const out: Change[] = [];
  for (const a of activities) {
    const kind = activityKind(a);
    if (kind) out.push({ kind, localId: a.id, ...(freshIds?.has(a.id) ? { fresh: true } : {}) });
  }
  return out;
}

/**
 * Records that changes must reach every enabled, pushing connector instance that syncs their
 * kind. Runs inside the caller's transaction (which must include outboxScope); with no connector
 * configured it costs one read of an empty table and writes nothing.
 *
 * Coalescing: an entry already waiting (pending/failed) gets version+1 and a new change id — also
 * while its batch is in flight: the engine's commit sees a change other than the one it sent, keeps
 * the entry and sends it again under the new id (a `leased` entry, written by engines before DB v6,
 * is flagged dirty instead); a dead entry is re-armed (the change may fix what the vendor
 * rejected). The change id is new at every change, sent or not: a request that timed out may have
 * reached the receiver with the old content, so the new content must not look like a retry of it.
 */
export async function enqueue(
  db: RapportDB,
  changes: Change[],
  now: number = Date.now(),
  opts: { exceptConnector?: string } = {},
): Promise<number> {
  if (changes.length === 0) return 0;
  return db.transaction('rw', db.outbox, db.connectors, async () => {
    const rows = await queuedEntries(db, changes, now, opts);
    if (rows.length) await db.outbox.bulkPut(rows);
    return rows.length;
  });
}

/**
 * The entries enqueue() writes for these changes (new ones, and the waiting ones coalesced), read
 * but not written: a bulk edit reads them together with its records. Runs inside the caller's
 * transaction (outboxScope).
 */
export async function queuedEntries(
  db: RapportDB,
  changes: Change[],
  now: number = Date.now(),
  opts: { exceptConnector?: string } = {},
): Promise<OutboxEntry[]> {
  if (changes.length === 0) return [];
  return db.transaction('r', db.outbox, db.connectors, async () => {
    // exceptConnector: a change that came from that CRM (a pull) is not sent back to it.
    const instances = (await db.connectors.toArray()).filter((i) => i.enabled && i.direction !== 'pull' && i.id !== opts.exceptConnector);
    if (instances.length === 0) return [];
    const keys = new Map<string, { connectorId: string; change: Change }>();
    for (const inst of instances) {
      for (const change of changes) {
        if (!inst.kinds.includes(change.kind)) continue;
        keys.set(entryKey(inst.id, change.kind, change.localId), { connectorId: inst.id, change });
      }
    }
    if (keys.size === 0) return [];
    const ids = [...keys.keys()];
    const existing = await db.outbox.bulkGet(ids);
    return ids.map((id, i): OutboxEntry => {
      const old = existing[i];
      const { connectorId, change } = keys.get(id)!;
      if (!old) {
        return {
          id,
          connectorId,
          kind: change.kind,
          localId: change.localId,
          state: 'pending',
          attempts: 0,
          nextAt: now,
          version: 1,
          changeId: newChangeId(),
          ...(change.fresh ? { fresh: true as const } : {}),
          createdAt: now,
          updatedAt: now,
        };
      }
      const next: OutboxEntry = { ...old, version: old.version + 1, changeId: newChangeId(), updatedAt: now };
      // The record is back (restored from an export) before its archive or merge went out: push it instead.
      if (old.op) {
        delete next.op;
        delete next.remoteId;
        delete next.intoRemoteId;
        delete next.intoLocalId;
      }
      if (old.state === 'leased') next.dirty = true;
      else if (old.state === 'dead') {
        next.state = 'pending';
        next.attempts = 0;
        next.nextAt = now;
        delete next.lastError;
        delete next.lastErrorKind;
        delete next.awaiting;
      }
      // pending/failed keep their nextAt: a burst of edits must not defeat a backoff.
      return next;
    });
  });
}

/** Forgets what deleted records still had to push (inside the caller's transaction). */
export async function dropEntries(db: RapportDB, changes: Change[]): Promise<number> {
  if (changes.length === 0) return 0;
  return db.transaction('rw', db.outbox, async () =>
    db.outbox
      .where('[kind+localId]')
      .anyOf(changes.map((c) => [c.kind, c.localId]))
      .delete(),
  );
}

/**
 * Dead entries of an instance that were refused while one of `linked` (`contact|<localId>`,
 * `company|<localId>`: records that have just been given a remote id) had none: due again now,
 * with their change id (the same content, refused before). An email whose contact could not be
 * pushed comes back once the contact syncs; no request it made can have created anything, and it
 * is looked up before any create anyway (it is not fresh). Runs inside the caller's transaction
 * (outbox). Returns the entries that came back.
 */
export async function rearmAwaiting(db: RapportDB, connectorId: string, linked: ReadonlySet<string>, now: number): Promise<OutboxEntry[]> {
  if (linked.size === 0) return [];
  const dead = await db.outbox.where('[connectorId+state]').equals([connectorId, 'dead']).toArray();
  const back = dead
    .filter((e) => e.awaiting?.some((ref) => linked.has(ref)))
    .map((e): OutboxEntry => {
      const { awaiting: _a, lastError: _e, lastErrorKind: _k, ...rest } = e;
      return { ...rest, state: 'pending', attempts: 0, nextAt: now, updatedAt: now };
    });
  if (back.length) await db.outbox.bulkPut(back);
  return back;
}
