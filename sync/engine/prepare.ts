// Building push items: an entry's record, its own remote id and those of the contacts and
// companies it points at; entries whose record is gone, or whose contacts/companies are still
// queued, are set aside.
import type { LinkedIds, PushItem, PushRecord, SyncKind } from '../../connectors/types';
import { getManyInCompoundRange } from '../../storage/key-ranges';
import { changeIdOf, entryKey } from '../../storage/outbox';
import type { ConnectorInstance, OutboxEntry } from '../../storage/sync-rows';
import { foldLinkJournal } from '../link-journal';
import type { EngineEnv } from './env';
import type { LinkMemo } from './memo';
import { itemPipelines, threadEmails } from './item-pipelines';
import { type References, loadRecords, references } from './tables';

/** A deferred item (its contacts/companies are still queued) is looked at again no sooner than this. */
const DEFER_MS = 1_000;

export interface Prepared {
  /** The syncState key of the batch's lease row (set once there is something to send). */
  batchKey?: string;
  items: PushItem[];
  byEntry: Map<string, { entry: OutboxEntry; hadRemoteId: boolean }>;
  /** Records deleted locally since they were queued. */
  gone: OutboxEntry[];
  /**
   * Records gone locally with an operation for the CRM: archive what the user deleted (op `archive`,
   * decision 0043), merge the record of a person merged away (op `merge`, decision 0048).
   */
  archives: OutboxEntry[];
  /** A batch of archives (its items carry the remote ids; Connector.archive sends them). */
  archive?: true;
  /** A batch of merges (its entries carry both remote ids; Connector.merge sends them). */
  merge?: true;
  /** Waiting for their contacts/companies to be pushed first: entry → when to look again. */
  deferred: { entry: OutboxEntry; until: number }[];
}

/**
 * The push items of `entries` (of one instance and kind), with what the run knows of remote ids
 * (`links`) completed from the `links` table. `fresh`: entries whose record was never sent.
 */
