// Scheduling arithmetic in the user's local time, on a fake clock: due states around midnight,
// snoozes across DST changes, reminders that fire once, missed reminders grouped, cadences.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Task } from '../../../storage/schema';
import {
  alarmTime,
  cadenceOf,
  localDateTime,
  reconnectDueAt,
  reminderNotices,
  snoozeUntil,
  taskState,
  withTaskDerived,
} from '../../../storage/task-schedule';

// Berlin: clocks go forward on 2026-03-29 at 02:00 and back on 2026-10-25 at 03:00.
const savedTz = process.env.TZ;
beforeAll(() => {
  process.env.TZ = 'Europe/Berlin';
});
afterAll(() => {
  process.env.TZ = savedTz;
});

const task = (over: Partial<Task> = {}): Task => ({
  id: 'tk_1',
  title: 'Call back',
  done: false,
  contactIds: ['ct_1'],
  createdAt: '2026-12-01T08:00:00.000Z',
  updatedAt: '2026-12-01T08:00:00.000Z',
  sources: [{ type: 'manual', at: '2026-12-01T08:00:00.000Z' }],
  ...over,
});

describe('due dates in local time', () => {
  it('a date at 09:00 local, in winter and in summer time', () => {
    expect(localDateTime('2026-12-07')!.toISOString()).toBe('2026-12-07T08:00:00.000Z');
    expect(localDateTime('2026-07-07', '09:00')!.toISOString()).toBe('2026-07-07T07:00:00.000Z');
  });
  it('a time that does not exist on the spring-forward day moves forward; a date that does not exist is refused', () => {
    expect(localDateTime('2026-03-29', '02:30')!.toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(localDateTime('2026-02-31')).toBeUndefined();
    expect(localDateTime('31.12.2026')).toBeUndefined();
  });
  it('overdue once the due time passed, today until local midnight, upcoming after, done whatever the date', () => {
    const now = new Date('2026-12-07T22:30:00.000Z'); // 23:30 in Berlin
    expect(taskState(task({ dueAt: '2026-12-07T22:00:00.000Z' }), now)).toBe('overdue');
    expect(taskState(task({ dueAt: '2026-12-07T22:45:00.000Z' }), now)).toBe('today');
    // 00:15 on the 8th in Berlin, though still the 7th in UTC.
    expect(taskState(task({ dueAt: '2026-12-07T23:15:00.000Z' }), now)).toBe('upcoming');
    expect(taskState(task({ dueAt: '2026-12-01T08:00:00.000Z', done: true }), now)).toBe('done');
    expect(taskState(task(), now)).toBe('upcoming');
  });
});

describe('snooze', () => {
  it('tomorrow morning is 09:00 local on the next day, also across the spring-forward night', () => {
    const saturdayEvening = new Date('2026-03-28T19:00:00.000Z'); // 20:00 CET
    expect(snoozeUntil('tomorrow', saturdayEvening).toISOString()).toBe('2026-03-29T07:00:00.000Z'); // 09:00 CEST
  });
  it('an hour is an exact hour, also in the hour that repeats when clocks go back', () => {
    const now = new Date('2026-10-25T00:30:00.000Z'); // 02:30 CEST, the first time
    expect(snoozeUntil('hour', now).toISOString()).toBe('2026-10-25T01:30:00.000Z');
  });
  it('next week is the first day of the next week at 09:00 (Monday by default, Sunday where the week starts then)', () => {
    const wednesday = new Date('2026-12-09T15:00:00.000Z');
    expect(snoozeUntil('next-week', wednesday).toISOString()).toBe('2026-12-14T08:00:00.000Z');
    const monday = new Date('2026-12-14T10:00:00.000Z');
    expect(snoozeUntil('next-week', monday).toISOString()).toBe('2026-12-21T08:00:00.000Z');
    expect(snoozeUntil('next-week', wednesday, 0).toISOString()).toBe('2026-12-13T08:00:00.000Z');
  });
  it('a picked time is taken as it is', () => {
    const at = new Date('2027-01-04T13:15:00.000Z');
    expect(snoozeUntil({ at }, new Date()).toISOString()).toBe(at.toISOString());
  });
});

describe('reminders', () => {
  it('fire at the due time minus the lead; open tasks only', () => {
    const t = withTaskDerived(task({ dueAt: '2026-12-08T08:00:00.000Z', remindBefore: 30 }));
    expect(t.remindAt).toBe('2026-12-08T07:30:00.000Z');
    expect(t.openDueAt).toBe('2026-12-08T08:00:00.000Z');
    const done = withTaskDerived({ ...t, done: true });
    expect(done.remindAt).toBeUndefined();
    expect(done.openDueAt).toBeUndefined();
    expect(withTaskDerived(task({ dueAt: '2026-12-08T08:00:00.000Z' })).remindAt).toBeUndefined();
  });
  it('a reminder that fired does not fire again after an edit, but a new due time arms a new one', () => {
    const fired = withTaskDerived(task({ dueAt: '2026-12-08T08:00:00.000Z', remindBefore: 0, remindedFor: '2026-12-08T08:00:00.000Z' }));
    expect(fired.remindAt).toBeUndefined();
    const moved = withTaskDerived({ ...fired, dueAt: '2026-12-09T08:00:00.000Z' });
    expect(moved.remindAt).toBe('2026-12-09T08:00:00.000Z');
  });
  it('the alarm rings at the earliest reminder, or at once for one missed while the browser was closed', () => {
    const now = new Date('2026-12-07T10:00:00.000Z');
    expect(alarmTime('2026-12-07T12:00:00.000Z', now)).toBe(Date.parse('2026-12-07T12:00:00.000Z'));
    expect(alarmTime('2026-12-01T12:00:00.000Z', now)).toBe(now.getTime());
    expect(alarmTime(undefined, now)).toBeUndefined();
  });
  it('one or two on time: one notification each; missed ones after a restart: one notification for all, never a storm', () => {
    const now = new Date('2026-12-07T10:00:00.000Z');
    const onTime = task({ id: 'a', dueAt: '2026-12-07T10:00:00.000Z', remindAt: '2026-12-07T10:00:00.000Z' });
    expect(reminderNotices([onTime], now)).toEqual([{ kind: 'single', task: onTime, missed: false }]);
    expect(reminderNotices([onTime, { ...onTime, id: 'b' }], now).map((n) => n.kind)).toEqual(['single', 'single']);
    const week = Array.from({ length: 40 }, (_, i) =>
      task({
        id: `m${i}`,
        dueAt: new Date(Date.parse('2026-11-30T08:00:00.000Z') + i * 3600e3).toISOString(),
        remindAt: '2026-11-30T08:00:00.000Z',
      }),
    );
    const notices = reminderNotices(week, now);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ kind: 'group', missed: 40 });
    const oneMissed = task({ remindAt: '2026-12-06T10:00:00.000Z' });
    expect(reminderNotices([oneMissed], now)).toEqual([{ kind: 'single', task: oneMissed, missed: true }]);
    expect(reminderNotices([], now)).toEqual([]);
  });
});

