// Tasks and logged interactions (decision 0049): every write keeps the task's derived index fields
// (task-schedule.ts `withTaskDerived`) and queues its sync in the same transaction. What is due, the
// badge's count and the next reminder are read from the `openDueAt` and `remindAt` indexes, so their
// cost follows the number of due tasks, not of all tasks.
import { caseResponseScope } from './case-response';
import { type RapportDB, getDb } from './db';
import { deleteTask as deleteTaskRow } from './delete';
import { ValidationError } from './edit';
import { outboxScope, enqueue } from './outbox';
import { currentContactIds } from './queries';
import { type ActivityInput, addActivities } from './repositories';
import {
  type Activity,
  type Contact,
  type Source,
  type Task,
  MAX_REMIND_BEFORE,
  TASK_PRIORITIES,
  Task as TaskSchema,
  newId,
  nowIso,
} from './schema';
import { cadenceOf, reconnectDueAt, startOfTomorrow, withTaskDerived } from './task-schedule';
import { writeScope } from './records';
import { getSettings } from './settings';

/** What the forms hand over; on edit a key left out is not changed. */
export interface TaskFields {
  title?: string;
  notes?: string;
  /** ISO instant; empty string or null clears it. */
  dueAt?: string | null;
  /** Minutes before the due time; null = no reminder. */
  remindBefore?: number | null;
  priority?: Task['priority'] | null;
  contactIds?: string[];
  companyId?: string | null;
  /** The pipeline item it is a follow-up of; null unlinks it. */
  itemId?: string | null;
}

function checkFields(f: TaskFields): Record<string, string> {
  const errors: Record<string, string> = {};
  if (f.title !== undefined && !f.title.trim()) errors.title = 'A task needs a title.';
  if (f.title !== undefined && f.title.length > 1000) errors.title = 'The title is too long (at most 1,000 characters).';
  if (f.notes !== undefined && f.notes.length > 20_000) errors.notes = 'The notes are too long (at most 20,000 characters).';
  if (f.dueAt && Number.isNaN(Date.parse(f.dueAt))) errors.dueAt = 'The due date is not a date.';
  if (f.remindBefore != null && !(Number.isInteger(f.remindBefore) && f.remindBefore >= 0 && f.remindBefore <= MAX_REMIND_BEFORE)) {
    errors.remindBefore = 'A reminder can be set from the due time up to 60 days before it.';
  }
  if (f.remindBefore != null && f.dueAt === null) errors.remindBefore = 'A reminder needs a due date.';
  if (f.priority && !TASK_PRIORITIES.includes(f.priority)) errors.priority = 'Unknown priority.';
  return errors;
}

/** `fields` applied to `task` (null/empty clears). */
function applyFields(task: Task, f: TaskFields): Task {
  const next: Task = { ...task };
  const set = <K extends keyof Task>(key: K, value: Task[K] | null | undefined) => {
    if (value === undefined) return;
    if (value === null || value === '') delete next[key];
    else next[key] = value as Task[K];
  };
  if (f.title !== undefined) next.title = f.title.trim();
  set('notes', f.notes === undefined ? undefined : f.notes.trim() || null);
  set('dueAt', f.dueAt === undefined ? undefined : f.dueAt ? new Date(f.dueAt).toISOString() : null);
  set('remindBefore', f.remindBefore);
  set('priority', f.priority);
  set('companyId', f.companyId);
  set('itemId', f.itemId);
  if (f.contactIds) next.contactIds = [...new Set(f.contactIds)];
  return next;
}

const taskScope = (db: RapportDB) => [db.tasks, db.redirects, ...outboxScope(db)];

/** Rapport's own reconnect items stay local; the user's tasks go to every CRM that takes tasks. */
async function queueSync(db: RapportDB, task: Task, fresh = false): Promise<void> {
  if (task.origin === 'cadence') return;
  await enqueue(db, [{ kind: 'task', localId: task.id, ...(fresh ? { fresh: true } : {}) }]);
}

