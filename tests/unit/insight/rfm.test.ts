// RFM scores against hand-worked examples (working in the comments) and against the R package
// `rfm`'s own published figures (README and tests/testthat of rsquaredacademy/rfm 0.3.0).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { quantile7, rfmFigures, rfmScore, rfmTable, rfmThresholds, type RfmOrder } from '../../../storage/insight/rfm';
import { rfmSegment, type RfmSegmentRule } from '../../../storage/insight/rfm-segments';

const order = (contactId: string, occurredAt: string, amount: number): RfmOrder => ({ contactId, occurredAt, amount });
const pick = <T extends { customer: string }>(rows: T[], customer: string): T => {
  const row = rows.find((r) => r.customer === customer);
  if (!row) throw new Error(`no row for ${customer}`);
  return row;
};

describe('quantile7 (R type 7)', () => {
  it('interpolates between the order statistics around 1 + (n-1)p', () => {
    const x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    // h = 1 + 9·0.2 = 2.8 → 0.2·x[2] + 0.8·x[3] = 0.4 + 2.4 = 2.8; h = 5.5 → 5.5.
    expect(quantile7(x, 0.2)).toBeCloseTo(2.8, 12);
    expect(quantile7(x, 0.5)).toBe(5.5);
    expect(quantile7(x, 0)).toBe(1);
    expect(quantile7(x, 1)).toBe(10);
  });

  it('returns the tied value itself when both neighbours are equal', () => {
    // h = 1 + 3·0.4 = 2.2; x[2] = x[3] = 3.
    expect(quantile7([3, 3, 3, 7], 0.4)).toBe(3);
  });

  it("matches the package's bins(mtcars, 'mpg', 5) = 16.20 18.92 22.00 25.08 (quantiles + 1)", () => {
    const mpg = [
      21, 21, 22.8, 21.4, 18.7, 18.1, 14.3, 24.4, 22.8, 19.2, 17.8, 16.4, 17.3, 15.2, 10.4, 10.4, 14.7, 32.4, 30.4, 33.9, 21.5, 15.5, 15.2,
      13.3, 19.2, 27.3, 26, 30.4, 15.8, 19.7, 15, 21.4,
    ];
    const t = rfmThresholds(mpg, 5);
    [16.2, 18.92, 22.0, 25.08].forEach((v, i) => expect(t.upper[i]).toBeCloseTo(v, 10));
    expect(t.lower[0]).toBe(10.4); // bins_lower: min first
    expect(t.upper[4]).toBeCloseTo(34.9, 10); // bins_upper: max + 1 last
  });
});

