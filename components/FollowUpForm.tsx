import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { Task } from '../storage/schema';
import { FieldError } from './FieldError';
import { type ReminderKind, type ReminderUnit, type TaskFormFields, type TaskFormValues, fieldsOf, initialValues } from './task-fields';

/** What the form hands back: the task's fields, its due time (ISO) and the date as typed, for messages. */
export interface FollowUp {
  title: string;
  /** ISO instant; empty when the task has no due date. */
  dueAt: string;
  date: string;
  fields: TaskFormFields;
}

/** The people and company a task is linked to, when the page lets the user choose them. */
export interface TaskLinks {
  contactIds: string[];
  companyId?: string;
}

/** Field messages of a failed save: a ValidationError's (storage/edit.ts, told by its shape), else one under `form`. */
function errorsOf(e: unknown): Record<string, string> {
  const fields = (e as { fields?: unknown } | null)?.fields;
  if (e instanceof Error && e.name === 'ValidationError' && fields && typeof fields === 'object') return fields as Record<string, string>;
  return { form: e instanceof Error ? e.message : String(e) };
}

/**
 * A task's form (the sidebar, the popup, the workspace): title, due date and time (local; 09:00
 * unless changed), reminder, priority, notes; `task` edits that task. `links` renders the people and
 * company pickers where the page has them (the workspace). Writing the task is the page's: `onSave`
 * does it and throws to report a failure; a ValidationError's messages show under their fields.
 */
export function FollowUpForm({
  onSave,
  onCancel,
  task,
  links,
  class: cls = 'sb-form',
}: {
  onSave: (f: FollowUp) => Promise<void>;
  onCancel?: () => void;
  task?: Task;
  links?: ComponentChildren;
  class?: string;
}) {
  const [v, setV] = useState<TaskFormValues>(() => initialValues(task, new Date()));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const set =
    <K extends keyof TaskFormValues>(key: K) =>
    (e: Event) =>
      setV((old) => ({ ...old, [key]: (e.target as HTMLInputElement).value as TaskFormValues[K] }));
  return (
    <form
      class={cls}
      data-testid="follow-up-form"
      data-mode={task ? 'edit' : 'new'}
      onSubmit={(e) => {
        e.preventDefault();
        const out = fieldsOf({ ...v, title: v.title.trim() || (task ? '' : 'Follow up') });
        if (out.errors) return setErrors(out.errors);
        setBusy(true);
        onSave({ title: out.fields.title, dueAt: out.fields.dueAt ?? '', date: v.date, fields: out.fields })
          .then(
            () => setErrors({}),
            (err: unknown) => setErrors(errorsOf(err)),
          )
          .finally(() => setBusy(false));
      }}
    >
      <input aria-label="Task" data-testid="follow-up-title" value={v.title} onInput={set('title')} />
      <FieldError errors={errors} name="title" />
      <div class="row">
        <input aria-label="Due date" type="date" data-testid="follow-up-date" required value={v.date} onInput={set('date')} />
        <input aria-label="Due time" type="time" data-testid="follow-up-time" value={v.time} onInput={set('time')} />
      </div>
      <FieldError errors={errors} name="dueAt" />
      <div class="row">
        <select aria-label="Reminder" data-testid="follow-up-reminder" value={v.reminder} onChange={set('reminder')}>
          {(
            [
              ['none', 'No reminder'],
              ['at', 'Remind at the due time'],
              ['before', 'Remind before'],
            ] as [ReminderKind, string][]
          ).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        {v.reminder === 'before' && [
          <input
            key="amount"
            aria-label="How long before"
            data-testid="follow-up-remind-amount"
            inputMode="numeric"
            size={4}
            value={v.remindAmount}
            onInput={set('remindAmount')}
          />,
          <select key="unit" aria-label="Unit" data-testid="follow-up-remind-unit" value={v.remindUnit} onChange={set('remindUnit')}>
            {(['minutes', 'hours', 'days'] as ReminderUnit[]).map((u) => (
              <option key={u} value={u}>
                {u}
              </option>
            ))}
          </select>,
        ]}
        <select aria-label="Priority" data-testid="follow-up-priority" value={v.priority} onChange={set('priority')}>
          <option value="low">Low priority</option>
          <option value="normal">Normal priority</option>
          <option value="high">High priority</option>
        </select>
      </div>
      <FieldError errors={errors} name="remindBefore" />
      <FieldError errors={errors} name="priority" />
      <textarea aria-label="Notes" placeholder="Notes" data-testid="follow-up-notes" rows={2} value={v.notes} onInput={set('notes')} />
      <FieldError errors={errors} name="notes" />
      {links}
      <div class="row">
        <button type="submit" class="primary" data-testid="follow-up-save" disabled={busy}>
          {task ? 'Save task' : 'Create follow-up'}
        </button>
        {onCancel && (
          <button type="button" data-testid="follow-up-cancel" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
      <FieldError errors={errors} name="form" />
    </form>
  );
}