export async function createTask(
  input: TaskFields & { title: string; contactIds: string[] },
  source: Source,
  db: RapportDB = getDb(),
): Promise<Task> {
  const errors = checkFields(input);
  if (Object.keys(errors).length) throw new ValidationError(errors);
  const at = nowIso();
  const base: Task = { id: newId('tk'), title: '', done: false, contactIds: [], createdAt: at, updatedAt: at, sources: [source] };
  const task = withTaskDerived(TaskSchema.parse(applyFields(base, input)));
  await db.transaction('rw', taskScope(db), async () => {
    // A card opened before a merge may still name the merged-away person.
    task.contactIds = await currentContactIds(task.contactIds, db);
    await db.tasks.add(task);
    await queueSync(db, task, true);
  });
  return task;
}

/** Edits a task; undefined when it no longer exists. */
export async function editTask(id: string, fields: TaskFields, db: RapportDB = getDb()): Promise<Task | undefined> {
  const errors = checkFields(fields);
  if (Object.keys(errors).length) throw new ValidationError(errors);
  return db.transaction('rw', taskScope(db), async () => {
    const task = await db.tasks.get(id);
    if (!task) return undefined;
    const next = withTaskDerived(TaskSchema.parse({ ...applyFields(task, fields), updatedAt: nowIso() }));
    if (next.remindBefore !== undefined && !next.dueAt) throw new ValidationError({ remindBefore: 'A reminder needs a due date.' });
    if (fields.contactIds) next.contactIds = await currentContactIds(next.contactIds, db);
    await db.tasks.put(next);
    await queueSync(db, next);
    return next;
  });
}

/** Marks a task done (it stays in the timeline) or open again. */
export async function setTaskDone(id: string, done: boolean, db: RapportDB = getDb(), now: Date = new Date()): Promise<Task | undefined> {
  return db.transaction('rw', taskScope(db), async () => {
    const task = await db.tasks.get(id);
    if (!task || task.done === done) return task;
    const next: Task = { ...task, done, updatedAt: now.toISOString() };
    if (done) next.completedAt = now.toISOString();
    else delete next.completedAt;
    const derived = withTaskDerived(next);
    await db.tasks.put(derived);
    await queueSync(db, derived);
    return derived;
  });
}

/**
 * Moves a task to `until`; a task with a reminder is reminded at that time (its lead becomes 0: a
 * lead of a day on a task snoozed for an hour would ring at once).
 */
export async function snoozeTask(id: string, until: Date, db: RapportDB = getDb()): Promise<Task | undefined> {
  return db.transaction('rw', taskScope(db), async () => {
    const task = await db.tasks.get(id);
    if (!task) return undefined;
    const next: Task = { ...task, dueAt: until.toISOString(), updatedAt: nowIso() };
    if (next.remindBefore !== undefined) next.remindBefore = 0;
    const derived = withTaskDerived(next);
    await db.tasks.put(derived);
    await queueSync(db, derived);
    return derived;
  });
}

/** Deletes a task; `archiveInCrms`: also in each connected CRM that holds it (through the outbox). */
export async function removeTask(id: string, opts: { archiveInCrms?: boolean } = {}, db: RapportDB = getDb()) {
  return deleteTaskRow(id, db, { archiveRemote: !!opts.archiveInCrms });
}

/** Records that these reminders were shown: they do not fire again unless the due time or lead changes. */
export async function markReminded(ids: readonly string[], db: RapportDB = getDb()): Promise<void> {
  await db.transaction('rw', db.tasks, async () => {
    const tasks = (await db.tasks.bulkGet([...ids])).filter((t): t is Task => !!t && !!t.remindAt);
    await db.tasks.bulkPut(tasks.map((t) => withTaskDerived({ ...t, remindedFor: t.remindAt })));
  });
}

// ------------------------------------------------------------------ reads

/** Open tasks due before the end of today, earliest first (the popup's due list; `limit`: its first rows). */
export function dueTasks(now: Date = new Date(), db: RapportDB = getDb(), limit = Infinity): Promise<Task[]> {
  const due = db.tasks.where('openDueAt').below(startOfTomorrow(now).toISOString());
  return (Number.isFinite(limit) ? due.limit(limit) : due).toArray();
}

/** How many open tasks are overdue or due today: the toolbar badge. */
export function dueCount(now: Date = new Date(), db: RapportDB = getDb()): Promise<number> {
  return db.tasks.where('openDueAt').below(startOfTomorrow(now).toISOString()).count();
}

