// Merging two contacts the user said are one person (decision 0040). One transaction: the survivor
// gets the chosen values and the union of the rest, the merged one's history, tasks and deals move to
// the survivor, its search-index rows go, its links to CRM records are kept where the survivor has
// none (one per connection), its queued pushes are dropped and the survivor is queued, and a
// redirect row makes its id resolve to the survivor from then on (exports, links, open pages).
//
// When both people are in the same CRM, the survivor keeps its own record there and the other one is
// merged into it by the CRM's own merge, through the outbox (an entry `op: 'merge'`, decision 0048),
// where the caller says the CRM has one (HubSpot, Pipedrive); elsewhere (Salesforce's REST API has
// no merge) it is reported, for the user to merge in the CRM.
import { itemChanges } from './item-sync';
import type { Table } from 'dexie';
import { type RapportDB, getDb } from './db';
import type { RedirectRow } from './merge-rows';
import { dropEntries, enqueue, entryKey, newChangeId, outboxScope } from './outbox';
import { deleteRecords, publicRecord, putRecords, writeScope } from './records';
import { type Activity, Contact, MAX_LINKEDIN_URNS, type Task, nowIso } from './schema';
import type { LinkRow, OutboxEntry } from './sync-rows';

/** Values the user chooses one of, field by field (coupled fields move together: see PAIRED). */
export const MERGE_FIELDS = [
  'name',
  'firstName',
  'lastName',
  'title',
  'company',
  'location',
  'headline',
  'linkedinUrl',
  'photoUrl',
  'stage',
] as const;
export type MergeField = (typeof MERGE_FIELDS)[number];
export type MergeSide = 'survivor' | 'merged';
export type MergeChoices = Partial<Record<MergeField, MergeSide>>;

/** A field whose value only means something with another one: the company's id, the profile's id. */
const PAIRED: Partial<Record<MergeField, keyof Contact>> = { company: 'companyId', linkedinUrl: 'linkedinId' };

const MAX_SOURCES = 50;
const LINK_JOURNAL_PREFIX = 'links|';

type Person = Pick<Contact, MergeField | 'updatedAt'> & { sources?: Contact['sources'] };

/** When a person's values last came in: their latest source (a logged e-mail bumps updatedAt, not the values). */
function valuesAt(p: Person): number {
  const last = p.sources?.reduce((t, s) => Math.max(t, Date.parse(s.at) || 0), 0) ?? 0;
  return last || Date.parse(p.updatedAt);
}

const uniq = <T>(xs: (T | undefined)[]): T[] => [...new Set(xs.filter((x): x is T => x !== undefined && x !== ''))];

/** Fields whose values differ (the ones the user chooses between). */
export function differingFields(a: Person, b: Person): MergeField[] {
  return MERGE_FIELDS.filter((f) => (a[f] ?? '') !== (b[f] ?? ''));
}

/**
 * The default choice per differing field: the value that is there over none; of two, the fuller one
 * when one contains the other ("Maria Garcia" → "Maria Garcia López"); else the newer record's (the
 * one whose values came in last).
 */
export function defaultChoices(survivor: Person, merged: Person): MergeChoices {
  const newer: MergeSide = valuesAt(merged) > valuesAt(survivor) ? 'merged' : 'survivor';
  const out: MergeChoices = {};
  for (const f of differingFields(survivor, merged)) {
    const s = survivor[f]?.trim().toLowerCase() ?? '';
    const m = merged[f]?.trim().toLowerCase() ?? '';
    if (!m) out[f] = 'survivor';
    else if (!s) out[f] = 'merged';
    else if (m.length !== s.length && (m.includes(s) || s.includes(m))) out[f] = m.length > s.length ? 'merged' : 'survivor';
    else out[f] = newer;
  }
  return out;
}