describe('keep in touch', () => {
  it("a person's own cadence wins over their tags'; of several tags, the shortest", () => {
    const tags = [
      { tag: 'client', days: 30 },
      { tag: 'vip', days: 14 },
    ];
    expect(cadenceOf({ tags: ['client', 'vip'] }, tags)).toBe(14);
    expect(cadenceOf({ tags: ['vip'], cadenceDays: 90 }, tags)).toBe(90);
    expect(cadenceOf({ tags: ['other'] }, tags)).toBeUndefined();
  });
  it('due a cadence after the last two-way interaction, or after the last reconnect done, or after the person was added', () => {
    const now = new Date('2026-12-07T10:00:00.000Z');
    const p = { cadenceDays: 14, createdAt: '2026-01-01T00:00:00.000Z' };
    expect(reconnectDueAt({ ...p, lastTwoWayAt: '2026-11-20T10:00:00.000Z' }, now)!.toISOString()).toBe('2026-12-04T10:00:00.000Z');
    expect(reconnectDueAt({ ...p, lastTwoWayAt: '2026-11-30T10:00:00.000Z' }, now)).toBeUndefined();
    expect(
      reconnectDueAt({ ...p, lastTwoWayAt: '2026-11-01T10:00:00.000Z', lastReconnectDoneAt: '2026-12-01T10:00:00.000Z' }, now),
    ).toBeUndefined();
    expect(reconnectDueAt({ ...p, createdAt: '2026-12-01T00:00:00.000Z' }, now)).toBeUndefined();
    expect(reconnectDueAt(p, now)).toBeDefined();
  });
});
