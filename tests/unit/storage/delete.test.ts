// Deleting one record takes what derives from it (index rows, queued pushes, links) in one
// transaction; deleting all local data says what goes and keeps what it says it keeps.
import { afterEach, describe, expect, it } from 'vitest';
import {
  deleteActivity,
  deleteCompanies,
  deleteCompany,
  deleteContact,
  deleteDeal,
  deleteLocalData,
  deleteTask,
} from '../../../storage/delete';
import { entryKey } from '../../../storage/outbox';
import { addActivities, addNote, saveDeal, upsertCompany, upsertContact, upsertContacts } from '../../../storage/repositories';
import { createTask } from '../../../storage/tasks';
import { search } from '../../../storage/search-index';
import { getSettings, updateSettings } from '../../../storage/settings';
import { connectorStateKey } from '../../../storage/sync-rows';
import { runOnce } from '../../../sync/engine';
import { closeDbs, setup, src } from '../sync/helpers';

afterEach(closeDbs);

const KINDS = ['contact', 'company', 'email', 'note', 'task', 'deal'] as const;

async function world() {
  const w = await setup({ kinds: [...KINDS] });
  const { db } = w;
  const [ann, bob] = (await upsertContacts(
    [
      { name: 'Ann Quill', emails: ['ann@quill.example'], company: 'Quill Ltd' },
      { name: 'Bob Marsh', emails: ['bob@quill.example'], company: 'Quill Ltd' },
    ],
    src,
    {},
    db,
  )) as { contact: { id: string; companyId?: string } }[];
  const { added } = await addActivities(
    [
      {
        type: 'email',
        contactIds: [ann.contact.id],
        subject: 'Only Ann',
        occurredAt: '2026-01-01T00:00:00Z',
        messageId: 'a1',
        direction: 'outgoing',
      },
      {
        type: 'email',
        contactIds: [ann.contact.id, bob.contact.id],
        subject: 'Ann and Bob',
        occurredAt: '2026-01-02T00:00:00Z',
        messageId: 'a2',
        direction: 'outgoing',
      },
    ],
    src,
    db,
  );
  const note = await addNote([ann.contact.id], 'Zeppelin idea', src, db);
  const ownTask = await createTask({ title: 'Call Ann', contactIds: [ann.contact.id] }, src, db);
  const sharedTask = await createTask({ title: 'Meet both', contactIds: [ann.contact.id, bob.contact.id] }, src, db);
  const deal = await saveDeal(
    { name: 'Quill deal', stage: 'open', contactIds: [ann.contact.id], companyId: ann.contact.companyId },
    src,
    db,
  );
  return { ...w, ann: ann.contact, bob: bob.contact, onlyAnn: added[0], shared: added[1], note, ownTask, sharedTask, deal };
}

