// Deleting: one record with what derives from it, or all local data. A record goes with its search
// index rows, its queued pushes and its links to CRM records, in one transaction. The CRM's copy is
// left alone and the caller is told which connections still hold one
// (docs/decisions/0029-precise-delete-and-backfill-job.md) — unless the user asks to archive it
// there too: then an archive entry per connection joins the outbox in the same transaction (0043).
import { itemChanges } from './item-sync';
import type { Table } from 'dexie';
import { type RapportDB, getDb } from './db';
import { REBUILD_KEY } from './index-rows';
import { type Change, activityKind, dropEntries, enqueue, entryKey, newChangeId, outboxScope } from './outbox';
import { deleteRecords, publicRecord, putRecords, writeScope } from './records';
import type { Activity, Contact, Task } from './schema';
import { nowIso } from './schema';
import { BACKFILL_PREFIX, BATCH_PREFIX, type OutboxEntry, type SyncKind, type SyncStateRow } from './sync-rows';

/** Where the CRM keeps its own copy of a deleted record: nothing was deleted there. */
export interface KeptRemotely {
  connectorId: string;
  name: string;
}

export interface DeleteResult {
  /** False when no such record was stored. */
  deleted: boolean;
  /** Activities and tasks that belonged to the deleted person only, deleted with them. */
  alsoDeleted: { activities: number; tasks: number };
  keptRemotely: KeptRemotely[];
}

const LINK_JOURNAL_PREFIX = 'links|';

/** The tables a single-record delete writes: records with their index, sync rows, the CRM cache. */
export function deleteScope(db: RapportDB): Table[] {
  return [
    ...writeScope(db, 'contact', 'company', 'activity'),
    db.tasks,
    db.deals,
    db.items,
    db.stageChanges,
    db.pipelines,
    ...outboxScope(db),
    db.links,
    db.syncState,
    db.crmCache,
  ];
}

export interface DeleteOptions {
  /**
   * Archive the deleted person or company in each connection that holds it: one outbox entry
   * (op `archive`, with the CRM's id) per connection, written with the delete. Their history in
   * the CRM stays there.
   */
  archiveRemote?: boolean;
}

/**
 * Forgets the sync rows of deleted records, inside the caller's transaction: their queued pushes,
 * their links (and links journaled by the engine, not folded yet). Returns the connections that had
 * one of them in the CRM. `archive`: the change whose CRM copies are to be archived.
 */
async function forgetSyncRows(db: RapportDB, changes: Change[], archive?: Change): Promise<KeptRemotely[]> {
  if (changes.length === 0) return [];
  await dropEntries(db, changes);
  const instances = await db.connectors.toArray();
  const had = new Set<string>();
  const remoteIds = new Map<string, string>(); // connector id → remote id of `archive`
  const keys = instances.flatMap((i) => changes.map((c) => [i.id, c.kind, c.localId] as [string, SyncKind, string]));
  const found = await db.links.bulkGet(keys);
  found.forEach((l) => {
    if (!l) return;
    had.add(l.connectorId);
    if (archive && l.kind === archive.kind && l.localId === archive.localId) remoteIds.set(l.connectorId, l.remoteId);
  });
  await db.links.bulkDelete(keys);
  const gone = new Set(changes.map((c) => `${c.kind}|${c.localId}`));
  const journal = await db.syncState.where('key').between(LINK_JOURNAL_PREFIX, `${LINK_JOURNAL_PREFIX}\uffff`).toArray();
  for (const row of journal) {
    const j = row.linkJournal;
    if (!j) continue;
    const links = j.links.filter(([localId]) => !gone.has(`${j.kind}|${localId}`));
    if (links.length === j.links.length) continue;
    if (archive && j.kind === archive.kind) {
      const own = j.links.find(([localId]) => localId === archive.localId);
      if (own && !remoteIds.has(j.connectorId)) remoteIds.set(j.connectorId, own[1]);
    }
    had.add(j.connectorId);
    if (links.length) await db.syncState.put({ ...row, linkJournal: { ...j, links } });
    else await db.syncState.delete(row.key);
  }
  if (archive) await queueArchives(db, archive, remoteIds);
  // A connection asked to archive its copy no longer keeps it (once the entry is through).
  return instances.filter((i) => had.has(i.id) && !remoteIds.has(i.id)).map((i) => ({ connectorId: i.id, name: i.name }));
}

