// Pipelines in the export (format version 2) and in older files: an export restores its pipelines,
// items and stage history exactly after "delete all"; a version 1 file's deals become items of the
// Sales pipeline with one stage change each; malformed item rows are reported one by one while the
// rest is restored; restored items follow local merges and are queued for the CRMs.
import { afterEach, describe, expect, it } from 'vitest';
import { runImport } from '../../../importers/import-job';
import type { RapportDB } from '../../../storage/db';
import { dealStageId, dealToItem } from '../../../storage/deal-upgrade';
import { exportParts } from '../../../storage/export';
import { mergeContacts } from '../../../storage/merge';
import { createItem, editPipeline, editPipelineStages, listPipelines, moveItemTo } from '../../../storage/pipelines';
import { deleteAllData, upsertContacts } from '../../../storage/repositories';
import type { Contact, Deal, PipelineItem } from '../../../storage/schema';
import { closeDbs, setup, src } from '../sync/helpers';

afterEach(closeDbs);

const file = (text: string) => Object.assign(new Blob([text]), { name: 'rapport-export.json' });
const at = (day: number) => new Date(Date.UTC(2026, 10, day, 9)).toISOString();

async function exportText(db: RapportDB): Promise<string> {
  let s = '';
  for await (const p of exportParts(db, at(30))) s += p;
  return s;
}

async function pipelineTables(db: RapportDB) {
  return { pipelines: await db.pipelines.toArray(), items: await db.items.toArray(), stageChanges: await db.stageChanges.toArray() };
}

const queued = async (db: RapportDB) =>
  (await db.outbox.toArray()).filter((e) => ['deal', 'case', 'candidate'].includes(e.kind)).map((e) => `${e.kind}|${e.localId}`);

async function world() {
  const w = await setup();
  // A connection that takes pipeline items (the memory CRM declares none; the rows are what counts here).
  await w.db.connectors.update(w.inst.id, { kinds: ['contact', 'deal', 'case', 'candidate'] });
  const [ann, bo] = (await upsertContacts(
    [
      { name: 'Ann Quill', emails: ['ann@quill.example'] },
      { name: 'Bo Chen', emails: ['bo@chen.example'] },
    ],
    src,
    {},
    w.db,
  )) as { contact: Contact }[];
  return { ...w, ann: ann.contact, bo: bo.contact };
}

const v1File = (deals: Deal[], contacts: Contact[] = []) =>
  JSON.stringify({ format: 'rapport-export', version: 1, exportedAt: at(1), contacts, companies: [], activities: [], tasks: [], deals });

const deal = (id: string, stage: string, extra: Partial<Deal> = {}): Deal => ({
  id,
  name: `Deal ${id}`,
  stage,
  contactIds: [],
  createdAt: at(2),
  updatedAt: at(3),
  sources: [{ type: 'manual', at: at(2) }],
  ...extra,
});

