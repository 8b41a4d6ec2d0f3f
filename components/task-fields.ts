// The task form's values and the task fields they stand for (pure: the form, its tests). A reminder
// is shown as a choice (none, at the due time, some minutes / hours / days before) and stored as
// minutes before the due time (storage/schema.ts `remindBefore`).
import type { Task } from '../storage/schema';
import { DEFAULT_DUE_TIME, localDateOf, localDateTime, localTimeOf } from '../storage/task-schedule';

export const REMINDER_UNITS = { minutes: 1, hours: 60, days: 24 * 60 } as const;
export type ReminderUnit = keyof typeof REMINDER_UNITS;
export type ReminderKind = 'none' | 'at' | 'before';

/** What the form gives storage (tasks.ts `TaskFields`: null clears a field). */
export interface TaskFormFields {
  title: string;
  notes: string;
  dueAt: string | null;
  remindBefore: number | null;
  priority: Task['priority'] | null;
}

export interface TaskFormValues {
  title: string;
  notes: string;
  /** YYYY-MM-DD, as a date input writes it. */
  date: string;
  /** HH:MM; empty means the default time (09:00). */
  time: string;
  reminder: ReminderKind;
  /** The lead as typed (a whole number of `unit`s). */
  remindAmount: string;
  remindUnit: ReminderUnit;
  priority: NonNullable<Task['priority']>;
}

/** A lead in minutes as the form shows it: in days or hours when it divides evenly. */
export function reminderParts(minutes: number | undefined): Pick<TaskFormValues, 'reminder' | 'remindAmount' | 'remindUnit'> {
  if (minutes === undefined) return { reminder: 'none', remindAmount: '15', remindUnit: 'minutes' };
  if (minutes === 0) return { reminder: 'at', remindAmount: '15', remindUnit: 'minutes' };
  const unit: ReminderUnit = minutes % REMINDER_UNITS.days === 0 ? 'days' : minutes % REMINDER_UNITS.hours === 0 ? 'hours' : 'minutes';
  return { reminder: 'before', remindAmount: String(minutes / REMINDER_UNITS[unit]), remindUnit: unit };
}

/**
 * The lead in minutes the form's reminder stands for: null for none. An amount that is not a whole
 * number gives NaN, which storage refuses with its own message for the field.
 */
export function reminderMinutes(v: Pick<TaskFormValues, 'reminder' | 'remindAmount' | 'remindUnit'>): number | null {
  if (v.reminder === 'none') return null;
  if (v.reminder === 'at') return 0;
  const amount = /^\s*\d{1,7}\s*$/.test(v.remindAmount) ? Number(v.remindAmount) : Number.NaN;
  return amount * REMINDER_UNITS[v.remindUnit];
}

/** The form's starting values: the task's own (edit), or a new follow-up due `inDays` from `now` at 09:00. */
export function initialValues(task: Task | undefined, now: Date, inDays = 3): TaskFormValues {
  const due = task?.dueAt ? new Date(task.dueAt) : undefined;
  const later = new Date(now.getFullYear(), now.getMonth(), now.getDate() + inDays);
  return {
    title: task ? task.title : 'Follow up',
    notes: task?.notes ?? '',
    date: due ? localDateOf(due) : task ? '' : localDateOf(later),
    time: due ? localTimeOf(due) : DEFAULT_DUE_TIME,
    priority: task?.priority ?? 'normal',
    ...reminderParts(task?.remindBefore),
  };
}

/**
 * The task fields the values stand for, or the messages of the fields the form itself can tell are
 * wrong (a date that is no date). Everything else is checked by storage (tasks.ts ValidationError).
 */
export function fieldsOf(v: TaskFormValues): { fields: TaskFormFields; errors?: undefined } | { errors: Record<string, string> } {
  let dueAt: string | null = null;
  if (v.date.trim()) {
    const due = localDateTime(v.date, v.time || DEFAULT_DUE_TIME);
    if (!due) return { errors: { dueAt: 'The due date is not a date.' } };
    dueAt = due.toISOString();
  }
  return {
    fields: {
      title: v.title,
      notes: v.notes,
      dueAt,
      remindBefore: reminderMinutes(v),
      // Normal is the default: stored as no priority.
      priority: v.priority === 'normal' ? null : v.priority,
    },
  };
}
