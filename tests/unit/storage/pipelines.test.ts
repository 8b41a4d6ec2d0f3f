// Pipelines in the database (storage/pipelines.ts): defaults on first use, items created with their
// first stage change, moves recorded, a stage in use removed only with a destination (its items move
// with history), overdue cases by index, and items following merges and deletes of their people.
import { afterEach, describe, expect, it } from 'vitest';
import { removeContact } from '../../../storage/edit';
import { mergeContacts } from '../../../storage/merge';
import {
  editItem,
  createItem,
  editPipelineStages,
  itemsOf,
  listPipelines,
  moveItemTo,
  overdueCases,
  pipelineItems,
  stageHistory,
} from '../../../storage/pipelines';
import type { StageEditError } from '../../../storage/pipeline-logic';
import { upsertContacts } from '../../../storage/repositories';
import type { Contact } from '../../../storage/schema';
import { closeDbs, setup, src } from '../sync/helpers';

afterEach(closeDbs);

async function world() {
  const w = await setup();
  const [ann, bob] = (await upsertContacts(
    [
      { name: 'Ann Quill', emails: ['ann@quill.example'] },
      { name: 'Ann Quill', emails: ['ann.q@quill.example'] },
    ],
    src,
    {},
    w.db,
  )) as { contact: Contact }[];
  return { ...w, ann: ann.contact, bob: bob.contact };
}

describe('pipelines in storage', () => {
  it('creates the default pipelines once, however many pages ask', async () => {
    const { db } = await world();
    const [a, b] = await Promise.all([listPipelines(db), listPipelines(db)]);
    expect(a.map((p) => p.kind)).toEqual(['sales', 'hiring', 'service']);
    expect(b.map((p) => p.id)).toEqual(a.map((p) => p.id));
    expect(await db.pipelines.count()).toBe(3);
  });

  it('an item starts at the first stage with a history entry; each move adds one; the board groups by stage', async () => {
    const { db, ann } = await world();
    const deal = await createItem('pl_sales', { title: 'Quill rollout', contactIds: [ann.id], amount: 12000, currency: 'EUR' }, src, db);
    expect(deal.stageId).toBe('lead');
    await moveItemTo(deal.id, 'proposal', db, new Date('2026-12-08T10:00:00.000Z'));
    await moveItemTo(deal.id, 'won', db, new Date('2026-12-09T10:00:00.000Z'));
    expect((await stageHistory(deal.id, db)).map((c) => [c.from, c.to])).toEqual([
      [undefined, 'lead'],
      ['lead', 'proposal'],
      ['proposal', 'won'],
    ]);
    const board = await pipelineItems((await listPipelines(db))[0], db);
    expect(board.get('won')!.map((i) => i.title)).toEqual(['Quill rollout']);
    expect(board.get('won')![0].closedAt).toBe('2026-12-09T10:00:00.000Z');
    expect((await itemsOf(ann.id, db)).map((i) => i.id)).toEqual([deal.id]);
  });

  it('a case gets its SLA from the policy; overdue cases are found until resolved', async () => {
    const { db, ann } = await world();
    const c = await createItem(
      'pl_service',
      { title: 'Broken delivery', contactIds: [ann.id], category: 'complaint', priority: 'urgent' },
      src,
      db,
    );
    expect(Date.parse(c.slaDueAt!) - Date.parse(c.createdAt)).toBe(4 * 3600e3);
    const later = new Date(Date.parse(c.createdAt) + 5 * 3600e3);
    expect((await overdueCases(later, db)).map((i) => i.id)).toEqual([c.id]);
    await moveItemTo(c.id, 'resolved', db, later);
    expect(await overdueCases(later, db)).toEqual([]);
  });

  it("a case's new priority moves its SLA due time (from opening), wherever it is edited", async () => {
    const { db, ann } = await world();
    const c = await createItem('pl_service', { title: 'Late invoice', contactIds: [ann.id], priority: 'low' }, src, db);
    const edited = await editItem(c.id, { priority: 'high' }, db);
    expect(Date.parse(edited!.slaDueAt!) - Date.parse(c.createdAt)).toBe(24 * 3600e3);
    expect(edited!.openSlaDueAt).toBe(edited!.slaDueAt);
  });

  it('removing a stage in use asks where its items go, then moves them there with history', async () => {
    const { db, ann } = await world();
    const a = await createItem('pl_sales', { title: 'A', contactIds: [ann.id], stageId: 'qualified' }, src, db);
    await createItem('pl_sales', { title: 'B', contactIds: [ann.id], stageId: 'qualified' }, src, db);
    let err: StageEditError | undefined;
    await editPipelineStages('pl_sales', { op: 'remove', stageId: 'qualified' }, db).catch((e: StageEditError) => (err = e));
    expect(err?.needsDestination).toEqual({ stageId: 'qualified', items: 2 });
    expect((await listPipelines(db))[0].stages.map((s) => s.id)).toContain('qualified');
    const p = await editPipelineStages('pl_sales', { op: 'remove', stageId: 'qualified', moveItemsTo: 'lead' }, db);
    expect(p.stages.map((s) => s.id)).not.toContain('qualified');
    expect(
      (await pipelineItems(p, db))
        .get('lead')!
        .map((i) => i.title)
        .sort(),
    ).toEqual(['A', 'B']);
    expect((await stageHistory(a.id, db)).at(-1)).toMatchObject({ from: 'qualified', to: 'lead' });
  });

  it('a merge moves the merged person’s items to the survivor; a deleted person leaves their items', async () => {
    const { db, ann, bob } = await world();
    const item = await createItem('pl_hiring', { title: 'Senior engineer', contactIds: [bob.id], role: 'Engineer' }, src, db);
    await mergeContacts(ann.id, bob.id, {}, db);
    expect((await db.items.get(item.id))!.contactIds).toEqual([ann.id]);
    await removeContact(ann.id, {}, db);
    expect((await db.items.get(item.id))!.contactIds).toEqual([]);
  });
});