describe('pipelines in the JSON export', () => {
  it('export → delete all → import gives the same pipelines, items and stage history, and queues the items', async () => {
    const { db, ann, bo } = await world();
    await listPipelines(db);
    // An edited pipeline (a renamed stage, a new one), items moved and closed, a case with its SLA.
    await editPipeline('pl_sales', { name: 'Deals', currency: 'EUR' }, db);
    await editPipelineStages(
      'pl_sales',
      { op: 'add', stage: { id: 'demo', name: 'Démo 🎬', category: 'open', probability: 0.4 }, index: 2 },
      db,
    );
    const rollout = await createItem('pl_sales', { title: 'Quill rollout', contactIds: [ann.id], amount: 12000 }, src, db);
    await moveItemTo(rollout.id, 'demo', db, new Date(at(10)));
    await moveItemTo(rollout.id, 'won', db, new Date(at(12)));
    await createItem(
      'pl_service',
      { title: 'Lieferung beschädigt', contactIds: [bo.id], category: 'complaint', priority: 'high' },
      src,
      db,
    );
    await createItem('pl_hiring', { title: 'Backend engineer', contactIds: [bo.id], role: 'Engineer', source: 'LinkedIn' }, src, db);
    const before = await pipelineTables(db);
    expect(before.items).toHaveLength(3);
    expect(before.stageChanges).toHaveLength(5);
    const text = await exportText(db);
    expect(JSON.parse(text)).toMatchObject({ version: 2, deals: [] });

    // "Delete all" also removes the connection: the new profile is connected again before the restore.
    const connection = await db.connectors.toArray();
    await deleteAllData(db);
    await db.connectors.bulkPut(connection);
    // The profile the file goes to already made its default pipelines (first use), later than the file's.
    await listPipelines(db);
    const summary = await runImport(file(text), undefined, db);
    expect(summary.errors).toEqual([]);
    expect(await pipelineTables(db)).toEqual(before);
    expect((await queued(db)).sort()).toEqual(
      before.items
        .map((i) => `${i.pipelineId === 'pl_service' ? 'case' : i.pipelineId === 'pl_hiring' ? 'candidate' : 'deal'}|${i.id}`)
        .sort(),
    );

    // Again: nothing changes, nothing is added.
    await db.outbox.clear();
    const again = await runImport(file(text), undefined, db);
    expect(again.created).toBe(0);
    expect(await pipelineTables(db)).toEqual(before);
    expect(await queued(db)).toEqual([]);
  });

  it('an item naming a person merged away here follows the merge', async () => {
    const { db, ann, bo } = await world();
    const item = await createItem('pl_sales', { title: 'Quill rollout', contactIds: [bo.id] }, src, db);
    const text = await exportText(db);
    await db.items.clear();
    await mergeContacts(ann.id, bo.id, {}, db);
    await runImport(file(text), undefined, db);
    expect((await db.items.get(item.id))?.contactIds).toEqual([ann.id]);
  });

  it('reports malformed item rows one by one and restores the rest', async () => {
    const { db, ann } = await world();
    const good = await createItem('pl_sales', { title: 'Good', contactIds: [ann.id], amount: 10 }, src, db);
    const exported = JSON.parse(await exportText(db));
    const [row] = exported.items as PipelineItem[];
    exported.items = [
      { ...row, id: 'it_negative', amount: -5 },
      row,
      { ...row, id: 'it_no_stage', stageId: undefined },
      'not an item',
      { ...row, id: 'it_lost_pipeline', pipelineId: 'pl_gone' },
    ];
    exported.stageChanges.push({ id: 'sc_bad', itemId: good.id, pipelineId: 'pl_sales', to: 'won', at: 'yesterday' });
    await db.items.clear();
    await db.stageChanges.clear();
    const summary = await runImport(file(JSON.stringify(exported)), undefined, db);
    const messages = summary.errors.map((e) => e.message);
    expect(messages).toEqual([
      expect.stringMatching(/^items\[0\] \(it_negative\): amount: /),
      expect.stringMatching(/^items\[2\] \(it_no_stage\): stageId: /),
      expect.stringMatching(/^items\[3\]: /),
      expect.stringMatching(/^items \(it_lost_pipeline\): its pipeline "pl_gone" is neither in the file nor here/),
      expect.stringMatching(/^stageChanges\[1\] \(sc_bad\): at: expected an ISO date/),
    ]);
    expect((await db.items.toArray()).map((i) => i.id).sort()).toEqual([good.id, 'it_lost_pipeline'].sort());
    expect(await db.stageChanges.count()).toBe(1);
  });
});

