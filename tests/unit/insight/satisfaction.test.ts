// CSAT and NPS from hand-made answers as of 30 April 2026, in Berlin: per person latest and trend,
// overall and by local month, and which answers call for a care follow-up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needsCareFollowUp, satisfactionByPerson, satisfactionOverview, type SurveyAnswer } from '../../../storage/insight/satisfaction';

const savedTz = process.env.TZ;
beforeAll(() => {
  process.env.TZ = 'Europe/Berlin';
});
afterAll(() => {
  process.env.TZ = savedTz;
});

const asOf = new Date('2026-04-30T12:00:00.000Z');
const csat = (contactId: string, score: number, at: string): SurveyAnswer => ({ contactId, score, at, kind: 'csat' });
const nps = (contactId: string, score: number, at: string): SurveyAnswer => ({ contactId, score, at, kind: 'nps' });

const answers = [
  csat('P1', 4, '2026-01-10T10:00:00.000Z'),
  csat('P1', 2, '2026-02-28T23:30:00.000Z'), // 1 March 00:30 in Berlin
  csat('P2', 5, '2026-03-05T10:00:00.000Z'), // given in the input before an older answer
  csat('P2', 3, '2026-03-01T10:00:00.000Z'),
  csat('P3', 5, '2026-01-25T10:00:00.000Z'),
  csat('P3', 9, '2026-04-01T10:00:00.000Z'), // not a CSAT score: skipped
  nps('P4', 10, '2026-01-15T10:00:00.000Z'),
  nps('P4', 10, '2026-03-20T10:00:00.000Z'),
  nps('P5', 7, '2026-01-20T10:00:00.000Z'),
  nps('P5', 3, '2026-05-05T10:00:00.000Z'), // after the as-of day: skipped
  nps('P6', 6, '2026-03-10T10:00:00.000Z'),
  nps('P7', 9, '2026-03-11T10:00:00.000Z'),
];

describe('satisfactionByPerson', () => {
  it('latest answer by time and the trend against the one before', () => {
    const people = satisfactionByPerson(answers, 'csat', asOf);
    // P1: 4 then 2 → down. P2: 3 (1 Mar) then 5 (5 Mar) → up, whatever the input order. P3: one valid answer.
    expect([...people.values()].map((p) => [p.contactId, p.latest.score, p.previous?.score, p.trend, p.count])).toEqual([
      ['P1', 2, 4, 'down', 2],
      ['P2', 5, 3, 'up', 2],
      ['P3', 5, undefined, null, 1],
    ]);
    const promoters = satisfactionByPerson(answers, 'nps', asOf);
    // P4: 10 then 10 → same; P5's 3 comes after the as-of day → 7, no trend.
    expect([promoters.get('P4')?.trend, promoters.get('P5')?.latest.score, promoters.get('P5')?.trend]).toEqual(['same', 7, null]);
  });
});

describe('satisfactionOverview', () => {
  it('overall CSAT average and NPS', () => {
    // CSAT: 4 2 5 3 5 → 19/5 = 3.8. NPS: 10 10 7 6 9 → promoters 3, passive 1, detractor 1 → (3 − 1)/5 = 40.
    const { overall } = satisfactionOverview(answers, asOf);
    expect(overall).toEqual({ csatCount: 5, csatAverage: 3.8, npsCount: 5, promoters: 3, passives: 1, detractors: 1, nps: 40 });
  });

  it('by local month, a month without answers listed with nulls', () => {
    // January: CSAT 4, 5 → 4.5; NPS 10, 7 → (1 − 0)/2 = 50.
    // February: nothing (P1's 28 Feb 23:30 UTC answer is March in Berlin).
    // March: CSAT 2, 5, 3 → 10/3; NPS 10, 6, 9 → (2 − 1)/3 = 33.3.
    const { months } = satisfactionOverview(answers, asOf);
    expect(months.map((m) => [m.month, m.csatCount, m.csatAverage, m.npsCount, m.nps])).toEqual([
      ['2026-01', 2, 4.5, 2, 50],
      ['2026-02', 0, null, 0, null],
      ['2026-03', 3, 10 / 3, 3, 100 / 3],
    ]);
  });

  it('no answers: nothing by month, null figures', () => {
    expect(satisfactionOverview([], asOf)).toEqual({
      overall: { csatCount: 0, csatAverage: null, npsCount: 0, promoters: 0, passives: 0, detractors: 0, nps: null },
      months: [],
    });
    expect(satisfactionByPerson([], 'csat', asOf).size).toBe(0);
  });
});

describe('needsCareFollowUp', () => {
  it('CSAT 1–2 and NPS 0–6 call for care; other and invalid scores do not', () => {
    const cases: [SurveyAnswer['kind'], number, boolean][] = [
      ['csat', 1, true],
      ['csat', 2, true],
      ['csat', 3, false],
      ['csat', 0, false],
      ['nps', 0, true],
      ['nps', 6, true],
      ['nps', 7, false],
      ['nps', 6.5, false],
    ];
    expect(cases.map(([kind, score]) => needsCareFollowUp({ kind, score }))).toEqual(cases.map(([, , want]) => want));
  });
});
