// The pipeline table's rows, filters, sorts and URL query: what a user sees after choosing a filter or
// clicking a column header.
import { describe, expect, it } from 'vitest';
import {
  type ItemRow,
  formatItemListState,
  itemColumns,
  itemPredicate,
  parseItemListState,
  toItemRows,
} from '../../../entrypoints/workspace/pipelines/item-query';
import { OrderCache, runQuery } from '../../../storage/list-query';
import { defaultPipelines } from '../../../storage/pipeline-logic';
import type { PipelineItem } from '../../../storage/schema';

const [sales, , service] = defaultPipelines('2026-01-01T00:00:00.000Z');
const now = new Date('2026-06-10T12:00:00Z');

let n = 0;
const item = (over: Partial<PipelineItem>): PipelineItem => ({
  id: `it_${++n}`,
  pipelineId: service.id,
  stageId: 'new',
  title: 'Item',
  contactIds: [],
  threadIds: [],
  stageEnteredAt: '2026-06-01T00:00:00.000Z',
  createdAt: '2026-06-01T00:00:00.000Z',
  updatedAt: '2026-06-01T00:00:00.000Z',
  sources: [{ type: 'manual', at: '2026-06-01T00:00:00.000Z' }],
  ...over,
});

const names = new Map([
  ['ct_a', 'Ana Müller'],
  ['ct_b', 'Bob Stone'],
]);

const cases = [
  item({
    id: 'late',
    title: 'Broken invoice',
    stageId: 'open',
    category: 'complaint',
    priority: 'urgent',
    slaDueAt: '2026-06-10T08:00:00.000Z',
    contactIds: ['ct_a'],
    updatedAt: '2026-06-09T00:00:00.000Z',
  }),
  item({
    id: 'fine',
    title: 'Question on plan',
    stageId: 'new',
    category: 'question',
    priority: 'low',
    slaDueAt: '2026-06-12T08:00:00.000Z',
    contactIds: ['ct_b'],
    updatedAt: '2026-06-08T00:00:00.000Z',
  }),
  item({
    id: 'closed-late',
    title: 'Refund',
    stageId: 'resolved',
    category: 'complaint',
    priority: 'high',
    slaDueAt: '2026-06-05T08:00:00.000Z',
    closedAt: '2026-06-06T08:00:00.000Z',
    updatedAt: '2026-06-06T08:00:00.000Z',
  }),
  item({
    id: 'waiting',
    title: 'Outage',
    stageId: 'waiting',
    category: 'incident',
    priority: 'high',
    slaDueAt: '2026-06-10T11:59:00.000Z',
    updatedAt: '2026-06-10T00:00:00.000Z',
  }),
];

function shown(rows: ItemRow[], query: string, pipeline = service): string[] {
  const state = parseItemListState(query, pipeline);
  const orders = new OrderCache(rows, itemColumns(pipeline.kind));
  return [...runQuery(rows, orders, itemPredicate(state.filter, now), state.sort)].map((p) => rows[p].id);
}

describe('pipeline table query', () => {
  const rows = toItemRows(cases, service, names);

  it('default: most recently updated first', () => {
    expect(shown(rows, 'view=table')).toEqual(['waiting', 'late', 'fine', 'closed-late']);
  });

  it('overdue keeps open cases past their SLA only (a resolved late case is not overdue)', () => {
    expect(shown(rows, 'view=table&overdue=yes')).toEqual(['waiting', 'late']);
  });

  it('stage, category and priority filters', () => {
    expect(shown(rows, 'view=table&stage=new')).toEqual(['fine']);
    expect(shown(rows, 'view=table&category=complaint')).toEqual(['late', 'closed-late']);
    expect(shown(rows, 'view=table&priority=high&sort=name')).toEqual(['waiting', 'closed-late']);
  });

  it('text finds the title or a person, any case and accents', () => {
    expect(shown(rows, 'view=table&text=muller')).toEqual(['late']);
    expect(shown(rows, 'view=table&text=INVOICE%20broken')).toEqual(['late']);
    expect(shown(rows, 'view=table&text=nobody')).toEqual([]);
  });

  it('sorts by stage in the pipeline order, by priority rank, by SLA due', () => {
    expect(shown(rows, 'view=table&sort=stage')).toEqual(['fine', 'late', 'waiting', 'closed-late']);
    expect(shown(rows, 'view=table&sort=-priority')).toEqual(['late', 'waiting', 'closed-late', 'fine']);
    expect(shown(rows, 'view=table&sort=slaDue')).toEqual(['closed-late', 'late', 'waiting', 'fine']);
  });

  it('people column shows names; an unknown person shows as its id', () => {
    const [r] = toItemRows([item({ contactIds: ['ct_a', 'ct_gone'] })], service, names);
    expect(
      itemColumns('service')
        .find((c) => c.key === 'people')!
        .cell(r),
    ).toBe('Ana Müller, ct_gone');
  });

  it('deals sort by amount, empty amounts last when descending', () => {
    const deals = toItemRows(
      [
        item({ id: 'none', pipelineId: sales.id, stageId: 'lead' }),
        item({ id: 'big', pipelineId: sales.id, stageId: 'lead', amount: 5000, currency: 'EUR' }),
        item({ id: 'zero', pipelineId: sales.id, stageId: 'won', amount: 0 }),
      ],
      sales,
      names,
    );
    expect(shown(deals, 'view=table&sort=-amount', sales)).toEqual(['big', 'zero', 'none']);
    expect(itemColumns('sales').map((c) => c.key)).toEqual(['name', 'stage', 'people', 'amount', 'updated']);
  });
});

describe('the view in the URL', () => {
  it('round-trips, leaving defaults out', () => {
    const state = parseItemListState('view=table&stage=open&priority=urgent&overdue=yes&sort=-slaDue', service);
    expect(state.filter).toEqual({ stage: 'open', priority: 'urgent', overdue: 'yes' });
    expect(formatItemListState(state)).toBe('view=table&stage=open&priority=urgent&overdue=yes&sort=-slaDue');
    expect(formatItemListState(parseItemListState('view=table', service))).toBe('view=table');
  });

  it('drops unknown stages, values, columns, and case filters on a sales pipeline', () => {
    const s = parseItemListState('stage=nope&priority=extreme&sort=-bogus', service);
    expect(s.filter).toEqual({});
    expect(s.sort).toEqual({ key: 'updated', desc: true });
    expect(parseItemListState('overdue=yes&category=complaint&stage=won', sales).filter).toEqual({ stage: 'won' });
  });
});
