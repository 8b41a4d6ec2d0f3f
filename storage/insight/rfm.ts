/**
 * RFM (recency, frequency, monetary) scores, computed exactly as the R package `rfm`
 * (rsquaredacademy/rfm 0.3.0, `rfm_table_order`, R/rfm-table-transaction.R and R/utils.R) does:
 *
 * - per customer: recency = as-of day minus the day of the latest order (whole days),
 *   frequency = number of orders, monetary = sum of the amounts;
 * - with `n` bins (default 5), thresholds = R's default (type 7) quantiles of the customers'
 *   values at 1/n, 2/n, … (n-1)/n, each PLUS ONE; bin i is [lower_i, upper_i) with
 *   lower = [min, t_1 … t_{n-1}] and upper = [t_1 … t_{n-1}, max + 1];
 * - frequency and monetary score = the bin number (1 = lowest values); recency score is
 *   reversed (bin 1, the fewest days, scores n);
 * - custom thresholds replace the quantiles as given (no "plus one"), n = thresholds + 1;
 * - score = r·100 + f·10 + m.
 * Ties: equal values always share a bin, and a threshold equal to its neighbour makes an empty
 * bin (so with few distinct values some scores are never given, as in R).
 */

/** One order (or won deal, or two-way interaction when the basis has no money: amount 0). */
export interface RfmOrder {
  contactId: string;
  /** ISO date or date-time; its UTC calendar day counts. */
  occurredAt: string;
  amount: number;
}

/** A customer's aggregated figures, before scoring. */
export interface RfmFigures {
  customer: string;
  recencyDays: number;
  frequency: number;
  monetary: number;
}

export interface RfmRow extends RfmFigures {
  r: number;
  f: number;
  m: number;
  /** r·100 + f·10 + m, as the R package's `rfm_score`. */
  score: number;
}

/** A bin count, or custom thresholds (ascending) used as given, as the R arguments `*_bins`. */
export type RfmBins = number | readonly number[];

export interface RfmOptions {
  recencyBins?: RfmBins;
  frequencyBins?: RfmBins;
  monetaryBins?: RfmBins;
}

export interface RfmThresholds {
  lower: number[];
  upper: number[];
}

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of the UTC calendar day of an ISO date (R's `Date` numbering). */
export function utcDayNumber(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO date: ${iso}`);
  return Math.floor(ms / DAY_MS);
}

/**
 * R's `quantile(x, p)` with its default type 7, on values sorted ascending: index
 * h = 1 + (n-1)·p (1-based), result (1-f)·x[lo] + f·x[hi] with f the fraction of h, computed in
 * the same floating-point order as R's stats::quantile.default so thresholds match bit for bit.
 */
export function quantile7(sortedValues: readonly number[], p: number): number {
  const n = sortedValues.length;
  if (n === 0) return Number.NaN;
  const index = 1 + Math.max(n - 1, 0) * p;
  const lo = Math.floor(index);
  const hi = Math.ceil(index);
  const xLo = sortedValues[lo - 1];
  const xHi = sortedValues[hi - 1];
  if (!(index > lo) || xHi === xLo) return xLo;
  const h = index - lo;
  return (1 - h) * xLo + h * xHi;
}

/** Quantile probabilities as R's `seq(0, 1, length.out = n + 1)` makes them, ends dropped. */
function innerProbabilities(nBins: number): number[] {
  const step = 1 / nBins;
  const probs: number[] = [];
  for (let i = 1; i < nBins; i++) probs.push(i * step);
  return probs;
}

/** The [lower, upper) bounds of each bin, as R's bins(), bins_lower() and bins_upper(). */
export function rfmThresholds(values: readonly number[], bins: RfmBins): RfmThresholds {
  if (values.length === 0) return { lower: [], upper: [] };
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  let inner: number[];
  if (typeof bins === 'number') {
    if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`bin count must be ≥ 1: ${bins}`);
    const sorted = [...values].sort((a, b) => a - b);
    inner = innerProbabilities(bins).map((p) => quantile7(sorted, p) + 1);
  } else {
    for (let i = 1; i < bins.length; i++) {
      if (bins[i] < bins[i - 1]) throw new RangeError('custom thresholds must be ascending');
    }
    inner = [...bins];
  }
  return { lower: [min, ...inner], upper: [...inner, max + 1] };
}

/** Bin number (1-based) of a value: the last bin whose [lower, upper) holds it, as R's loop. */
function binOf(value: number, t: RfmThresholds): number {
  let bin = 0;
  for (let i = 0; i < t.lower.length; i++) {
    if (value >= t.lower[i] && value < t.upper[i]) bin = i + 1;
  }
  return bin;
}

/** Per customer figures from orders, as R's rfm_prep_table_data(); rows sorted by customer. */
export function rfmFigures(orders: readonly RfmOrder[], asOf: string): RfmFigures[] {
  const asOfDay = utcDayNumber(asOf);
  const byCustomer = new Map<string, { latest: number; frequency: number; monetary: number }>();
  for (const order of orders) {
    const day = utcDayNumber(order.occurredAt);
    const acc = byCustomer.get(order.contactId);
    if (acc) {
      if (day > acc.latest) acc.latest = day;
      acc.frequency += 1;
      acc.monetary += order.amount;
    } else {
      byCustomer.set(order.contactId, { latest: day, frequency: 1, monetary: order.amount });
    }
  }
  const rows: RfmFigures[] = [];
  for (const [customer, acc] of byCustomer) {
    rows.push({
      customer,
      recencyDays: asOfDay - acc.latest,
      frequency: acc.frequency,
      monetary: acc.monetary,
    });
  }
  return rows.sort((a, b) => (a.customer < b.customer ? -1 : a.customer > b.customer ? 1 : 0));
}

/** Scores already aggregated figures (the incremental path keeps figures, then rescores). */
export function rfmScore(
  figures: readonly RfmFigures[],
  opts: RfmOptions = {},
): { rows: RfmRow[]; recency: RfmThresholds; frequency: RfmThresholds; monetary: RfmThresholds } {
  const recency = rfmThresholds(
    figures.map((x) => x.recencyDays),
    opts.recencyBins ?? 5,
  );
  const frequency = rfmThresholds(
    figures.map((x) => x.frequency),
    opts.frequencyBins ?? 5,
  );
  const monetary = rfmThresholds(
    figures.map((x) => x.monetary),
    opts.monetaryBins ?? 5,
  );
  const recencyBinCount = recency.lower.length;
  const rows = figures.map((x) => {
    const rBin = binOf(x.recencyDays, recency);
    // Reversed: the most recent bin gets the top score (R: rscore <- rev(seq_len(bins))).
    const r = rBin === 0 ? 0 : recencyBinCount + 1 - rBin;
    const f = binOf(x.frequency, frequency);
    const m = binOf(x.monetary, monetary);
    return { ...x, r, f, m, score: r * 100 + f * 10 + m };
  });
  return { rows, recency, frequency, monetary };
}

/** The RFM table of `rfm_table_order(orders, …, analysis_date = asOf)`. */
export function rfmTable(orders: readonly RfmOrder[], asOf: string, opts: RfmOptions = {}): RfmRow[] {
  return rfmScore(rfmFigures(orders, asOf), opts).rows;
}
