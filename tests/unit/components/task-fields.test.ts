// The task form's values and the task fields they stand for: the reminder choice both ways, the
// default due time, a date that is no date, and normal priority stored as none.
import { describe, expect, it } from 'vitest';
import { fieldsOf, initialValues, reminderMinutes, reminderParts } from '../../../components/task-fields';
import { makeTask } from '../tasks/make-task';

describe('reminder choice', () => {
  it('shows a lead in the largest unit that divides it, and gives back the same minutes', () => {
    expect(reminderParts(undefined).reminder).toBe('none');
    expect(reminderParts(0).reminder).toBe('at');
    expect(reminderParts(2 * 24 * 60)).toEqual({ reminder: 'before', remindAmount: '2', remindUnit: 'days' });
    expect(reminderParts(90)).toEqual({ reminder: 'before', remindAmount: '90', remindUnit: 'minutes' });
    expect(reminderParts(180)).toEqual({ reminder: 'before', remindAmount: '3', remindUnit: 'hours' });
    for (const m of [undefined, 0, 15, 60, 90, 180, 24 * 60, 60 * 24 * 60]) expect(reminderMinutes(reminderParts(m)) ?? undefined).toBe(m);
  });

  it('a lead that is not a whole number is NaN (storage names the field)', () => {
    expect(reminderMinutes({ reminder: 'before', remindAmount: '1.5', remindUnit: 'hours' })).toBeNaN();
    expect(reminderMinutes({ reminder: 'before', remindAmount: '', remindUnit: 'days' })).toBeNaN();
    expect(reminderMinutes({ reminder: 'before', remindAmount: ' 2 ', remindUnit: 'days' })).toBe(2880);
  });
});

describe('form values', () => {
  it('a new follow-up is due in three days at 09:00 local, no reminder, normal priority', () => {
    const v = initialValues(undefined, new Date(2026, 2, 30, 22, 15));
    expect(v).toMatchObject({ title: 'Follow up', date: '2026-04-02', time: '09:00', reminder: 'none', priority: 'normal' });
    const out = fieldsOf(v);
    expect(out.errors).toBeUndefined();
    expect(out.errors ? undefined : out.fields).toEqual({
      title: 'Follow up',
      notes: '',
      dueAt: new Date(2026, 3, 2, 9, 0).toISOString(),
      remindBefore: null,
      priority: null,
    });
  });

  it('an existing task fills the form with its own values, and gives them back unchanged', () => {
    const due = new Date(2026, 4, 6, 14, 30).toISOString();
    const t = makeTask({ dueAt: due, remindBefore: 60, priority: 'high', notes: 'Quote' });
    const v = initialValues(t, new Date());
    expect(v).toMatchObject({
      title: 'Call back',
      date: '2026-05-06',
      time: '14:30',
      reminder: 'before',
      remindAmount: '1',
      remindUnit: 'hours',
    });
    expect(fieldsOf(v)).toEqual({ fields: { title: 'Call back', notes: 'Quote', dueAt: due, remindBefore: 60, priority: 'high' } });
  });

  it('a task without a due date keeps none; an impossible date is named under the due date', () => {
    expect(fieldsOf(initialValues(makeTask({}), new Date()))).toMatchObject({ fields: { dueAt: null } });
    expect(fieldsOf({ ...initialValues(undefined, new Date()), date: '2026-02-31' })).toEqual({
      errors: { dueAt: 'The due date is not a date.' },
    });
  });
});
