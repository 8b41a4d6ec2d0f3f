// When tasks are due and when their reminders fire: pure date arithmetic in the user's local time
// (the browser's time zone), with `now` passed in so tests run on a fake clock. Decision 0049.
//
// Local wall-clock times ("tomorrow 09:00") are built with the Date constructor's local fields,
// which the engine resolves across DST changes (a time that does not exist, 02:30 on a spring-forward
// day, moves forward); durations ("in 1 hour") are added to the instant, so they stay exact.
import type { Task } from './schema';

/** The time of day a task is due when only a date was given, and "tomorrow morning". */
export const DEFAULT_DUE_TIME = '09:00';
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export type TaskState = 'overdue' | 'today' | 'upcoming' | 'done';

function hoursMinutes(time: string): [number, number] {
  const m = /^(\d{1,2}):(\d{2})$/.exec(time.trim());
  const h = m ? Number(m[1]) : 9;
  const min = m ? Number(m[2]) : 0;
  return h < 24 && min < 60 ? [h, min] : [9, 0];
}

/** `date` (YYYY-MM-DD, as a date input writes it) at `time` (HH:MM, local), or undefined for a malformed date. */
export function localDateTime(date: string, time: string = DEFAULT_DUE_TIME): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date.trim());
  if (!m) return undefined;
  const [h, min] = hoursMinutes(time);
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), h, min);
  // 2026-02-31 rolls over to March: not a date the user typed.
  return d.getMonth() === Number(m[2]) - 1 ? d : undefined;
}

/** The local date of an instant as a date input shows it (YYYY-MM-DD). */
export function localDateOf(at: Date): string {
  return `${at.getFullYear()}-${String(at.getMonth() + 1).padStart(2, '0')}-${String(at.getDate()).padStart(2, '0')}`;
}

/** The local time of day of an instant as a time input shows it (HH:MM). */
export function localTimeOf(at: Date): string {
  return `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
}

/** Midnight that starts the local day after `now`'s (the end of "today", exclusive). */
export function startOfTomorrow(now: Date): Date {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
}

/** Where a task stands at `now`: done, overdue (its due time passed), due later today, or upcoming (or no due time). */
export function taskState(task: Pick<Task, 'done' | 'dueAt'>, now: Date): TaskState {
  if (task.done) return 'done';
  if (!task.dueAt) return 'upcoming';
  const due = Date.parse(task.dueAt);
  if (due < now.getTime()) return 'overdue';
  return due < startOfTomorrow(now).getTime() ? 'today' : 'upcoming';
}

export type SnoozeChoice = 'hour' | 'tomorrow' | 'next-week' | { at: Date };

/**
 * The new due time of a snoozed task: in one hour (an exact hour, also across a DST change);
 * tomorrow morning (09:00 local); next week (the first day of the next week at 09:00 — `weekStart`
 * 0 = Sunday … 6, Monday by default); or a time the user picked.
 */
export function snoozeUntil(choice: SnoozeChoice, now: Date, weekStart = 1): Date {
  if (typeof choice === 'object') return choice.at;
  const [h, m] = hoursMinutes(DEFAULT_DUE_TIME);
  if (choice === 'hour') return new Date(now.getTime() + 60 * MINUTE);
  if (choice === 'tomorrow') return new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, h, m);
  const daysAhead = (weekStart - now.getDay() + 7) % 7 || 7;
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() + daysAhead, h, m);
}

/** The instant a task's reminder is set for (due time minus its lead), or undefined without one. */
export function reminderInstant(task: Pick<Task, 'done' | 'dueAt' | 'remindBefore'>): string | undefined {
  if (task.done || !task.dueAt || task.remindBefore === undefined) return undefined;
  const due = Date.parse(task.dueAt);
  if (Number.isNaN(due)) return undefined;
  return new Date(due - task.remindBefore * MINUTE).toISOString();
}

type Derived = Pick<Task, 'done' | 'dueAt' | 'remindBefore' | 'openDueAt' | 'remindAt'> & { remindedFor?: string };

/**
 * A task with its derived index fields set from its own: `openDueAt` while open, and `remindAt`
 * unless that very reminder already fired (`remindedFor`). Changing the due time or the lead arms
 * a new reminder; editing the title does not repeat one that fired.
 */
export function withTaskDerived<T extends Derived>(task: T): T {
  const out: T = { ...task };
  delete out.openDueAt;
  delete out.remindAt;
  if (!task.done && task.dueAt) out.openDueAt = task.dueAt;
  const at = reminderInstant(task);
  if (at && at !== task.remindedFor) out.remindAt = at;
  return out;
}

/** Reminders this late when they finally fire were missed (the browser was closed or asleep). */
export const MISSED_AFTER_MS = 5 * MINUTE;

export type ReminderNotice = { kind: 'single'; task: Task; missed: boolean } | { kind: 'group'; tasks: Task[]; missed: number };

/**
 * The notifications for the reminders due at `now`: one each while there are at most two on time,
 * otherwise one notification for all of them (a browser opened after a week away shows one, never a
 * storm). Newest due first.
 */
export function reminderNotices(due: readonly Task[], now: Date): ReminderNotice[] {
  if (due.length === 0) return [];
  const late = (t: Task) => now.getTime() - Date.parse(t.remindAt ?? t.dueAt ?? now.toISOString()) > MISSED_AFTER_MS;
  const missed = due.filter(late).length;
  if (due.length <= 2 && missed === 0) return due.map((task) => ({ kind: 'single', task, missed: false }));
  if (due.length === 1) return [{ kind: 'single', task: due[0], missed: true }];
  const tasks = [...due].sort((a, b) => (b.dueAt ?? '').localeCompare(a.dueAt ?? ''));
  return [{ kind: 'group', tasks, missed }];
}

/**
 * When the single reminder alarm should ring: at the earliest pending reminder, or at once when
 * that time has passed (a reminder missed while the browser was closed). Undefined: no alarm.
 */
export function alarmTime(earliestRemindAt: string | undefined, now: Date): number | undefined {
  if (!earliestRemindAt) return undefined;
  const at = Date.parse(earliestRemindAt);
  if (Number.isNaN(at)) return undefined;
  return Math.max(at, now.getTime());
}

/** A person's keep-in-touch cadence in days: their own, else the shortest of their tags', else none. */
export function cadenceOf(
  contact: { cadenceDays?: number; tags: readonly string[] },
  tagCadences: readonly { tag: string; days: number }[],
): number | undefined {
  if (contact.cadenceDays) return contact.cadenceDays;
  let best: number | undefined;
  for (const { tag, days } of tagCadences) if (contact.tags.includes(tag) && (best === undefined || days < best)) best = days;
  return best;
}

/**
 * When a "reconnect with …" item is due for a person with a cadence: `cadenceDays` after the later
 * of their last two-way interaction and the last time the user marked such an item done (or, with
 * neither, since the person was added). Undefined: not due by `now`.
 */
export function reconnectDueAt(
  p: { cadenceDays: number; lastTwoWayAt?: string; lastReconnectDoneAt?: string; createdAt: string },
  now: Date,
): Date | undefined {
  const base = Math.max(
    ...[p.lastTwoWayAt, p.lastReconnectDoneAt, p.createdAt].map((s) => (s ? Date.parse(s) : 0)).filter((n) => !Number.isNaN(n)),
  );
  const due = base + p.cadenceDays * DAY;
  return due <= now.getTime() ? new Date(due) : undefined;
}