/** One archive entry per connection holding the record (pushing connections only; a pull-only one is not written to). */
async function queueArchives(db: RapportDB, change: Change, remoteIds: Map<string, string>): Promise<void> {
  const now = Date.now();
  const instances = await db.connectors.bulkGet([...remoteIds.keys()]);
  const pushing = new Set(instances.filter((i) => i && i.enabled && i.direction !== 'pull').map((i) => i!.id));
  for (const id of [...remoteIds.keys()]) if (!pushing.has(id)) remoteIds.delete(id);
  await db.outbox.bulkPut(
    [...remoteIds].map(([connectorId, remoteId]): OutboxEntry => ({
      id: entryKey(connectorId, change.kind, change.localId),
      connectorId,
      kind: change.kind,
      localId: change.localId,
      op: 'archive',
      remoteId,
      state: 'pending',
      attempts: 0,
      nextAt: now,
      version: 1,
      changeId: newChangeId(),
      createdAt: now,
      updatedAt: now,
    })),
  );
}

const activityChange = (a: Pick<Activity, 'id' | 'type'>): Change[] => {
  const kind = activityKind(a);
  return kind ? [{ kind, localId: a.id }] : [];
};

/**
 * Deletes a person. Their activities and tasks that involve nobody else go with them; those shared
 * with other people stay, no longer linked to them. Deals stay (they belong to the company), unlinked.
 */
export async function deleteContact(id: string, db: RapportDB = getDb(), opts: DeleteOptions = {}): Promise<DeleteResult> {
  return db.transaction('rw', deleteScope(db), async () => {
    const contact = await db.contacts.where('id').equals(id).first();
    if (!contact) return { deleted: false, alsoDeleted: { activities: 0, tasks: 0 }, keptRemotely: [] };
    const at = nowIso();
    const changes: Change[] = [{ kind: 'contact', localId: id }];

    const activities = (await db.activities.where('contactIds').equals(id).toArray()).map((a) => publicRecord(a) as Activity);
    const ownActivities = activities.filter((a) => a.contactIds.every((c) => c === id));
    const sharedActivities = activities.filter((a) => !ownActivities.includes(a));
    await deleteRecords(
      db,
      'activity',
      ownActivities.map((a) => a.id),
    );
    changes.push(...ownActivities.flatMap(activityChange));
    // Unlinking is local only: the CRM keeps its associations (it owns what it has).
    await putRecords(
      db,
      'activity',
      sharedActivities.map((a) => ({ ...a, contactIds: a.contactIds.filter((c) => c !== id), updatedAt: at })),
    );

    const tasks = await db.tasks.where('contactIds').equals(id).toArray();
    const ownTasks = tasks.filter((t) => t.contactIds.every((c) => c === id));
    await db.tasks.bulkDelete(ownTasks.map((t) => t.id));
    changes.push(...ownTasks.map((t) => ({ kind: 'task' as const, localId: t.id })));
    await db.tasks.bulkPut(
      tasks
        .filter((t) => !ownTasks.includes(t))
        .map((t): Task => ({ ...t, contactIds: t.contactIds.filter((c) => c !== id), updatedAt: at })),
    );
    await db.deals
      .where('contactIds')
      .equals(id)
      .modify((d) => {
        d.contactIds = d.contactIds.filter((c) => c !== id);
        d.updatedAt = at;
      });
    // A pipeline item stays (a deal or a case outlives one of its people), without them.
    const items = (await db.items.where('contactIds').equals(id).toArray()).map((item) => ({
      ...item,
      contactIds: item.contactIds.filter((c) => c !== id),
      updatedAt: at,
    }));
    await db.items.bulkPut(items);
    await enqueue(db, await itemChanges(db, items));

    await deleteRecords(db, 'contact', [id]);
    if (contact.emails.length) await db.crmCache.where('email').anyOf(contact.emails).delete();
    const keptRemotely = await forgetSyncRows(db, changes, opts.archiveRemote ? changes[0] : undefined);
    return { deleted: true, alsoDeleted: { activities: ownActivities.length, tasks: ownTasks.length }, keptRemotely };
  });
}

