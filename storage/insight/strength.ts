// Relationship strength from interaction metadata (never content), as Affinity and Connect The Dots
// describe it: frequent, recent two-way exchanges make a strong relationship; mail one side sends
// without an answer counts little.
//
// Formula (metrics.ts defines two-way exchange, one-way e-mail and the decayed sums):
//   E = D₂ + min(ONE_WAY_CAP, ONE_WAY_WEIGHT × D₁)
//     D₂ = Σ 0.5^(age in days / 30) over two-way exchanges, D₁ the same over one-way e-mails;
//   score = round(100 × E / (E + HALF_SCORE_AT))            (0–100, 50 at E = 4)
//   level = unknown  when there was never an e-mail, call or meeting (only notes or profile views),
//           strong   when score ≥ 60  (E ≥ 6: e.g. six exchanges today, or twelve spread over a month),
//           familiar when score ≥ 30  (E ≥ 1.72),
//           weak     otherwise (including faded relationships whose score decayed to 0).
// One-way mail alone tops out at E = 1, score 20: never more than weak.
import { calendarDaysBetween, type InteractionMetrics } from './metrics';

export type StrengthLevel = 'strong' | 'familiar' | 'weak' | 'unknown';
export const STRENGTH_LEVELS: readonly StrengthLevel[] = ['strong', 'familiar', 'weak', 'unknown'];

export const ONE_WAY_WEIGHT = 0.1;
export const ONE_WAY_CAP = 1;
export const HALF_SCORE_AT = 4;
export const STRONG_FROM = 60;
export const FAMILIAR_FROM = 30;
/** The window the explanation counts exchanges in. */
const EXPLAIN_DAYS = 90;

export interface Strength {
  score: number;
  level: StrengthLevel;
  /** For the hover: "12 two-way exchanges in 90 days, last 3 days ago". */
  explanation: string;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "today", "yesterday", "N days ago" in local calendar days. */
export function daysAgoText(iso: string, asOf: string): string {
  const days = calendarDaysBetween(Date.parse(iso), Date.parse(asOf));
  return days <= 0 ? 'today' : days === 1 ? 'yesterday' : `${days} days ago`;
}

/** Strength as of the metrics' as-of instant (the decayed sums are taken there). */
export function strengthOf(m: InteractionMetrics): Strength {
  const t = m.total.byType;
  if (t.email + t.call + t.meeting === 0) return { score: 0, level: 'unknown', explanation: 'No e-mail, call or meeting yet' };
  const e = m.decayed.twoWay + Math.min(ONE_WAY_CAP, ONE_WAY_WEIGHT * m.decayed.oneWay);
  const score = Math.round((100 * e) / (e + HALF_SCORE_AT));
  const level: StrengthLevel = score >= STRONG_FROM ? 'strong' : score >= FAMILIAR_FROM ? 'familiar' : 'weak';
  const recent = m.windows[EXPLAIN_DAYS];
  let explanation: string;
  if (!m.lastTwoWayAt) {
    explanation = `No two-way exchange yet; ${plural(recent.oneWay, 'one-way e-mail', 'one-way e-mails')} in ${EXPLAIN_DAYS} days`;
  } else {
    const count = recent.twoWay
      ? `${plural(recent.twoWay, 'two-way exchange', 'two-way exchanges')} in ${EXPLAIN_DAYS} days`
      : `No two-way exchange in ${EXPLAIN_DAYS} days`;
    explanation = `${count}, last ${daysAgoText(m.lastTwoWayAt, m.asOf)}`;
  }
  return { score, level, explanation };
}
