// ABC (Pareto) classes on hand-worked examples.
import { describe, expect, it } from 'vitest';
import { abcClasses, abcSummary } from '../../../storage/insight/abc';

describe('abcClasses', () => {
  it('ranks by value and classes A up to 80 %, B to 95 %, C the rest', () => {
    // Total 100, ranked a 50, b 30, c 10, d 6, e 4; share before each: 0, 50, 80, 90, 96.
    // a, b: before < 80 → A (b reaches exactly 80 %); c, d: before < 95 → B; e: before 96 → C.
    const rows = abcClasses([
      { id: 'e', value: 4 },
      { id: 'c', value: 10 },
      { id: 'a', value: 50 },
      { id: 'd', value: 6 },
      { id: 'b', value: 30 },
    ]);
    expect(rows.map((r) => [r.id, r.rank, r.abc])).toEqual([
      ['a', 1, 'A'],
      ['b', 2, 'A'],
      ['c', 3, 'B'],
      ['d', 4, 'B'],
      ['e', 5, 'C'],
    ]);
    expect(rows.map((r) => r.cumulativeShare)).toEqual([0.5, 0.8, 0.9, 0.96, 1]);
    expect(rows.map((r) => r.share)).toEqual([0.5, 0.3, 0.1, 0.06, 0.04]);
  });

  it('puts the customer who crosses a boundary in the class it crosses from', () => {
    // 70, 20, 10: b starts at 70 % (< 80) and ends at 90 % → A; c starts at 90 % (< 95) → B.
    const rows = abcClasses([
      { id: 'a', value: 70 },
      { id: 'b', value: 20 },
      { id: 'c', value: 10 },
    ]);
    expect(rows.map((r) => r.abc)).toEqual(['A', 'A', 'B']);
  });

  it('orders equal values by id, whatever the input order', () => {
    const rows = abcClasses([
      { id: 'y', value: 10 },
      { id: 'x', value: 10 },
    ]);
    // x: before 0 → A; y: before 50 % → A.
    expect(rows.map((r) => [r.id, r.rank])).toEqual([
      ['x', 1],
      ['y', 2],
    ]);
  });

  it('classes zero and negative values as C, counted as 0', () => {
    const rows = abcClasses([
      { id: 'refund', value: -5 },
      { id: 'none', value: 0 },
      { id: 'buyer', value: 20 },
    ]);
    expect(rows.map((r) => [r.id, r.abc, r.cumulativeShare])).toEqual([
      ['buyer', 'A', 1],
      ['none', 'C', 1],
      ['refund', 'C', 1],
    ]);
    expect(abcClasses([{ id: 'z', value: 0 }]).map((r) => [r.abc, r.cumulativeShare])).toEqual([['C', 0]]);
  });

  it('summarises customers and value per class', () => {
    const rows = abcClasses([
      { id: 'a', value: 50 },
      { id: 'b', value: 30 },
      { id: 'c', value: 10 },
      { id: 'd', value: 6 },
      { id: 'e', value: 4 },
    ]);
    const summary = abcSummary(rows);
    expect(summary.map((s) => [s.abc, s.customers, s.customerShare, s.value])).toEqual([
      ['A', 2, 0.4, 80],
      ['B', 2, 0.4, 16],
      ['C', 1, 0.2, 4],
    ]);
    expect(summary[0].valueShare).toBeCloseTo(0.8, 12);
    expect(summary[2].valueShare).toBeCloseTo(0.04, 12);
  });
});