/** The earliest reminder not yet shown, for the alarm. */
export async function earliestReminder(db: RapportDB = getDb()): Promise<string | undefined> {
  return (await db.tasks.orderBy('remindAt').first())?.remindAt;
}

/** Reminders due at `now` and not shown yet. */
export function remindersDue(now: Date = new Date(), db: RapportDB = getDb()): Promise<Task[]> {
  return db.tasks.where('remindAt').belowOrEqual(now.toISOString()).toArray();
}

/** A person's open tasks, earliest due first (undated last). */
export async function openTasksOf(contactId: string, db: RapportDB = getDb()): Promise<Task[]> {
  const tasks = (await db.tasks.where('contactIds').equals(contactId).toArray()).filter((t) => !t.done);
  return tasks.sort((a, b) => (a.dueAt ?? '\uffff').localeCompare(b.dueAt ?? '\uffff'));
}

// ------------------------------------------------------------------ interactions

export interface InteractionFields {
  type: 'call' | 'meeting';
  contactIds: string[];
  occurredAt: string;
  durationMinutes?: number;
  /** Calls. */
  outcome?: string;
  notes?: string;
  subject?: string;
  /** Meetings: who else was there (names or addresses). */
  attendees?: { name?: string; email?: string }[];
}

/** Logs a call or a meeting; it counts as a two-way interaction, so the people's reconnect items are cleared. */
export async function logInteraction(f: InteractionFields, source: Source, db: RapportDB = getDb()): Promise<Activity> {
  const errors: Record<string, string> = {};
  if (Number.isNaN(Date.parse(f.occurredAt))) errors.occurredAt = 'When did it happen? The date is not a date.';
  if (f.durationMinutes !== undefined && !(Number.isInteger(f.durationMinutes) && f.durationMinutes >= 0 && f.durationMinutes <= 24 * 60)) {
    errors.durationMinutes = 'The duration is in whole minutes, at most a day.';
  }
  if (f.contactIds.length === 0) errors.contactIds = 'Whom was it with?';
  if ((f.notes ?? '').length > 200_000) errors.notes = 'The notes are too long.';
  if (Object.keys(errors).length) throw new ValidationError(errors);
  const notes = f.notes?.trim();
  const input: ActivityInput = {
    type: f.type,
    contactIds: f.contactIds,
    occurredAt: new Date(f.occurredAt).toISOString(),
    subject: f.subject?.trim() || (f.type === 'call' ? 'Call' : 'Meeting'),
    ...(notes ? { body: notes, snippet: notes.slice(0, 200) } : {}),
    ...(f.durationMinutes !== undefined ? { durationMinutes: f.durationMinutes } : {}),
    ...(f.outcome ? { outcome: f.outcome.trim().slice(0, 200) } : {}),
    ...(f.attendees?.length ? { participants: f.attendees.slice(0, 1000) } : {}),
  };
  return db.transaction(
    'rw',
    [...writeScope(db, 'activity', 'contact'), db.tasks, db.redirects, ...outboxScope(db), ...caseResponseScope(db)],
    async () => {
      const { added } = await addActivities([input], source, db);
      await clearReconnect(added[0].contactIds, db);
      return added[0];
    },
  );
}

/** Removes the open "reconnect with …" items of these people (they were just in touch). */
export async function clearReconnect(contactIds: readonly string[], db: RapportDB = getDb()): Promise<number> {
  if (contactIds.length === 0) return 0;
  return db.tasks
    .where('contactIds')
    .anyOf([...contactIds])
    .filter((t) => t.origin === 'cadence' && !t.done)
    .delete();
}

/**
 * Sets (or, with undefined, clears) a person's own keep-in-touch cadence. A local preference: no CRM
 * has the field, so nothing is queued. Their open reconnect item is re-decided at once.
 */
export async function setCadence(
  contactId: string,
  days: number | undefined,
  now: Date = new Date(),
  db: RapportDB = getDb(),
): Promise<Task[]> {
  if (days !== undefined && !(Number.isInteger(days) && days >= 1 && days <= 3650)) {
    throw new ValidationError({ cadenceDays: 'A cadence is a whole number of days, from 1 to 3,650.' });
  }
  await db.transaction('rw', db.contacts, db.tasks, async () => {
    await db.contacts
      .where('id')
      .equals(contactId)
      .modify((c) => {
        if (days === undefined) delete c.cadenceDays;
        else c.cadenceDays = days;
      });
    await clearReconnect([contactId], db);
  });
  return refreshReconnectItems(now, db, [contactId]);
}

