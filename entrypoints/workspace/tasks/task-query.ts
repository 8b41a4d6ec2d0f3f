// The Tasks view's state in its route's query (`#/tasks?person=…&company=…&tag=…`, plus `new=1` for
// the new-task form and `task=<id>` for the task to show), and how tasks fall into its sections.
// Pure, so that a filter reloads and bookmarks as it was, and is tested alone.
import type { Task } from '../../../storage/schema';
import { type TaskState, taskState } from '../../../storage/task-schedule';

export interface TaskFilter {
  person?: string;
  company?: string;
  tag?: string;
}

export interface TasksQuery extends TaskFilter {
  /** The new-task form is open. */
  new?: boolean;
  /** The task to scroll to and highlight. */
  task?: string;
}

const KEYS = ['person', 'company', 'tag', 'task'] as const;

export function parseTasksQuery(query: string): TasksQuery {
  const p = new URLSearchParams(query);
  const out: TasksQuery = {};
  for (const k of KEYS) {
    const v = p.get(k)?.trim();
    if (v) out[k] = v.slice(0, 200);
  }
  if (p.get('new') === '1') out.new = true;
  return out;
}

export function formatTasksQuery(q: TasksQuery): string {
  const p = new URLSearchParams();
  for (const k of KEYS) if (q[k]) p.set(k, q[k]!);
  if (q.new) p.set('new', '1');
  return p.toString();
}

/** The route of the Tasks view in that state. */
export function tasksRoute(q: TasksQuery): string {
  const query = formatTasksQuery(q);
  return query ? `/tasks?${query}` : '/tasks';
}

/** What some filters need besides the task: who works at the company, who has the tag. */
export interface FilterContext {
  companyPeople?: ReadonlySet<string>;
  taggedPeople?: ReadonlySet<string>;
}

/**
 * Whether a task passes the filter: linked to the person; linked to the company or to someone who
 * works there; linked to someone with the tag.
 */
export function taskMatches(task: Pick<Task, 'contactIds' | 'companyId'>, f: TaskFilter, ctx: FilterContext): boolean {
  if (f.person && !task.contactIds.includes(f.person)) return false;
  if (f.company && task.companyId !== f.company && !task.contactIds.some((id) => ctx.companyPeople?.has(id))) return false;
  if (f.tag && !task.contactIds.some((id) => ctx.taggedPeople?.has(id))) return false;
  return true;
}

export type OpenSections = Record<Exclude<TaskState, 'done'>, Task[]>;

/**
 * Open tasks by section at `now`, each in due order (as the openDueAt index gives them; kept stable):
 * Overdue, Today, Upcoming.
 */
export function openSections(tasks: readonly Task[], now: Date): OpenSections {
  const out: OpenSections = { overdue: [], today: [], upcoming: [] };
  for (const t of tasks) {
    const state = taskState(t, now);
    if (state !== 'done') out[state].push(t);
  }
  return out;
}

/** Whether a key press on the page should open the new-task form: a bare `n`, not typed into a field. */
export function isNewTaskKey(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'>, target: EventTarget | null): boolean {
  if (e.key !== 'n' || e.ctrlKey || e.metaKey || e.altKey) return false;
  const el = target as { tagName?: string; isContentEditable?: boolean } | null;
  const tag = el?.tagName?.toUpperCase();
  return !(tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || el?.isContentEditable);
}
