// Test-build helpers for tasks (tests/e2e/reminders.test.ts, tests/bench/tasks.bench.mjs): task
// writes made from an extension page as the Tasks view makes them, the toolbar badge read back, and
// the baseline count of the bench (a Dexie filter() over every task).
import { wakeBackgroundOnWrites } from '../background/page-wake';
import { getDb } from '../../storage/db';
import { type Task, newId } from '../../storage/schema';
import { startOfTomorrow, withTaskDerived } from '../../storage/task-schedule';
import { type TaskFields, createTask, dueCount, markReminded, setTaskDone, snoozeTask } from '../../storage/tasks';
import { updateSettings } from '../../storage/settings';
import { putRecords, writeScope } from '../../storage/records';
import type { Contact } from '../../storage/schema';

const manual = () => ({ type: 'manual' as const, at: new Date().toISOString() });
const action = (
  globalThis as unknown as { chrome: { action: { getBadgeText(d: object): Promise<string>; getTitle(d: object): Promise<string> } } }
).chrome.action;
const notifications = () =>
  (globalThis as unknown as { chrome: { notifications?: { getAll(): Promise<Record<string, boolean>> } } }).chrome.notifications;

/** Polls the badge until its text is `expected` (or `ms` pass); returns the time it took, or -1. */
async function waitForBadge(expected: string, ms = 10_000, since = performance.now()): Promise<number> {
  for (;;) {
    if ((await action.getBadgeText({})) === expected) return performance.now() - since;
    if (performance.now() - since > ms) return -1;
    await new Promise((r) => setTimeout(r, 1));
  }
}

/**
 * Polls the button until it shows `count` due tasks: the badge text (at most "999+") and the title,
 * which holds the exact number; returns the time it took, or -1.
 */
async function waitForDueCount(count: number, ms = 10_000, since = performance.now()): Promise<number> {
  const text = count > 999 ? '999+' : count ? String(count) : '';
  const title = count ? `Rapport — ${count === 1 ? '1 task' : `${count} tasks`} due today or overdue` : undefined;
  for (;;) {
    const [t, ti] = await Promise.all([action.getBadgeText({}), action.getTitle({})]);
    if (t === text && (title === undefined || ti === title)) return performance.now() - since;
    if (performance.now() - since > ms) return -1;
    await new Promise((r) => setTimeout(r, 1));
  }
}

/**
 * `count` open tasks of the bench's people (`ct_bench_<i>`), one in `dueEvery` due before tomorrow
 * (the badge counts them), a third of the later ones with a reminder; returns how many are due.
 */
async function seedTasks(count: number, dueEvery = 5, now = new Date()) {
  const db = getDb();
  await db.tasks.clear();
  const tomorrow = startOfTomorrow(now).getTime();
  const rows: Task[] = [];
  const at = now.toISOString();
  for (let i = 0; i < count; i++) {
    const due = i % dueEvery === 0;
    rows.push(
      withTaskDerived<Task>({
        id: `tk_bench_${i}`,
        title: `Follow up ${i}`,
        done: false,
        dueAt: new Date(due ? tomorrow - (i + 1) * 60_000 : tomorrow + i * 60_000).toISOString(),
        ...(!due && i % 3 === 0 ? { remindBefore: 15 } : {}),
        contactIds: [`ct_bench_${i % 100_000}`],
        createdAt: at,
        updatedAt: at,
        sources: [manual()],
      }),
    );
  }
  await db.transaction('rw', db.tasks, () => db.tasks.bulkPut(rows));
  return { stored: await db.tasks.count(), due: await dueCount(now) };
}

/** The bench's baseline: the due count by a filter() over every task. */
async function dueByFilter(now = new Date()) {
  const end = startOfTomorrow(now).toISOString();
  return getDb()
    .tasks.filter((t) => !t.done && !!t.dueAt && t.dueAt < end)
    .count();
}

/** Tasks written in one transaction, as a restore or a CRM pull writes them. */
async function putTasksAtOnce(list: { title: string; dueAt: string; remindBefore?: number }[]) {
  const at = new Date().toISOString();
  const rows = list.map((f) =>
    withTaskDerived<Task>({ id: newId('tk'), done: false, contactIds: [], createdAt: at, updatedAt: at, sources: [manual()], ...f }),
  );
  await getDb().transaction('rw', getDb().tasks, () => getDb().tasks.bulkAdd(rows));
  return rows;
}

/** A person added `daysAgo` days ago (so a cadence can already have run out), written as a sync pull writes it. */
async function putContactAdded(f: { id: string; name: string; tags?: string[]; cadenceDays?: number; daysAgo: number }) {
  const at = new Date(Date.now() - f.daysAgo * 86_400_000).toISOString();
  const c: Contact = {
    id: f.id,
    name: f.name,
    emails: [],
    phones: [],
    tags: f.tags ?? [],
    ...(f.cadenceDays ? { cadenceDays: f.cadenceDays } : {}),
    createdAt: at,
    updatedAt: at,
    sources: [{ type: 'manual', at }],
  } as Contact;
  const db = getDb();
  await db.transaction('rw', writeScope(db, 'contact'), () => putRecords(db, 'contact', [c]));
}

/** The keep-in-touch items of a person. */
const reconnectItemsOf = (contactId: string) =>
  getDb()
    .tasks.where('contactIds')
    .equals(contactId)
    .filter((t) => t.origin === 'cadence')
    .toArray();

export const taskBench = {
  putContactAdded,
  reconnectItemsOf,
  setTagCadences: (tagCadences: { tag: string; days: number }[]) => updateSettings({ tagCadences }),
  putTasksAtOnce,
  wakeBackground: wakeBackgroundOnWrites,
  createTask: (f: TaskFields & { title: string }) => createTask({ contactIds: [], ...f }, manual()),
  setTaskDone: (id: string, done: boolean) => setTaskDone(id, done),
  snoozeTask: (id: string, until: string) => snoozeTask(id, new Date(until)),
  markReminded: (ids: string[]) => markReminded(ids),
  remindersOn: (enabled: boolean) => updateSettings({ reminders: { enabled } }),
  getTask: (id: string) => getDb().tasks.get(id),
  dueCount: () => dueCount(new Date()),
  /** The indexed count and the filter() baseline, each timed in this page. */
  timeCounts: async () => {
    let t = performance.now();
    const indexed = await dueCount(new Date());
    const indexedMs = performance.now() - t;
    t = performance.now();
    const filtered = await dueByFilter();
    return { indexed, indexedMs, filtered, filterMs: performance.now() - t };
  },
  /** A task write (done or open again) → the badge showing `expected`, timed from the write's start. */
  writeToBadge: async (id: string, done: boolean, expectedCount: number) => {
    const t0 = performance.now();
    await setTaskDone(id, done);
    const committed = performance.now() - t0;
    return { ms: await waitForDueCount(expectedCount, 20_000, t0), committed };
  },
  waitForDueCount,
  badge: () => action.getBadgeText({}),
  waitForBadge,
  notifications: async () => Object.keys((await notifications()?.getAll()) ?? {}),
  seedTasks,
  dueByFilter,
};