describe('deleting one record', () => {
  it('a person goes with their index rows, queued pushes and links; what they alone had goes too; shared things stay unlinked', async () => {
    const w = await world();
    const { db, inst, ann, bob } = w;
    // Pushed once (links exist), then edited again (a push is queued).
    await runOnce(db, w.registry, w.engineOpts());
    expect(await db.outbox.count()).toBe(0);
    await upsertContact({ name: 'Ann Quill', emails: ['ann@quill.example'], title: 'CEO' }, src, {}, db);
    await addNote([ann.id], 'Zebra plan', src, db);
    const pushesBefore = w.crm.pushes.length;

    const r = await deleteContact(ann.id, db);
    expect(r).toEqual({
      deleted: true,
      alsoDeleted: { activities: 3, tasks: 1 },
      keptRemotely: [{ connectorId: inst.id, name: inst.name }],
    });

    expect(await db.contacts.where('id').equals(ann.id).count()).toBe(0);
    expect((await search(db, 'quill')).contacts.map((h) => h.record.name)).toEqual(['Bob Marsh']);
    expect((await search(db, 'zeppelin')).activities).toEqual([]);
    expect((await search(db, 'zebra')).activities).toEqual([]);
    expect((await search(db, 'only ann')).activities).toEqual([]);
    // Shared history and tasks stay, linked to Bob only; the deal stays without Ann.
    const shared = await db.activities.where('id').equals(w.shared.id).first();
    expect(shared?.contactIds).toEqual([bob.id]);
    expect((await db.tasks.get(w.sharedTask.id))?.contactIds).toEqual([bob.id]);
    expect(await db.tasks.get(w.ownTask.id)).toBeUndefined();
    expect((await db.deals.get(w.deal.id))?.contactIds).toEqual([]);
    // No sync row of hers or of what went with her is left, and nothing was queued to the CRM.
    const gone = [ann.id, w.onlyAnn.id, w.note.id, w.ownTask.id];
    expect((await db.outbox.toArray()).filter((e) => gone.includes(e.localId))).toEqual([]);
    expect((await db.links.toArray()).filter((l) => gone.includes(l.localId))).toEqual([]);
    expect((await db.links.toArray()).some((l) => l.localId === bob.id)).toBe(true);
    await runOnce(db, w.registry, w.engineOpts());
    const pushedAfter = w.crm.pushes.slice(pushesBefore).flatMap((p) => p.items.map((i) => i.item.record.id));
    expect(pushedAfter.filter((id) => gone.includes(id))).toEqual([]);
    // The CRM's copy is left alone (no connector deletes).
    expect(w.crm.records.get(`contact|${ann.id}`)).toBeDefined();
    expect(await deleteContact(ann.id, db)).toMatchObject({ deleted: false });
  });

  it('links journaled by the engine and not folded yet go with the record', async () => {
    const w = await world();
    const { db, ann, bob } = w;
    await runOnce(db, w.registry, w.engineOpts());
    // As a commit leaves them: one journal row holding both people's links.
    const links = await db.links
      .where('[connectorId+kind+localId]')
      .between([w.inst.id, 'contact', ''], [w.inst.id, 'contact', '\uffff'])
      .toArray();
    await db.links.clear();
    await db.syncState.put({
      key: `links|${w.inst.id}|x|o|1`,
      linkJournal: { connectorId: w.inst.id, kind: 'contact', syncedAt: 1, links: links.map((l) => [l.localId, l.remoteId]) },
    });
    const r = await deleteContact(ann.id, db);
    expect(r.keptRemotely).toHaveLength(1);
    const row = await db.syncState.get(`links|${w.inst.id}|x|o|1`);
    expect(row?.linkJournal?.links.map(([l]) => l)).toEqual([bob.id]);
  });

  it('a company: its people keep their company name but lose the link; its queued push is dropped', async () => {
    const w = await world();
    const { db, inst, ann } = w;
    const companyId = ann.companyId!;
    expect(await db.outbox.get(entryKey(inst.id, 'company', companyId))).toBeDefined();
    const r = await deleteCompany(companyId, db);
    expect(r.deleted).toBe(true);
    expect(r.keptRemotely).toEqual([]); // never pushed
    expect(await db.outbox.get(entryKey(inst.id, 'company', companyId))).toBeUndefined();
    const people = await db.contacts.toArray();
    expect(people.map((p) => [p.company, p.companyId])).toEqual([
      ['Quill Ltd', undefined],
      ['Quill Ltd', undefined],
    ]);
    expect((await db.deals.get(w.deal.id))?.companyId).toBeUndefined();
    expect((await search(db, 'quill ltd')).companies).toEqual([]);
  });

  it('several companies at once (a bulk delete): each unlinked from its people, history, tasks and deals; others untouched', async () => {
    const w = await world();
    const { db, inst, ann } = w;
    const quill = ann.companyId!;
    const marsh = (await upsertCompany({ name: 'Marsh Co' }, src, db)).id;
    const keep = (await upsertCompany({ name: 'Keep Co' }, src, db)).id;
    const { added } = await addActivities(
      [{ type: 'note', contactIds: [ann.id], companyIds: [quill, marsh, keep], body: 'All three', occurredAt: '2026-01-03T00:00:00Z' }],
      src,
      db,
    );
    const quillTask = await createTask({ title: 'Quill task', contactIds: [], companyId: quill }, src, db);
    const keepTask = await createTask({ title: 'Keep task', contactIds: [], companyId: keep }, src, db);

    expect(await deleteCompanies([quill, marsh, 'co-none'], db)).toBe(2);
    expect((await db.companies.toArray()).map((c) => c.name)).toEqual(['Keep Co']);
    expect((await db.activities.where('id').equals(added[0].id).first())!.companyIds).toEqual([keep]);
    expect((await db.tasks.get(quillTask.id))!.companyId).toBeUndefined();
    expect((await db.tasks.get(keepTask.id))!.companyId).toBe(keep);
    expect((await db.deals.get(w.deal.id))?.companyId).toBeUndefined();
    expect((await db.contacts.toArray()).every((p) => p.company === 'Quill Ltd' && !p.companyId)).toBe(true);
    expect(await db.outbox.get(entryKey(inst.id, 'company', quill))).toBeUndefined();
    expect(await db.outbox.get(entryKey(inst.id, 'company', marsh))).toBeUndefined();
    expect(await db.outbox.get(entryKey(inst.id, 'company', keep))).toBeDefined();
    expect((await search(db, 'co')).companies.map((h) => h.record.name)).toEqual(['Keep Co']);
  });

  it('an activity, a task, a deal', async () => {
    const w = await world();
    const { db, inst } = w;
    expect((await deleteActivity(w.note.id, db)).deleted).toBe(true);
    expect((await search(db, 'zeppelin')).activities).toEqual([]);
    expect(await db.outbox.get(entryKey(inst.id, 'note', w.note.id))).toBeUndefined();
    expect((await deleteTask(w.ownTask.id, db)).deleted).toBe(true);
    expect(await db.outbox.get(entryKey(inst.id, 'task', w.ownTask.id))).toBeUndefined();
    expect((await deleteDeal(w.deal.id, db)).deleted).toBe(true);
    expect(await db.outbox.get(entryKey(inst.id, 'deal', w.deal.id))).toBeUndefined();
    expect(await db.deals.count()).toBe(0);
    expect((await deleteTask('tk-none', db)).deleted).toBe(false);
  });
});

