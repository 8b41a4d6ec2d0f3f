// What a board reads (decision 0055). First paint: per column, the count and the first cards through
// the [pipelineId+stageId] index — never the whole pipeline. The amount totals come after: one read
// of the pipeline's items, then kept current from the ids each write changed (board-totals.ts).
import Dexie, { type ObservabilitySet } from 'dexie';
import { useEffect, useRef, useState } from 'preact/hooks';
import { type RapportDB, getDb } from '../../../storage/db';
import type { Pipeline, PipelineItem } from '../../../storage/schema';
import { type BoardTotals, applyItems, changedItemIds, totalsOf } from './board-totals';

/** Cards a column shows at first, and adds on each "Show more". */
export const COLUMN_PAGE = 25;

export interface ColumnData {
  items: PipelineItem[];
  /** Names of the people on these cards, by contact id. */
  names: Map<string, string>;
}

const stageRange = (pipelineId: string, stageId: string) => [pipelineId, stageId];

/**
 * One column's cards: the items moved here from this board (`pinned`, newest first, so a card just
 * moved stays in sight), then the first `limit` items of the stage by id.
 */
export async function readColumn(
  pipelineId: string,
  stageId: string,
  limit: number,
  pinned: readonly string[] = [],
  db: RapportDB = getDb(),
): Promise<ColumnData> {
  const pinnedSet = new Set(pinned);
  const [first, moved] = await Promise.all([
    db.items
      .where('[pipelineId+stageId]')
      .equals(stageRange(pipelineId, stageId))
      .limit(limit + pinned.length)
      .toArray(),
    pinned.length ? db.items.bulkGet([...pinned]) : Promise.resolve([] as (PipelineItem | undefined)[]),
  ]);
  const here = moved.filter((i): i is PipelineItem => i?.pipelineId === pipelineId && i.stageId === stageId);
  const items = [...here, ...first.filter((i) => !pinnedSet.has(i.id))].slice(0, limit + here.length);
  const contactIds = [...new Set(items.flatMap((i) => i.contactIds))];
  const contacts = contactIds.length ? await db.contacts.where('id').anyOf(contactIds).toArray() : [];
  return { items, names: new Map(contacts.map((c) => [c.id, c.name])) };
}

/**
 * A column's count from the index. IndexedDB's count walks the range (its cost follows the column's
 * size), so the board asks for it after the cards are drawn, and only until the totals count.
 */
export function countColumn(pipelineId: string, stageId: string, db: RapportDB = getDb()): Promise<number> {
  return db.items.where('[pipelineId+stageId]').equals(stageRange(pipelineId, stageId)).count();
}

/** Every item of a pipeline (the totals' one full read, and the bench's baseline). */
export function allItemsOf(pipelineId: string, db: RapportDB = getDb()): Promise<PipelineItem[]> {
  return db.items.where('[pipelineId+stageId]').between([pipelineId, Dexie.minKey], [pipelineId, Dexie.maxKey], true, true).toArray();
}

/** Yields to the page between reads (a long read's rows are decoded on the page's thread). */
const yieldToPage = () => new Promise((r) => setTimeout(r, 0));

/** Every item of a pipeline, one stage after another (each read a shorter block of the page). */
async function itemsByStage(pipeline: Pick<Pipeline, 'id' | 'stages'>, db: RapportDB): Promise<PipelineItem[]> {
  const out: PipelineItem[] = [];
  for (const s of pipeline.stages) {
    out.push(...(await db.items.where('[pipelineId+stageId]').equals(stageRange(pipeline.id, s.id)).toArray()));
    await yieldToPage();
  }
  return out;
}

/**
 * Totals of a pipeline's columns (counts included), read once `start` is true — after the first
 * paint — and kept current: a write names the ids it changed and only those are read again (a bulk
 * write re-reads the pipeline). Undefined until the first read ends. `version` changes on every
 * update (the totals object is updated in place).
 */
export function useBoardTotals(pipeline: Pick<Pipeline, 'id' | 'currency' | 'stages'>, start: boolean, db: RapportDB = getDb()) {
  const [state, setState] = useState<{ totals: BoardTotals; version: number } | undefined>(undefined);
  // A full re-read (after a stage was removed, say) reads the stages as they are then.
  const latest = useRef(pipeline);
  latest.current = pipeline;
  useEffect(() => {
    if (!start) return;
    let stopped = false;
    let totals: BoardTotals | undefined;
    let pending: Set<string> | 'all' = new Set();
    let running = false;
    let version = 0;
    const publish = () => !stopped && totals && setState({ totals, version: ++version });
    // One read at a time; writes that arrive meanwhile are gathered and applied after it.
    const run = async () => {
      if (running || stopped) return;
      running = true;
      try {
        while (!stopped && (totals === undefined || pending === 'all' || pending.size)) {
          const todo = pending;
          pending = new Set();
          if (totals === undefined || todo === 'all') {
            totals = totalsOf(pipeline, await itemsByStage(latest.current, db));
          } else {
            const ids = [...todo];
            const now = await db.items.bulkGet(ids);
            applyItems(
              totals,
              ids.map((id, i) => [id, now[i]]),
            );
          }
          publish();
        }
      } finally {
        running = false;
      }
    };
    const onWrite = (parts: ObservabilitySet) => {
      const ids = changedItemIds(parts, db.name);
      if (ids === 'all') pending = 'all';
      else if (pending !== 'all') for (const id of ids) pending.add(id);
      else return;
      if (ids === 'all' || ids.length) void run();
    };
    Dexie.on('storagemutated', onWrite);
    const timer = setTimeout(() => void run(), 0);
    return () => {
      stopped = true;
      clearTimeout(timer);
      Dexie.on('storagemutated').unsubscribe(onWrite);
    };
  }, [pipeline.id, pipeline.currency, start, db]);
  return state?.totals.pipelineId === pipeline.id && state.totals.currency === pipeline.currency ? state : undefined;
}