/**
 * Unlinks the given companies from their people, deals, tasks and history and deletes them with
 * their index rows, inside the caller's transaction. Activities and tasks are not indexed by
 * company: each is read once for all the ids.
 */
async function unlinkAndDeleteCompanies(db: RapportDB, ids: readonly string[]): Promise<void> {
  const gone = new Set(ids);
  const at = nowIso();
  const people = await db.contacts
    .where('companyId')
    .anyOf([...gone])
    .toArray();
  await putRecords(
    db,
    'contact',
    people.map((p) => {
      const { companyId: _c, ...rest } = publicRecord(p) as Contact;
      return { ...rest, updatedAt: at };
    }),
  );
  await db.deals
    .where('companyId')
    .anyOf([...gone])
    .modify((d) => {
      delete d.companyId;
      d.updatedAt = at;
    });
  const items = (
    await db.items
      .where('companyId')
      .anyOf([...gone])
      .toArray()
  ).map((item) => {
    const { companyId: _c, ...rest } = item;
    return { ...rest, updatedAt: at };
  });
  await db.items.bulkPut(items);
  await enqueue(db, await itemChanges(db, items));
  const mentioning = (await db.activities.filter((a) => !!a.companyIds?.some((c) => gone.has(c))).toArray()).map(
    (a) => publicRecord(a) as Activity,
  );
  await putRecords(
    db,
    'activity',
    mentioning.map((a) => ({ ...a, companyIds: a.companyIds!.filter((c) => !gone.has(c)), updatedAt: at })),
  );
  await db.tasks
    .filter((t) => !!t.companyId && gone.has(t.companyId))
    .modify((t) => {
      delete t.companyId;
      t.updatedAt = at;
    });
  await deleteRecords(db, 'company', [...gone]);
}

/** Deletes a company. Its people, deals, tasks and history stay, no longer linked to it (a person keeps the company's name). */
export async function deleteCompany(id: string, db: RapportDB = getDb(), opts: DeleteOptions = {}): Promise<DeleteResult> {
  return db.transaction('rw', deleteScope(db), async () => {
    const company = await db.companies.where('id').equals(id).first();
    if (!company) return { deleted: false, alsoDeleted: { activities: 0, tasks: 0 }, keptRemotely: [] };
    await unlinkAndDeleteCompanies(db, [id]);
    const change: Change = { kind: 'company', localId: id };
    const keptRemotely = await forgetSyncRows(db, [change], opts.archiveRemote ? change : undefined);
    return { deleted: true, alsoDeleted: { activities: 0, tasks: 0 }, keptRemotely };
  });
}

/** Deletes several companies as deleteCompany does, in one transaction (a bulk delete's chunk). Returns how many were stored. */
export async function deleteCompanies(ids: readonly string[], db: RapportDB = getDb()): Promise<number> {
  return db.transaction('rw', deleteScope(db), async () => {
    const found = (await db.companies
      .where('id')
      .anyOf([...ids])
      .keys()) as string[];
    if (!found.length) return 0;
    await unlinkAndDeleteCompanies(db, found);
    await forgetSyncRows(
      db,
      found.map((localId): Change => ({ kind: 'company', localId })),
    );
    return found.length;
  });
}

/** Deletes one activity (an email, a note, a call…). */
export async function deleteActivity(id: string, db: RapportDB = getDb(), opts: DeleteOptions = {}): Promise<DeleteResult> {
  return db.transaction('rw', deleteScope(db), async () => {
    const activity = await db.activities.where('id').equals(id).first();
    if (!activity) return { deleted: false, alsoDeleted: { activities: 0, tasks: 0 }, keptRemotely: [] };
    await deleteRecords(db, 'activity', [id]);
    const changes = activityChange(activity);
    const keptRemotely = await forgetSyncRows(db, changes, opts.archiveRemote ? changes[0] : undefined);
    return { deleted: true, alsoDeleted: { activities: 0, tasks: 0 }, keptRemotely };
  });
}