describe('deleting all local data', () => {
  it('records: everything about people goes; connections, their secrets and state, rules and settings stay', async () => {
    const w = await world();
    const { db, inst } = w;
    await updateSettings({ neverCapture: ['spam.example'] }, db);
    await runOnce(db, w.registry, w.engineOpts());
    await upsertContact({ name: 'Late', emails: ['late@x.example'] }, src, {}, db);
    await db.syncState.put({ key: connectorStateKey(inst.id), pullCursor: 'c1' });
    await db.syncState.put({
      key: `backfill|${inst.id}`,
      backfill: { scans: [{ table: 'contacts', kinds: ['contact'], after: 5 }], queued: 5, startedAt: 1 },
    });
    await db.syncState.put({ key: 'batch|o|1', batch: { owner: 'o', connectorId: inst.id, kind: 'contact', until: 1, localIds: ['x'] } });
    const r = await deleteLocalData('records', db);
    expect(r).toEqual({ contacts: 3, companies: 1, activities: 3, tasks: 2, deals: 1, connections: 0 });
    for (const t of [
      db.contacts,
      db.companies,
      db.activities,
      db.tasks,
      db.deals,
      db.postings,
      db.prefixes,
      db.outbox,
      db.links,
      db.crmCache,
    ]) {
      expect(await t.count(), t.name).toBe(0);
    }
    // Kept: the connection's own state (limiter, pull cursor) and the engine's lease row.
    expect((await db.syncState.toArray()).map((s) => s.key)).toEqual([connectorStateKey(inst.id), 'engine']);
    expect(await db.connectors.count()).toBe(1);
    expect(await db.secrets.count()).toBe(1);
    expect((await getSettings(db)).neverCapture).toEqual(['spam.example']);
  });

  it('everything: connections, secrets, rules and settings go too', async () => {
    const w = await world();
    const { db } = w;
    await updateSettings({ neverCapture: ['spam.example'] }, db);
    const r = await deleteLocalData('everything', db);
    expect(r.connections).toBe(1);
    for (const t of db.tables) expect(await t.count(), t.name).toBe(0);
    expect((await getSettings(db)).neverCapture).toEqual([]);
  });
});
