// What the background shows and plans for tasks, as pure functions of their inputs and `now`
// (decision 0050): the toolbar badge and its precedence, the reminder notifications, the alarms'
// times, and when the keep-in-touch pass is due. Tested on a fake clock
// (tests/unit/tasks/task-plan.test.ts); task-service.ts applies them.
import type { Task } from '../../storage/schema';
import { type ReminderNotice, alarmTime, localDateOf, localTimeOf, startOfTomorrow } from '../../storage/task-schedule';

export const DEFAULT_TITLE = 'Rapport — search your contacts';
const DUE_COLOR = '#3b5bdb';
const ALERT_COLOR = '#d93025';
const HOUR = 60 * 60_000;
const DAY = 24 * HOUR;

/** A short-lived word on the toolbar button, e.g. "!" when "Save to Rapport" saved nothing. */
export interface BadgeAlert {
  text: string;
  title: string;
  /** Epoch ms until which it is shown. */
  until: number;
}

export interface BadgeView {
  text: string;
  color: string;
  title: string;
}

/**
 * The toolbar button: an alert while it lasts (it answers what the user just did), else the number of
 * open tasks overdue or due today, else nothing.
 */
export function badgeView(due: number, alert: BadgeAlert | undefined, now: number): BadgeView {
  if (alert && alert.until > now) return { text: alert.text, color: ALERT_COLOR, title: alert.title };
  if (due <= 0) return { text: '', color: DUE_COLOR, title: DEFAULT_TITLE };
  const tasks = due === 1 ? '1 task' : `${due} tasks`;
  // The badge holds about four characters.
  return { text: due > 999 ? '999+' : String(due), color: DUE_COLOR, title: `Rapport — ${tasks} due today or overdue` };
}

/** When the badge must be counted again with no task changed: at the next local midnight (tasks become "today"). */
export function nextMidnight(now: Date): number {
  return startOfTomorrow(now).getTime();
}

/** When the one reminder alarm rings: at the earliest reminder not shown, at once if it passed; undefined: none. */
export function reminderAlarmAt(earliestRemindAt: string | undefined, now: Date): number | undefined {
  return alarmTime(earliestRemindAt, now);
}

// ------------------------------------------------------------------ notifications

const NOTIFICATION_PREFIX = 'rapport-reminder:';
/** A grouped notification lists this many tasks; its buttons act on all of them. */
export const LIST_ITEMS = 8;

export interface NotificationPlan {
  id: string;
  options: {
    type: 'basic' | 'list';
    title: string;
    message: string;
    items?: { title: string; message: string }[];
    buttons: { title: string }[];
    priority: number;
  };
}

function dueText(task: Task, now: Date): string {
  if (!task.dueAt) return '';
  const due = new Date(task.dueAt);
  const day = localDateOf(due) === localDateOf(now) ? 'today' : localDateOf(due);
  return `${due.getTime() < now.getTime() ? 'Was due' : 'Due'} ${day} at ${localTimeOf(due)}`;
}

/** The notification of one reminder notice: basic for one task, a list for a group; buttons Done and Snooze. */
export function notificationFor(notice: ReminderNotice, now: Date): NotificationPlan {
  if (notice.kind === 'single') {
    const t = notice.task;
    return {
      id: NOTIFICATION_PREFIX + t.id,
      options: {
        type: 'basic',
        title: notice.missed ? `Missed reminder: ${t.title}` : t.title,
        message: dueText(t, now),
        buttons: [{ title: 'Done' }, { title: 'Snooze 1 hour' }],
        priority: t.priority === 'high' ? 2 : 1,
      },
    };
  }
  const n = notice.tasks.length;
  const shown = notice.tasks.slice(0, LIST_ITEMS);
  return {
    id: NOTIFICATION_PREFIX + notice.tasks.map((t) => t.id).join(','),
    options: {
      type: 'list',
      title: notice.missed ? `${n} reminders, ${notice.missed} missed while the browser was closed` : `${n} reminders`,
      message: n > shown.length ? `and ${n - shown.length} more` : '',
      items: shown.map((t) => ({ title: t.title, message: dueText(t, now) })),
      buttons: [{ title: 'Done (all)' }, { title: 'Snooze all 1 hour' }],
      priority: 1,
    },
  };
}

/** The task ids behind one of Rapport's reminder notifications, or undefined for any other id. */
export function tasksOfNotification(id: string): string[] | undefined {
  if (!id.startsWith(NOTIFICATION_PREFIX)) return undefined;
  const ids = id.slice(NOTIFICATION_PREFIX.length).split(',').filter(Boolean);
  return ids.length ? ids : undefined;
}

/** Where a click on a reminder opens the workspace: the task, or the task list for a group. */
export function notificationTarget(taskIds: readonly string[]): string {
  return taskIds.length === 1 ? `/tasks?task=${encodeURIComponent(taskIds[0])}` : '/tasks';
}

// ------------------------------------------------------------------ keep in touch

/** What the background remembers of the last keep-in-touch pass (a row in `meta`). */
export interface ReconnectPassState {
  lastRunAt?: string;
  /** The tag cadences it ran with (cadenceFingerprint). */
  cadences?: string;
}

export function cadenceFingerprint(tagCadences: readonly { tag: string; days: number }[]): string {
  return JSON.stringify([...tagCadences].map((c) => [c.tag, c.days]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
}

/**
 * Why the keep-in-touch pass should run now, or undefined: never ran, the tag cadences changed since,
 * or a day has passed (a daily alarm missed while the browser was closed is caught up on the next wake).
 */
export function reconnectPassReason(state: ReconnectPassState | undefined, cadences: string, now: Date): string | undefined {
  const last = state?.lastRunAt ? Date.parse(state.lastRunAt) : NaN;
  if (Number.isNaN(last)) return 'first';
  if (state?.cadences !== cadences) return 'cadences';
  if (now.getTime() - last >= DAY || last > now.getTime()) return 'daily';
  return undefined;
}
