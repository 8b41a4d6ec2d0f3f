// Interaction metrics: hand-worked counts, windows and last times in Berlin (the window starts at
// local midnight, across the spring clock change), replies in threads, a company counting a shared
// e-mail once, and incremental add/remove equal to a recompute for random sequences.
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  addActivity,
  aggregateFrom,
  calendarDaysBetween,
  companyActivities,
  emptyAggregate,
  metricsOf,
  removeActivity,
  type ActivityFacts,
} from '../../../storage/insight/metrics';

// Berlin: clocks go forward on 2026-03-29 at 02:00 (CET → CEST).
const savedTz = process.env.TZ;
beforeAll(() => {
  process.env.TZ = 'Europe/Berlin';
});
afterEach(() => {
  process.env.TZ = 'Europe/Berlin';
});
afterAll(() => {
  process.env.TZ = savedTz;
});

const email = (occurredAt: string, direction?: 'incoming' | 'outgoing' | 'internal', threadId?: string): ActivityFacts => ({
  type: 'email',
  occurredAt,
  direction,
  threadId,
});
const of = (type: ActivityFacts['type'], occurredAt: string): ActivityFacts => ({ type, occurredAt });

// As of Monday 2026-03-30 12:00 CEST (10:00Z).
const AS_OF = '2026-03-30T10:00:00.000Z';
const HISTORY: ActivityFacts[] = [
  email('2026-03-20T09:00:00Z', 'incoming', 't1'), // #1 they write
  email('2026-03-21T09:00:00Z', 'outgoing', 't1'), // #2 the user answers a day later: a reply
  email('2026-03-22T09:00:00Z', 'outgoing', 't1'), // #3 follows the user's own mail: not a reply
  email('2026-04-10T09:00:00Z', 'incoming', 't1'), // #4 after as-of: counted nowhere
  email('2026-01-01T09:00:00Z', 'incoming', 't2'), // #5
  email('2026-01-20T09:00:00Z', 'outgoing', 't2'), // #6 19 days later (> 14): not a reply
  of('call', '2026-02-28T22:59:59Z'), // #7 23:59:59 CET on 28 Feb: just outside 30 days
  of('meeting', '2026-02-28T23:00:00Z'), // #8 00:00 CET on 1 March: first instant of 30 days
  of('note', '2025-06-01T12:00:00Z'), // #9 inside 365 days
  of('profile', '2026-03-29T12:00:00Z'), // #10 not an interaction
  email('2026-03-25T08:00:00Z', 'incoming'), // #11 no thread: one-way
  email('2026-03-23T09:00:00Z', 'internal', 't1'), // #12 internal: an e-mail, neither in nor out
  email('2024-01-01T09:00:00Z', 'outgoing'), // #13 only in the total
];

