// Merging two people: chosen values and unions on the survivor, history moved, index rows, CRM links
// (one per connection, the other reported), outbox, redirect; all in one transaction; merged ids
// resolve to the survivor, through merges of merges.
import { afterEach, describe, expect, it } from 'vitest';
import { deleteLocalData } from '../../../storage/delete';
import { dismissPair, findDuplicatePairs } from '../../../storage/duplicates';
import { defaultChoices, differingFields, mergeContacts } from '../../../storage/merge';
import { entryKey } from '../../../storage/outbox';
import { getContact, getTimeline, resolveContactId, MAX_REDIRECT_HOPS } from '../../../storage/queries';
import { addActivities, addNote, saveDeal, upsertContacts } from '../../../storage/repositories';
import { createTask } from '../../../storage/tasks';
import type { Contact } from '../../../storage/schema';
import { search } from '../../../storage/search-index';
import { runOnce } from '../../../sync/engine';
import type { RapportDB } from '../../../storage/db';
import { closeDbs, freshDb, setup, src } from '../sync/helpers';

afterEach(closeDbs);

/** Engine runs until nothing is due (a merge waits for the survivor's push: one run after the other). */
async function settle(w: Awaited<ReturnType<typeof setup>>): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const r = await runOnce(w.db, w.registry, w.engineOpts());
    if (r.nextDueAt === undefined) return;
    w.clock.advance(Math.max(0, r.nextDueAt - w.clock.now()));
  }
  throw new Error('the outbox did not settle');
}

const later = { type: 'linkedin' as const, at: '2026-02-01T00:00:00.000Z' };

async function twoAnns(db: RapportDB) {
  const [older] = (await upsertContacts(
    [
      {
        name: 'Ann Quill',
        emails: ['ann@quill.example'],
        phones: ['+441134960000'],
        title: 'CTO',
        tags: ['vip'],
        company: 'Quill Ltd',
        stage: 'lead',
      },
    ],
    src,
    {},
    db,
  )) as { contact: Contact }[];
  await new Promise((r) => setTimeout(r, 5));
  const [newer] = (await upsertContacts(
    [
      {
        name: 'Ann Quill-Smith',
        emails: ['ann.q@gmail.com'],
        phones: ['+44 113 496 0000', '+447700900123'],
        title: 'Chief Technology Officer',
        tags: ['met-at-fair'],
        company: 'Quill Ltd',
        location: 'Leeds',
        stage: 'customer',
      },
    ],
    later,
    {},
    db,
  )) as { contact: Contact }[];
  const s = older.contact;
  const m = newer.contact;
  const { added } = await addActivities(
    [
      {
        type: 'email',
        contactIds: [m.id],
        subject: 'Zeppelin offer',
        occurredAt: '2026-03-01T00:00:00.000Z',
        messageId: 'm1',
        direction: 'incoming',
      },
    ],
    src,
    db,
  );
  const note = await addNote([m.id, s.id], 'Quokka plans', src, db);
  const task = await createTask({ title: 'Call back', contactIds: [m.id] }, src, db);
  const deal = await saveDeal({ name: 'Quill deal', stage: 'open', contactIds: [m.id] }, src, db);
  return { s, m, email: added[0], note, task, deal };
}

describe('choosing values', () => {
  it('defaults to the value that is there, the fuller of two, else the newer record’s', () => {
    const base = { updatedAt: '2026-01-01T00:00:00.000Z' };
    const s = { ...base, name: 'Ann Quill', title: 'CTO', location: undefined, stage: 'lead', company: 'Quill' } as Contact;
    const m = {
      updatedAt: '2026-02-01T00:00:00.000Z',
      name: 'Ann Quill-Smith',
      title: 'VP',
      location: 'Leeds',
      stage: 'lead',
      company: 'Quill',
    } as Contact;
    expect(differingFields(s, m)).toEqual(['name', 'title', 'location']);
    expect(defaultChoices(s, m)).toEqual({ name: 'merged', title: 'merged', location: 'merged' });
    expect(defaultChoices({ ...s, updatedAt: '2026-03-01T00:00:00.000Z' }, m)).toEqual({
      name: 'merged',
      title: 'survivor',
      location: 'merged',
    });
    expect(defaultChoices(m, s)).toEqual({ name: 'survivor', title: 'survivor', location: 'survivor' });
  });
});

