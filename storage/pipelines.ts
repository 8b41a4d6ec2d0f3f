// Pipelines and their items in the database (decision 0053): every move writes the item and its
// stage change in one transaction; a stage removed while in use moves its items (with history) to
// the stage the user chose; boards read one pipeline's items through the [pipelineId+stageId] index.
import { type RapportDB, getDb } from './db';
import { deletePipelineItem } from './delete';
import { ValidationError } from './edit';
import { itemChanges, itemSyncKind } from './item-sync';
import { enqueue, outboxScope } from './outbox';
import {
  type StageEdit,
  StageEditError,
  defaultPipelines,
  editStages,
  moveItem,
  slaDueAt,
  stageOf,
  withItemDerived,
} from './pipeline-logic';
import { currentContactIds } from './queries';
import { slaDueAfterPriority } from './sla';
import { type Pipeline, PipelineItem, type Source, type StageChange, newId, nowIso } from './schema';

const scope = (db: RapportDB) => [db.pipelines, db.items, db.stageChanges, db.redirects, ...outboxScope(db)];

/** The user's pipelines in navigation order; the defaults are created on first use. */
export async function listPipelines(db: RapportDB = getDb()): Promise<Pipeline[]> {
  const found = await db.pipelines.toArray();
  if (found.length) return found.sort((a, b) => a.position - b.position);
  return db.transaction('rw', db.pipelines, async () => {
    // Another page may have created them meanwhile.
    if ((await db.pipelines.count()) === 0) await db.pipelines.bulkAdd(defaultPipelines(nowIso()));
    return (await db.pipelines.toArray()).sort((a, b) => a.position - b.position);
  });
}

export async function getPipeline(id: string, db: RapportDB = getDb()): Promise<Pipeline | undefined> {
  return (await listPipelines(db)).find((p) => p.id === id);
}

/** The items of a pipeline, by stage in the pipeline's order (the board). */
export async function pipelineItems(pipeline: Pipeline, db: RapportDB = getDb()): Promise<Map<string, PipelineItem[]>> {
  const byStage = new Map<string, PipelineItem[]>();
  await Promise.all(
    pipeline.stages.map(async (s) => {
      byStage.set(s.id, await db.items.where('[pipelineId+stageId]').equals([pipeline.id, s.id]).toArray());
    }),
  );
  return new Map(pipeline.stages.map((s) => [s.id, byStage.get(s.id) ?? []]));
}

/** A person's items (open first). */
export async function itemsOf(contactId: string, db: RapportDB = getDb()): Promise<PipelineItem[]> {
  const items = await db.items.where('contactIds').equals(contactId).toArray();
  return items.sort((a, b) => Number(!!a.closedAt) - Number(!!b.closedAt) || b.updatedAt.localeCompare(a.updatedAt));
}

/** Open cases whose SLA time has passed. */
export function overdueCases(now: Date = new Date(), db: RapportDB = getDb()): Promise<PipelineItem[]> {
  return db.items.where('openSlaDueAt').below(now.toISOString()).toArray();
}

export function stageHistory(itemId: string, db: RapportDB = getDb()): Promise<StageChange[]> {
  return db.stageChanges.where('itemId').equals(itemId).sortBy('at');
}

export type ItemFields = Partial<
  Pick<
    PipelineItem,
    | 'title'
    | 'contactIds'
    | 'companyId'
    | 'threadIds'
    | 'notes'
    | 'amount'
    | 'currency'
    | 'closeDate'
    | 'lostReason'
    | 'role'
    | 'source'
    | 'category'
    | 'priority'
    | 'slaDueAt'
    | 'resolution'
  >
>;

function checkItem(f: ItemFields): Record<string, string> {
  const errors: Record<string, string> = {};
  if (f.title !== undefined && !f.title.trim()) errors.title = 'An item needs a title.';
  if (f.amount !== undefined && !(Number.isFinite(f.amount) && f.amount >= 0)) errors.amount = 'The amount is a number, 0 or more.';
  if (f.currency !== undefined && !/^[A-Z]{3}$/.test(f.currency)) errors.currency = 'A currency is a three-letter code such as EUR.';
  if (f.closeDate !== undefined && Number.isNaN(Date.parse(f.closeDate))) errors.closeDate = 'The close date is not a date.';
  return errors;
}

/**
 * Creates an item at `stageId` (the pipeline's first stage by default), with its first stage change.
 * A case gets its SLA due time from the pipeline's policy and its priority unless one is given.
 */
export async function createItem(
  pipelineId: string,
  fields: ItemFields & { title: string; stageId?: string },
  source: Source,
  db: RapportDB = getDb(),
): Promise<PipelineItem> {
  const errors = checkItem(fields);
  if (Object.keys(errors).length) throw new ValidationError(errors);
  return db.transaction('rw', scope(db), async () => {
    const pipeline = await getPipeline(pipelineId, db);
    if (!pipeline) throw new ValidationError({ pipeline: 'That pipeline no longer exists.' });
    const stageId = fields.stageId ?? pipeline.stages[0].id;
    if (!stageOf(pipeline, stageId)) throw new ValidationError({ stage: 'That stage is not in this pipeline.' });
    const at = nowIso();
    const { stageId: _s, ...rest } = fields;
    const draft = PipelineItem.parse({
      threadIds: [],
      contactIds: [],
      ...rest,
      title: fields.title.trim(),
      ...(pipeline.kind === 'service' && !fields.slaDueAt ? { slaDueAt: slaDueAt(at, fields.priority, pipeline.slaHours) } : {}),
      ...(pipeline.currency && fields.amount !== undefined && !fields.currency ? { currency: pipeline.currency } : {}),
      id: newId('it'),
      pipelineId,
      stageId,
      stageEnteredAt: at,
      createdAt: at,
      updatedAt: at,
      sources: [source],
    });
    draft.contactIds = await currentContactIds(draft.contactIds, db);
    const item = withItemDerived(draft, pipeline);
    await db.items.add(item);
    await db.stageChanges.add({ id: newId('sc'), itemId: item.id, pipelineId, to: stageId, at });
    await enqueue(db, [{ kind: itemSyncKind(pipeline.kind), localId: item.id, fresh: true }]);
    return item;
  });
}