describe('rfmTable, hand-worked', () => {
  // As of 2024-01-31:
  //   a: 3 orders, latest 01-30 → recency 1,   frequency 3, monetary 60
  //   b: 1 order  01-21        → recency 10,  frequency 1, monetary 100
  //   c: 2 orders, latest 01-01 → recency 30,  frequency 2, monetary 10
  //   d: 1 order  2023-11-02   → recency 90,  frequency 1, monetary 40
  //   e: 4 orders, latest 2023-10-03 → recency 120, frequency 4, monetary 4
  const orders = [
    order('a', '2024-01-30', 10),
    order('a', '2024-01-20', 20),
    order('a', '2024-01-10', 30),
    order('b', '2024-01-21T09:00:00Z', 100),
    order('c', '2024-01-01', 5),
    order('c', '2023-12-01', 5),
    order('d', '2023-11-02', 40),
    order('e', '2023-10-03', 1),
    order('e', '2023-09-01', 1),
    order('e', '2023-08-01', 1),
    order('e', '2023-07-01', 1),
  ];

  it('aggregates recency days, order count and sum per customer', () => {
    expect(rfmFigures(orders, '2024-01-31')).toEqual([
      { customer: 'a', recencyDays: 1, frequency: 3, monetary: 60 },
      { customer: 'b', recencyDays: 10, frequency: 1, monetary: 100 },
      { customer: 'c', recencyDays: 30, frequency: 2, monetary: 10 },
      { customer: 'd', recencyDays: 90, frequency: 1, monetary: 40 },
      { customer: 'e', recencyDays: 120, frequency: 4, monetary: 4 },
    ]);
  });

  it('scores by quantile thresholds plus one, [lower, upper) bins, recency reversed', () => {
    // Recency sorted 1 10 30 90 120; h = 1 + 4p: 1.8 → 8.2, 2.6 → 22, 3.4 → 54, 4.2 → 96;
    //   +1 → bins [1,9.2) [9.2,23) [23,55) [55,97) [97,121): a 5, b 4, c 3, d 2, e 1 (reversed).
    // Frequency sorted 1 1 2 3 4: 1, 1.6, 2.4, 3.2; +1 → [1,2) [2,2.6) [2.6,3.4) [3.4,4.2) [4.2,5):
    //   a(3) 3, b(1) 1, c(2) 2, d(1) 1, e(4) 4 — the most frequent customer scores 4, not 5.
    // Monetary sorted 4 10 40 60 100: 8.8, 28, 48, 68; +1 → [4,9.8) [9.8,29) [29,49) [49,69) [69,101):
    //   a(60) 4, b(100) 5, c(10) 2, d(40) 3, e(4) 1.
    const rows = rfmTable(orders, '2024-01-31');
    expect(rows.map((r) => [r.customer, r.r, r.f, r.m, r.score])).toEqual([
      ['a', 5, 3, 4, 534],
      ['b', 4, 1, 5, 415],
      ['c', 3, 2, 2, 322],
      ['d', 2, 1, 3, 213],
      ['e', 1, 4, 1, 141],
    ]);
    // Segments, first match wins: a → Potential Loyalist (R3–5 F3–5 M2–5); b → Promising (Loyal
    // needs F ≥ 2); c → Loyal Customers; d → About To Sleep; e → Lost (Can't Lose Them needs M ≥ 4).
    expect(rows.map((r) => rfmSegment(r.r, r.f, r.m))).toEqual([
      'Potential Loyalist',
      'Promising',
      'Loyal Customers',
      'About To Sleep',
      'Lost',
    ]);
  });

  it('counts recency in UTC calendar days', () => {
    const rows = rfmTable([order('x', '2024-01-30T23:59:00Z', 1)], '2024-01-31T00:01:00Z');
    expect(rows[0].recencyDays).toBe(1);
  });

  it('gives tied values one score and leaves bins between equal thresholds empty', () => {
    // Frequencies 1 1 1 1 2: quantiles 1, 1, 1, 1.2; +1 → [1,2) [2,2) [2,2) [2,2.2) [2.2,3):
    // the four 1s score 1, the 2 scores 4; nobody scores 2, 3 or 5.
    const figures = ['p', 'q', 'r', 's', 't'].map((customer, i) => ({
      customer,
      recencyDays: i,
      frequency: customer === 't' ? 2 : 1,
      monetary: 10,
    }));
    const { rows, frequency } = rfmScore(figures);
    expect(frequency.upper).toEqual([2, 2, 2, 2.2, 3]);
    expect(rows.map((r) => r.f)).toEqual([1, 1, 1, 1, 4]);
  });

  it('puts everyone in the first bin when all values are equal (R 5, F 1, M 1)', () => {
    const rows = rfmTable([order('x', '2024-01-10', 50), order('y', '2024-01-10', 50), order('z', '2024-01-10', 50)], '2024-01-10');
    expect(rows.map((r) => r.score)).toEqual([511, 511, 511]);
    expect(rfmSegment(5, 1, 1)).toBe('New Customers');
  });

  it('scores two customers (fewer than five) as R does', () => {
    // Recency 10, 20: quantiles 12 14 16 18, +1 → bins end 13 15 17 19 21: x 5, y 1.
    // Frequency 1, 2: 1.2 1.4 1.6 1.8, +1 → first bin [1, 2.2) holds both: f 1 and 1.
    // Monetary 100, 300: 140 180 220 260, +1 → x in [100,141) 1, y in [261,301) 5.
    const rows = rfmTable([order('x', '2024-01-21', 100), order('y', '2024-01-11', 100), order('y', '2024-01-05', 200)], '2024-01-31');
    expect(rows.map((r) => [r.customer, r.r, r.f, r.m])).toEqual([
      ['x', 5, 1, 1],
      ['y', 1, 1, 5],
    ]);
  });

  it('uses custom thresholds as given (no plus one), scores = thresholds + 1', () => {
    // Monetary thresholds 10, 50 → [4,10) [10,50) [50,101): e(4) 1, c(10) 2, d(40) 2, a(60) 3, b(100) 3.
    const rows = rfmTable(orders, '2024-01-31', { monetaryBins: [10, 50] });
    expect(rows.map((r) => r.m)).toEqual([3, 3, 2, 2, 1]);
  });

  it('returns no rows for no orders', () => {
    expect(rfmTable([], '2024-01-31')).toEqual([]);
  });
});

