// Satisfaction (issue 19, item 9): CSAT (1–5) and NPS (0–10) answers per person and by month, and
// which answer calls for a care follow-up. Pure.
//
// Definitions:
// - Only valid answers count: CSAT a whole number 1–5, NPS a whole number 0–10 (an importer rejects
//   the rest; here they are skipped), given at or before the as-of instant.
// - Per person and kind: the latest answer (by time; of two at the same instant, the later in the
//   input) and the trend, the latest compared with the answer before it: "up", "down" or "same";
//   null with a single answer.
// - By LOCAL month (every month from the first answer's to the last's): CSAT average, and NPS =
//   % promoters (9–10) − % detractors (0–6), from −100 to 100; null for a month without answers of that kind.
// - Care follow-up: CSAT ≤ 2 or NPS ≤ 6 (a detractor).
import { localMonthOf, monthRange } from './measures';

export type SurveyKind = 'csat' | 'nps';

export interface SurveyAnswer {
  contactId: string;
  score: number;
  at: string;
  kind: SurveyKind;
  comment?: string;
}

const RANGE: Record<SurveyKind, [number, number]> = { csat: [1, 5], nps: [0, 10] };

export function isValidAnswer(a: Pick<SurveyAnswer, 'kind' | 'score'>): boolean {
  const range = RANGE[a.kind];
  return range !== undefined && Number.isInteger(a.score) && a.score >= range[0] && a.score <= range[1];
}

/** Whether the answer calls for a care follow-up: CSAT 1–2, or NPS 0–6. */
export function needsCareFollowUp(a: Pick<SurveyAnswer, 'kind' | 'score'>): boolean {
  if (!isValidAnswer(a)) return false;
  return a.kind === 'csat' ? a.score <= 2 : a.score <= 6;
}

export function npsClass(score: number): 'promoter' | 'passive' | 'detractor' {
  return score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';
}

export interface PersonSatisfaction {
  contactId: string;
  latest: SurveyAnswer;
  previous?: SurveyAnswer;
  trend: 'up' | 'down' | 'same' | null;
  count: number;
}

const counted = (answers: readonly SurveyAnswer[], asOf: Date) =>
  answers.filter((a) => isValidAnswer(a) && Date.parse(a.at) <= asOf.getTime());

/** Each person's latest answer of `kind` and its trend, by contact id. */
export function satisfactionByPerson(answers: readonly SurveyAnswer[], kind: SurveyKind, asOf: Date): Map<string, PersonSatisfaction> {
  const people = new Map<string, { latest: SurveyAnswer; previous?: SurveyAnswer; count: number }>();
  for (const a of counted(answers, asOf)) {
    if (a.kind !== kind) continue;
    const p = people.get(a.contactId);
    if (!p) {
      people.set(a.contactId, { latest: a, count: 1 });
      continue;
    }
    p.count++;
    const t = Date.parse(a.at);
    if (t >= Date.parse(p.latest.at)) {
      p.previous = p.latest;
      p.latest = a;
    } else if (!p.previous || t >= Date.parse(p.previous.at)) p.previous = a;
  }
  const out = new Map<string, PersonSatisfaction>();
  for (const [contactId, p] of people) {
    const diff = p.previous ? p.latest.score - p.previous.score : undefined;
    const trend = diff === undefined ? null : diff > 0 ? 'up' : diff < 0 ? 'down' : 'same';
    out.set(contactId, { contactId, ...p, trend });
  }
  return out;
}

export interface SatisfactionFigures {
  csatCount: number;
  /** Average CSAT, 1–5; null without CSAT answers. */
  csatAverage: number | null;
  npsCount: number;
  promoters: number;
  passives: number;
  detractors: number;
  /** % promoters − % detractors, −100 to 100; null without NPS answers. */
  nps: number | null;
}

export interface SatisfactionMonth extends SatisfactionFigures {
  month: string;
}

const emptyFigures = (): SatisfactionFigures => ({
  csatCount: 0,
  csatAverage: null,
  npsCount: 0,
  promoters: 0,
  passives: 0,
  detractors: 0,
  nps: null,
});

function add(f: SatisfactionFigures & { csatSum?: number }, a: SurveyAnswer) {
  if (a.kind === 'csat') {
    f.csatSum = (f.csatSum ?? 0) + a.score;
    f.csatCount++;
  } else {
    f.npsCount++;
    f[`${npsClass(a.score)}s`]++;
  }
}

function finish(f: SatisfactionFigures & { csatSum?: number }): SatisfactionFigures {
  const { csatSum = 0, ...figures } = f;
  figures.csatAverage = figures.csatCount ? csatSum / figures.csatCount : null;
  figures.nps = figures.npsCount ? ((figures.promoters - figures.detractors) * 100) / figures.npsCount : null;
  return figures;
}

/** CSAT average and NPS overall and by local month, from the answers given by `asOf`. */
export function satisfactionOverview(
  answers: readonly SurveyAnswer[],
  asOf: Date,
): { overall: SatisfactionFigures; months: SatisfactionMonth[] } {
  const overall = emptyFigures();
  const byMonth = new Map<string, SatisfactionFigures>();
  for (const a of counted(answers, asOf)) {
    add(overall, a);
    const month = localMonthOf(a.at)!;
    let f = byMonth.get(month);
    if (!f) byMonth.set(month, (f = emptyFigures()));
    add(f, a);
  }
  const keys = [...byMonth.keys()].sort();
  const months = keys.length
    ? monthRange(keys[0], keys[keys.length - 1]).map((month) => ({ month, ...finish(byMonth.get(month) ?? emptyFigures()) }))
    : [];
  return { overall: finish(overall), months };
}
