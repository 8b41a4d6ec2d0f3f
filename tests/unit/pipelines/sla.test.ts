// SLA state, reminder time, response and resolution times of cases, in Berlin around the spring and
// autumn clock changes and in other zones: the state follows elapsed hours, only the wording is local.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { slaDueAt } from '../../../storage/pipeline-logic';
import {
  firstResponseMs,
  formatDuration,
  resolutionMs,
  slaDueAfterPriority,
  slaDueText,
  slaReminderAt,
  slaReminderPass,
  slaState,
} from '../../../storage/sla';

// Berlin: clocks go forward on 2026-03-29 at 02:00 (CET → CEST) and back on 2026-10-25 at 03:00.
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

const at = (iso: string) => new Date(iso);

describe('slaState', () => {
  it('none without a due time or once the case is closed', () => {
    expect(slaState({}, at('2026-03-01T00:00:00Z'))).toBe('none');
    expect(slaState({ slaDueAt: '2026-03-01T00:00:00.000Z', closedAt: '2026-03-02T00:00:00.000Z' }, at('2026-03-05T00:00:00Z'))).toBe(
      'none',
    );
  });

  it('ok, due soon within the lead time, overdue from the due instant on', () => {
    const item = { slaDueAt: '2026-03-10T12:00:00.000Z' };
    expect(slaState(item, at('2026-03-10T09:59:59Z'))).toBe('ok');
    expect(slaState(item, at('2026-03-10T10:00:00Z'))).toBe('due-soon');
    expect(slaState(item, at('2026-03-10T11:59:59Z'))).toBe('due-soon');
    expect(slaState(item, at('2026-03-10T12:00:00Z'))).toBe('overdue');
    expect(slaState(item, at('2026-03-10T11:00:00Z'), 0.5)).toBe('ok');
  });

  it('a 24-hour SLA opened the evening before the spring change is due 24 elapsed hours later (25 on the wall clock)', () => {
    // Opened Saturday 2026-03-28 20:00 CET (19:00Z); Sunday has 23 hours, so due Sunday 21:00 CEST.
    const due = slaDueAt('2026-03-28T19:00:00.000Z', 'high');
    expect(due).toBe('2026-03-29T19:00:00.000Z');
    expect(slaDueText({ slaDueAt: due }, at('2026-03-29T10:00:00Z'))).toBe('Due today 21:00, in 9 h');
    expect(slaState({ slaDueAt: due }, at('2026-03-29T18:59:00Z'))).toBe('due-soon');
    expect(slaState({ slaDueAt: due }, at('2026-03-29T19:00:00Z'))).toBe('overdue');
  });

  it('across the autumn change the local hour repeats, the state does not', () => {
    // 02:30 local happens twice on 2026-10-25: 00:30Z (CEST) and 01:30Z (CET).
    const due = '2026-10-25T01:30:00.000Z';
    expect(slaState({ slaDueAt: due }, at('2026-10-25T00:30:00Z'))).toBe('due-soon');
    expect(slaDueText({ slaDueAt: due }, at('2026-10-25T00:30:00Z'))).toBe('Due today 02:30, in 1 h');
    expect(slaState({ slaDueAt: due }, at('2026-10-25T01:30:00Z'))).toBe('overdue');
  });

  it('the same instants give the same states in Tokyo and New York; the words follow the zone', () => {
    const item = { slaDueAt: '2026-03-08T07:30:00.000Z' }; // New York springs forward that day at 07:00Z
    const now = at('2026-03-08T06:00:00Z');
    const states: string[] = [];
    const words: string[] = [];
    for (const tz of ['Asia/Tokyo', 'America/New_York', 'Europe/Berlin']) {
      process.env.TZ = tz;
      states.push(slaState(item, now));
      words.push(slaDueText(item, now));
    }
    expect(states).toEqual(['due-soon', 'due-soon', 'due-soon']);
    expect(words).toEqual(['Due today 16:30, in 1 h 30 min', 'Due today 03:30, in 1 h 30 min', 'Due today 08:30, in 1 h 30 min']);
  });

  it('an overdue case says how late it is', () => {
    expect(slaDueText({ slaDueAt: '2026-12-01T08:00:00.000Z' }, at('2026-12-03T11:00:00Z'))).toBe(
      'Overdue by 2 d 3 h (due 2026-12-01 09:00)',
    );
  });
});

