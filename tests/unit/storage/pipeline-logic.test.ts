// Pipelines without the database: moves and their history, closing and reopening, totals weighted
// by probability, SLA due times, and stage edits (a stage in use is not removed without a destination).
import { describe, expect, it } from 'vitest';
import {
  type StageEditError,
  columnTotals,
  defaultPipelines,
  editStages,
  moveItem,
  newStageId,
  slaDueAt,
} from '../../../storage/pipeline-logic';
import type { PipelineItem } from '../../../storage/schema';

const at = '2026-12-07T10:00:00.000Z';
const [sales, hiring, service] = defaultPipelines(at);
const item = (over: Partial<PipelineItem> = {}): PipelineItem => ({
  id: 'it_1',
  pipelineId: sales.id,
  stageId: 'lead',
  title: 'Globex rollout',
  contactIds: ['ct_1'],
  threadIds: [],
  stageEnteredAt: at,
  createdAt: at,
  updatedAt: at,
  sources: [{ type: 'manual', at }],
  ...over,
});

describe('default pipelines', () => {
  it('one per kind, with stage categories and sales probabilities', () => {
    expect([sales.kind, hiring.kind, service.kind]).toEqual(['sales', 'hiring', 'service']);
    expect(sales.stages.filter((s) => s.category !== 'open').map((s) => s.name)).toEqual(['Won', 'Lost']);
    expect(sales.stages.every((s) => s.probability !== undefined)).toBe(true);
    expect(service.stages.at(-1)).toMatchObject({ category: 'resolved' });
  });
});

describe('moving an item', () => {
  it('records from, to and when; restarts time in stage', () => {
    const later = '2026-12-09T08:00:00.000Z';
    const r = moveItem(item(), 'proposal', sales, later, 'sc_1')!;
    expect(r.change).toEqual({ id: 'sc_1', itemId: 'it_1', pipelineId: sales.id, from: 'lead', to: 'proposal', at: later });
    expect(r.item).toMatchObject({ stageId: 'proposal', stageEnteredAt: later });
    expect(r.item.closedAt).toBeUndefined();
  });
  it('won or lost closes it; back to an open stage reopens it; a lost reason goes when it is not lost', () => {
    const lost = moveItem(item({ lostReason: 'price' }), 'lost', sales, at, 'a')!.item;
    expect(lost.closedAt).toBe(at);
    expect(lost.lostReason).toBe('price');
    const reopened = moveItem(lost, 'negotiation', sales, '2026-12-10T00:00:00.000Z', 'b')!.item;
    expect(reopened.closedAt).toBeUndefined();
    expect(reopened.lostReason).toBeUndefined();
  });
  it('a case resolved records its resolution time, and leaves the overdue-SLA index', () => {
    const open = item({
      pipelineId: service.id,
      stageId: 'new',
      slaDueAt: '2026-12-08T10:00:00.000Z',
      openSlaDueAt: '2026-12-08T10:00:00.000Z',
    });
    const resolved = moveItem(open, 'resolved', service, '2026-12-07T15:00:00.000Z', 'c')!.item;
    expect(resolved).toMatchObject({ resolvedAt: '2026-12-07T15:00:00.000Z', closedAt: '2026-12-07T15:00:00.000Z' });
    expect(resolved.openSlaDueAt).toBeUndefined();
    const again = moveItem(resolved, 'open', service, '2026-12-07T16:00:00.000Z', 'd')!.item;
    expect(again.openSlaDueAt).toBe('2026-12-08T10:00:00.000Z');
    expect(again.resolvedAt).toBeUndefined();
  });
  it('the same stage, or one not in the pipeline, is no move', () => {
    expect(moveItem(item(), 'lead', sales, at, 'x')).toBeUndefined();
    expect(moveItem(item(), 'hired', sales, at, 'x')).toBeUndefined();
  });
});

