import type { ComponentChildren } from 'preact';
import type { TimelineItem } from '../storage/queries';
import type { Activity, Task } from '../storage/schema';
import { taskState } from '../storage/task-schedule';
import { formatDate, formatDue } from './format';

const LABEL: Record<string, string> = {
  email: 'Email',
  note: 'Note',
  task: 'Task',
  call: 'Call',
  meeting: 'Meeting',
  profile: 'Profile capture',
};

const OUTCOME: Record<string, string> = {
  connected: 'connected',
  'left-voicemail': 'left voicemail',
  'no-answer': 'no answer',
  busy: 'busy',
  'wrong-number': 'wrong number',
};

/** "12 min · connected" for a call, "45 min · with Ann, Bob" for a meeting. */
function interactionFacts(a: Activity): string {
  const parts: string[] = [];
  if (a.durationMinutes !== undefined) parts.push(`${a.durationMinutes} min`);
  if (a.outcome) parts.push(OUTCOME[a.outcome] ?? a.outcome);
  if (a.type === 'meeting' && a.participants?.length) {
    parts.push(
      `with ${a.participants
        .map((p) => p.name ?? p.email)
        .filter(Boolean)
        .slice(0, 10)
        .join(', ')}`,
    );
  }
  return parts.join(' · ');
}

/** A task in the history, with where it stands: done tasks stay, with when they were done. */
function TaskEntry({ task, now }: { task: Task; now: Date }) {
  const state = taskState(task, now);
  const due = task.dueAt ? `due ${formatDue(task.dueAt)}` : 'no due date';
  return (
    <li data-testid="timeline-item" data-type="task" data-state={state} class={`task-${state}`}>
      <div class="kind">
        {state === 'done'
          ? `Task done${task.completedAt ? ` · ${formatDate(task.completedAt)}` : ''} · ${due}`
          : `Follow-up · ${state === 'overdue' ? 'overdue · ' : ''}${due}`}
      </div>
      <div class="body">{task.title}</div>
    </li>
  );
}

/**
 * A person's history, newest first. Everything is rendered as text. `noteActions`: what a page that
 * may change notes puts on each note (edit, delete); it renders in place of the note's text.
 * `activityActions`: what a page that may remove entries puts under each other entry (un-log an
 * e-mail, remove a call or meeting).
 */
export function Timeline({
  items,
  noteActions,
  activityActions,
}: {
  items: TimelineItem[];
  noteActions?: (note: Activity) => ComponentChildren;
  activityActions?: (activity: Activity) => ComponentChildren;
}) {
  if (!items.length) return <p class="muted small">No history yet: emails you log, notes and tasks appear here.</p>;
  const now = new Date();
  return (
    <ul class="timeline" aria-label="History">
      {items.map((item) =>
        item.kind === 'task' ? (
          <TaskEntry key={item.task.id} task={item.task} now={now} />
        ) : (
          <li key={item.activity.id} data-testid="timeline-item" data-type={item.activity.type}>
            <div class="kind">
              {LABEL[item.activity.type] ?? item.activity.type}
              {item.activity.direction ? ` · ${item.activity.direction}` : ''} · {formatDate(item.activity.occurredAt)}
            </div>
            {item.activity.subject && item.activity.type !== 'note' && (
              <div>
                <strong>{item.activity.subject}</strong>
              </div>
            )}
            {(item.activity.type === 'call' || item.activity.type === 'meeting') && interactionFacts(item.activity) && (
              <div class="small muted" data-testid="interaction-facts">
                {interactionFacts(item.activity)}
              </div>
            )}
            {item.activity.type === 'note' && noteActions
              ? noteActions(item.activity)
              : (item.activity.type === 'note' ? item.activity.body : item.activity.snippet) && (
                  <div class="body">{item.activity.type === 'note' ? item.activity.body : item.activity.snippet}</div>
                )}
            {item.activity.type !== 'note' && activityActions?.(item.activity)}
          </li>
        ),
      )}
    </ul>
  );
}