/** The merged record (pure): chosen values, unions of lists, the earliest creation, the latest activity. */
export function mergedRecord(survivor: Contact, merged: Contact, choices: MergeChoices, at: string): Contact {
  const next: Record<string, unknown> = { ...survivor };
  const full = { ...defaultChoices(survivor, merged), ...choices };
  for (const f of MERGE_FIELDS) {
    if (full[f] !== 'merged') continue;
    const fields: (keyof Contact)[] = [f, ...(PAIRED[f] ? [PAIRED[f]] : [])];
    for (const k of fields) {
      if (merged[k] === undefined) delete next[k];
      else next[k] = merged[k];
    }
  }
  const urns = uniq([...(survivor.linkedinUrns ?? []), ...(merged.linkedinUrns ?? [])]).slice(0, MAX_LINKEDIN_URNS);
  const last = [survivor.lastActivityAt, merged.lastActivityAt].filter((x): x is string => !!x).sort();
  return Contact.parse({
    ...next,
    id: survivor.id,
    emails: uniq([...survivor.emails, ...merged.emails]).slice(0, 50),
    phones: uniq([...survivor.phones, ...merged.phones]).slice(0, 50),
    tags: uniq([...survivor.tags, ...merged.tags]).slice(0, 100),
    ...(urns.length ? { linkedinUrns: urns } : {}),
    ...(last.length ? { lastActivityAt: last[last.length - 1] } : {}),
    createdAt: survivor.createdAt < merged.createdAt ? survivor.createdAt : merged.createdAt,
    updatedAt: at,
    sources: [...survivor.sources, ...merged.sources, { type: 'manual', ref: `merge:${merged.id}`, at }]
      .sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : 0))
      .slice(-MAX_SOURCES),
  });
}

/** A CRM that holds both people as two records: the survivor keeps its own, the other is for the user to merge there. */
export interface CrmRecordToMerge {
  connectorId: string;
  connectorName: string;
  connectorType: string;
  /** The survivor's record in that CRM (kept, and updated with the merged values). */
  keptRemoteId: string;
  /** The merged person's record there: no longer linked; merge it into keptRemoteId in the CRM. */
  otherRemoteId: string;
  /** Queued to be merged there by the CRM's own merge (no need to do it by hand). */
  queued?: boolean;
}

export interface MergeOptions {
  /**
   * Connector types (`hubspot`…) whose CRM can merge two records (Connector.merge): where both
   * people have a record there, the merge is queued for that CRM instead of only reported.
   */
  mergeInCrms?: ReadonlySet<string>;
}

export interface MergeReport {
  survivorId: string;
  mergedId: string;
  /** Connections where the merged person's CRM record now belongs to the survivor (the survivor had none there). */
  linksMoved: string[];
  crmRecordsToMerge: CrmRecordToMerge[];
  movedActivities: number;
  movedTasks: number;
}

/** The tables a merge writes: both people with their index, history, tasks, deals, sync rows, redirects. */
export function mergeScope(db: RapportDB): Table[] {
  return [
    ...writeScope(db, 'contact', 'activity'),
    db.tasks,
    db.deals,
    db.items,
    db.pipelines,
    ...outboxScope(db),
    db.links,
    db.syncState,
    db.redirects,
  ];
}

/**
 * Each connection's link of the two people, the journal's (links committed, not folded yet)
 * over the links table's, later journal rows over earlier ones. Removes the merged person's
 * journal entries (they are rewritten as links below when kept).
 */
async function contactLinks(db: RapportDB, ids: [string, string], mergedId: string): Promise<Map<string, LinkRow>> {
  const instances = await db.connectors.toArray();
  const keys = instances.flatMap((i) => ids.map((id) => [i.id, 'contact', id] as [string, 'contact', string]));
  const out = new Map<string, LinkRow>();
  (await db.links.bulkGet(keys)).forEach((l) => l && out.set(`${l.connectorId}|${l.localId}`, l));
  const journal = await db.syncState.where('key').between(LINK_JOURNAL_PREFIX, `${LINK_JOURNAL_PREFIX}\uffff`).toArray();
  for (const row of journal) {
    const j = row.linkJournal;
    if (!j || j.kind !== 'contact') continue;
    for (const [localId, remoteId] of j.links) {
      if (ids.includes(localId))
        out.set(`${j.connectorId}|${localId}`, { connectorId: j.connectorId, kind: 'contact', localId, remoteId, syncedAt: j.syncedAt });
    }
    const links = j.links.filter(([localId]) => localId !== mergedId);
    if (links.length === j.links.length) continue;
    if (links.length) await db.syncState.put({ ...row, linkJournal: { ...j, links } });
    else await db.syncState.delete(row.key);
  }
  return out;
}