describe('metricsOf', () => {
  it('counts by type and direction in 30/90/365 days and in total, with replies and calls/meetings as two-way', () => {
    const m = metricsOf(aggregateFrom(HISTORY), AS_OF);
    // 30 days = local 1 March 00:00 CET (2026-02-28T23:00Z) to as-of: #1 #2 #3 #11 #12 e-mails, #8, #10.
    // Inbound #1 #11; outbound #2 #3; replies #2; two-way = 1 reply + 1 meeting; one-way = 4 − 1.
    expect(m.windows[30]).toEqual({
      byType: { email: 5, note: 0, task: 0, call: 0, meeting: 1, profile: 1 },
      inbound: 2,
      outbound: 2,
      twoWay: 2,
      oneWay: 3,
    });
    // 90 days from local 31 Dec 2025: adds #5 #6 (e-mails) and #7 (call): two-way 1 + 1 + 1, one-way 6 − 1.
    expect(m.windows[90]).toEqual({
      byType: { email: 7, note: 0, task: 0, call: 1, meeting: 1, profile: 1 },
      inbound: 3,
      outbound: 3,
      twoWay: 3,
      oneWay: 5,
    });
    // 365 days from local 31 March 2025: adds the note #9.
    expect(m.windows[365].byType.note).toBe(1);
    expect(m.windows[365].byType.email).toBe(7);
    // Total adds #13 (outbound, one-way); #4 is after as-of.
    expect(m.total).toMatchObject({ inbound: 3, outbound: 4, twoWay: 3, oneWay: 6 });
    expect(m.total.byType.email).toBe(8);
  });

  it('gives first and last interaction, last inbound, outbound and two-way up to as-of', () => {
    const m = metricsOf(aggregateFrom(HISTORY), AS_OF);
    expect(m.firstAt).toBe('2024-01-01T09:00:00.000Z'); // #13
    expect(m.lastAt).toBe('2026-03-25T08:00:00.000Z'); // #11 (the later profile #10 is not an interaction)
    expect(m.lastInboundAt).toBe('2026-03-25T08:00:00.000Z'); // #11 (#4 is after as-of)
    expect(m.lastOutboundAt).toBe('2026-03-22T09:00:00.000Z'); // #3
    expect(m.lastTwoWayAt).toBe('2026-03-21T09:00:00.000Z'); // #2, later than the meeting #8
    // As of an earlier day, the same aggregate answers for that day: before #1, the meeting is the last two-way.
    const before = metricsOf(aggregateFrom(HISTORY), '2026-03-10T00:00:00.000Z');
    expect(before.lastTwoWayAt).toBe('2026-02-28T23:00:00.000Z');
    expect(before.lastInboundAt).toBe('2026-01-01T09:00:00.000Z');
  });

  it('the 30-day window starts at local midnight: in Tokyo both the call and the meeting fall in it', () => {
    process.env.TZ = 'Asia/Tokyo';
    // As-of is 19:00 JST on 30 March; 30 days start 1 March 00:00 JST = 2026-02-28T15:00Z.
    const m = metricsOf(aggregateFrom(HISTORY), AS_OF);
    expect(m.windows[30].byType.call).toBe(1);
    expect(m.windows[30].twoWay).toBe(3);
  });

  it('an answer to an answer is a second exchange; inbound sorts before outbound at the same instant', () => {
    const thread = [
      email('2026-03-01T10:00:00Z', 'outgoing', 'x'),
      email('2026-03-02T10:00:00Z', 'incoming', 'x'), // reply 1
      email('2026-03-16T10:00:00Z', 'outgoing', 'x'), // exactly 14 days later: reply 2
      email('2026-03-20T10:00:00Z', 'incoming', 'y'),
      email('2026-03-20T10:00:00Z', 'outgoing', 'y'), // same instant: answers the inbound, reply 3
    ];
    const m = metricsOf(aggregateFrom(thread), AS_OF);
    expect(m.total.twoWay).toBe(3);
    expect(m.total.oneWay).toBe(2);
    expect(m.lastTwoWayAt).toBe('2026-03-20T10:00:00.000Z');
  });

  it('decays: an exchange 30 days old weighs one half, one-way mail its own half-lives', () => {
    const asOf = Date.parse(AS_OF);
    const daysAgo = (d: number) => new Date(asOf - d * 86_400_000).toISOString();
    // A call 30 days ago: 0.5; a meeting 60 days ago: 0.25; one inbound e-mail today: 1 one-way.
    const m = metricsOf(aggregateFrom([of('call', daysAgo(30)), of('meeting', daysAgo(60)), email(AS_OF, 'incoming')]), AS_OF);
    expect(m.decayed.twoWay).toBeCloseTo(0.75, 10);
    expect(m.decayed.oneWay).toBeCloseTo(1, 10);
  });

  it('names a bad as-of date rather than answering for no time', () => {
    expect(() => metricsOf(emptyAggregate(), '2026-13-45')).toThrow('as-of "2026-13-45" is not a date');
  });

  it('has nothing for nobody', () => {
    const m = metricsOf(emptyAggregate(), AS_OF);
    expect(m.lastAt).toBeUndefined();
    expect(m.total.twoWay).toBe(0);
  });
});

