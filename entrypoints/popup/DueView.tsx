// The popup's Due tab: open tasks that are overdue or due today, each with Done and Snooze in one
// click. The task module loads after the popup's first frame (decision 0005: the popup opens on the
// read path alone); the tab's count appears once it has.
import { useEffect, useState } from 'preact/hooks';
import { TaskRow } from '../../components/TaskRow';
import { useLiveQuery } from '../../components/use-live-query';
import { describeStorageError } from '../../storage/errors';
import { getDb } from '../../storage/db';
import type { Task } from '../../storage/schema';
import { snoozeUntil } from '../../storage/task-schedule';

type TasksModule = typeof import('../../storage/tasks');
let tasksModule: Promise<TasksModule> | undefined;
const loadTasksModule = () => (tasksModule ??= import('../../storage/tasks'));

/** Rows the popup shows; the rest are a click away in the workspace's Tasks view. */
export const DUE_ROWS = 50;

export interface DueList {
  /** The earliest-due DUE_ROWS of them. */
  tasks: Task[];
  /** How many are due in all. */
  total: number;
  names: Map<string, string>;
}

/** The due list, kept current (and moved on every minute, as tasks come due); undefined until read. */
export function useDueTasks(): DueList | undefined {
  const [mod, setMod] = useState<TasksModule>();
  const [minute, setMinute] = useState(0);
  useEffect(() => {
    void loadTasksModule().then(setMod);
    const timer = setInterval(() => setMinute((m) => m + 1), 60_000);
    return () => clearInterval(timer);
  }, []);
  return useLiveQuery(async () => {
    if (!mod) return undefined;
    const now = new Date();
    // The first rows and the count from the due index: a backlog of thousands costs the popup
    // the same as a few (the count is an index count, no row is read for it).
    const [tasks, total] = await Promise.all([mod.dueTasks(now, undefined, DUE_ROWS), mod.dueCount(now)]);
    const ids = [...new Set(tasks.flatMap((t) => t.contactIds))];
    const people = ids.length ? await getDb().contacts.where('id').anyOf(ids).toArray() : [];
    return { tasks, total, names: new Map(people.map((p) => [p.id, p.name])) };
  }, [mod, minute]);
}

export function DueView({
  due,
  onOpenContact,
  onOpenTasks,
}: {
  due: DueList | undefined;
  onOpenContact: (id: string) => void;
  onOpenTasks: () => void;
}) {
  const [error, setError] = useState<string | undefined>();
  const act = (fn: (m: TasksModule) => Promise<unknown>) =>
    loadTasksModule()
      .then(fn)
      .then(
        () => setError(undefined),
        (e: unknown) => setError(describeStorageError(e)),
      );
  if (!due) return <p class="empty">Loading…</p>;
  const now = new Date();
  return (
    <div class="due-view" data-testid="due-list">
      {due.tasks.length === 0 ? (
        <p class="empty" data-testid="due-empty">
          Nothing is due today. Follow-ups you set show here on their day.
        </p>
      ) : (
        <ul class="task-list">
          {due.tasks.map((t) => (
            <TaskRow key={t.id} task={t} now={now}>
              {t.contactIds.map((id) => (
                <button key={id} type="button" class="link small" data-testid="task-person-link" onClick={() => onOpenContact(id)}>
                  {due.names.get(id) ?? 'Someone deleted'}
                </button>
              ))}
              <span class="row task-actions">
                <button type="button" class="primary" data-testid="task-done" onClick={() => void act((m) => m.setTaskDone(t.id, true))}>
                  Done
                </button>
                <button
                  type="button"
                  data-testid="task-snooze"
                  title="Snooze for an hour"
                  onClick={() => void act((m) => m.snoozeTask(t.id, snoozeUntil('hour', new Date())))}
                >
                  1 h
                </button>
                <button
                  type="button"
                  data-testid="task-snooze-tomorrow"
                  title="Snooze until tomorrow morning"
                  onClick={() => void act((m) => m.snoozeTask(t.id, snoozeUntil('tomorrow', new Date())))}
                >
                  Tomorrow
                </button>
              </span>
            </TaskRow>
          ))}
        </ul>
      )}
      {due.total > due.tasks.length && (
        <button type="button" class="link small" data-testid="due-more" onClick={onOpenTasks}>
          {(due.total - due.tasks.length).toLocaleString()} more due: open Tasks in the workspace
        </button>
      )}
      {error && (
        <p class="error small" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
