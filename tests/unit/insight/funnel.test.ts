// The funnel of a sales pipeline from a hand-made stage history: entries counted once per item,
// conversion to a later stage, win rate, time in stage up to the as-of instant, and the weighted
// forecast by local close month (Berlin, and a date-only close date in New York).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Funnel, funnel, forecastByMonth } from '../../../storage/insight/funnel';
import { defaultPipelines } from '../../../storage/pipeline-logic';
import type { PipelineItem, StageChange } from '../../../storage/schema';

const savedTz = process.env.TZ;
beforeAll(() => {
  process.env.TZ = 'Europe/Berlin';
});
afterEach(() => {
  process.env.TZ = 'Europe/Berlin';
});
afterAll(() => {
  process.env.TZ = savedTz;
});

const DAY = 86_400_000;
const day = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * DAY).toISOString();
const sales = { ...defaultPipelines(day(0)).find((p) => p.id === 'pl_sales')!, currency: 'EUR' };
// Stages in order: lead 0.1, qualified 0.25, proposal 0.5, negotiation 0.75, won, lost.

const item = (id: string, stageId: string, stageEnteredDay: number, extra: Partial<PipelineItem> = {}): PipelineItem => ({
  id,
  createdAt: day(0),
  updatedAt: day(0),
  sources: [],
  pipelineId: 'pl_sales',
  stageId,
  title: id,
  contactIds: [],
  threadIds: [],
  stageEnteredAt: day(stageEnteredDay),
  ...extra,
});

let seq = 0;
/** An item's history: [day, stage] pairs, the first one its creation. */
const history = (itemId: string, moves: [number, string][]): StageChange[] =>
  moves.map(([d, to], i) => ({
    id: `c${seq++}`,
    itemId,
    pipelineId: 'pl_sales',
    ...(i > 0 ? { from: moves[i - 1][1] } : {}),
    to,
    at: day(d),
  }));

// A: lead d0 → qualified d2 → proposal d5 → won d10 (amount 5000: won, so not in the forecast)
// B: lead d0 → qualified d1 → lead d3 → qualified d4 → lost d6 (re-enters lead and qualified)
// C: lead d1 → lost d2
// D: created at qualified d3, still there; 1000 EUR, close 2026-02-15
// E: lead d0 → proposal d4 → negotiation d20 (after the as-of day 13: ignored); 2000 USD, close 2026-03-01
// F: no recorded history, in lead since d11; 400 (pipeline currency), no close date
const items = [
  item('A', 'won', 10, { amount: 5000, closeDate: '2026-01-20' }),
  item('B', 'lost', 6),
  item('C', 'lost', 2),
  item('D', 'qualified', 3, { amount: 1000, closeDate: '2026-02-15' }),
  item('E', 'negotiation', 20, { amount: 2000, currency: 'USD', closeDate: '2026-03-01' }),
  item('F', 'lead', 11, { amount: 400 }),
];
const changes = [
  ...history('A', [
    [0, 'lead'],
    [2, 'qualified'],
    [5, 'proposal'],
    [10, 'won'],
  ]),
  ...history('B', [
    [0, 'lead'],
    [1, 'qualified'],
    [3, 'lead'],
    [4, 'qualified'],
    [6, 'lost'],
  ]),
  ...history('C', [
    [1, 'lead'],
    [2, 'lost'],
  ]),
  ...history('D', [[3, 'qualified']]),
  ...history('E', [
    [0, 'lead'],
    [4, 'proposal'],
    [20, 'negotiation'],
  ]),
];
const asOf = new Date(day(13));

