// The Tasks view's state in its route's query and its sections: a filter survives a reload as it
// was, a task falls in Overdue / Today / Upcoming by its due time, filters by person, company (the
// task's own or its people's) and tag, and `n` opens the form only outside a field.
import { describe, expect, it } from 'vitest';
import {
  formatTasksQuery,
  isNewTaskKey,
  openSections,
  parseTasksQuery,
  taskMatches,
  tasksRoute,
} from '../../../entrypoints/workspace/tasks/task-query';
import { makeTask } from '../tasks/make-task';

describe('route query', () => {
  it('round-trips the filter, the form and the task to show; drops what it does not know', () => {
    const q = { person: 'ct_1', company: 'co 2&x', tag: 'vip', new: true, task: 'tk_9' };
    expect(parseTasksQuery(formatTasksQuery(q))).toEqual(q);
    expect(parseTasksQuery('new=0&tag=%20&sort=x')).toEqual({});
    expect(tasksRoute({})).toBe('/tasks');
    expect(tasksRoute({ new: true })).toBe('/tasks?new=1');
  });
});

describe('sections and filters', () => {
  it('puts open tasks in Overdue, Today and Upcoming at now, keeping their order', () => {
    const now = new Date(2026, 5, 10, 12, 0);
    const at = (d: number, h: number) => new Date(2026, 5, d, h).toISOString();
    const tasks = [
      makeTask({ id: 'a', dueAt: at(9, 9) }),
      makeTask({ id: 'b', dueAt: at(10, 11) }),
      makeTask({ id: 'c', dueAt: at(10, 13) }),
      makeTask({ id: 'd', dueAt: at(11, 0) }),
    ];
    const s = openSections(tasks, now);
    expect([s.overdue, s.today, s.upcoming].map((l) => l.map((t) => t.id))).toEqual([['a', 'b'], ['c'], ['d']]);
  });

  it('filters by person, by company (its own or its people’s) and by tag', () => {
    const t = makeTask({ id: 't', contactIds: ['ann'], companyId: 'acme' });
    expect(taskMatches(t, { person: 'ann' }, {})).toBe(true);
    expect(taskMatches(t, { person: 'bob' }, {})).toBe(false);
    expect(taskMatches(t, { company: 'acme' }, {})).toBe(true);
    expect(taskMatches(makeTask({ id: 'u', contactIds: ['ann'] }), { company: 'acme' }, { companyPeople: new Set(['ann']) })).toBe(true);
    expect(taskMatches(makeTask({ id: 'u', contactIds: ['bob'] }), { company: 'acme' }, { companyPeople: new Set(['ann']) })).toBe(false);
    expect(taskMatches(t, { tag: 'vip' }, { taggedPeople: new Set(['ann']) })).toBe(true);
    expect(taskMatches(t, { tag: 'vip' }, { taggedPeople: new Set() })).toBe(false);
  });

  it('n opens the form unless typed into a field or with a modifier', () => {
    const key = (k: string, mods = {}) => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, ...mods });
    expect(isNewTaskKey(key('n'), { tagName: 'BODY' } as unknown as EventTarget)).toBe(true);
    expect(isNewTaskKey(key('n'), { tagName: 'INPUT' } as unknown as EventTarget)).toBe(false);
    expect(isNewTaskKey(key('n'), { tagName: 'DIV', isContentEditable: true } as unknown as EventTarget)).toBe(false);
    expect(isNewTaskKey(key('n', { ctrlKey: true }), null)).toBe(false);
    expect(isNewTaskKey(key('m'), null)).toBe(false);
  });
});