describe('reminder before the breach', () => {
  it('is the lead time before the due instant, none once closed', () => {
    expect(slaReminderAt({ slaDueAt: '2026-03-29T19:00:00.000Z' })).toBe(Date.parse('2026-03-29T17:00:00.000Z'));
    expect(slaReminderAt({ slaDueAt: '2026-03-29T19:00:00.000Z' }, 4)).toBe(Date.parse('2026-03-29T15:00:00.000Z'));
    expect(slaReminderAt({ slaDueAt: '2026-03-29T19:00:00.000Z', closedAt: '2026-03-29T10:00:00.000Z' })).toBeUndefined();
    expect(slaReminderAt({})).toBeUndefined();
  });
});

describe('response and resolution times', () => {
  const opened = '2026-03-28T19:00:00.000Z';
  it('measure elapsed time from opening, across the clock change', () => {
    expect(firstResponseMs({ createdAt: opened })).toBeUndefined();
    expect(formatDuration(firstResponseMs({ createdAt: opened, firstResponseAt: '2026-03-29T07:45:00.000Z' })!)).toBe('12 h 45 min');
    expect(formatDuration(resolutionMs({ createdAt: opened, resolvedAt: '2026-03-30T19:00:00.000Z' })!)).toBe('2 d');
    expect(resolutionMs({ createdAt: opened })).toBeUndefined();
  });
  it('formats durations', () => {
    expect(formatDuration(0)).toBe('0 min');
    expect(formatDuration(59 * 60_000)).toBe('59 min');
    expect(formatDuration(3 * 3600e3)).toBe('3 h');
    expect(formatDuration(26 * 3600e3 + 60_000)).toBe('1 d 2 h');
  });
});

describe('priority change', () => {
  const kase = { createdAt: '2026-03-28T19:00:00.000Z', priority: 'normal' as const };
  it('recomputes the due time from opening with the policy; the same priority keeps it', () => {
    expect(slaDueAfterPriority(kase, 'urgent')).toBe('2026-03-28T23:00:00.000Z');
    expect(slaDueAfterPriority(kase, 'low', { low: 10, normal: 72, high: 24, urgent: 4 })).toBe('2026-03-29T05:00:00.000Z');
    expect(slaDueAfterPriority(kase, 'normal')).toBeUndefined();
    expect(slaDueAfterPriority({ createdAt: kase.createdAt }, 'normal')).toBeUndefined();
  });
});

describe('reminder pass before breaches', () => {
  const now = at('2026-03-29T17:30:00Z');
  const cases = [
    { id: 'late', title: 'Late', slaDueAt: '2026-03-29T12:00:00.000Z' },
    { id: 'soon', title: 'Soon', slaDueAt: '2026-03-29T19:00:00.000Z' },
    { id: 'later', title: 'Later', slaDueAt: '2026-03-30T08:00:00.000Z' },
    { id: 'last', title: 'Last', slaDueAt: '2026-03-31T08:00:00.000Z' },
  ];
  it('reminds once of each case whose reminder time came, and plans the next one', () => {
    const first = slaReminderPass(cases, {}, now);
    expect(first.due.map((c) => c.id)).toEqual(['late', 'soon']);
    expect(first.next).toBe(Date.parse('2026-03-30T06:00:00.000Z'));
    const again = slaReminderPass(cases, first.remember, now);
    expect(again.due).toEqual([]);
    expect(again.remember).toEqual({ late: cases[0].slaDueAt, soon: cases[1].slaDueAt });
  });
  it('a case whose due time moved is reminded again; a closed one is forgotten', () => {
    const moved = [{ ...cases[1], slaDueAt: '2026-03-29T18:00:00.000Z' }];
    const pass = slaReminderPass(moved, { soon: cases[1].slaDueAt, late: cases[0].slaDueAt }, now);
    expect(pass.due.map((c) => c.id)).toEqual(['soon']);
    expect(pass.remember).toEqual({ soon: '2026-03-29T18:00:00.000Z' });
    expect(pass.next).toBeUndefined();
  });
});