describe('column totals', () => {
  it('count, amount and amount × probability per stage; other currencies apart', () => {
    const eur = { ...sales, currency: 'EUR' };
    const totals = columnTotals(
      [
        item({ id: 'a', stageId: 'proposal', amount: 1000, currency: 'EUR' }),
        item({ id: 'b', stageId: 'proposal', amount: 3000 }),
        item({ id: 'c', stageId: 'proposal', amount: 500, currency: 'USD' }),
        item({ id: 'd', stageId: 'won', amount: 200, currency: 'EUR' }),
        item({ id: 'e', stageId: 'lead' }),
      ],
      eur,
    );
    expect(totals.find((t) => t.stageId === 'proposal')).toEqual({
      stageId: 'proposal',
      count: 3,
      amount: 4000,
      weighted: 2000,
      other: { USD: 500 },
    });
    expect(totals.find((t) => t.stageId === 'won')).toMatchObject({ count: 1, amount: 200, weighted: 200 });
    expect(totals.find((t) => t.stageId === 'lead')).toMatchObject({ count: 1, amount: 0 });
    expect(totals.map((t) => t.stageId)).toEqual(sales.stages.map((s) => s.id));
  });
});

describe('SLA', () => {
  it('elapsed hours by priority from the policy (normal when none), whatever the time zone', () => {
    expect(slaDueAt('2026-03-28T22:00:00.000Z', 'urgent')).toBe('2026-03-29T02:00:00.000Z');
    expect(slaDueAt(at, undefined)).toBe('2026-12-10T10:00:00.000Z');
    expect(slaDueAt(at, 'high', { high: 8 })).toBe('2026-12-07T18:00:00.000Z');
  });
});

describe('editing stages', () => {
  it('rename, add, reorder, change probability', () => {
    let stages = editStages(sales, { op: 'rename', stageId: 'lead', name: '  New   lead ' });
    expect(stages[0].name).toBe('New lead');
    stages = editStages(
      { stages },
      { op: 'add', stage: { id: newStageId('Demo', stages), name: 'Demo', category: 'open', probability: 0.4 }, index: 2 },
    );
    expect(stages.map((s) => s.id).slice(0, 4)).toEqual(['lead', 'qualified', 'demo', 'proposal']);
    stages = editStages({ stages }, { op: 'move', stageId: 'demo', index: 0 });
    expect(stages[0].id).toBe('demo');
    stages = editStages({ stages }, { op: 'set', stageId: 'demo', probability: 0.3 });
    expect(stages[0].probability).toBe(0.3);
  });
  it('refuses a duplicate or empty name', () => {
    expect(() => editStages(sales, { op: 'rename', stageId: 'lead', name: 'won' })).toThrow(/already a stage named/);
    expect(() => editStages(sales, { op: 'rename', stageId: 'lead', name: ' ' })).toThrow(/needs a name/);
  });
  it('removing a stage in use asks where its items go; with a destination it goes', () => {
    let err: StageEditError | undefined;
    try {
      editStages(sales, { op: 'remove', stageId: 'qualified' }, 4);
    } catch (e) {
      err = e as StageEditError;
    }
    expect(err?.needsDestination).toEqual({ stageId: 'qualified', items: 4 });
    expect(editStages(sales, { op: 'remove', stageId: 'qualified', moveItemsTo: 'lead' }, 4).map((s) => s.id)).not.toContain('qualified');
    expect(editStages(sales, { op: 'remove', stageId: 'qualified' }, 0)).toHaveLength(5);
    expect(() => editStages({ stages: [sales.stages[0]] }, { op: 'remove', stageId: 'lead' })).toThrow(/at least one stage/);
  });
  it('stage ids are slugs, unique in the pipeline', () => {
    expect(newStageId('Négociation finale', sales.stages)).toBe('negociation-finale');
    expect(newStageId('Won', sales.stages)).toBe('won-2');
    expect(newStageId('面试', sales.stages)).toBe('stage');
  });
});
