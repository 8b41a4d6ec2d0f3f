// The funnel of one pipeline, from its stage history (issue 19, item 7): how many items entered
// each stage, how many of those went further, the win rate, how long items stay in a stage, and the
// probability-weighted forecast of open deals by expected close month. Pure.
//
// Definitions:
// - An item "entered" a stage when a stage change moved it there (or created it there) at or before
//   the as-of instant; later changes are ignored. An item without any recorded change counts as
//   having entered its current stage at `stageEnteredAt`. Each item counts ONCE per stage, however
//   often it re-entered it (so counts are people or deals, not moves).
// - Conversion of stage i: of the items that entered i, the share that AFTER their first entry into
//   i entered an open stage placed after i in the pipeline's order, or any won / resolved stage.
//   Entering a lost stage is never a conversion. Null for closed stages and stages nobody entered.
// - Win rate: items whose stage as of the as-of instant is won, over those whose stage is won or
//   lost. Null when none is closed (e.g. a service pipeline, which resolves rather than wins).
// - Time in stage (open stages only): per item, the sum of its stays in the stage (from entering to
//   the next change); a stay still running counts until the as-of instant, so a stage where deals
//   stall shows it. Average and median over the items that entered the stage (milliseconds).
// - Forecast: items whose CURRENT stage is open and that have an amount: amount × the stage's
//   probability (1 when the stage has none, as the board's column totals do), grouped by the local
//   month of `closeDate` (null month: no close date; a past month: overdue but still open). Amounts
//   in the pipeline's currency are summed; other currencies are listed apart, as `columnTotals` does.
import type { Pipeline, PipelineItem, Stage, StageChange } from '../schema';
import { localMonthOf, mean, median } from './measures';

export interface FunnelStage {
  stageId: string;
  category: Stage['category'];
  /** Items that entered the stage (each once). */
  entered: number;
  enteredIds: string[];
  /** Of those, items that went further (see the definition above). */
  converted: number;
  /** converted / entered, 0–1; null for closed stages or when nobody entered. */
  conversion: number | null;
  /** Milliseconds in the stage per item; null for closed stages or when nobody entered. */
  averageMs: number | null;
  medianMs: number | null;
}

export interface ForecastMonth {
  /** "YYYY-MM" (local), or null for open deals without a close date. */
  month: string | null;
  count: number;
  itemIds: string[];
  /** Sum of amount × probability in the pipeline's currency. */
  weighted: number;
  /** Weighted sums in other currencies, by currency. */
  other: Record<string, number>;
}

export interface Funnel {
  pipelineId: string;
  stages: FunnelStage[];
  won: number;
  lost: number;
  /** won / (won + lost), 0–1; null when nothing is closed as won or lost. */
  winRate: number | null;
  /** Sorted by month, the null month last. */
  forecast: ForecastMonth[];
}

interface Entry {
  stageId: string;
  at: number;
}

/** Each item's entries into stages up to `asOf`, in time order (recorded order breaks ties). */
function historyByItem(items: readonly PipelineItem[], changes: readonly StageChange[], pipelineId: string, asOf: number) {
  const byItem = new Map<string, Entry[]>();
  for (const c of changes) {
    const at = Date.parse(c.at);
    if (c.pipelineId !== pipelineId || !(at <= asOf)) continue;
    let list = byItem.get(c.itemId);
    if (!list) byItem.set(c.itemId, (list = []));
    list.push({ stageId: c.to, at });
  }
  for (const item of items) {
    const at = Date.parse(item.stageEnteredAt);
    if (item.pipelineId === pipelineId && !byItem.has(item.id) && at <= asOf) byItem.set(item.id, [{ stageId: item.stageId, at }]);
  }
  for (const list of byItem.values()) list.sort((a, b) => a.at - b.at); // stable: ties keep recorded order
  return byItem;
}

