// A board's amount totals without reading every item on each change (decision 0055): one pass over
// the pipeline's items after the first paint gives each item's contribution (its stage, its amount in
// the pipeline's currency or another), then each write that touches items is applied by the ids it
// changed (Dexie's `storagemutated` event names them), reading only those items again. Pure: the
// board, the bench and the tests share it.
import type { IndexableType, ObservabilitySet } from 'dexie';
import type { Pipeline, PipelineItem } from '../../../storage/schema';

/** What one item adds to its column. */
interface Share {
  stageId: string;
  /** In the pipeline's currency (or with no currency). */
  amount: number;
  /** In another currency. */
  other?: { currency: string; amount: number };
}

export interface StageSum {
  count: number;
  amount: number;
  /** Amounts in other currencies, by currency. */
  other: Record<string, number>;
}

/** Per-item shares and the per-stage sums they add up to; mutated in place by `applyItems`. */
export interface BoardTotals {
  readonly pipelineId: string;
  readonly currency: string | undefined;
  readonly shares: Map<string, Share>;
  readonly sums: Map<string, StageSum>;
}

function shareOf(item: PipelineItem, currency: string | undefined): Share {
  const amount = item.amount ?? 0;
  const own = item.currency ?? currency;
  if (item.amount !== undefined && currency && own && own !== currency) {
    return { stageId: item.stageId, amount: 0, other: { currency: own, amount } };
  }
  return { stageId: item.stageId, amount };
}

function add(sums: Map<string, StageSum>, s: Share, sign: 1 | -1) {
  let sum = sums.get(s.stageId);
  if (!sum) sums.set(s.stageId, (sum = { count: 0, amount: 0, other: {} }));
  sum.count += sign;
  sum.amount += sign * s.amount;
  if (s.other) {
    const next = (sum.other[s.other.currency] ?? 0) + sign * s.other.amount;
    if (Math.abs(next) < 1e-9) delete sum.other[s.other.currency];
    else sum.other[s.other.currency] = next;
  }
}

/** The totals of a pipeline's items (all of them, read once). */
export function totalsOf(pipeline: Pick<Pipeline, 'id' | 'currency'>, items: Iterable<PipelineItem>): BoardTotals {
  const t: BoardTotals = { pipelineId: pipeline.id, currency: pipeline.currency, shares: new Map(), sums: new Map() };
  applyItems(
    t,
    [...items].map((i) => [i.id, i]),
  );
  return t;
}

/**
 * Applies what the database now holds for some item ids (undefined: deleted) to the totals: each
 * item's old share comes out, its new one (when it is still in this pipeline) goes in. Items of
 * other pipelines are ignored.
 */
export function applyItems(t: BoardTotals, now: Iterable<[id: string, item: PipelineItem | undefined]>): void {
  for (const [id, item] of now) {
    const old = t.shares.get(id);
    if (old) {
      add(t.sums, old, -1);
      t.shares.delete(id);
    }
    if (item && item.pipelineId === t.pipelineId) {
      const s = shareOf(item, t.currency);
      t.shares.set(id, s);
      add(t.sums, s, 1);
    }
  }
}

/** A stage's sum (zero when it holds nothing), weighted by its probability when it has one. */
export function stageTotal(t: BoardTotals, stage: { id: string; probability?: number }): StageSum & { weighted: number } {
  const sum = t.sums.get(stage.id) ?? { count: 0, amount: 0, other: {} };
  return { ...sum, weighted: sum.amount * (stage.probability ?? 1) };
}

/** At most this many changed ids are read one by one; a larger write re-reads the whole pipeline. */
export const MAX_POINT_CHANGES = 500;

interface RangeNode {
  from?: IndexableType;
  to?: IndexableType;
  l?: RangeNode | null;
  r?: RangeNode | null;
}

/**
 * The item ids a write changed, from Dexie's `storagemutated` parts of database `dbName`: [] when it
 * did not touch items, 'all' when it changed a range of them (a clear, a put of 50 or more rows,
 * which Dexie reports as the whole table) or more than `max` ids. Parts from another page arrive
 * structured-cloned (plain trees, no RangeSet methods), so the tree is walked by its fields.
 */
export function changedItemIds(parts: ObservabilitySet, dbName: string, max = MAX_POINT_CHANGES): string[] | 'all' {
  if ('all' in parts) return 'all';
  const root = parts[`idb://${dbName}/items/`] as RangeNode | undefined;
  if (!root) return [];
  const ids: string[] = [];
  const stack: RangeNode[] = [root];
  while (stack.length) {
    const node = stack.pop()!;
    if (node.from === undefined) continue; // an empty set
    if (typeof node.from !== 'string' || node.from !== node.to) return 'all';
    ids.push(node.from);
    if (ids.length > max) return 'all';
    if (node.l) stack.push(node.l);
    if (node.r) stack.push(node.r);
  }
  return ids;
}
