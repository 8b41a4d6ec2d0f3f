// Pipelines without the database (decision 0053): the default pipelines, what moving an item does
// (stage history, closing and reopening, resolution times), column totals weighted by probability,
// the SLA due time of a case, and the plan for removing a stage that still holds items. Pure, so
// the storage layer and the tests share one definition.
import type { Pipeline, PipelineItem, Stage, StageChange } from './schema';
import { CASE_PRIORITIES } from './schema';

type StageSeed = [id: string, name: string, category: Stage['category'], probability?: number];
const stages = (seeds: StageSeed[]): Stage[] =>
  seeds.map(([id, name, category, probability]) => ({ id, name, category, ...(probability !== undefined ? { probability } : {}) }));

/** Hours to resolve a case by priority, unless the user changed the policy. */
export const DEFAULT_SLA_HOURS: Record<(typeof CASE_PRIORITIES)[number], number> = { urgent: 4, high: 24, normal: 72, low: 168 };

/** The pipelines created on first use (all editable): one per kind the product knows. */
export function defaultPipelines(at: string): Pipeline[] {
  const base = { createdAt: at, updatedAt: at, sources: [{ type: 'manual' as const, at }] };
  return [
    {
      ...base,
      id: 'pl_sales',
      name: 'Sales',
      kind: 'sales',
      position: 0,
      stages: stages([
        ['lead', 'Lead', 'open', 0.1],
        ['qualified', 'Qualified', 'open', 0.25],
        ['proposal', 'Proposal', 'open', 0.5],
        ['negotiation', 'Negotiation', 'open', 0.75],
        ['won', 'Won', 'won', 1],
        ['lost', 'Lost', 'lost', 0],
      ]),
    },
    {
      ...base,
      id: 'pl_hiring',
      name: 'Hiring',
      kind: 'hiring',
      position: 1,
      stages: stages([
        ['sourced', 'Sourced', 'open'],
        ['contacted', 'Contacted', 'open'],
        ['screen', 'Screen', 'open'],
        ['interview', 'Interview', 'open'],
        ['offer', 'Offer', 'open'],
        ['hired', 'Hired', 'won'],
        ['rejected', 'Rejected', 'lost'],
      ]),
    },
    {
      ...base,
      id: 'pl_service',
      name: 'Service',
      kind: 'service',
      position: 2,
      slaHours: { ...DEFAULT_SLA_HOURS },
      stages: stages([
        ['new', 'New', 'open'],
        ['open', 'Open', 'open'],
        ['waiting', 'Waiting on customer', 'open'],
        ['resolved', 'Resolved', 'resolved'],
      ]),
    },
  ];
}

export function stageOf(pipeline: Pick<Pipeline, 'stages'>, stageId: string): Stage | undefined {
  return pipeline.stages.find((s) => s.id === stageId);
}

const isOpen = (s: Stage | undefined) => !s || s.category === 'open';

/**
 * The SLA due time of a case: opened at `openedAt`, plus the policy's hours for its priority
 * (normal when none). Hours are elapsed time, the same in every time zone.
 */
export function slaDueAt(openedAt: string, priority: PipelineItem['priority'], policy: Pipeline['slaHours'] = DEFAULT_SLA_HOURS): string {
  const hours = policy?.[priority ?? 'normal'] ?? DEFAULT_SLA_HOURS[priority ?? 'normal'];
  return new Date(Date.parse(openedAt) + hours * 3600e3).toISOString();
}

/** An item with its derived index field set: the SLA due time while the case is open. */
export function withItemDerived(item: PipelineItem, pipeline: Pick<Pipeline, 'stages'>): PipelineItem {
  const out = { ...item };
  delete out.openSlaDueAt;
  if (item.slaDueAt && isOpen(stageOf(pipeline, item.stageId))) out.openSlaDueAt = item.slaDueAt;
  return out;
}

/**
 * What moving `item` to `toStageId` at `at` writes: the item (time in stage restarts; entering a
 * won/lost/resolved stage closes it and, for a case, records its resolution time; moving back to an
 * open stage reopens it) and the stage change. Undefined: nothing to do (same stage, or no such stage).
 */
export function moveItem(
  item: PipelineItem,
  toStageId: string,
  pipeline: Pick<Pipeline, 'id' | 'stages'>,
  at: string,
  changeId: string,
): { item: PipelineItem; change: StageChange } | undefined {
  const to = stageOf(pipeline, toStageId);
  if (!to || item.stageId === toStageId) return undefined;
  const next: PipelineItem = { ...item, stageId: toStageId, stageEnteredAt: at, updatedAt: at };
  if (to.category === 'open') {
    delete next.closedAt;
    delete next.resolvedAt;
  } else {
    next.closedAt = at;
  }
  if (to.category === 'resolved') next.resolvedAt = at;
  else delete next.resolvedAt;
  if (to.category !== 'lost') delete next.lostReason;
  return {
    item: withItemDerived(next, pipeline),
    change: { id: changeId, itemId: item.id, pipelineId: pipeline.id, from: item.stageId, to: toStageId, at },
  };
}