export function funnel(
  pipeline: Pick<Pipeline, 'id' | 'stages' | 'currency'>,
  items: readonly PipelineItem[],
  changes: readonly StageChange[],
  asOf: Date,
): Funnel {
  const asOfMs = asOf.getTime();
  const index = new Map(pipeline.stages.map((s, i) => [s.id, i]));
  const category = new Map(pipeline.stages.map((s) => [s.id, s.category]));
  const enteredIds = pipeline.stages.map((): string[] => []);
  const converted = pipeline.stages.map(() => 0);
  const durations = pipeline.stages.map((): number[] => []);
  let won = 0;
  let lost = 0;

  for (const [itemId, entries] of historyByItem(items, changes, pipeline.id, asOfMs)) {
    // Entries into stages no longer in the pipeline are dropped.
    const known = entries.filter((e) => index.has(e.stageId));
    if (known.length === 0) continue;
    const firstAt = new Map<string, number>();
    known.forEach((e, p) => firstAt.has(e.stageId) || firstAt.set(e.stageId, p));
    // Backwards: the furthest open stage and whether a won/resolved stage was entered after each position.
    let furthestLater = -1;
    let closedWellLater = false;
    const time = new Map<string, number>();
    for (let p = known.length - 1; p >= 0; p--) {
      const e = known[p];
      const i = index.get(e.stageId)!;
      const end = p + 1 < known.length ? known[p + 1].at : asOfMs;
      time.set(e.stageId, (time.get(e.stageId) ?? 0) + Math.max(0, end - e.at));
      if (firstAt.get(e.stageId) === p) {
        enteredIds[i].push(itemId);
        if (closedWellLater || furthestLater > i) converted[i]++;
      }
      const c = category.get(e.stageId);
      if (c === 'won' || c === 'resolved') closedWellLater = true;
      else if (c === 'open') furthestLater = Math.max(furthestLater, i);
    }
    for (const [stageId, ms] of time) if (category.get(stageId) === 'open') durations[index.get(stageId)!].push(ms);
    const last = category.get(known[known.length - 1].stageId);
    if (last === 'won') won++;
    else if (last === 'lost') lost++;
  }

  const stages: FunnelStage[] = pipeline.stages.map((s, i) => {
    const open = s.category === 'open' && enteredIds[i].length > 0;
    return {
      stageId: s.id,
      category: s.category,
      entered: enteredIds[i].length,
      enteredIds: enteredIds[i],
      converted: s.category === 'open' ? converted[i] : 0,
      conversion: open ? converted[i] / enteredIds[i].length : null,
      averageMs: open ? mean(durations[i])! : null,
      medianMs: open ? median(durations[i])! : null,
    };
  });
  return {
    pipelineId: pipeline.id,
    stages,
    won,
    lost,
    winRate: won + lost > 0 ? won / (won + lost) : null,
    forecast: forecastByMonth(pipeline, items),
  };
}

/** The forecast part of the funnel (see the definition above), from the items' current stages. */
export function forecastByMonth(pipeline: Pick<Pipeline, 'id' | 'stages' | 'currency'>, items: readonly PipelineItem[]): ForecastMonth[] {
  const stageById = new Map(pipeline.stages.map((s) => [s.id, s]));
  const months = new Map<string | null, ForecastMonth>();
  for (const item of items) {
    const stage = stageById.get(item.stageId);
    if (item.pipelineId !== pipeline.id || stage?.category !== 'open' || item.amount === undefined) continue;
    const month = item.closeDate ? (localMonthOf(item.closeDate) ?? null) : null;
    let row = months.get(month);
    if (!row) months.set(month, (row = { month, count: 0, itemIds: [], weighted: 0, other: {} }));
    row.count++;
    row.itemIds.push(item.id);
    const weighted = item.amount * (stage.probability ?? 1);
    const currency = item.currency ?? pipeline.currency;
    if (pipeline.currency && currency && currency !== pipeline.currency) row.other[currency] = (row.other[currency] ?? 0) + weighted;
    else row.weighted += weighted;
  }
  return [...months.values()].sort((a, b) => (a.month === null ? 1 : b.month === null ? -1 : a.month.localeCompare(b.month)));
}
