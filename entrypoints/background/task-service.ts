// Tasks in the service worker (decision 0050): the toolbar badge (open tasks overdue or due today),
// the one reminder alarm and its notifications. Both follow every task change: through a Dexie
// liveQuery while the worker runs (it hears writes of any extension page of this origin), and
// through the `dataChanged` message pages send after a task write (entrypoints/background/page-wake.ts),
// which also starts a stopped worker. Recounted at local midnight, at browser start and whenever the
// worker starts.
import { liveQuery } from 'dexie';
import { browser } from 'wxt/browser';
import { getDb } from '../../storage/db';
import { getSettings } from '../../storage/settings';
import { reminderNotices, snoozeUntil } from '../../storage/task-schedule';
import { dueCount, earliestReminder, markReminded, remindersDue, setTaskDone, snoozeTask } from '../../storage/tasks';
import { setDueCount } from './badge';
import { openWorkspace } from './entry-points';
import { nextMidnight, notificationFor, notificationTarget, reminderAlarmAt, tasksOfNotification } from './task-plan';

export const REMINDER_ALARM = 'rapport-reminder';
export const MIDNIGHT_ALARM = 'rapport-midnight';

interface TaskState {
  due: number;
  earliest?: string;
}

interface NotificationsApi {
  create(id: string, options: object): Promise<string>;
  clear(id: string): Promise<boolean>;
  onClicked: { addListener(fn: (id: string) => void): void };
  onButtonClicked: { addListener(fn: (id: string, button: number) => void): void };
}
interface ChromeExtras {
  notifications?: NotificationsApi;
  permissions: {
    contains(p: { permissions: string[] }): Promise<boolean>;
    onAdded: { addListener(fn: (p: { permissions?: string[] }) => void): void };
  };
}
/** `chrome.notifications` exists only once the optional permission was granted. */
const chromeApi = () => (globalThis as unknown as { chrome: ChromeExtras }).chrome;

async function readTaskState(at: Date): Promise<TaskState> {
  const db = getDb();
  const [due, earliest] = await Promise.all([dueCount(at, db), earliestReminder(db)]);
  return { due, earliest };
}

let plannedFor: number | null | undefined;

async function planReminderAlarm(earliest: string | undefined, now: Date): Promise<void> {
  const at = reminderAlarmAt(earliest, now) ?? null;
  if (at === plannedFor) return;
  plannedFor = at;
  if (at === null) await browser.alarms.clear(REMINDER_ALARM);
  // One alarm, replaced: created again at the same time it keeps its time. An unpacked extension's
  // alarm rings on time; a packed one's at least 30 s after it was set.
  else await browser.alarms.create(REMINDER_ALARM, { when: at });
}

async function apply(state: TaskState, now: Date): Promise<void> {
  await Promise.all([setDueCount(state.due), planReminderAlarm(state.earliest, now)]);
}

let applying: Promise<void> = Promise.resolve();
/** Counts again and plans the alarm; calls coalesce into one read when they arrive during one. */
let queued: Promise<void> | null = null;
export function refreshTasks(at?: number): Promise<void> {
  if (queued) return queued;
  queued = applying.then(async () => {
    queued = null;
    const now = new Date(Math.max(Date.now(), at ?? 0));
    await apply(await readTaskState(now), now);
  });
  applying = queued.catch((e: unknown) => console.warn('Rapport: tasks not counted', e));
  return applying;
}

// ------------------------------------------------------------------ reminders

/** Notifications API when the user wants reminders and allowed them; undefined otherwise (the badge goes on). */
export async function notificationsIfAllowed(): Promise<NotificationsApi | undefined> {
  const c = chromeApi();
  if (!c.notifications) return undefined;
  if (!(await getSettings()).reminders.enabled) return undefined;
  return (await c.permissions.contains({ permissions: ['notifications'] }).catch(() => false)) ? c.notifications : undefined;
}

let ringing: Promise<void> = Promise.resolve();

/**
 * Shows the reminders due now (missed ones grouped) and marks them shown. With reminders off or
 * not allowed they are marked all the same: turning reminders on later does not bring back a
 * backlog, and the alarm moves on to the next one.
 */
