import type { ComponentChildren } from 'preact';
import type { TimelineItem } from '../storage/queries';
import type { Activity } from '../storage/schema';
import { formatDate } from './format';

const LABEL: Record<string, string> = {
  email: 'Email',
  note: 'Note',
  task: 'Task',
  call: 'Call',
  meeting: 'Meeting',
  profile: 'Profile capture',
};

/**
 * A person's history, newest first. Everything is rendered as text. `noteActions`: what a page that
 * may change notes puts on each note (edit, delete); it renders in place of the note's text.
 */
export function Timeline({ items, noteActions }: { items: TimelineItem[]; noteActions?: (note: Activity) => ComponentChildren }) {
  if (!items.length) return <p class="muted small">No history yet: emails you log, notes and tasks appear here.</p>;
  return (
    <ul class="timeline" aria-label="History">
      {items.map((item) =>
        item.kind === 'task' ? (
          <li key={item.task.id} data-testid="timeline-item" data-type="task">
            <div class="kind">
              {item.task.done ? 'Task done' : 'Follow-up'} · {item.task.dueAt ? `due ${formatDate(item.task.dueAt)}` : 'no due date'}
            </div>
            <div class="body">{item.task.title}</div>
          </li>
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
            {item.activity.type === 'note' && noteActions
              ? noteActions(item.activity)
              : (item.activity.type === 'note' ? item.activity.body : item.activity.snippet) && (
                  <div class="body">{item.activity.type === 'note' ? item.activity.body : item.activity.snippet}</div>
                )}
          </li>
        ),
      )}
    </ul>
  );
}
