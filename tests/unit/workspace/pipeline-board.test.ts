// The board's pure pieces (entrypoints/workspace/pipelines/board-totals.ts, board-view.ts) and its
// column read (board-data.ts): totals kept by applying changed items equal totals computed afresh;
// the ids a write changed, as Dexie reports them in this page and as another page's clone; a
// column's first cards and count from the index; moves shown before they are read back.
import Dexie, { type ObservabilitySet, RangeSet } from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { countColumn, readColumn } from '../../../entrypoints/workspace/pipelines/board-data';
import { applyItems, changedItemIds, stageTotal, totalsOf } from '../../../entrypoints/workspace/pipelines/board-totals';
import { parsePercent, pinMoved, settledMoves, visibleCards } from '../../../entrypoints/workspace/pipelines/board-view';
import { columnTotals, defaultPipelines } from '../../../storage/pipeline-logic';
import { createItem, editPipeline, listPipelines, moveItemTo } from '../../../storage/pipelines';
import type { PipelineItem } from '../../../storage/schema';
import { closeDbs, freshDb } from '../sync/helpers';

afterEach(closeDbs);

const at = '2026-12-01T09:00:00.000Z';
const sales = { ...defaultPipelines(at)[0], currency: 'EUR' };
const item = (id: string, stageId: string, amount?: number, currency?: string, pipelineId = 'pl_sales'): PipelineItem => ({
  id,
  pipelineId,
  stageId,
  title: id,
  contactIds: [],
  threadIds: [],
  stageEnteredAt: at,
  createdAt: at,
  updatedAt: at,
  sources: [{ type: 'manual', at }],
  ...(amount !== undefined ? { amount } : {}),
  ...(currency ? { currency } : {}),
});

describe('board totals', () => {
  it('kept by applying each changed item, they equal the totals computed from all items', () => {
    const items = new Map<string, PipelineItem>();
    for (let i = 0; i < 60; i++) items.set(`it${i}`, item(`it${i}`, sales.stages[i % 6].id, 100 + i, i % 7 === 0 ? 'USD' : undefined));
    const t = totalsOf(sales, items.values());
    // Moves, an amount changed, a deletion, an item of another pipeline (ignored), a new item.
    const changes: [string, PipelineItem | undefined][] = [
      ['it1', { ...items.get('it1')!, stageId: 'won' }],
      ['it2', { ...items.get('it2')!, amount: 5000 }],
      ['it3', undefined],
      ['it4', { ...items.get('it4')!, pipelineId: 'pl_other' }],
      ['it99', item('it99', 'lead', 42)],
      ['it7', { ...items.get('it7')!, stageId: 'lead' }],
    ];
    applyItems(t, changes);
    for (const [id, now] of changes) {
      if (now && now.pipelineId === 'pl_sales') items.set(id, now);
      else items.delete(id);
    }
    const fresh = columnTotals(items.values(), sales);
    for (const [i, stage] of sales.stages.entries()) {
      const kept = stageTotal(t, stage);
      expect({ count: kept.count, amount: kept.amount, other: kept.other }).toEqual({
        count: fresh[i].count,
        amount: fresh[i].amount,
        other: fresh[i].other,
      });
      expect(kept.weighted).toBeCloseTo(fresh[i].weighted, 6);
    }
  });

  it('applying the same item twice (a move shown at once, then read back) counts it once', () => {
    const t = totalsOf(sales, [item('a', 'lead', 1200)]);
    const moved = item('a', 'qualified', 1200);
    applyItems(t, [['a', moved]]);
    applyItems(t, [['a', moved]]);
    expect(stageTotal(t, sales.stages[0])).toMatchObject({ count: 0, amount: 0 });
    expect(stageTotal(t, sales.stages[1])).toMatchObject({ count: 1, amount: 1200, weighted: 300 });
  });
});