describe('rfmTable on the rfm package data set rfm_data_orders', () => {
  // tests/fixtures/rfm/rfm_data_orders.csv, decoded from the package's data/rfm_data_orders.rda
  // by scripts/rda-orders-to-csv.py (see tests/fixtures/rfm/README.md).
  const csv = readFileSync(new URL('../../fixtures/rfm/rfm_data_orders.csv', import.meta.url), 'utf8');
  const orders = csv
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [customer, date, revenue] = line.split(',');
      return order(customer, date, Number(revenue));
    });
  const rows = rfmTable(orders, '2006-12-31');

  it('has the 995 customers and 4906 orders the package reports', () => {
    expect(rows).toHaveLength(995);
    expect(rows.reduce((sum, r) => sum + r.frequency, 0)).toBe(4906);
  });

  it("reproduces the README's five customers: figures, scores and segments", () => {
    // README.md (rsquaredacademy/rfm 0.3.0), rfm_table_order() and rfm_segment() output.
    const expected: [string, number, number, number, number, string][] = [
      ["Abbey O'Reilly", 205, 6, 472, 343, 'Potential Loyalist'],
      ['Add Senger', 140, 3, 340, 412, 'New Customers'],
      ['Aden Lesch', 194, 4, 405, 323, 'Loyal Customers'],
      ['Aden Murphy', 98, 7, 596, 544, 'Potential Loyalist'],
      ['Admiral Senger', 132, 5, 448, 433, 'Potential Loyalist'],
    ];
    for (const [customer, recencyDays, frequency, monetary, score, segment] of expected) {
      const row = pick(rows, customer);
      expect([row.recencyDays, row.frequency, row.monetary, row.score]).toEqual([recencyDays, frequency, monetary, score]);
      expect(rfmSegment(row.r, row.f, row.m)).toBe(segment);
    }
    // The README's first five rows are the first five customers in name order.
    expect(rows.slice(0, 5).map((r) => r.customer)).toEqual(expected.map((e) => e[0]));
  });

  it("reproduces the package's segment test: 158 Champions with 1234 orders and 120178 revenue", () => {
    // tests/testthat/test-rfm-segment.R: a different, overlapping table, first match wins.
    const names = [
      'Champions',
      'Loyal Customers',
      'Potential Loyalist',
      'New Customers',
      'Promising',
      'Need Attention',
      'About To Sleep',
      'At Risk',
      "Can't Lose Them",
      'Lost',
    ];
    const rl = [4, 2, 3, 4, 3, 2, 2, 1, 1, 1];
    const ru = [5, 5, 5, 5, 4, 3, 3, 2, 1, 2];
    const fl = [4, 3, 1, 1, 1, 2, 1, 2, 4, 1];
    const fu = [5, 5, 3, 1, 1, 3, 2, 5, 5, 2];
    const ml = [4, 3, 1, 1, 1, 2, 1, 2, 4, 1];
    const mu = [5, 5, 3, 1, 1, 3, 2, 5, 5, 2];
    const table: RfmSegmentRule[] = names.map((name, i) => ({
      name,
      r: [rl[i], ru[i]],
      f: [fl[i], fu[i]],
      m: [ml[i], mu[i]],
    }));
    const champions = rows.filter((r) => rfmSegment(r.r, r.f, r.m, table) === 'Champions');
    expect(champions).toHaveLength(158);
    expect(champions.reduce((s, r) => s + r.frequency, 0)).toBe(1234);
    expect(champions.reduce((s, r) => s + r.monetary, 0)).toBe(120178);
  });
});
