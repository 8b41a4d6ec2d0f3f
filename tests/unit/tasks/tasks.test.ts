// Tasks and interactions in storage (storage/tasks.ts): the due list and badge count from the
// openDueAt index, reminders that fire once, snooze, done/undo, delete (and archive in the CRM),
// every change of a user's task queued for sync in its transaction, calls and meetings logged, and
// keep-in-touch items made once per person and cleared by an interaction.
import { afterEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../storage/edit';
import { entryKey } from '../../../storage/outbox';
import { getTimeline } from '../../../storage/queries';
import { addActivities, upsertContacts } from '../../../storage/repositories';
import type { Contact } from '../../../storage/schema';
import { updateSettings } from '../../../storage/settings';
import {
  createTask,
  dueCount,
  dueTasks,
  earliestReminder,
  editTask,
  logInteraction,
  markReminded,
  refreshReconnectItems,
  remindersDue,
  removeTask,
  setTaskDone,
  snoozeTask,
} from '../../../storage/tasks';
import { runOnce } from '../../../sync/engine';
import { closeDbs, setup, src } from '../sync/helpers';

afterEach(closeDbs);

async function world() {
  const w = await setup({ kinds: ['contact', 'task', 'email', 'note'] });
  const [ann, bob] = (await upsertContacts(
    [
      { name: 'Ann Quill', emails: ['ann@quill.example'], tags: ['client'] },
      { name: 'Bob Marsh', emails: ['bob@marsh.example'] },
    ],
    src,
    {},
    w.db,
  )) as { contact: Contact }[];
  return { ...w, ann: ann.contact, bob: bob.contact };
}

const now = new Date('2026-12-07T10:00:00.000Z');
const hoursFromNow = (h: number) => new Date(now.getTime() + h * 3600e3).toISOString();

describe('the due list and the badge', () => {
  it('count open tasks overdue or due today; a done task or one due later does not count', async () => {
    const { db, ann } = await world();
    const late = await createTask({ title: 'Overdue', dueAt: hoursFromNow(-30), contactIds: [ann.id] }, src, db);
    await createTask({ title: 'Today', dueAt: hoursFromNow(1), contactIds: [ann.id] }, src, db);
    await createTask({ title: 'Next week', dueAt: hoursFromNow(24 * 7), contactIds: [ann.id] }, src, db);
    await createTask({ title: 'Someday', contactIds: [ann.id] }, src, db);
    expect(await dueCount(now, db)).toBe(2);
    expect((await dueTasks(now, db)).map((t) => t.title)).toEqual(['Overdue', 'Today']);
    await setTaskDone(late.id, true, db, now);
    expect(await dueCount(now, db)).toBe(1);
    // Undo: it is overdue again, and no longer carries a completion time.
    const reopened = await setTaskDone(late.id, false, db, now);
    expect(reopened?.completedAt).toBeUndefined();
    expect(await dueCount(now, db)).toBe(2);
  });

  it('a done task stays in the person’s timeline', async () => {
    const { db, ann } = await world();
    const t = await createTask({ title: 'Send the offer', dueAt: hoursFromNow(-1), contactIds: [ann.id] }, src, db);
    await setTaskDone(t.id, true, db, now);
    const timeline = await getTimeline(ann.id, db);
    expect(timeline.filter((i) => i.kind === 'task').map((i) => i.kind === 'task' && [i.task.title, i.task.done])).toEqual([
      ['Send the offer', true],
    ]);
  });

  it('refuses what makes no task, naming the field, and writes nothing', async () => {
    const { db, ann } = await world();
    await expect(createTask({ title: '  ', contactIds: [ann.id] }, src, db)).rejects.toBeInstanceOf(ValidationError);
    await expect(createTask({ title: 'x', dueAt: 'next tuesday', contactIds: [ann.id] }, src, db)).rejects.toThrow(/not a date/);
    await expect(createTask({ title: 'x', remindBefore: -5, dueAt: hoursFromNow(1), contactIds: [ann.id] }, src, db)).rejects.toThrow(
      /reminder/,
    );
    expect(await db.tasks.count()).toBe(0);
  });
});

describe('reminders', () => {
  it('the earliest reminder is found by index; once shown it does not come back, unless the task is moved', async () => {
    const { db, ann } = await world();
    const a = await createTask({ title: 'A', dueAt: hoursFromNow(2), remindBefore: 15, contactIds: [ann.id] }, src, db);
    await createTask({ title: 'B', dueAt: hoursFromNow(5), remindBefore: 0, contactIds: [ann.id] }, src, db);
    expect(await earliestReminder(db)).toBe(new Date(Date.parse(hoursFromNow(2)) - 15 * 60e3).toISOString());
    const later = new Date(now.getTime() + 2 * 3600e3);
    expect((await remindersDue(later, db)).map((t) => t.title)).toEqual(['A']);
    await markReminded([a.id], db);
    expect(await remindersDue(later, db)).toEqual([]);
    expect(await earliestReminder(db)).toBe(hoursFromNow(5));
    await editTask(a.id, { title: 'A, renamed' }, db);
    expect(await remindersDue(later, db)).toEqual([]);
    await editTask(a.id, { dueAt: hoursFromNow(3) }, db);
    expect(await earliestReminder(db)).toBe(new Date(Date.parse(hoursFromNow(3)) - 15 * 60e3).toISOString());
  });

  it('snooze moves the task and its reminder to the chosen time', async () => {
    const { db, ann } = await world();
    const t = await createTask({ title: 'A', dueAt: hoursFromNow(-1), remindBefore: 24 * 60, contactIds: [ann.id] }, src, db);
    const until = new Date(now.getTime() + 3600e3);
    const snoozed = await snoozeTask(t.id, until, db);
    expect(snoozed).toMatchObject({ dueAt: until.toISOString(), remindAt: until.toISOString(), openDueAt: until.toISOString() });
    expect(await remindersDue(now, db)).toEqual([]);
  });
});

describe('sync', () => {
  it('create, edit, done, snooze are one outbox entry for the task, coalesced; delete with archive queues the archive', async () => {
    const w = await world();
    const { db, inst, ann } = w;
    const t = await createTask({ title: 'A', dueAt: hoursFromNow(1), contactIds: [ann.id] }, src, db);
    await editTask(t.id, { notes: 'bring the numbers' }, db);
    await setTaskDone(t.id, true, db, now);
    const entry = await db.outbox.get(entryKey(inst.id, 'task', t.id));
    expect(entry).toMatchObject({ kind: 'task', localId: t.id, state: 'pending' });
    await runOnce(db, w.registry, w.engineOpts());
    expect(w.crm.records.get(`task|${t.id}`)).toBeDefined();
    await removeTask(t.id, { archiveInCrms: true }, db);
    expect(await db.outbox.get(entryKey(inst.id, 'task', t.id))).toMatchObject({ op: 'archive' });
    expect(await db.tasks.get(t.id)).toBeUndefined();
  });
});

describe('calls, meetings and keep in touch', () => {
  it('a logged call is in the timeline with its duration and outcome', async () => {
    const { db, ann } = await world();
    await logInteraction(
      {
        type: 'call',
        contactIds: [ann.id],
        occurredAt: hoursFromNow(-2),
        durationMinutes: 12,
        outcome: 'connected',
        notes: 'Agreed on a demo',
      },
      src,
      db,
    );
    const [item] = await getTimeline(ann.id, db);
    expect(item.kind === 'activity' && item.activity).toMatchObject({
      type: 'call',
      durationMinutes: 12,
      outcome: 'connected',
      body: 'Agreed on a demo',
    });
    await expect(logInteraction({ type: 'meeting', contactIds: [ann.id], occurredAt: 'soon' }, src, db)).rejects.toThrow(/not a date/);
  });

  it('one reconnect item per person whose cadence ran out, not a second on the next pass; an interaction clears it', async () => {
    const { db, ann, bob } = await world();
    await updateSettings({ tagCadences: [{ tag: 'client', days: 14 }] }, db);
    await db.contacts.where('id').equals(bob.id).modify({ cadenceDays: 30 });
    const inMonths = new Date('2027-03-01T10:00:00.000Z');
    const made = await refreshReconnectItems(inMonths, db);
    expect(made.map((t) => t.title).sort()).toEqual(['Reconnect with Ann Quill', 'Reconnect with Bob Marsh']);
    expect(await refreshReconnectItems(new Date(inMonths.getTime() + 86400e3), db)).toEqual([]);
    // Reconnect items are Rapport's own: never sent to the CRM.
    expect((await db.outbox.toArray()).filter((e) => e.kind === 'task')).toEqual([]);
    await logInteraction({ type: 'meeting', contactIds: [ann.id], occurredAt: inMonths.toISOString() }, src, db);
    expect((await db.tasks.toArray()).map((t) => t.title)).toEqual(['Reconnect with Bob Marsh']);
    // The meeting was two-way: no new item for Ann until her cadence runs out again.
    expect(await refreshReconnectItems(new Date(inMonths.getTime() + 2 * 86400e3), db)).toEqual([]);
  });

  it('an e-mail only received does not count as being in touch; one the user sent does', async () => {
    const { db, ann } = await world();
    await db.contacts.where('id').equals(ann.id).modify({ cadenceDays: 14, createdAt: '2026-01-01T00:00:00.000Z' });
    await addActivities(
      [
        {
          type: 'email',
          contactIds: [ann.id],
          occurredAt: '2026-12-01T10:00:00.000Z',
          direction: 'incoming',
          threadId: 't1',
          messageId: 'm1',
        },
      ],
      src,
      db,
    );
    expect(await refreshReconnectItems(now, db)).toHaveLength(1);
    await db.tasks.clear();
    await addActivities(
      [
        {
          type: 'email',
          contactIds: [ann.id],
          occurredAt: '2026-12-01T11:00:00.000Z',
          direction: 'outgoing',
          threadId: 't1',
          messageId: 'm2',
        },
      ],
      src,
      db,
    );
    expect(await refreshReconnectItems(now, db)).toEqual([]);
  });
});