/** The outbox entry asking a CRM to merge the merged person's record into the survivor's (decision 0048). */
function mergeEntry(connectorId: string, mergedId: string, remoteId: string, intoLocalId: string, intoRemoteId: string): OutboxEntry {
  const now = Date.now();
  return {
    id: entryKey(connectorId, 'contact', mergedId),
    connectorId,
    kind: 'contact',
    localId: mergedId,
    op: 'merge',
    remoteId,
    intoRemoteId,
    intoLocalId,
    state: 'pending',
    attempts: 0,
    nextAt: now,
    version: 1,
    changeId: newChangeId(),
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * Merges `mergedId` into `survivorId` in one transaction (see the file comment). `choices` pick,
 * per differing field, which side's value the survivor keeps; fields not given take defaultChoices.
 * Throws when either person is missing or they are the same.
 */
export async function mergeContacts(
  survivorId: string,
  mergedId: string,
  choices: MergeChoices = {},
  db: RapportDB = getDb(),
  opts: MergeOptions = {},
): Promise<MergeReport> {
  if (survivorId === mergedId) throw new Error('a contact cannot be merged into itself');
  return db.transaction('rw', mergeScope(db), async () => {
    const [s, m] = await Promise.all([
      db.contacts.where('id').equals(survivorId).first(),
      db.contacts.where('id').equals(mergedId).first(),
    ]);
    if (!s || !m) throw new Error(`no contact ${s ? mergedId : survivorId}`);
    const at = nowIso();
    const survivor = mergedRecord(publicRecord(s) as Contact, publicRecord(m) as Contact, choices, at);
    const repoint = (ids: string[]) => uniq(ids.map((id) => (id === mergedId ? survivorId : id)));

    // History, tasks and deals follow the person. Local only: a CRM keeps its associations, and the
    // merged person's CRM record carries them into the CRM's own merge.
    const activities = (await db.activities.where('contactIds').equals(mergedId).toArray()).map((a) => publicRecord(a) as Activity);
    await putRecords(
      db,
      'activity',
      activities.map((a) => ({ ...a, contactIds: repoint(a.contactIds), updatedAt: at })),
    );
    const tasks = await db.tasks.where('contactIds').equals(mergedId).toArray();
    await db.tasks.bulkPut(tasks.map((t): Task => ({ ...t, contactIds: repoint(t.contactIds), updatedAt: at })));
    await db.deals
      .where('contactIds')
      .equals(mergedId)
      .modify((d) => {
        d.contactIds = repoint(d.contactIds);
        d.updatedAt = at;
      });
    const items = (await db.items.where('contactIds').equals(mergedId).toArray()).map((item) => ({
      ...item,
      contactIds: repoint(item.contactIds),
      updatedAt: at,
    }));
    await db.items.bulkPut(items);
    await enqueue(db, await itemChanges(db, items));

    await deleteRecords(db, 'contact', [mergedId]);
    await putRecords(db, 'contact', [survivor]);

    // CRM links: one per connection for the survivor.
    const links = await contactLinks(db, [survivorId, mergedId], mergedId);
    const instances = await db.connectors.toArray();
    const report: MergeReport = {
      survivorId,
      mergedId,
      linksMoved: [],
      crmRecordsToMerge: [],
      movedActivities: activities.length,
      movedTasks: tasks.length,
    };
    const mergesToQueue: OutboxEntry[] = [];
    for (const inst of instances) {
      const kept = links.get(`${inst.id}|${survivorId}`);
      const other = links.get(`${inst.id}|${mergedId}`);
      if (!other) continue;
      await db.links.delete([inst.id, 'contact', mergedId]);
      if (kept) {
        if (kept.remoteId !== other.remoteId) {
          const queued = !!opts.mergeInCrms?.has(inst.type) && inst.enabled && inst.direction !== 'pull';
          report.crmRecordsToMerge.push({
            connectorId: inst.id,
            connectorName: inst.name,
            connectorType: inst.type,
            keptRemoteId: kept.remoteId,
            otherRemoteId: other.remoteId,
            ...(queued ? { queued } : {}),
          });
          if (queued) mergesToQueue.push(mergeEntry(inst.id, mergedId, other.remoteId, survivorId, kept.remoteId));
        }
        continue;
      }
      await db.links.put({ ...other, localId: survivorId, syncedAt: other.syncedAt });
      report.linksMoved.push(inst.id);
    }
    // The merged person is not pushed any more; the survivor is, as an update of the record it is now linked to.
    await dropEntries(db, [{ kind: 'contact', localId: mergedId }]);
    // (Contacts are never queued `fresh`, so the engine reads the survivor's link before any create.)
    await enqueue(db, [{ kind: 'contact', localId: survivorId }]);
    // The CRM's own merge of the two records, after the merged person's pushes were dropped above.
    await db.outbox.bulkPut(mergesToQueue);

    // The merged id resolves to the survivor; so do ids merged into it before.
    await db.redirects.where('to').equals(mergedId).modify({ to: survivorId });
    const redirect: RedirectRow = { from: mergedId, to: survivorId, at };
    await db.redirects.put(redirect);
    return report;
  });
}