describe('mergeContacts', () => {
  it('gives the survivor the chosen values and every e-mail, phone, tag and piece of history; the merged one is gone everywhere', async () => {
    const w = await setup({ kinds: ['contact', 'company', 'email', 'note', 'task'] });
    const { db } = w;
    const { s, m, email, note, task, deal } = await twoAnns(db);
    expect((await findDuplicatePairs(db)).pairs.map((p) => p.reason)).toEqual(['same-phone']);

    const report = await mergeContacts(s.id, m.id, { title: 'survivor' }, db);
    const after = (await getContact(s.id, db))!;
    expect(after).toMatchObject({
      id: s.id,
      name: 'Ann Quill-Smith',
      title: 'CTO',
      location: 'Leeds',
      stage: 'customer',
      company: 'Quill Ltd',
      emails: ['ann@quill.example', 'ann.q@gmail.com'],
      phones: ['+441134960000', '+44 113 496 0000', '+447700900123'],
      tags: ['vip', 'met-at-fair'],
      createdAt: s.createdAt,
    });
    expect(after.sources.map((x) => x.type)).toEqual(['manual', 'linkedin', 'manual']);
    expect(await db.contacts.where('id').equals(m.id).count()).toBe(0);
    // The timeline moved: the e-mail, the shared note (once), the task, the deal.
    const timeline = await getTimeline(s.id, db);
    expect(timeline.map((t) => (t.kind === 'task' ? t.task.id : t.activity.id)).sort()).toEqual([email.id, note.id, task.id].sort());
    expect((await db.activities.where('id').equals(note.id).first())?.contactIds).toEqual([s.id]);
    expect((await db.deals.get(deal.id))?.contactIds).toEqual([s.id]);
    expect(report).toMatchObject({ movedActivities: 2, movedTasks: 1, crmRecordsToMerge: [], linksMoved: [] });
    // The index has one person, found by either's words and addresses.
    for (const q of ['quill', 'smith', 'ann.q@gmail.com', 'leeds']) {
      expect((await search(db, q, { kinds: ['contact'] })).contacts.map((h) => h.record.id)).toEqual([s.id]);
    }
    // Only the survivor is queued for the CRM; the merged one's push is dropped.
    expect(await db.outbox.get(entryKey(w.inst.id, 'contact', m.id))).toBeUndefined();
    expect(await db.outbox.get(entryKey(w.inst.id, 'contact', s.id))).toMatchObject({ state: 'pending' });
    // The merged id still finds the person.
    expect(await db.redirects.get(m.id)).toMatchObject({ to: s.id });
    expect((await getContact(m.id, db))?.id).toBe(s.id);
    expect((await getTimeline(m.id, db)).length).toBe(3);
    expect((await findDuplicatePairs(db)).pairs).toEqual([]);
  });

  it('when both are in the CRM the survivor keeps its record and the other is reported; when only the merged one is, its record becomes the survivor’s', async () => {
    const w = await setup({ kinds: ['contact', 'company', 'email', 'note', 'task'] });
    const { db, inst } = w;
    const { s, m } = await twoAnns(db);
    await runOnce(db, w.registry, w.engineOpts());
    const remoteS = w.crm.records.get(`contact|${s.id}`)!.remoteId;
    const remoteM = w.crm.records.get(`contact|${m.id}`)!.remoteId;
    const report = await mergeContacts(s.id, m.id, {}, db);
    expect(report.crmRecordsToMerge).toEqual([
      { connectorId: inst.id, connectorName: inst.name, connectorType: 'memory', keptRemoteId: remoteS, otherRemoteId: remoteM },
    ]);
    expect(await db.links.get([inst.id, 'contact', m.id])).toBeUndefined();
    expect((await db.links.get([inst.id, 'contact', s.id]))?.remoteId).toBe(remoteS);
    const pushes = w.crm.pushes.length;
    await runOnce(db, w.registry, w.engineOpts());
    const sent = w.crm.pushes.slice(pushes).flatMap((p) => p.items);
    expect(sent.map((i) => [i.item.record.id, i.remoteId])).toEqual([[s.id, remoteS]]);

    // A third Ann, only she in the CRM (the new survivor was never pushed).
    const [lone] = (await upsertContacts(
      [{ name: 'Ann Quill', emails: ['ann@elsewhere.example'], company: 'Quill Ltd' }],
      src,
      {},
      db,
    )) as {
      contact: Contact;
    }[];
    await runOnce(db, w.registry, w.engineOpts());
    const remoteLone = w.crm.records.get(`contact|${lone.contact.id}`)!.remoteId;
    const [fresh] = (await upsertContacts([{ name: 'Ann Quill', emails: ['ann@fresh.example'], company: 'Quill Ltd' }], src, {}, db)) as {
      contact: Contact;
    }[];
    const moved = await mergeContacts(fresh.contact.id, lone.contact.id, {}, db);
    expect(moved).toMatchObject({ linksMoved: [inst.id], crmRecordsToMerge: [] });
    expect((await db.links.get([inst.id, 'contact', fresh.contact.id]))?.remoteId).toBe(remoteLone);
    const before = w.crm.pushes.length;
    await runOnce(db, w.registry, w.engineOpts());
    const items = w.crm.pushes.slice(before).flatMap((p) => p.items);
    expect(items.map((i) => [i.item.record.id, i.remoteId])).toEqual([[fresh.contact.id, remoteLone]]);
  });

  it("with a CRM that can merge, its own merge is queued in the merge's transaction and sent; a new id there becomes the survivor's link", async () => {
    const w = await setup({ kinds: ['contact', 'company', 'email', 'note', 'task'] });
    const { db, inst } = w;
    const { s, m } = await twoAnns(db);
    await runOnce(db, w.registry, w.engineOpts());
    const remoteS = w.crm.records.get(`contact|${s.id}`)!.remoteId;
    const remoteM = w.crm.records.get(`contact|${m.id}`)!.remoteId;
    const asked: unknown[] = [];
    w.registry.get('memory')!.merge = async (_ctx, _kind, requests) => {
      asked.push(...requests.map((r) => [r.remoteId, r.intoRemoteId]));
      return requests.map((r) => ({ remoteId: r.remoteId, ok: true as const, resultId: 'merged-record-9' }));
    };
    const report = await mergeContacts(s.id, m.id, {}, db, { mergeInCrms: new Set(['memory']) });
    expect(report.crmRecordsToMerge).toEqual([expect.objectContaining({ keptRemoteId: remoteS, otherRemoteId: remoteM, queued: true })]);
    expect(await db.outbox.get(entryKey(inst.id, 'contact', m.id))).toMatchObject({
      op: 'merge',
      remoteId: remoteM,
      intoRemoteId: remoteS,
      intoLocalId: s.id,
    });
    await settle(w);
    expect(asked).toEqual([[remoteM, remoteS]]);
    expect(await db.outbox.count()).toBe(0);
    expect((await db.links.get([inst.id, 'contact', s.id]))?.remoteId).toBe('merged-record-9');
  });

  it('a CRM whose connector cannot merge: the request fails for good, saying to merge the two records there by hand', async () => {
    const w = await setup({ kinds: ['contact'] });
    const { db, inst } = w;
    const { s, m } = await twoAnns(db);
    await runOnce(db, w.registry, w.engineOpts());
    const remoteS = w.crm.records.get(`contact|${s.id}`)!.remoteId;
    const remoteM = w.crm.records.get(`contact|${m.id}`)!.remoteId;
    await mergeContacts(s.id, m.id, {}, db, { mergeInCrms: new Set(['memory']) });
    await settle(w);
    expect(await db.outbox.get(entryKey(inst.id, 'contact', m.id))).toMatchObject({
      state: 'dead',
      lastError: `Memory CRM cannot merge from Rapport: merge record ${remoteM} into ${remoteS} there by hand`,
    });
  });

  it('links the engine journaled and did not fold yet count as links', async () => {
    const w = await setup({ kinds: ['contact'] });
    const { db, inst } = w;
    const { s, m } = await twoAnns(db);
    await runOnce(db, w.registry, w.engineOpts());
    const links = await db.links.toArray();
    await db.links.clear();
    await db.syncState.put({
      key: `links|${inst.id}|x|o|1`,
      linkJournal: { connectorId: inst.id, kind: 'contact', syncedAt: 1, links: links.map((l) => [l.localId, l.remoteId]) },
    });
    const report = await mergeContacts(s.id, m.id, {}, db);
    expect(report.crmRecordsToMerge).toHaveLength(1);
    expect((await db.syncState.get(`links|${inst.id}|x|o|1`))?.linkJournal?.links.map(([id]) => id)).toEqual([s.id]);
  });

  it('a failure inside the transaction leaves everything as it was', async () => {
    const w = await setup({ kinds: ['contact', 'email', 'note', 'task'] });
    const { db } = w;
    const { s, m } = await twoAnns(db);
    await runOnce(db, w.registry, w.engineOpts());
    await addNote([m.id], 'Queued after the sync', src, db);
    const dump = async () => Object.fromEntries(await Promise.all(db.tables.map(async (t) => [t.name, await t.toArray()] as const)));
    const before = await dump();
    db.redirects.hook('creating', () => {
      throw new Error('disk full');
    });
    await expect(mergeContacts(s.id, m.id, {}, db)).rejects.toThrow('disk full');
    expect(await dump()).toEqual(before);
  });

  it('a note or a task written to the merged id (a card opened before the merge) lands on the survivor', async () => {
    const db = await freshDb();
    const { s, m } = await twoAnns(db);
    await mergeContacts(s.id, m.id, {}, db);
    const note = await addNote([m.id, s.id], 'Written from an old card', src, db);
    const task = await createTask({ title: 'From an old card', contactIds: [m.id] }, src, db);
    expect(note.contactIds).toEqual([s.id]);
    expect((await db.tasks.get(task.id))?.contactIds).toEqual([s.id]);
    expect((await getTimeline(s.id, db)).some((t) => t.kind === 'activity' && t.activity.id === note.id)).toBe(true);
  });

  it('refuses a missing person and a merge into itself', async () => {
    const db = await freshDb();
    const { s } = await twoAnns(db);
    await expect(mergeContacts(s.id, s.id, {}, db)).rejects.toThrow('itself');
    await expect(mergeContacts(s.id, 'ct_nobody', {}, db)).rejects.toThrow('no contact ct_nobody');
  });
});