export async function prepare(
  env: Pick<EngineEnv, 'db' | 'now'>,
  inst: ConnectorInstance,
  links: LinkMemo,
  kind: SyncKind,
  entries: OutboxEntry[],
  fresh: ReadonlySet<string>,
): Promise<Prepared> {
  const { db } = env;
  const cid = inst.id;
  const records = await loadRecords(
    db,
    kind,
    entries.map((e) => e.localId),
  );
  // Pipeline items travel with their pipeline; those of a pipeline not synced to this CRM are dropped.
  const pipelines = await itemPipelines(db, inst, kind, records);
  const mails = pipelines ? await threadEmails(db, cid, records, (id) => links.get('email', id)) : undefined;
  const refs = new Map<string, References>();
  const contactIds = new Set<string>();
  const companyIds = new Set<string>();
  for (const [id, rec] of records) {
    const r = references(kind, rec);
    refs.set(id, r);
    r.contacts.forEach((x) => contactIds.add(x));
    r.companies.forEach((x) => companyIds.add(x));
  }
  const refKeys: [string, SyncKind, string][] = [
    ...[...contactIds].map((id) => [cid, 'contact', id] as [string, SyncKind, string]),
    ...[...companyIds].map((id) => [cid, 'company', id] as [string, SyncKind, string]),
  ];
  // A fresh entry's record was never sent anywhere: it has no remote id to look for.
  const sentBefore = entries.filter((e) => !fresh.has(e.id) && links.get(kind, e.localId) === undefined);
  const linked: LinkedIds = { contacts: {}, companies: {} };
  const toRead: [string, SyncKind, string][] = [];
  for (const k of refKeys) {
    const remoteId = links.get(k[1], k[2]);
    if (remoteId !== undefined) (k[1] === 'contact' ? linked.contacts : linked.companies)[k[2]] = remoteId;
    else if (!links.isAbsent(k[1], k[2])) toRead.push(k);
  }
  // Own links in one range read: the batch is consecutive in local-id order, and on a first sync
  // of existing records (a backfill) none exists yet — one request instead of a get per record.
  // The memo forgot ids (a run past 50,000): what it forgot may still sit in the journal.
  if (links.evicted && (toRead.length || sentBefore.length)) await foldLinkJournal(db, { connectorId: cid });
  const [refLinks, ownLinkRows] = await Promise.all([
    db.links.bulkGet(toRead),
    getManyInCompoundRange(
      db.links,
      '[connectorId+kind+localId]',
      sentBefore.map((e) => [cid, kind, e.localId]),
      (l) => [l.connectorId, l.kind, l.localId],
    ),
  ]);
  const ownByLocal = new Map(ownLinkRows.map((l) => [l.localId, l]));
  const ownLinks = new Map(sentBefore.map((e) => [e.id, ownByLocal.get(e.localId)]));
  refLinks.forEach((l, i) => {
    if (!l) return links.setAbsent(toRead[i][1], toRead[i][2]);
    (l.kind === 'contact' ? linked.contacts : linked.companies)[l.localId] = l.remoteId;
    links.set(l.kind, l.localId, l.remoteId);
  });

  // Unlinked references that are still queued for this instance: push those first. (None can be
  // queued for a kind the instance does not sync.)
  const unlinked = refKeys.filter(
    (k) => inst.kinds.includes(k[1]) && !(k[1] === 'contact' ? linked.contacts[k[2]] : linked.companies[k[2]]),
  );
  const depEntries = await db.outbox.bulkGet(unlinked.map((k) => entryKey(cid, k[1], k[2])));
  const waiting = new Map<string, number>(); // `${kind}|${localId}` → nextAt of its live entry
  depEntries.forEach((e) => {
    if (e && e.state !== 'dead') waiting.set(`${e.kind}|${e.localId}`, e.nextAt);
  });

  // A CRM's merge waits for the survivor's own push queued with it (or sent meanwhile): one after
  // the other, the merge's answer (the record it left) is the last word on the survivor's link.
  const merges = entries.filter((e) => e.op === 'merge' && e.intoLocalId && !records.has(e.localId));
  const survivorEntries = merges.length ? await db.outbox.bulkGet(merges.map((e) => entryKey(cid, kind, e.intoLocalId!))) : [];
  const survivorWait = new Map<string, number>(); // merge entry id → nextAt of the survivor's live entry
  survivorEntries.forEach((s, i) => {
    if (s && s.state !== 'dead') survivorWait.set(merges[i].id, s.nextAt);
  });

  const prepared: Prepared = { items: [], byEntry: new Map(), gone: [], archives: [], deferred: [] };
  entries.forEach((entry) => {
    const rec = records.get(entry.localId);
    if (!rec) {
      const wait = survivorWait.get(entry.id);
      if (wait !== undefined) prepared.deferred.push({ entry, until: Math.max(env.now() + DEFER_MS, wait) });
      else (entry.op && entry.remoteId ? prepared.archives : prepared.gone).push(entry);
      return;
    }
    const r = refs.get(entry.localId)!;
    const blockers = [
      ...r.contacts.map((id) => waiting.get(`contact|${id}`)),
      ...r.companies.map((id) => waiting.get(`company|${id}`)),
    ].filter((x): x is number => x !== undefined);
    if (blockers.length) {
      prepared.deferred.push({ entry, until: Math.max(env.now() + DEFER_MS, ...blockers) });
      return;
    }
    const remoteId = fresh.has(entry.id) ? undefined : (links.get(kind, entry.localId) ?? ownLinks.get(entry.id)?.remoteId);
    const itemLinked: LinkedIds = {
      contacts: {},
      companies: {},
      ...(mails?.has(entry.localId) ? { emails: mails.get(entry.localId) } : {}),
    };
    for (const id of r.contacts) if (linked.contacts[id]) itemLinked.contacts[id] = linked.contacts[id];
    for (const id of r.companies) if (linked.companies[id]) itemLinked.companies[id] = linked.companies[id];
    prepared.items.push({
      // Names the item within its batch; receivers de-duplicate on the change id.
      entryId: `${entry.id}#${entry.version}`,
      changeId: changeIdOf(entry),
      item: (pipelines ? { kind, record: rec, pipeline: pipelines.get(entry.localId) } : { kind, record: rec }) as PushRecord,
      ...(remoteId ? { remoteId } : {}),
      ...(fresh.has(entry.id) && !remoteId ? { firstSend: true } : {}),
      linked: itemLinked,
    });
    // (An archive entry whose record is back, restored from an export, is pushed like any other.)
    prepared.byEntry.set(`${entry.id}#${entry.version}`, { entry, hadRemoteId: !!remoteId });
  });
  return prepared;
}
