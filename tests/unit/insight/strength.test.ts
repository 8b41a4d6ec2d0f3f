// Relationship strength: hand-worked scores and levels (E = decayed two-way + capped one-way,
// score = 100·E/(E+4)), the hover text, and "days ago" in Berlin local days.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregateFrom, metricsOf, type ActivityFacts } from '../../../storage/insight/metrics';
import { daysAgoText, strengthOf } from '../../../storage/insight/strength';

const savedTz = process.env.TZ;
beforeAll(() => {
  process.env.TZ = 'Europe/Berlin';
});
afterAll(() => {
  process.env.TZ = savedTz;
});

const AS_OF = '2026-03-30T10:00:00.000Z'; // Monday 12:00 CEST
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.parse(AS_OF) - days * DAY).toISOString();
const call = (days: number): ActivityFacts => ({ type: 'call', occurredAt: ago(days) });
const inbound = (days: number): ActivityFacts => ({ type: 'email', occurredAt: ago(days), direction: 'incoming' });
const strength = (acts: ActivityFacts[]) => strengthOf(metricsOf(aggregateFrom(acts), AS_OF));

describe('strengthOf', () => {
  it('twelve exchanges, six 3 days ago and six 30 days ago: strong 68', () => {
    // E = 6 × 0.5^(3/30) + 6 × 0.5 = 6 × 0.93303 + 3 = 8.598; 100 × 8.598 / 12.598 = 68.25 → 68.
    const acts = [
      ...Array(6)
        .fill(0)
        .map(() => call(3)),
      ...Array(6)
        .fill(0)
        .map(() => call(30)),
    ];
    expect(strength(acts)).toEqual({ score: 68, level: 'strong', explanation: '12 two-way exchanges in 90 days, last 3 days ago' });
  });

  it('six exchanges today are just strong (60), four are familiar (50)', () => {
    // E = 6: 600 / 10 = 60; E = 4: 400 / 8 = 50.
    expect(
      strength(
        Array(6)
          .fill(0)
          .map(() => call(0)),
      ),
    ).toMatchObject({ score: 60, level: 'strong' });
    expect(
      strength(
        Array(4)
          .fill(0)
          .map(() => call(0)),
      ),
    ).toEqual({
      score: 50,
      level: 'familiar',
      explanation: '4 two-way exchanges in 90 days, last today',
    });
  });

  it('one call 60 days ago is weak (6)', () => {
    // E = 0.5^2 = 0.25; 25 / 4.25 = 5.88 → 6.
    expect(strength([call(60)])).toEqual({ score: 6, level: 'weak', explanation: '1 two-way exchange in 90 days, last 60 days ago' });
  });

  it('twenty unanswered e-mails today count at most one exchange: weak 20', () => {
    // One-way: min(1, 0.1 × 20) = 1; 100 / 5 = 20.
    const acts = Array(20)
      .fill(0)
      .map(() => inbound(0));
    expect(strength(acts)).toEqual({ score: 20, level: 'weak', explanation: 'No two-way exchange yet; 20 one-way e-mails in 90 days' });
    // Three unanswered e-mails: 0.3; 30 / 4.3 = 6.98 → 7.
    expect(strength(acts.slice(0, 3)).score).toBe(7);
  });

  it('a relationship that faded is weak 0, not unknown', () => {
    // E = 0.5^(200/30) = 0.0098; 0.98 / 4.0098 = 0.24 → 0.
    expect(strength([call(200)])).toEqual({ score: 0, level: 'weak', explanation: 'No two-way exchange in 90 days, last 200 days ago' });
  });

  it('unknown with only notes and profile views', () => {
    const acts: ActivityFacts[] = [
      { type: 'note', occurredAt: ago(1) },
      { type: 'profile', occurredAt: ago(2) },
    ];
    expect(strength(acts)).toEqual({ score: 0, level: 'unknown', explanation: 'No e-mail, call or meeting yet' });
  });
});

describe('daysAgoText', () => {
  it('counts local calendar days: 23:59 last night is yesterday, across the spring change', () => {
    // As of Monday 30 March 00:30 CEST (22:30Z on the 29th).
    const asOf = '2026-03-29T22:30:00.000Z';
    expect(daysAgoText('2026-03-29T21:59:00.000Z', asOf)).toBe('yesterday'); // Sunday 23:59 CEST
    expect(daysAgoText('2026-03-29T22:01:00.000Z', asOf)).toBe('today'); // Monday 00:01 CEST
    // Saturday 23:30 CET is 24 elapsed hours earlier but two calendar days.
    expect(daysAgoText('2026-03-28T22:30:00.000Z', asOf)).toBe('2 days ago');
  });
});