/** Deletes one task; with `archiveRemote`, also in each CRM that holds it (a Rapport-made reconnect item never reached one). */
export async function deleteTask(id: string, db: RapportDB = getDb(), opts: DeleteOptions = {}): Promise<DeleteResult> {
  return db.transaction('rw', deleteScope(db), async () => {
    if (!(await db.tasks.get(id))) return { deleted: false, alsoDeleted: { activities: 0, tasks: 0 }, keptRemotely: [] };
    await db.tasks.delete(id);
    const change: Change = { kind: 'task', localId: id };
    const keptRemotely = await forgetSyncRows(db, [change], opts.archiveRemote ? change : undefined);
    return { deleted: true, alsoDeleted: { activities: 0, tasks: 0 }, keptRemotely };
  });
}

/** Deletes a pipeline item and its stage history; `archiveRemote`: also archive it in the CRMs that have it. */
export async function deletePipelineItem(id: string, db: RapportDB = getDb(), opts: DeleteOptions = {}): Promise<DeleteResult> {
  return db.transaction('rw', deleteScope(db), async () => {
    const item = await db.items.get(id);
    if (!item) return { deleted: false, alsoDeleted: { activities: 0, tasks: 0 }, keptRemotely: [] };
    await db.items.delete(id);
    await db.stageChanges.where('itemId').equals(id).delete();
    const changes = await itemChanges(db, [item]);
    const keptRemotely = await forgetSyncRows(db, changes, opts.archiveRemote ? changes[0] : undefined);
    return { deleted: true, alsoDeleted: { activities: 0, tasks: 0 }, keptRemotely };
  });
}

export async function deleteDeal(id: string, db: RapportDB = getDb()): Promise<DeleteResult> {
  return db.transaction('rw', deleteScope(db), async () => {
    if (!(await db.deals.get(id))) return { deleted: false, alsoDeleted: { activities: 0, tasks: 0 }, keptRemotely: [] };
    await db.deals.delete(id);
    const keptRemotely = await forgetSyncRows(db, [{ kind: 'deal', localId: id }]);
    return { deleted: true, alsoDeleted: { activities: 0, tasks: 0 }, keptRemotely };
  });
}

/**
 * `records`: the people, companies, history, tasks and deals, with everything derived from them
 * (search index, sync queue, links to CRM records, CRM look-ups). Connections, rules and settings stay.
 * `everything`: that, and the connections (with their tokens and sync state), the rules and the settings.
 */
export type DeleteScope = 'records' | 'everything';

export interface DeleteAllSummary {
  contacts: number;
  companies: number;
  activities: number;
  tasks: number;
  deals: number;
  connections: number;
}

/**
 * Deletes local data in one transaction. Callers in the service worker stop the sync engine first
 * (entrypoints/background/data-service.ts), so no run in flight writes back what this removed.
 */
export async function deleteLocalData(scope: DeleteScope, db: RapportDB = getDb()): Promise<DeleteAllSummary> {
  return db.transaction('rw', db.tables, async () => {
    const [contacts, companies, activities, tasks, deals, connections] = await Promise.all([
      db.contacts.count(),
      db.companies.count(),
      db.activities.count(),
      db.tasks.count(),
      db.deals.count(),
      db.connectors.count(),
    ]);
    if (scope === 'everything') {
      await Promise.all(db.tables.map((t) => t.clear()));
      return { contacts, companies, activities, tasks, deals, connections };
    }
    // Merge rows name people that are gone with them: merged-away ids, pairs said not to be one.
    const derived = [db.postings, db.prefixes, db.outbox, db.links, db.crmCache, db.redirects, db.notDuplicates];
    // Pipelines are the user's set-up and stay; what moved through them goes with the records.
    await Promise.all(
      [db.contacts, db.companies, db.activities, db.tasks, db.deals, db.items, db.stageChanges, ...derived].map((t) => t.clear()),
    );
    // Nothing left to index.
    await db.meta.delete(REBUILD_KEY);
    // Rows about records: batches in flight, links not folded yet, backfill cursors. A connection's
    // own state (rate limiter, pull cursor) stays with it.
    const aboutRecords = (r: SyncStateRow) =>
      r.key.startsWith(BATCH_PREFIX) || r.key.startsWith(LINK_JOURNAL_PREFIX) || r.key.startsWith(BACKFILL_PREFIX);
    await db.syncState.filter(aboutRecords).delete();
    return { contacts, companies, activities, tasks, deals, connections: 0 };
  });
}