export async function editItem(id: string, fields: ItemFields, db: RapportDB = getDb()): Promise<PipelineItem | undefined> {
  const errors = checkItem(fields);
  if (Object.keys(errors).length) throw new ValidationError(errors);
  return db.transaction('rw', scope(db), async () => {
    const item = await db.items.get(id);
    if (!item) return undefined;
    const pipeline = await getPipeline(item.pipelineId, db);
    // A case's new priority gives it its policy's SLA due time (counted from opening), unless one is given.
    const sla =
      pipeline?.kind === 'service' && fields.priority !== undefined && fields.slaDueAt === undefined
        ? slaDueAfterPriority(item, fields.priority, pipeline.slaHours)
        : undefined;
    const next = PipelineItem.parse({
      ...item,
      ...fields,
      ...(fields.title ? { title: fields.title.trim() } : {}),
      ...(sla ? { slaDueAt: sla } : {}),
      updatedAt: nowIso(),
    });
    if (fields.contactIds) next.contactIds = await currentContactIds(next.contactIds, db);
    const derived = pipeline ? withItemDerived(next, pipeline) : next;
    await db.items.put(derived);
    await enqueue(db, await itemChanges(db, [derived]));
    return derived;
  });
}

/** Moves an item to another stage of its pipeline, recording the change. Undefined: no such item or stage. */
export async function moveItemTo(
  id: string,
  stageId: string,
  db: RapportDB = getDb(),
  now: Date = new Date(),
): Promise<PipelineItem | undefined> {
  return db.transaction('rw', scope(db), async () => {
    const item = await db.items.get(id);
    if (!item) return undefined;
    const pipeline = await getPipeline(item.pipelineId, db);
    if (!pipeline) return undefined;
    const moved = moveItem(item, stageId, pipeline, now.toISOString(), newId('sc'));
    if (!moved) return item;
    await db.items.put(moved.item);
    await db.stageChanges.add(moved.change);
    await enqueue(db, [{ kind: itemSyncKind(pipeline.kind), localId: id }]);
    return moved.item;
  });
}

/** Deletes an item and its history; `archiveInCrms`: also archive (or delete) it in the CRMs that have it. */
export async function deleteItem(id: string, opts: { archiveInCrms?: boolean } = {}, db: RapportDB = getDb()): Promise<boolean> {
  return (await deletePipelineItem(id, db, { archiveRemote: !!opts.archiveInCrms })).deleted;
}

/**
 * Edits a pipeline's stages. Removing a stage that holds items needs `moveItemsTo`: its items move
 * there, each with a stage change, in the same transaction. Throws StageEditError (with
 * `needsDestination` when the page must ask where the items go).
 */
export async function editPipelineStages(
  pipelineId: string,
  edit: StageEdit,
  db: RapportDB = getDb(),
  now: Date = new Date(),
): Promise<Pipeline> {
  return db.transaction('rw', scope(db), async () => {
    const pipeline = await getPipeline(pipelineId, db);
    if (!pipeline) throw new StageEditError('That pipeline no longer exists.');
    const inStage = edit.op === 'remove' ? await db.items.where('[pipelineId+stageId]').equals([pipelineId, edit.stageId]).toArray() : [];
    const stages = editStages(pipeline, edit, inStage.length);
    const at = now.toISOString();
    if (edit.op === 'remove' && edit.moveItemsTo && inStage.length) {
      const target = { ...pipeline, stages: [...pipeline.stages] };
      const moves = inStage.map((item) => moveItem(item, edit.moveItemsTo!, target, at, newId('sc'))!);
      await db.items.bulkPut(moves.map((m) => m.item));
      await db.stageChanges.bulkAdd(moves.map((m) => m.change));
      await enqueue(
        db,
        moves.map((m) => ({ kind: itemSyncKind(pipeline.kind), localId: m.item.id })),
      );
    }
    const next: Pipeline = { ...pipeline, stages, updatedAt: at };
    await db.pipelines.put(next);
    return next;
  });
}

/** Renames a pipeline, or changes its currency or SLA policy. */
export async function editPipeline(
  id: string,
  fields: Partial<Pick<Pipeline, 'name' | 'currency' | 'slaHours'>>,
  db: RapportDB = getDb(),
): Promise<Pipeline | undefined> {
  if (fields.name !== undefined && !fields.name.trim()) throw new ValidationError({ name: 'A pipeline needs a name.' });
  return db.transaction('rw', scope(db), async () => {
    const p = await getPipeline(id, db);
    if (!p) return undefined;
    const next = { ...p, ...fields, ...(fields.name ? { name: fields.name.trim() } : {}), updatedAt: nowIso() };
    await db.pipelines.put(next);
    return next;
  });
}
