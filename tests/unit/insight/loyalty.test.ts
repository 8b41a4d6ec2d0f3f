// Loyalty from hand-made orders as of 15 April 2026, in Berlin: repeat-purchase rate, retention by
// local monthly cohort, and churn over March against February.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { churnRate, cohortRetention, type Order, repeatPurchaseRate } from '../../../storage/insight/loyalty';

const savedTz = process.env.TZ;
beforeAll(() => {
  process.env.TZ = 'Europe/Berlin';
});
afterAll(() => {
  process.env.TZ = savedTz;
});

const asOf = new Date('2026-04-15T12:00:00.000Z');
const order = (id: string, contactId: string, occurredAt: string, amount: number): Order => ({
  id,
  contactId,
  occurredAt,
  amount,
  currency: 'EUR',
});

// Purchases: A in Jan, Feb, Apr; B on 1 Feb (Berlin; 31 Jan 23:30 UTC) and in Mar; C in Jan; D in Feb.
// Not purchases: C's o6 again (same id), C's refund (−40) and zero order, E's order after the as-of day.
const orders = [
  order('o1', 'A', '2026-01-05T10:00:00.000Z', 100),
  order('o2', 'A', '2026-02-10T10:00:00.000Z', 50),
  order('o3', 'A', '2026-04-01T00:00:00.000Z', 20),
  order('o4', 'B', '2026-01-31T23:30:00.000Z', 80),
  order('o5', 'B', '2026-03-03T10:00:00.000Z', 30),
  order('o6', 'C', '2026-01-20T10:00:00.000Z', 40),
  order('o6', 'C', '2026-01-21T10:00:00.000Z', 40),
  order('o7', 'C', '2026-01-25T10:00:00.000Z', -40),
  order('o10', 'C', '2026-01-28T10:00:00.000Z', 0),
  order('o8', 'D', '2026-02-14T10:00:00.000Z', 60),
  order('o9', 'E', '2026-05-01T10:00:00.000Z', 90),
];

describe('repeatPurchaseRate', () => {
  it('customers with two or more purchases over customers with one', () => {
    // A 3, B 2, C 1 (duplicate id, refund and zero order not counted), D 1; E after as-of → 2 of 4.
    expect(repeatPurchaseRate(orders, asOf)).toEqual({ customers: 4, repeatIds: ['A', 'B'], rate: 0.5 });
  });

  it('no orders: no customers, null rate', () => {
    expect(repeatPurchaseRate([], asOf)).toEqual({ customers: 0, repeatIds: [], rate: null });
  });
});

describe('cohortRetention', () => {
  it('cohorts by local month of the first purchase, active in each later month up to as-of', () => {
    // January: A, C. Feb: A; Mar: nobody; Apr: A → active 2 1 0 1.
    // February: B (1 Feb in Berlin), D. Mar: B; Apr: nobody → active 2 1 0.
    expect(cohortRetention(orders, asOf)).toEqual([
      { month: '2026-01', size: 2, active: [2, 1, 0, 1], retention: [1, 0.5, 0, 0.5] },
      { month: '2026-02', size: 2, active: [2, 1, 0], retention: [1, 0.5, 0] },
    ]);
  });

  it('a date-only order dated after the local as-of month stays out of the columns', () => {
    // In Los Angeles, 1 May 03:00 UTC is still 30 April: the last column is April. The order dated
    // "2026-05-01" (midnight UTC, before as-of) is a May order and has no column yet.
    process.env.TZ = 'America/Los_Angeles';
    const rows = cohortRetention(
      [order('x1', 'X', '2026-04-10T18:00:00.000Z', 10), order('x2', 'X', '2026-05-01', 10)],
      new Date('2026-05-01T03:00:00.000Z'),
    );
    process.env.TZ = 'Europe/Berlin';
    expect(rows).toEqual([{ month: '2026-04', size: 1, active: [1], retention: [1] }]);
  });

  it('no orders: no cohorts', () => {
    expect(cohortRetention([], asOf)).toEqual([]);
  });
});

describe('churnRate', () => {
  it('of the buyers in the period before, the share who bought nothing in the period', () => {
    // Period 1 Mar – 1 Apr (31 days); before it 29 Jan – 1 Mar: B (31 Jan 23:30), A (10 Feb), D (14 Feb);
    // C's 20 Jan is earlier. In the period: B (3 Mar); A's 1 Apr 00:00 is the period's end, outside.
    // Churned: A, D → 2/3.
    const churn = churnRate(orders, new Date('2026-03-01T00:00:00.000Z'), new Date('2026-04-01T00:00:00.000Z'));
    expect(churn).toEqual({ atStart: 3, churnedIds: ['A', 'D'], rate: 2 / 3 });
  });

  it('nobody bought before the period: null rate', () => {
    expect(churnRate(orders, new Date('2025-06-01T00:00:00.000Z'), new Date('2025-07-01T00:00:00.000Z'))).toEqual({
      atStart: 0,
      churnedIds: [],
      rate: null,
    });
  });
});
