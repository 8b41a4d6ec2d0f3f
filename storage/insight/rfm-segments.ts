/**
 * Two ways to name an RFM row: the R package `rfm`'s ten segments (README and rfm_segment(),
 * R/rfm-segment.R) and the classic eight classes by comparison with the customers' averages.
 */
import type { RfmFigures, RfmRow } from './rfm';

/** Inclusive score range, as R's dplyr::between(). */
export type ScoreRange = readonly [number, number];

export interface RfmSegmentRule {
  name: string;
  r: ScoreRange;
  f: ScoreRange;
  m: ScoreRange;
}

export const OTHERS_SEGMENT = 'Others';

/** The `rfm` README's table, in its order (first match wins). Data, so the user can edit it. */
export const DEFAULT_SEGMENTS: readonly RfmSegmentRule[] = [
  { name: 'Champions', r: [5, 5], f: [5, 5], m: [5, 5] },
  { name: 'Potential Loyalist', r: [3, 5], f: [3, 5], m: [2, 5] },
  { name: 'Loyal Customers', r: [2, 4], f: [2, 4], m: [2, 4] },
  { name: 'Promising', r: [3, 4], f: [1, 3], m: [3, 5] },
  { name: 'New Customers', r: [4, 5], f: [1, 3], m: [1, 5] },
  { name: "Can't Lose Them", r: [1, 2], f: [3, 4], m: [4, 5] },
  { name: 'At Risk', r: [1, 2], f: [2, 5], m: [4, 5] },
  { name: 'Need Attention', r: [1, 3], f: [3, 5], m: [3, 5] },
  { name: 'About To Sleep', r: [2, 3], f: [1, 3], m: [1, 4] },
  { name: 'Lost', r: [1, 1], f: [1, 5], m: [1, 5] },
];

const within = (score: number, [lo, hi]: ScoreRange) => score >= lo && score <= hi;

/** The first rule whose three ranges all hold the scores, else "Others" (as rfm_segment()). */
export function rfmSegment(r: number, f: number, m: number, table: readonly RfmSegmentRule[] = DEFAULT_SEGMENTS): string {
  for (const rule of table) {
    if (within(r, rule.r) && within(f, rule.f) && within(m, rule.m)) return rule.name;
  }
  return OTHERS_SEGMENT;
}

/*
 * The classic eight classes (重要价值客户 … 一般挽留客户). Each of R, F and M is "high" or "low"
 * against the customers' average of the raw figure:
 *   R high = recencyDays BELOW the average (bought more recently than average);
 *   F high = frequency ABOVE the average;  M high = monetary ABOVE the average;
 *   a figure exactly at the average counts as low (not above / not more recent).
 * M decides important (high spend) vs general; R and F decide the relationship:
 *   R high F high → value        (recent and frequent: keep them as they are)
 *   R high F low  → development  (recent but seldom: grow the frequency)
 *   R low  F high → retention    (frequent but not lately: keep them from drifting)
 *   R low  F low  → win-back     (neither: win them back)
 * The issue fixes two corners (R F M all high = important value; R F low, M high = important
 * win-back); the rest follows the same reading, which is the usual table in the CRM texts:
 *
 *   R    F    M    key                    en                          zh
 *   high high high important-value        Important value             重要价值客户
 *   high low  high important-development  Important development       重要发展客户
 *   low  high high important-retention    Important retention         重要保持客户
 *   low  low  high important-win-back     Important win-back          重要挽留客户
 *   high high low  general-value          General value               一般价值客户
 *   high low  low  general-development    General development         一般发展客户
 *   low  high low  general-retention      General retention           一般保持客户
 *   low  low  low  general-win-back       General win-back            一般挽留客户
 */
export interface AverageClass {
  key: string;
  en: string;
  zh: string;
  recent: boolean;
  frequent: boolean;
  highSpend: boolean;
}

export const AVERAGE_CLASSES: readonly AverageClass[] = [
  { key: 'important-value', en: 'Important value', zh: '重要价值客户', recent: true, frequent: true, highSpend: true },
  { key: 'important-development', en: 'Important development', zh: '重要发展客户', recent: true, frequent: false, highSpend: true },
  { key: 'important-retention', en: 'Important retention', zh: '重要保持客户', recent: false, frequent: true, highSpend: true },
  { key: 'important-win-back', en: 'Important win-back', zh: '重要挽留客户', recent: false, frequent: false, highSpend: true },
  { key: 'general-value', en: 'General value', zh: '一般价值客户', recent: true, frequent: true, highSpend: false },
  { key: 'general-development', en: 'General development', zh: '一般发展客户', recent: true, frequent: false, highSpend: false },
  { key: 'general-retention', en: 'General retention', zh: '一般保持客户', recent: false, frequent: true, highSpend: false },
  { key: 'general-win-back', en: 'General win-back', zh: '一般挽留客户', recent: false, frequent: false, highSpend: false },
];

export type RfmAverages = Pick<RfmFigures, 'recencyDays' | 'frequency' | 'monetary'>;

/** Arithmetic means of the customers' raw figures (zeros for no customers). */
export function rfmAverages(rows: readonly RfmFigures[]): RfmAverages {
  if (rows.length === 0) return { recencyDays: 0, frequency: 0, monetary: 0 };
  let recencyDays = 0;
  let frequency = 0;
  let monetary = 0;
  for (const row of rows) {
    recencyDays += row.recencyDays;
    frequency += row.frequency;
    monetary += row.monetary;
  }
  const n = rows.length;
  return { recencyDays: recencyDays / n, frequency: frequency / n, monetary: monetary / n };
}

/** The eight-class label of one customer, against the averages of all customers. */
export function averageClass(row: RfmFigures | RfmRow, averages: RfmAverages): AverageClass {
  const recent = row.recencyDays < averages.recencyDays;
  const frequent = row.frequency > averages.frequency;
  const highSpend = row.monetary > averages.monetary;
  const found = AVERAGE_CLASSES.find((c) => c.recent === recent && c.frequent === frequent && c.highSpend === highSpend);
  // The table covers all eight combinations.
  return found!;
}