export function ringReminders(): Promise<void> {
  ringing = ringing
    .then(async () => {
      const now = new Date();
      const due = await remindersDue(now);
      if (due.length === 0) return;
      const api = await notificationsIfAllowed();
      if (api) {
        const iconUrl = browser.runtime.getURL('/icon/128.png');
        for (const notice of reminderNotices(due, now)) {
          const plan = notificationFor(notice, now);
          // One the browser refuses (a type or a button it does not know) must not keep the
          // reminders unmarked: the alarm would ring again at once, for ever.
          await api.create(plan.id, { ...plan.options, iconUrl }).catch((e: unknown) => console.warn('Rapport: notification refused', e));
        }
      }
      await markReminded(due.map((t) => t.id));
    })
    .catch((e: unknown) => console.warn('Rapport: reminders not shown', e))
    .finally(() => void refreshTasks());
  return ringing;
}

async function onNotificationButton(id: string, button: number): Promise<void> {
  const ids = tasksOfNotification(id);
  if (!ids) return;
  await chromeApi().notifications?.clear(id);
  if (button === 0) for (const taskId of ids) await setTaskDone(taskId, true);
  else {
    const until = snoozeUntil('hour', new Date());
    for (const taskId of ids) await snoozeTask(taskId, until);
  }
  await refreshTasks();
}

async function onNotificationClick(id: string): Promise<void> {
  const ids = tasksOfNotification(id);
  if (!ids) return;
  await chromeApi().notifications?.clear(id);
  await openWorkspace(notificationTarget(ids));
}

let listening = false;
/** The notifications' listeners, registered as the worker starts (so a click starts a stopped worker) or when the permission is granted. */
function listenToNotifications(): void {
  const api = chromeApi().notifications;
  if (listening || !api) return;
  listening = true;
  api.onClicked.addListener((id) => void onNotificationClick(id).catch((e: unknown) => console.warn('Rapport:', e)));
  api.onButtonClicked.addListener((id, b) => void onNotificationButton(id, b).catch((e: unknown) => console.warn('Rapport:', e)));
}

// ------------------------------------------------------------------ install

function planMidnight(now = new Date()): void {
  void browser.alarms.create(MIDNIGHT_ALARM, { when: nextMidnight(now) });
}

export function installTaskService(): void {
  listenToNotifications();
  chromeApi().permissions?.onAdded.addListener((p) => {
    if (p.permissions?.includes('notifications')) listenToNotifications();
  });
  browser.alarms.onAlarm.addListener((a: { name: string; scheduledTime: number }) => {
    if (a.name === REMINDER_ALARM) {
      plannedFor = undefined;
      void ringReminders();
    } else if (a.name === MIDNIGHT_ALARM) {
      // Counted as of the alarm's time: an alarm may ring a moment before midnight by the worker's clock.
      void refreshTasks(a.scheduledTime);
      planMidnight(new Date(Math.max(Date.now(), a.scheduledTime)));
    }
  });
  // At browser start, the badge (which the browser does not keep) and reminders missed while it
  // was closed: the alarm, planned at once for a passed reminder, shows them grouped.
  browser.runtime.onStartup.addListener(() => void refreshTasks());
  browser.runtime.onInstalled.addListener(() => void refreshTasks());
  planMidnight();
  watchTasks();
}

let watching = false;
/**
 * Every task change while the worker runs, from any page of this origin (and this worker's own):
 * the first count as the worker starts, then one per change. A page's message after a task write
 * needs nothing more than to start the worker (the watch is on, or starts here after an error).
 */
export function watchTasks(): void {
  if (watching) return;
  watching = true;
  liveQuery(() => readTaskState(new Date())).subscribe({
    next: (state) => {
      applying = applying.then(() => apply(state, new Date())).catch((e: unknown) => console.warn('Rapport: badge not updated', e));
    },
    error: (e: unknown) => {
      watching = false;
      console.warn('Rapport: task watch stopped', e);
    },
  });
}
