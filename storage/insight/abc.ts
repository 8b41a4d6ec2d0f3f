/**
 * ABC (Pareto) classes: customers ranked by value (revenue, or two-way interaction volume when
 * there is no money), largest first.
 *
 * Definition: A = the top customers accounting for 80 % of the total, B = the next 15 %
 * (up to 95 % cumulative), C = the rest. The customer whose value crosses a boundary belongs
 * to the class it crosses INTO from above: a customer is A when the cumulative share BEFORE it
 * is below 80 % (so the top customer is always A, and A holds at least 80 % of the total), B
 * when the share before it is below 95 %, else C. Equal values are ordered by id, so the result
 * does not depend on input order. Values ≤ 0 (refunds, no revenue) count as 0 and are class C;
 * with a total of 0 every customer is C.
 */

export interface AbcInput {
  id: string;
  value: number;
}

export type AbcClass = 'A' | 'B' | 'C';

export interface AbcRow {
  id: string;
  value: number;
  /** 1 = largest value. */
  rank: number;
  /** This customer's share of the total, 0–1. */
  share: number;
  /** Share of the total held by this customer and all ranked above, 0–1 (the Pareto line). */
  cumulativeShare: number;
  abc: AbcClass;
}

export interface AbcOptions {
  /** Cumulative percentage that closes class A (default 80). */
  aPercent?: number;
  /** Cumulative percentage that closes class B (default 95 = 80 + 15). */
  bPercent?: number;
}

/** Rows in rank order, for the Pareto chart (bars = value, line = cumulativeShare). */
export function abcClasses(values: readonly AbcInput[], opts: AbcOptions = {}): AbcRow[] {
  const aPercent = opts.aPercent ?? 80;
  const bPercent = opts.bPercent ?? 95;
  const ranked = values
    .map((v) => ({ id: v.id, value: v.value, counted: v.value > 0 ? v.value : 0 }))
    .sort((x, y) => y.counted - x.counted || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  let total = 0;
  for (const v of ranked) total += v.counted;
  const rows: AbcRow[] = [];
  let before = 0;
  ranked.forEach((v, i) => {
    let abc: AbcClass = 'C';
    // Compare in percent units (before·100 < total·80) so integer amounts compare exactly.
    if (v.counted > 0 && before * 100 < total * aPercent) abc = 'A';
    else if (v.counted > 0 && before * 100 < total * bPercent) abc = 'B';
    const after = before + v.counted;
    rows.push({
      id: v.id,
      value: v.value,
      rank: i + 1,
      share: total > 0 ? v.counted / total : 0,
      cumulativeShare: total > 0 ? after / total : 0,
      abc,
    });
    before = after;
  });
  return rows;
}

export interface AbcClassSummary {
  abc: AbcClass;
  customers: number;
  /** Share of customers in this class, 0–1. */
  customerShare: number;
  value: number;
  /** Share of the total value in this class, 0–1. */
  valueShare: number;
}

/** Counts and shares per class (A, B, C in that order). */
export function abcSummary(rows: readonly AbcRow[]): AbcClassSummary[] {
  const classes: AbcClass[] = ['A', 'B', 'C'];
  let total = 0;
  for (const row of rows) total += Math.max(row.value, 0);
  return classes.map((abc) => {
    let customers = 0;
    let value = 0;
    for (const row of rows) {
      if (row.abc !== abc) continue;
      customers += 1;
      value += Math.max(row.value, 0);
    }
    return {
      abc,
      customers,
      customerShare: rows.length > 0 ? customers / rows.length : 0,
      value,
      valueShare: total > 0 ? value / total : 0,
    };
  });
}