export interface ColumnTotal {
  stageId: string;
  count: number;
  /** Sum of amounts in the pipeline's currency (items in another currency are counted in `other`). */
  amount: number;
  /** `amount` weighted by the stage's probability (sales); equal to `amount` where a stage has none. */
  weighted: number;
  /** Sums of amounts in other currencies, by currency. */
  other: Record<string, number>;
}

/** Count and amount per stage, in the pipeline's stage order. */
export function columnTotals(items: Iterable<PipelineItem>, pipeline: Pick<Pipeline, 'stages' | 'currency'>): ColumnTotal[] {
  const totals = new Map<string, ColumnTotal>(
    pipeline.stages.map((s) => [s.id, { stageId: s.id, count: 0, amount: 0, weighted: 0, other: {} }]),
  );
  const probability = new Map(pipeline.stages.map((s) => [s.id, s.probability]));
  const main = pipeline.currency;
  for (const item of items) {
    const t = totals.get(item.stageId);
    if (!t) continue;
    t.count++;
    if (item.amount === undefined) continue;
    const currency = item.currency ?? main;
    if (main && currency && currency !== main) {
      t.other[currency] = (t.other[currency] ?? 0) + item.amount;
      continue;
    }
    t.amount += item.amount;
    t.weighted += item.amount * (probability.get(item.stageId) ?? 1);
  }
  return [...totals.values()];
}

export type StageEdit =
  | { op: 'rename'; stageId: string; name: string }
  | { op: 'add'; stage: Stage; index?: number }
  | { op: 'move'; stageId: string; index: number }
  | { op: 'set'; stageId: string; category?: Stage['category']; probability?: number | null }
  | { op: 'remove'; stageId: string; moveItemsTo?: string };

export class StageEditError extends Error {
  constructor(
    message: string,
    /** Set when the stage to remove holds items and no destination was given: the page asks where they go. */
    readonly needsDestination?: { stageId: string; items: number },
  ) {
    super(message);
    this.name = 'StageEditError';
  }
}

/**
 * A pipeline's stages after one edit. Removing a stage that holds items (`itemsInStage`) needs a
 * destination, another stage of the pipeline; the caller moves those items (with their history).
 */
export function editStages(pipeline: Pick<Pipeline, 'stages'>, edit: StageEdit, itemsInStage = 0): Stage[] {
  const list = [...pipeline.stages];
  const at = (id: string) => {
    const i = list.findIndex((s) => s.id === id);
    if (i < 0) throw new StageEditError('That stage is no longer in this pipeline.');
    return i;
  };
  const clean = (name: string) => {
    const n = name.replace(/\s+/g, ' ').trim();
    if (!n) throw new StageEditError('A stage needs a name.');
    if (n.length > 100) throw new StageEditError('A stage name has at most 100 characters.');
    return n;
  };
  const unique = (name: string, except?: string) => {
    if (list.some((s) => s.id !== except && s.name.toLowerCase() === name.toLowerCase())) {
      throw new StageEditError(`There is already a stage named “${name}”.`);
    }
  };
  switch (edit.op) {
    case 'rename': {
      const i = at(edit.stageId);
      const name = clean(edit.name);
      unique(name, edit.stageId);
      list[i] = { ...list[i], name };
      return list;
    }
    case 'add': {
      if (list.length >= 50) throw new StageEditError('A pipeline has at most 50 stages.');
      if (list.some((s) => s.id === edit.stage.id)) throw new StageEditError('That stage id is taken.');
      const name = clean(edit.stage.name);
      unique(name);
      list.splice(Math.max(0, Math.min(edit.index ?? list.length, list.length)), 0, { ...edit.stage, name });
      return list;
    }
    case 'move': {
      const [s] = list.splice(at(edit.stageId), 1);
      list.splice(Math.max(0, Math.min(edit.index, list.length)), 0, s);
      return list;
    }
    case 'set': {
      const i = at(edit.stageId);
      const next = { ...list[i] };
      if (edit.category) next.category = edit.category;
      if (edit.probability === null) delete next.probability;
      else if (edit.probability !== undefined) {
        if (!(edit.probability >= 0 && edit.probability <= 1)) throw new StageEditError('A probability is between 0 and 100 %.');
        next.probability = edit.probability;
      }
      list[i] = next;
      return list;
    }
    case 'remove': {
      const i = at(edit.stageId);
      if (list.length === 1) throw new StageEditError('A pipeline keeps at least one stage.');
      if (itemsInStage > 0) {
        if (!edit.moveItemsTo) {
          throw new StageEditError(`“${list[i].name}” holds ${itemsInStage} item${itemsInStage === 1 ? '' : 's'}: choose where they go.`, {
            stageId: edit.stageId,
            items: itemsInStage,
          });
        }
        if (edit.moveItemsTo === edit.stageId) throw new StageEditError('Choose another stage for its items.');
        at(edit.moveItemsTo);
      }
      list.splice(i, 1);
      return list;
    }
  }
}

/** A stage id for a new stage named `name`, unique in the pipeline. */
export function newStageId(name: string, taken: readonly Stage[]): string {
  const base =
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'stage';
  const ids = new Set(taken.map((s) => s.id));
  let id = base;
  for (let i = 2; ids.has(id); i++) id = `${base}-${i}`;
  return id;
}