describe('changedItemIds', () => {
  const parts = (set: RangeSet, table = 'items'): ObservabilitySet => ({ [`idb://rapport/${table}/`]: set });

  it('reads point keys, here and from another page (a structured clone without RangeSet methods)', () => {
    const set = new RangeSet().addKeys(['it_b', 'it_a', 'it_c']);
    const sorted = (ids: string[] | 'all') => (ids === 'all' ? ids : [...ids].sort());
    expect(sorted(changedItemIds(parts(set), 'rapport'))).toEqual(['it_a', 'it_b', 'it_c']);
    expect(sorted(changedItemIds(structuredClone(parts(set)), 'rapport'))).toEqual(['it_a', 'it_b', 'it_c']);
  });

  it('says "all" for a range, a full-table change, too many ids, or the page coming back', () => {
    expect(changedItemIds(parts(new RangeSet('it_a', 'it_z')), 'rapport')).toBe('all');
    expect(changedItemIds(parts(new RangeSet(Dexie.minKey, Dexie.maxKey)), 'rapport')).toBe('all');
    expect(changedItemIds(parts(new RangeSet().addKeys(['a', 'b', 'c'])), 'rapport', 2)).toBe('all');
    expect(changedItemIds({ all: new RangeSet(-Infinity, [[]]) }, 'rapport')).toBe('all');
  });

  it('is empty for writes to other tables or databases', () => {
    expect(changedItemIds(parts(new RangeSet().addKey('x'), 'contacts'), 'rapport')).toEqual([]);
    expect(changedItemIds(parts(new RangeSet().addKey('x')), 'other-db')).toEqual([]);
  });

  it("names the moved item in Dexie's storagemutated event of a real move", async () => {
    const db = await freshDb();
    await listPipelines(db);
    const a = await createItem('pl_sales', { title: 'Acme', amount: 1200 }, { type: 'manual', at }, db);
    const seen: (string[] | 'all')[] = [];
    const listen = (p: ObservabilitySet) => seen.push(changedItemIds(p, db.name));
    Dexie.on('storagemutated', listen);
    try {
      await moveItemTo(a.id, 'qualified', db);
    } finally {
      Dexie.on('storagemutated').unsubscribe(listen);
    }
    expect(seen.filter((s) => s === 'all' || s.length)).toEqual([[a.id]]);
  });
});

describe('readColumn', () => {
  it('counts the stage from the index and reads its first cards, moved ones first', async () => {
    const db = await freshDb();
    await listPipelines(db);
    await editPipeline('pl_sales', { currency: 'EUR' }, db);
    const src = { type: 'manual' as const, at };
    const made: PipelineItem[] = [];
    for (let i = 0; i < 5; i++) made.push(await createItem('pl_sales', { title: `Deal ${i}`, stageId: 'proposal' }, src, db));
    await createItem('pl_sales', { title: 'Elsewhere', stageId: 'lead' }, src, db);
    const col = await readColumn('pl_sales', 'proposal', 2, [made[4].id], db);
    expect(await countColumn('pl_sales', 'proposal', db)).toBe(5);
    // Ids start with their creation time: the first cards are the oldest (same-millisecond ones in any order).
    expect(col.items[0].title).toBe('Deal 4');
    expect(col.items.length).toBe(3);
    expect(new Set(col.items.map((i) => i.id)).size).toBe(3);
    // A pinned item that moved on is not shown here.
    await moveItemTo(made[4].id, 'won', db);
    const after = await readColumn('pl_sales', 'proposal', 2, [made[4].id], db);
    expect(await countColumn('pl_sales', 'proposal', db)).toBe(4);
    expect(after.items.length).toBe(2);
    expect(after.items.map((i) => i.title)).not.toContain('Deal 4');
  });
});

describe('moves shown before they are read back', () => {
  const lead = [item('a', 'lead'), item('b', 'lead')];
  const moving = { a: item('a', 'qualified') };

  it('leave their old column and come first in the new one; the count follows', () => {
    expect(visibleCards('lead', lead, [], moving)).toEqual({ items: [lead[1]], delta: -1 });
    const q = visibleCards('qualified', [item('c', 'qualified')], ['a'], moving);
    expect(q.items.map((i) => i.id)).toEqual(['a', 'c']);
    expect(q.delta).toBe(1);
    // Read back in the new column: shown once, no change to the count as read.
    expect(visibleCards('qualified', [item('a', 'qualified'), item('c', 'qualified')], ['a'], moving)).toMatchObject({ delta: 0 });
  });

  it('settle once the item is read in its new column and in no other', () => {
    const cols = (l: PipelineItem[], q: PipelineItem[]) =>
      new Map([
        ['lead', { items: l }],
        ['qualified', { items: q }],
      ]);
    expect(settledMoves(moving, cols(lead, []))).toEqual([]);
    expect(settledMoves(moving, cols(lead, [item('a', 'qualified')]))).toEqual([]);
    expect(settledMoves(moving, cols([lead[1]], [item('a', 'qualified')]))).toEqual(['a']);
  });

  it('keep a moved card pinned in the column it went to only', () => {
    let pins = pinMoved({}, 'a', 'qualified');
    pins = pinMoved(pins, 'b', 'qualified');
    pins = pinMoved(pins, 'a', 'won');
    expect(pins).toEqual({ qualified: ['b'], won: ['a'] });
  });
});

it('parsePercent reads a probability as the user types it', () => {
  expect(parsePercent('25')).toBe(0.25);
  expect(parsePercent('12,5 %')).toBe(0.125);
  expect(parsePercent('')).toBeUndefined();
  expect(parsePercent('lots')).toBeNaN();
});