it('"delete all local data" (records) takes the merge rows with the people', async () => {
  const db = await freshDb();
  const { s, m } = await twoAnns(db);
  await mergeContacts(s.id, m.id, {}, db);
  await dismissPair(s.id, 'ct_other', db);
  await deleteLocalData('records', db);
  expect(await db.redirects.count()).toBe(0);
  expect(await db.notDuplicates.count()).toBe(0);
});

describe('resolveContactId', () => {
  it('follows merges of merges to the person there is now', async () => {
    const db = await freshDb();
    const made = (await upsertContacts(
      ['a', 'b', 'c'].map((x) => ({ name: `Person ${x}`, emails: [`${x}@chain.example`] })),
      src,
      {},
      db,
    )) as { contact: Contact }[];
    const [a, b, c] = made.map((r) => r.contact.id);
    await mergeContacts(b, a, {}, db);
    await mergeContacts(c, b, {}, db);
    expect(await resolveContactId(a, db)).toBe(c);
    expect(await resolveContactId(b, db)).toBe(c);
    expect(await resolveContactId(c, db)).toBe(c);
    expect((await getContact(a, db))?.emails.sort()).toEqual(['a@chain.example', 'b@chain.example', 'c@chain.example']);
    expect(await resolveContactId('ct_never', db)).toBeUndefined();
  });

  it('a chain longer than the bound, or a loop, resolves to nothing', async () => {
    const db = await freshDb();
    const at = '2026-01-01T00:00:00.000Z';
    const [end] = (await upsertContacts([{ name: 'End Person', emails: ['end@chain.example'] }], src, {}, db)) as { contact: Contact }[];
    const hops = MAX_REDIRECT_HOPS + 2;
    await db.redirects.bulkPut(
      Array.from({ length: hops }, (_, i) => ({ from: `x${i}`, to: i === hops - 1 ? end.contact.id : `x${i + 1}`, at })),
    );
    expect(await resolveContactId(`x${hops - 1}`, db)).toBe(end.contact.id);
    expect(await resolveContactId('x0', db)).toBeUndefined();
    await db.redirects.bulkPut([
      { from: 'loop1', to: 'loop2', at },
      { from: 'loop2', to: 'loop1', at },
    ]);
    expect(await resolveContactId('loop1', db)).toBeUndefined();
  });
});
