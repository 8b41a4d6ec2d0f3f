// Deals of the old `deals` table (before pipelines, decision 0053) become items of the Sales
// pipeline: the database upgrade to v12 moves the stored ones, and a restore of an older export
// (format version 1) moves the file's. The item keeps the deal's id, so an outbox entry or a CRM
// link of kind `deal` names the same record afterwards; its stage is the default Sales stage its
// stage name says, with one stage change recording that it was created there.
import type { EntityTable } from 'dexie';
import { fold } from './normalize';
import { defaultPipelines, stageOf } from './pipeline-logic';
import type { Deal, Pipeline, PipelineItem, Stage, StageChange } from './schema';

export const SALES_PIPELINE_ID = 'pl_sales';
const MAX_AMOUNT = 1e15;

type SalesStageId = 'lead' | 'qualified' | 'proposal' | 'negotiation' | 'won' | 'lost';
const CATEGORY: Record<SalesStageId, Stage['category']> = {
  lead: 'open',
  qualified: 'open',
  proposal: 'open',
  negotiation: 'open',
  won: 'won',
  lost: 'lost',
};

/**
 * The default Sales stage a deal's stage name means: the stage's own name or id, the words CRMs
 * use for it (HubSpot's `closedwon`, `contractsent`…), won or lost anywhere in it; else a lead.
 */
export function dealStageId(stage: string): SalesStageId {
  const s = fold(stage.slice(0, 100)).replace(/[^a-z0-9]+/g, '');
  if (s.includes('lost') || s.includes('rejected')) return 'lost';
  if (s.includes('won') || s.includes('signed')) return 'won';
  if (s.includes('negotiat') || s.includes('contractsent') || s.includes('decisionmaker')) return 'negotiation';
  if (s.includes('proposal') || s.includes('quote') || s.includes('presentation') || s.includes('offer')) return 'proposal';
  if (s.includes('qualif') || s.includes('appointment') || s.includes('meeting')) return 'qualified';
  return 'lead';
}

/** The Sales pipeline's stage for a default stage id: itself, else the first of its category, else the first stage. */
function stageIn(pipeline: Pick<Pipeline, 'stages'>, id: SalesStageId): Stage {
  return stageOf(pipeline, id) ?? pipeline.stages.find((s) => s.category === CATEGORY[id]) ?? pipeline.stages[0];
}

/** FNV-1a, 32 bits, twice seeded: a short stable suffix for an id too long to embed. */
function shortHash(text: string): string {
  let out = '';
  for (const seed of [0x811c9dc5, 0x01000193]) {
    let h = seed;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    out += (h >>> 0).toString(36);
  }
  return out;
}

/** The id of the stage change a moved deal gets: the same deal gives the same id (a second restore adds no history). */
export function dealChangeId(dealId: string): string {
  const id = `sc_${dealId}`;
  return id.length <= 100 ? id : `sc_${dealId.slice(0, 80)}_${shortHash(dealId)}`;
}

/**
 * A deal as an item of `pipeline` (the Sales pipeline) and its one stage change. What the item has no
 * field for is kept in its notes: a stage name that is not the stage's own, an amount out of range.
 */
export function dealToItem(deal: Deal, pipeline: Pick<Pipeline, 'id' | 'stages'>): { item: PipelineItem; change: StageChange } {
  const stage = stageIn(pipeline, dealStageId(deal.stage));
  const notes: string[] = [];
  const said = fold(deal.stage.trim());
  if (said !== fold(stage.name) && said !== stage.id) notes.push(`Deal stage: ${deal.stage}`);
  const amountFits = deal.amount !== undefined && deal.amount >= 0 && deal.amount <= MAX_AMOUNT;
  if (deal.amount !== undefined && !amountFits) notes.push(`Amount: ${deal.amount}${deal.currency ? ` ${deal.currency}` : ''}`);
  const item: PipelineItem = {
    id: deal.id,
    createdAt: deal.createdAt,
    updatedAt: deal.updatedAt,
    sources: deal.sources,
    pipelineId: pipeline.id,
    stageId: stage.id,
    title: deal.name,
    contactIds: deal.contactIds,
    threadIds: [],
    // When it entered its stage is not known: the deal's creation is the one time it surely was in one.
    stageEnteredAt: deal.createdAt,
  };
  if (deal.companyId !== undefined) item.companyId = deal.companyId;
  if (stage.category !== 'open') item.closedAt = deal.updatedAt;
  if (amountFits) item.amount = deal.amount;
  if (deal.currency !== undefined) item.currency = deal.currency;
  if (deal.closeDate !== undefined) item.closeDate = deal.closeDate;
  if (notes.length) item.notes = notes.join('\n');
  return { item, change: { id: dealChangeId(deal.id), itemId: deal.id, pipelineId: pipeline.id, to: stage.id, at: deal.createdAt } };
}

/**
 * The Sales pipeline, created when absent: with the other defaults when there is no pipeline at all
 * (as on first use), alone after the others otherwise. Runs inside the caller's transaction.
 */
export async function ensureSalesPipeline(pipelines: EntityTable<Pipeline, 'id'>, at: string): Promise<Pipeline> {
  const found = await pipelines.get(SALES_PIPELINE_ID);
  if (found) return found;
  const defaults = defaultPipelines(at);
  const sales = defaults.find((p) => p.id === SALES_PIPELINE_ID)!;
  const existing = await pipelines.toArray();
  if (!existing.length) {
    await pipelines.bulkAdd(defaults);
    return sales;
  }
  const taken = new Set(existing.map((p) => p.id));
  const alone = { ...sales, position: Math.max(...existing.map((p) => p.position)) + 1 };
  if (!taken.has(alone.id)) await pipelines.add(alone);
  return alone;
}

/**
 * Database v12: every row of `deals` becomes a Sales pipeline item with its stage change, and
 * `deals` is emptied. Nothing is queued: an entry or link of kind `deal` already names the same id.
 */
export async function moveDealsToItems(
  tables: {
    deals: EntityTable<Deal, 'id'>;
    pipelines: EntityTable<Pipeline, 'id'>;
    items: EntityTable<PipelineItem, 'id'>;
    stageChanges: EntityTable<StageChange, 'id'>;
  },
  at: string,
): Promise<number> {
  const deals = await tables.deals.toArray();
  if (!deals.length) return 0;
  const sales = await ensureSalesPipeline(tables.pipelines, at);
  const moved = deals.map((d) => dealToItem(d, sales));
  // An item already under a deal's id (not expected: other prefixes) is kept as it is.
  const taken = new Set((await tables.items.bulkGet(moved.map((m) => m.item.id))).flatMap((i) => (i ? [i.id] : [])));
  const fresh = moved.filter((m) => !taken.has(m.item.id));
  await tables.items.bulkAdd(fresh.map((m) => m.item));
  await tables.stageChanges.bulkPut(fresh.map((m) => m.change));
  await tables.deals.clear();
  return fresh.length;
}