describe('calendarDaysBetween', () => {
  it('counts local days across the spring change (a 23-hour day is still one day)', () => {
    // 28 March 23:30 CET to 29 March 23:30 CEST is 23 hours and one day.
    expect(calendarDaysBetween(Date.parse('2026-03-28T22:30:00Z'), Date.parse('2026-03-29T21:30:00Z'))).toBe(1);
    // 23:59 and 00:01 local, two minutes apart, are different days.
    expect(calendarDaysBetween(Date.parse('2026-03-30T21:59:00Z'), Date.parse('2026-03-30T22:01:00Z'))).toBe(1);
  });
});

describe('companyActivities', () => {
  it('counts an e-mail to two of its people once, and activities linked to the company itself', () => {
    const acts = [
      { id: 'a1', contactIds: ['p1', 'p2'], companyIds: [] },
      { id: 'a2', contactIds: ['p3'], companyIds: ['c1'] },
      { id: 'a3', contactIds: ['p9'] },
      { id: 'a1', contactIds: ['p1', 'p2'] },
    ];
    expect(companyActivities(acts, 'c1', ['p1', 'p2']).map((a) => a.id)).toEqual(['a1', 'a2']);
  });
});

describe('incremental maintenance', () => {
  it('removing an answer takes back its exchange and the one it made of the next message', () => {
    // in(1) out(2) in(3): two replies (2 answers 1, 3 answers 2). Without out(2): in, in: none.
    const [in1, out2, in3] = [
      email('2026-03-01T10:00:00Z', 'incoming', 't'),
      email('2026-03-02T10:00:00Z', 'outgoing', 't'),
      email('2026-03-03T10:00:00Z', 'incoming', 't'),
    ];
    const agg = aggregateFrom([in1, out2, in3]);
    expect(metricsOf(agg, AS_OF).total.twoWay).toBe(2);
    removeActivity(agg, out2);
    expect(metricsOf(agg, AS_OF).total).toMatchObject({ twoWay: 0, oneWay: 2 });
    expect(metricsOf(agg, AS_OF).lastTwoWayAt).toBeUndefined();
    // An answer logged late, between the two: in(1) out(2) in(3) again.
    addActivity(agg, out2);
    expect(metricsOf(agg, AS_OF).lastTwoWayAt).toBe('2026-03-03T10:00:00.000Z');
    expect(metricsOf(agg, AS_OF).total.twoWay).toBe(2);
  });

  const DAY = 86_400_000;
  const BASE = Date.parse('2026-01-01T00:00:00Z');
  // Few threads, days and hours: ties, same-thread neighbours and the 14-day edge come up often.
  const activity = fc.record({
    type: fc.constantFrom('email', 'email', 'email', 'email', 'email', 'call', 'meeting', 'note', 'profile', 'task') as fc.Arbitrary<
      ActivityFacts['type']
    >,
    occurredAt: fc
      .integer({ min: 0, max: 40 })
      .chain((d) => fc.constantFrom(0, 6, 12).map((h) => new Date(BASE + d * DAY + h * 3_600_000).toISOString())),
    direction: fc.constantFrom('incoming', 'outgoing', 'incoming', 'outgoing', 'internal', undefined) as fc.Arbitrary<
      ActivityFacts['direction']
    >,
    threadId: fc.constantFrom('a', 'a', 'b', undefined),
  });
  const op = fc.record({ add: fc.boolean(), activity, pick: fc.nat() });

  it('adding and removing in any order gives the aggregate and metrics of a recompute', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), fc.integer({ min: 0, max: 45 }), (ops, asOfDay) => {
        const live: ActivityFacts[] = [];
        const agg = emptyAggregate();
        for (const o of ops) {
          if (o.add || !live.length) {
            live.push(o.activity);
            addActivity(agg, o.activity);
          } else {
            const [gone] = live.splice(o.pick % live.length, 1);
            removeActivity(agg, gone);
          }
        }
        // The recompute (its own code path) reads them in the opposite order: the result may not depend on it.
        const full = aggregateFrom([...live].reverse());
        expect(agg).toEqual(full);
        const asOf = new Date(BASE + asOfDay * DAY).toISOString();
        expect(metricsOf(agg, asOf)).toEqual(metricsOf(full, asOf));
      }),
      { numRuns: 1000 },
    );
  });
});