describe('funnel', () => {
  // Computed once the time zone is set (a describe body runs before beforeAll).
  let f: Funnel;
  beforeAll(() => {
    f = funnel(sales, items, changes, asOf);
  });
  const stage = (id: string) => f.stages.find((s) => s.stageId === id)!;

  it('counts each item once per stage it entered by the as-of day', () => {
    // lead: A B C E F (B re-entered, counted once); qualified: A B D; proposal: A E;
    // negotiation: nobody (E moved there after the as-of day); won: A; lost: B C.
    expect(f.stages.map((s) => [s.stageId, s.entered])).toEqual([
      ['lead', 5],
      ['qualified', 3],
      ['proposal', 2],
      ['negotiation', 0],
      ['won', 1],
      ['lost', 2],
    ]);
    expect(stage('lead').enteredIds.sort()).toEqual(['A', 'B', 'C', 'E', 'F']);
  });

  it('conversion: the share that later entered a later open stage or won, never lost', () => {
    // lead: A (→ qualified), B (→ qualified), E (→ proposal) went on; C lost, F stays → 3/5.
    // qualified: A (→ proposal); B went back to lead, then lost; D stays → 1/3.
    // proposal: A won; E's move is after the as-of day → 1/2. Closed stages and empty ones: null.
    expect(f.stages.map((s) => s.conversion)).toEqual([3 / 5, 1 / 3, 1 / 2, null, null, null]);
  });

  it('win rate: won over won + lost as of the as-of day', () => {
    // A won; B and C lost; D, E, F open → 1/3.
    expect([f.won, f.lost, f.winRate]).toEqual([1, 2, 1 / 3]);
  });

  it('time in stage: the sum of an item’s stays, a running stay counted to the as-of day', () => {
    // lead: A 2, B 1 + 1 = 2, C 1, E 4, F 13 − 11 = 2 days → average 11/5 = 2.2, median of 1 2 2 2 4 = 2.
    expect(stage('lead').averageMs).toBeCloseTo(2.2 * DAY);
    expect(stage('lead').medianMs).toBe(2 * DAY);
    // qualified: A 3, B 2 + 2 = 4, D 13 − 3 = 10 → average 17/3, median 4.
    expect(stage('qualified').averageMs).toBeCloseTo((17 / 3) * DAY);
    expect(stage('qualified').medianMs).toBe(4 * DAY);
    // proposal: A 5, E 13 − 4 = 9 → 7 and 7.
    expect([stage('proposal').averageMs, stage('proposal').medianMs]).toEqual([7 * DAY, 7 * DAY]);
    expect([stage('won').averageMs, stage('negotiation').medianMs]).toEqual([null, null]);
  });

  it('forecast: open amounts × stage probability by close month, other currencies apart', () => {
    // D 1000 × 0.25 = 250 EUR in February; E (now in negotiation) 2000 × 0.75 = 1500 USD in March;
    // F 400 × 0.1 = 40 EUR without a close date (last); A is won and left out.
    expect(f.forecast).toEqual([
      { month: '2026-02', count: 1, itemIds: ['D'], weighted: 250, other: {} },
      { month: '2026-03', count: 1, itemIds: ['E'], weighted: 0, other: { USD: 1500 } },
      { month: null, count: 1, itemIds: ['F'], weighted: 40, other: {} },
    ]);
  });

  it('an empty pipeline has zero counts, null rates and no forecast', () => {
    const empty = funnel(sales, [], [], asOf);
    expect(empty.stages.every((s) => s.entered === 0 && s.conversion === null && s.averageMs === null)).toBe(true);
    expect([empty.winRate, empty.forecast]).toEqual([null, []]);
  });
});

describe('forecast months are local calendar months', () => {
  it('a close instant just after midnight on 1 February in Berlin is a February close', () => {
    // 2026-01-31T23:30Z is 00:30 on 1 February in Berlin (UTC+1).
    const rows = forecastByMonth(sales, [item('G', 'proposal', 0, { amount: 100, closeDate: '2026-01-31T23:30:00.000Z' })]);
    expect(rows.map((r) => [r.month, r.weighted])).toEqual([['2026-02', 50]]);
  });

  it('a date-only close date is that calendar day in any zone', () => {
    // Parsed as an instant, "2026-03-01" is 19:00 on 28 February in New York; as a day it is March.
    process.env.TZ = 'America/New_York';
    const rows = forecastByMonth(sales, [item('H', 'lead', 0, { amount: 100, closeDate: '2026-03-01' })]);
    expect(rows.map((r) => r.month)).toEqual(['2026-03']);
  });
});