/** Kinds of activity that count as being in touch for keep-in-touch (a note or a profile view does not). */
export function isTwoWay(a: Pick<Activity, 'type' | 'direction'>, threadHasBothDirections: boolean): boolean {
  if (a.type === 'call' || a.type === 'meeting') return true;
  if (a.type !== 'email') return false;
  // An e-mail the user sent counts; one they received counts once they answered in that thread.
  return a.direction === 'outgoing' || threadHasBothDirections;
}

/** The last two-way interaction with a person (see isTwoWay), from their history. */
export function lastTwoWayAt(history: readonly Activity[]): string | undefined {
  const threads = new Map<string, Set<string>>();
  for (const a of history)
    if (a.type === 'email' && a.threadId) threads.set(a.threadId, (threads.get(a.threadId) ?? new Set()).add(a.direction ?? ''));
  let last: string | undefined;
  for (const a of history) {
    const dirs = a.threadId ? threads.get(a.threadId) : undefined;
    const both = !!dirs && dirs.has('incoming') && dirs.has('outgoing');
    if (isTwoWay(a, both) && (!last || a.occurredAt > last)) last = a.occurredAt;
  }
  return last;
}

/**
 * The keep-in-touch pass: one open "reconnect with …" item for each person whose cadence (their own
 * or a tag's) has run out since the last two-way interaction, never a second while one is open or
 * after the user marked one done within the cadence. Run daily and after a cadence changes; returns
 * the items created. Reads people by cursor, so it never holds the whole table.
 */
export async function refreshReconnectItems(
  now: Date = new Date(),
  db: RapportDB = getDb(),
  onlyContactIds?: readonly string[],
): Promise<Task[]> {
  const { tagCadences } = await getSettings(db);
  const candidates: { id: string; name: string; cadence: number; createdAt: string }[] = [];
  const consider = (c: Contact) => {
    const cadence = cadenceOf(c, tagCadences);
    if (cadence) candidates.push({ id: c.id, name: c.name, cadence, createdAt: c.createdAt });
  };
  if (onlyContactIds)
    (
      await db.contacts
        .where('id')
        .anyOf([...onlyContactIds])
        .toArray()
    ).forEach(consider);
  else await db.contacts.each(consider);
  const created: Task[] = [];
  for (const p of candidates) {
    const [history, items] = await Promise.all([
      db.activities.where('contactIds').equals(p.id).toArray(),
      db.tasks
        .where('contactIds')
        .equals(p.id)
        .filter((t) => t.origin === 'cadence')
        .toArray(),
    ]);
    if (items.some((t) => !t.done)) continue;
    const lastDone = items.reduce<string | undefined>(
      (m, t) => (t.completedAt && (!m || t.completedAt > m) ? t.completedAt : m),
      undefined,
    );
    const due = reconnectDueAt(
      { cadenceDays: p.cadence, lastTwoWayAt: lastTwoWayAt(history), lastReconnectDoneAt: lastDone, createdAt: p.createdAt },
      now,
    );
    if (!due) continue;
    const at = now.toISOString();
    const task = withTaskDerived(
      TaskSchema.parse({
        id: newId('tk'),
        title: `Reconnect with ${p.name}`.slice(0, 1000),
        dueAt: at,
        done: false,
        origin: 'cadence',
        contactIds: [p.id],
        createdAt: at,
        updatedAt: at,
        sources: [{ type: 'manual', at }],
      }),
    );
    // Written one by one: a person who got an item meanwhile (another pass) keeps one.
    const wrote = await db.transaction('rw', db.tasks, async () => {
      const open = await db.tasks
        .where('contactIds')
        .equals(p.id)
        .filter((t) => t.origin === 'cadence' && !t.done)
        .count();
      if (open) return false;
      await db.tasks.add(task);
      return true;
    });
    if (wrote) created.push(task);
  }
  return created;
}
