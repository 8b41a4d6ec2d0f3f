// What the background shows and plans for tasks (entrypoints/background/task-plan.ts), on a fake
// clock in Europe/Berlin: the badge and its precedence over the due count, the next midnight (also
// on DST days), the reminder alarm, the notifications of single and grouped reminders and where
// their clicks lead, and when the keep-in-touch pass is due.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_TITLE,
  LIST_ITEMS,
  badgeView,
  cadenceFingerprint,
  nextMidnight,
  notificationFor,
  notificationTarget,
  reconnectPassReason,
  reminderAlarmAt,
  tasksOfNotification,
} from '../../../entrypoints/background/task-plan';
import type { Task } from '../../../storage/schema';
import { reminderNotices } from '../../../storage/task-schedule';

const savedTz = process.env.TZ;
beforeAll(() => {
  process.env.TZ = 'Europe/Berlin';
});
afterAll(() => {
  process.env.TZ = savedTz;
});

const task = (id: string, over: Partial<Task> = {}): Task => ({
  id,
  title: `Task ${id}`,
  done: false,
  contactIds: [],
  createdAt: '2026-12-01T08:00:00.000Z',
  updatedAt: '2026-12-01T08:00:00.000Z',
  sources: [{ type: 'manual', at: '2026-12-01T08:00:00.000Z' }],
  ...over,
});

describe('the toolbar badge', () => {
  const now = Date.parse('2026-12-07T10:00:00Z');
  it('the number of tasks overdue or due today, empty when none', () => {
    expect(badgeView(0, undefined, now)).toEqual({ text: '', color: expect.any(String), title: DEFAULT_TITLE });
    expect(badgeView(1, undefined, now)).toMatchObject({ text: '1', title: 'Rapport — 1 task due today or overdue' });
    expect(badgeView(42, undefined, now)).toMatchObject({ text: '42', title: 'Rapport — 42 tasks due today or overdue' });
    expect(badgeView(12_345, undefined, now).text).toBe('999+');
  });

  it('an alert wins while it lasts, then the count comes back', () => {
    const alert = { text: '!', title: 'Rapport: nothing saved — no address.', until: now + 8_000 };
    const during = badgeView(3, alert, now + 7_999);
    expect(during).toMatchObject({ text: '!', title: alert.title });
    expect(during.color).not.toBe(badgeView(3, undefined, now).color);
    expect(badgeView(3, alert, now + 8_000)).toMatchObject({ text: '3' });
    expect(badgeView(0, alert, now + 8_000)).toMatchObject({ text: '', title: DEFAULT_TITLE });
  });
});

describe('alarms', () => {
  it('the badge is counted again at the next local midnight, also on the days the clocks change', () => {
    expect(new Date(nextMidnight(new Date('2026-12-07T22:59:59Z'))).toISOString()).toBe('2026-12-07T23:00:00.000Z');
    expect(new Date(nextMidnight(new Date('2026-12-07T23:00:00Z'))).toISOString()).toBe('2026-12-08T23:00:00.000Z');
    // 29 March (23 hours) and 25 October (25 hours).
    expect(new Date(nextMidnight(new Date('2026-03-29T12:00:00Z'))).toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(new Date(nextMidnight(new Date('2026-10-25T12:00:00Z'))).toISOString()).toBe('2026-10-25T23:00:00.000Z');
  });

  it('the reminder alarm rings at the earliest reminder, at once for one missed, never without one', () => {
    const now = new Date('2026-12-07T10:00:00Z');
    expect(reminderAlarmAt('2026-12-07T10:30:00.000Z', now)).toBe(Date.parse('2026-12-07T10:30:00Z'));
    expect(reminderAlarmAt('2026-12-01T09:00:00.000Z', now)).toBe(now.getTime());
    expect(reminderAlarmAt(undefined, now)).toBeUndefined();
  });
});

describe('reminder notifications', () => {
  const now = new Date('2026-12-07T10:00:00Z'); // 11:00 in Berlin

  it('one reminder: a basic notification with Done and Snooze, its click opens the task', () => {
    const t = task('tk_a', { title: 'Send the quote', dueAt: '2026-12-07T13:30:00.000Z', remindAt: '2026-12-07T10:00:00.000Z' });
    const [notice] = reminderNotices([t], now);
    const plan = notificationFor(notice, now);
    expect(plan.options).toEqual({
      type: 'basic',
      title: 'Send the quote',
      message: 'Due today at 14:30',
      buttons: [{ title: 'Done' }, { title: 'Snooze 1 hour' }],
      priority: 1,
    });
    expect(tasksOfNotification(plan.id)).toEqual(['tk_a']);
    expect(notificationTarget(['tk_a'])).toBe('/tasks?task=tk_a');
    expect(notificationTarget(['tk a/1'])).toBe('/tasks?task=tk%20a%2F1');
  });

  it('reminders missed while the browser was closed: one list for all, its buttons act on all, its click opens the list', () => {
    const due = Array.from({ length: LIST_ITEMS + 2 }, (_, i) =>
      task(`tk_${i}`, { dueAt: `2026-12-0${1 + (i % 5)}T08:00:00.000Z`, remindAt: `2026-12-0${1 + (i % 5)}T08:00:00.000Z` }),
    );
    const notices = reminderNotices(due, now);
    expect(notices).toHaveLength(1);
    const plan = notificationFor(notices[0], now);
    expect(plan.options.type).toBe('list');
    expect(plan.options.title).toBe(`${due.length} reminders, ${due.length} missed while the browser was closed`);
    expect(plan.options.items).toHaveLength(LIST_ITEMS);
    expect(plan.options.items?.[0].message).toBe('Was due 2026-12-05 at 09:00');
    expect(plan.options.message).toBe('and 2 more');
    expect(tasksOfNotification(plan.id)?.sort()).toEqual(due.map((t) => t.id).sort());
    expect(notificationTarget(tasksOfNotification(plan.id)!)).toBe('/tasks');
  });

  it('a notification that is not a reminder is not acted on', () => {
    expect(tasksOfNotification('something-else')).toBeUndefined();
    expect(tasksOfNotification('rapport-reminder:')).toBeUndefined();
  });
});

describe('the keep-in-touch pass', () => {
  const now = new Date('2026-12-07T10:00:00Z');
  const cadences = cadenceFingerprint([
    { tag: 'client', days: 30 },
    { tag: 'investor', days: 90 },
  ]);

  it('runs the first time, after a day, and when the tag cadences change; not again the same day', () => {
    expect(reconnectPassReason(undefined, cadences, now)).toBe('first');
    expect(reconnectPassReason({ lastRunAt: '2026-12-07T06:00:00.000Z', cadences }, cadences, now)).toBeUndefined();
    expect(reconnectPassReason({ lastRunAt: '2026-12-06T10:00:00.000Z', cadences }, cadences, now)).toBe('daily');
    expect(reconnectPassReason({ lastRunAt: '2026-12-07T06:00:00.000Z', cadences: cadenceFingerprint([]) }, cadences, now)).toBe(
      'cadences',
    );
    // A clock set back: run rather than wait for a day that already passed.
    expect(reconnectPassReason({ lastRunAt: '2026-12-09T06:00:00.000Z', cadences }, cadences, now)).toBe('daily');
  });

  it('the same cadences in another order are no change', () => {
    expect(
      cadenceFingerprint([
        { tag: 'investor', days: 90 },
        { tag: 'client', days: 30 },
      ]),
    ).toBe(cadences);
    expect(cadenceFingerprint([{ tag: 'client', days: 31 }])).not.toBe(cadenceFingerprint([{ tag: 'client', days: 30 }]));
  });
});
