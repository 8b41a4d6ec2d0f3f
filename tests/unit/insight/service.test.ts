// Service health from hand-made cases as of 10 March 2026 12:00 UTC, in Berlin: open cases by
// priority and category, complaints by local month (gaps at 0), SLA breaches, median times.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServiceHealth, serviceHealth } from '../../../storage/insight/service';

const savedTz = process.env.TZ;
beforeAll(() => {
  process.env.TZ = 'Europe/Berlin';
});
afterAll(() => {
  process.env.TZ = savedTz;
});

const H = 3_600_000;
const plus = (iso: string, hours: number) => new Date(Date.parse(iso) + hours * H).toISOString();
const asOf = new Date('2026-03-10T12:00:00.000Z');

// S1 complaint, high, opened 2026-01-31 23:30 UTC = 1 Feb 00:30 in Berlin; answered +2 h, resolved +21 h, due +24 h: in time.
// S2 complaint, urgent, opened 15 Feb 10:00; answered +1 h; due +4 h, resolved +8 h: breached.
// S3 question, no priority (normal), opened 1 Mar 08:00; answered +4 h; due 4 Mar, still open on 10 Mar: breached.
// S4 no category, low, opened 9 Mar 12:00, due 16 Mar, open, unanswered: not breached.
// S5 complaint opened 1 Apr: after the as-of day, left out everywhere.
// S6 complaint, high, opened 5 Mar 00:00, answered +3 h, resolved 20 Mar (after as-of): open; no SLA.
// S7 complaint opened 20 Dec 2025 10:00, resolved +24 h, no SLA.
const S1 = '2026-01-31T23:30:00.000Z';
const S2 = '2026-02-15T10:00:00.000Z';
const S3 = '2026-03-01T08:00:00.000Z';
const S4 = '2026-03-09T12:00:00.000Z';
const S6 = '2026-03-05T00:00:00.000Z';
const S7 = '2025-12-20T10:00:00.000Z';
const cases = [
  {
    id: 'S1',
    createdAt: S1,
    category: 'complaint' as const,
    priority: 'high' as const,
    slaDueAt: plus(S1, 24),
    firstResponseAt: plus(S1, 2),
    resolvedAt: plus(S1, 21),
    closedAt: plus(S1, 21),
  },
  {
    id: 'S2',
    createdAt: S2,
    category: 'complaint' as const,
    priority: 'urgent' as const,
    slaDueAt: plus(S2, 4),
    firstResponseAt: plus(S2, 1),
    resolvedAt: plus(S2, 8),
    closedAt: plus(S2, 8),
  },
  { id: 'S3', createdAt: S3, category: 'question' as const, slaDueAt: plus(S3, 72), firstResponseAt: plus(S3, 4) },
  { id: 'S4', createdAt: S4, priority: 'low' as const, slaDueAt: plus(S4, 168) },
  { id: 'S5', createdAt: '2026-04-01T00:00:00.000Z', category: 'complaint' as const, slaDueAt: '2026-04-02T00:00:00.000Z' },
  {
    id: 'S6',
    createdAt: S6,
    category: 'complaint' as const,
    priority: 'high' as const,
    firstResponseAt: plus(S6, 3),
    resolvedAt: '2026-03-20T00:00:00.000Z',
    closedAt: '2026-03-20T00:00:00.000Z',
  },
  { id: 'S7', createdAt: S7, category: 'complaint' as const, resolvedAt: plus(S7, 24), closedAt: plus(S7, 24) },
];

describe('serviceHealth', () => {
  // Computed once the time zone is set (a describe body runs before beforeAll).
  let h: ServiceHealth;
  beforeAll(() => {
    h = serviceHealth(cases, asOf);
  });

  it('open cases by priority and category as of the as-of instant', () => {
    // Open on 10 Mar: S3, S4, S6 (S6 is resolved only on 20 Mar; S5 does not exist yet).
    expect(h.open).toBe(3);
    expect(h.openByPriority).toEqual({ low: ['S4'], normal: ['S3'], high: ['S6'], urgent: [] });
    expect(h.openByCategory).toEqual({ question: ['S3'], request: [], complaint: ['S6'], incident: [], none: ['S4'] });
  });

  it('complaints by local month, months between at 0', () => {
    // Dec 2025: S7; Jan: none (S1 is 1 Feb in Berlin); Feb: S1, S2; Mar: S6; S5 (April) is after as-of.
    expect(h.complaintsByMonth.map((m) => [m.month, m.count])).toEqual([
      ['2025-12', 1],
      ['2026-01', 0],
      ['2026-02', 2],
      ['2026-03', 1],
    ]);
    expect(h.complaintsByMonth[2].itemIds).toEqual(['S1', 'S2']);
  });

  it('SLA breaches: resolved after the due time, or open past it', () => {
    // With an SLA by as-of: S1, S2, S3, S4. Breached: S2 (resolved 4 h late), S3 (open past due) → 2/4.
    expect([h.withSla, h.breachedIds, h.breachRate]).toEqual([4, ['S2', 'S3'], 0.5]);
  });

  it('a case resolved exactly at its due time is in time', () => {
    const due = '2026-03-02T10:00:00.000Z';
    const r = serviceHealth([{ id: 'X', createdAt: '2026-03-02T06:00:00.000Z', slaDueAt: due, resolvedAt: due, closedAt: due }], asOf);
    expect(r.breachedIds).toEqual([]);
  });

  it('median first-response and resolution times', () => {
    // First responses by as-of: S1 2 h, S2 1 h, S3 4 h, S6 3 h → median of 1 2 3 4 = 2.5 h.
    expect(h.medianFirstResponseMs).toBe(2.5 * H);
    // Resolved by as-of: S1 21 h, S2 8 h, S7 24 h → 21 h (S6 resolves after as-of).
    expect(h.medianResolutionMs).toBe(21 * H);
  });

  it('no cases: zeros, empty lists and null rates', () => {
    const e = serviceHealth([], asOf);
    expect([e.open, e.complaintsByMonth, e.withSla, e.breachRate, e.medianFirstResponseMs, e.medianResolutionMs]).toEqual([
      0,
      [],
      0,
      null,
      null,
      null,
    ]);
  });
});