describe('version 1 files: deals become Sales items', () => {
  it('maps each deal to the Sales stage its name says, with one stage change, following merges, queued', async () => {
    const { db, ann, bo } = await world();
    await mergeContacts(ann.id, bo.id, {}, db);
    const deals = [
      deal('dl_won', 'Closed Won', { amount: 5000, currency: 'EUR', closeDate: at(20), contactIds: [bo.id] }),
      deal('dl_neg', 'negotiation'),
      deal('dl_lost', 'closedlost'),
      deal('dl_disc', 'Discovery'),
      deal('dl_minus', 'proposal', { amount: -3, currency: 'USD' }),
    ];
    const summary = await runImport(file(v1File(deals)), undefined, db);
    expect(summary.errors).toEqual([]);
    expect(summary.created).toBe(5);
    // No pipelines here yet: the defaults were made.
    expect((await db.pipelines.toArray()).map((p) => p.id).sort()).toEqual(['pl_hiring', 'pl_sales', 'pl_service']);
    const items = new Map((await db.items.toArray()).map((i) => [i.id, i]));
    expect([...items.values()].map((i) => [i.id, i.pipelineId, i.stageId]).sort()).toEqual([
      ['dl_disc', 'pl_sales', 'lead'],
      ['dl_lost', 'pl_sales', 'lost'],
      ['dl_minus', 'pl_sales', 'proposal'],
      ['dl_neg', 'pl_sales', 'negotiation'],
      ['dl_won', 'pl_sales', 'won'],
    ]);
    expect(items.get('dl_won')).toMatchObject({
      title: 'Deal dl_won',
      amount: 5000,
      currency: 'EUR',
      closeDate: at(20),
      closedAt: at(3),
      contactIds: [ann.id],
    });
    // What an item has no field for is kept in its notes.
    expect(items.get('dl_disc')!.notes).toBe('Deal stage: Discovery');
    expect(items.get('dl_minus')).toMatchObject({ notes: 'Amount: -3 USD' });
    expect(items.get('dl_minus')!.amount).toBeUndefined();
    expect(await db.deals.count()).toBe(0);
    const history = await db.stageChanges.toArray();
    expect(history.map((c) => [c.itemId, c.from, c.to]).sort()).toEqual(
      [...items.values()].map((i) => [i.id, undefined, i.stageId]).sort(),
    );
    expect((await queued(db)).sort()).toEqual(deals.map((d) => `deal|${d.id}`).sort());

    // The same file again adds no history.
    await runImport(file(v1File(deals)), undefined, db);
    expect(await db.stageChanges.count()).toBe(5);
  });

  it('a Sales pipeline whose stages were changed takes the deal in a stage of the same category', async () => {
    const { db } = await world();
    await listPipelines(db);
    await editPipelineStages('pl_sales', { op: 'remove', stageId: 'won' }, db);
    await editPipelineStages('pl_sales', { op: 'add', stage: { id: 'signed', name: 'Signed', category: 'won' } }, db);
    await runImport(file(v1File([deal('dl_1', 'won')])), undefined, db);
    expect((await db.items.get('dl_1'))?.stageId).toBe('signed');
  });
});

describe('a deal stage name', () => {
  it.each([
    ['Lead', 'lead'],
    ['new', 'lead'],
    ['Qualified', 'qualified'],
    ['qualifiedtobuy', 'qualified'],
    ['appointmentscheduled', 'qualified'],
    ['Proposal sent', 'proposal'],
    ['presentationscheduled', 'proposal'],
    ['Negotiation / Review', 'negotiation'],
    ['contractsent', 'negotiation'],
    ['Closed Won', 'won'],
    ['closedwon', 'won'],
    ['Closed Lost', 'lost'],
    ['LOST', 'lost'],
    ['', 'lead'],
  ] as const)('%j is %s', (name, stage) => {
    expect(dealStageId(name)).toBe(stage);
  });

  it('keeps a stage name that is not the stage its own in the notes', () => {
    const sales = { id: 'pl_sales', stages: [{ id: 'won', name: 'Won', category: 'won' as const }] };
    expect(dealToItem(deal('d', 'won'), sales).item.notes).toBeUndefined();
    expect(dealToItem(deal('d', 'Closed Won'), sales).item.notes).toBe('Deal stage: Closed Won');
  });
});
