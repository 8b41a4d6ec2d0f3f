import type { ComponentChildren } from 'preact';
import type { Task } from '../storage/schema';
import { type TaskState, taskState } from '../storage/task-schedule';
import { formatDue } from './format';

const STATE_LABEL: Record<TaskState, string> = { overdue: 'Overdue', today: 'Today', upcoming: 'Upcoming', done: 'Done' };

/**
 * One task as every list shows it (workspace Tasks, the popup's Due tab, a card's open follow-ups):
 * its title, due time, priority and state, overdue ones highlighted. `children`: the page's links and
 * actions. The `task-item` contract: `data-id`, `data-state`, `data-due` (ISO).
 */
export function TaskRow({
  task,
  now,
  children,
  highlighted,
  as: Tag = 'li',
}: {
  task: Task;
  now: Date;
  children?: ComponentChildren;
  highlighted?: boolean;
  as?: 'li' | 'div';
}) {
  const state = taskState(task, now);
  return (
    <Tag
      data-testid="task-item"
      data-id={task.id}
      data-state={state}
      data-due={task.dueAt ?? ''}
      data-highlighted={highlighted ? 'true' : undefined}
      class={`task-row task-${state}${highlighted ? ' task-highlighted' : ''}`}
    >
      <div class="task-main">
        <span class="task-title" dir="auto">
          {task.title}
        </span>
        {task.priority && task.priority !== 'normal' && (
          <span class={`chip task-priority-${task.priority}`} data-testid="task-priority" data-priority={task.priority}>
            {task.priority === 'high' ? 'High' : 'Low'}
          </span>
        )}
        <span class="task-due small" title={STATE_LABEL[state]}>
          {state === 'overdue' ? 'Overdue · ' : ''}
          {task.dueAt ? formatDue(task.dueAt) : 'No due date'}
          {task.done && task.completedAt ? ` · done ${formatDue(task.completedAt)}` : ''}
        </span>
      </div>
      {children}
    </Tag>
  );
}

/**
 * A person's open follow-ups with Done in one click (sidebar cards, the contact page). Writing is the
 * page's (`onDone`); nothing shows when there are none.
 */
export function OpenFollowUps({ tasks, onDone }: { tasks: readonly Task[] | undefined; onDone: (id: string) => Promise<unknown> }) {
  if (!tasks?.length) return null;
  const now = new Date();
  return (
    <div class="open-follow-ups" data-testid="open-follow-ups">
      <strong class="small">Open follow-ups</strong>
      <ul class="task-list">
        {tasks.map((t) => (
          <TaskRow key={t.id} task={t} now={now}>
            <button type="button" class="small" data-testid="task-done" onClick={() => void onDone(t.id)}>
              Done
            </button>
          </TaskRow>
        ))}
      </ul>
    </div>
  );
}
