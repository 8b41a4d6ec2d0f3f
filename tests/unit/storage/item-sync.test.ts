// Pipeline items in the outbox (decision 0054): every create, edit, move, delete (archive) and merge of
// an item queues it, in the same transaction, as the kind its pipeline syncs as — deal (sales and
// custom), case (service), candidate (hiring) — for each connection that syncs that kind.
import { afterEach, describe, expect, it } from 'vitest';
import { createRegistry } from '../../../connectors/registry';
import { mergeContacts } from '../../../storage/merge';
import { entryKey } from '../../../storage/outbox';
import { createItem, deleteItem, editItem, listPipelines, moveItemTo } from '../../../storage/pipelines';
import { upsertContacts } from '../../../storage/repositories';
import type { Contact } from '../../../storage/schema';
import type { SyncKind } from '../../../storage/sync-rows';
import { saveConnectorInstance } from '../../../sync/connectors';
import { MemoryCrm, closeDbs, freshDb, src } from '../sync/helpers';

afterEach(closeDbs);

async function world(kinds: SyncKind[]) {
  const db = await freshDb();
  const crm = new MemoryCrm();
  const registry = createRegistry([crm.connector({ capabilities: { deals: true, cases: true, candidates: true } })]);
  const inst = await saveConnectorInstance(db, registry, { type: 'memory', values: { token: 'tok-secret-123456' }, kinds });
  await listPipelines(db);
  const [ann, bob] = (await upsertContacts(
    [
      { name: 'Ann Quill', emails: ['ann@quill.example'] },
      { name: 'Ann Quill', emails: ['ann.q@quill.example'] },
    ],
    src,
    {},
    db,
  )) as { contact: Contact }[];
  await db.outbox.clear();
  const queued = async () => (await db.outbox.toArray()).map((e) => `${e.kind}:${e.localId}${e.op ? `:${e.op}` : ''}`).sort();
  return { db, inst, ann: ann.contact, bob: bob.contact, queued };
}

describe('items queue their sync kind for the connections that sync it', () => {
  it('created in a sales, service or hiring pipeline: a fresh deal, case or candidate entry', async () => {
    const { db, inst, ann, queued } = await world(['contact', 'deal', 'case', 'candidate']);
    const deal = await createItem('pl_sales', { title: 'Renewal', contactIds: [ann.id] }, src, db);
    const kase = await createItem('pl_service', { title: 'Complaint', contactIds: [ann.id], category: 'complaint' }, src, db);
    const cand = await createItem('pl_hiring', { title: 'Ann for Engineer', contactIds: [ann.id], role: 'Engineer' }, src, db);
    expect(await queued()).toEqual([`candidate:${cand.id}`, `case:${kase.id}`, `deal:${deal.id}`].sort());
    expect((await db.outbox.get(entryKey(inst.id, 'deal', deal.id)))?.fresh).toBe(true);
  });

  it('an edit and a move queue the item again; a connection without that kind gets nothing', async () => {
    const { db, ann, queued } = await world(['contact', 'deal']);
    const deal = await createItem('pl_sales', { title: 'Renewal', contactIds: [ann.id] }, src, db);
    await createItem('pl_service', { title: 'Not for this CRM', contactIds: [ann.id] }, src, db);
    expect(await queued()).toEqual([`deal:${deal.id}`]);
    await db.outbox.clear();
    await editItem(deal.id, { amount: 100 }, db);
    expect(await queued()).toEqual([`deal:${deal.id}`]);
    await db.outbox.clear();
    await moveItemTo(deal.id, 'won', db);
    expect(await queued()).toEqual([`deal:${deal.id}`]);
  });

  it('deleted with “archive it in the CRMs”: an archive entry naming its remote id; without: nothing is left queued', async () => {
    const { db, inst, ann, queued } = await world(['contact', 'case']);
    const kase = await createItem('pl_service', { title: 'Broken', contactIds: [ann.id] }, src, db);
    const other = await createItem('pl_service', { title: 'Also broken', contactIds: [ann.id] }, src, db);
    await db.outbox.clear();
    for (const [id, remoteId] of [
      [kase.id, 'T-1'],
      [other.id, 'T-2'],
    ])
      await db.links.put({ connectorId: inst.id, kind: 'case', localId: id, remoteId, syncedAt: 1 });
    await deleteItem(kase.id, { archiveInCrms: true }, db);
    await deleteItem(other.id, {}, db);
    expect(await queued()).toEqual([`case:${kase.id}:archive`]);
    expect((await db.outbox.get(entryKey(inst.id, 'case', kase.id)))?.remoteId).toBe('T-1');
  });

  it('a merge of the item’s person queues the item, now pointing at the survivor', async () => {
    const { db, ann, bob, queued } = await world(['contact', 'candidate']);
    const cand = await createItem('pl_hiring', { title: 'Bob for Sales', contactIds: [bob.id] }, src, db);
    await db.outbox.clear();
    await mergeContacts(ann.id, bob.id, {}, db);
    expect(await queued()).toContain(`candidate:${cand.id}`);
    expect((await db.items.get(cand.id))?.contactIds).toEqual([ann.id]);
  });
});
