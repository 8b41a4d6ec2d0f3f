// One task in the workspace's Tasks view: its people and company as links, done (or reopen), snooze,
// edit in place, delete after a confirmation (with the choice to delete it in connected CRMs too).
import { useState } from 'preact/hooks';
import { FollowUpForm, type TaskLinks } from '../../../components/FollowUpForm';
import { TaskRow } from '../../../components/TaskRow';
import { describeStorageError } from '../../../storage/errors';
import type { Task } from '../../../storage/schema';
import { type SnoozeChoice, localDateOf, localDateTime, snoozeUntil } from '../../../storage/task-schedule';
import { editTask, removeTask, setTaskDone, snoozeTask } from '../../../storage/tasks';
import { DeleteButton } from '../contact/DeletePanel';
import { recordPath } from '../routes';
import type { Named } from './task-data';
import { TaskLinksPicker } from './TaskLinks';

/** 1 hour, tomorrow morning, next week, or a date and time the user picks. */
function SnoozeMenu({ onPick, onClose }: { onPick: (choice: SnoozeChoice) => void; onClose: () => void }) {
  const [date, setDate] = useState(() => localDateOf(new Date(Date.now() + 2 * 864e5)));
  const [time, setTime] = useState('09:00');
  const picked = localDateTime(date, time);
  return (
    <div class="snooze-menu row" role="menu" data-testid="snooze-menu">
      <button type="button" role="menuitem" data-testid="snooze-hour" onClick={() => onPick('hour')}>
        In 1 hour
      </button>
      <button type="button" role="menuitem" data-testid="snooze-tomorrow" onClick={() => onPick('tomorrow')}>
        Tomorrow morning
      </button>
      <button type="button" role="menuitem" data-testid="snooze-next-week" onClick={() => onPick('next-week')}>
        Next week
      </button>
      <span class="row">
        <input
          type="date"
          aria-label="Snooze until"
          data-testid="snooze-date"
          value={date}
          onInput={(e) => setDate((e.target as HTMLInputElement).value)}
        />
        <input
          type="time"
          aria-label="At"
          data-testid="snooze-time"
          value={time}
          onInput={(e) => setTime((e.target as HTMLInputElement).value)}
        />
        <button type="button" data-testid="snooze-pick" disabled={!picked} onClick={() => picked && onPick({ at: picked })}>
          Snooze
        </button>
      </span>
      <button type="button" class="link" onClick={onClose}>
        Cancel
      </button>
    </div>
  );
}

function EditTask({ task, onClose }: { task: Task; onClose: () => void }) {
  const [links, setLinks] = useState<TaskLinks>({ contactIds: task.contactIds, companyId: task.companyId });
  return (
    <FollowUpForm
      class="ws-form task-form"
      task={task}
      links={<TaskLinksPicker value={links} onChange={setLinks} />}
      onCancel={onClose}
      onSave={async ({ fields }) => {
        await editTask(task.id, { ...fields, contactIds: links.contactIds, companyId: links.companyId ?? null });
        onClose();
      }}
    />
  );
}

export function TaskItem({
  task,
  now,
  people,
  companies,
  highlighted,
}: {
  task: Task;
  now: Date;
  people: Map<string, Named>;
  companies: Map<string, Named>;
  highlighted?: boolean;
}) {
  const [open, setOpen] = useState<'snooze' | 'edit' | null>(null);
  const [error, setError] = useState<string | undefined>();
  const act = (fn: () => Promise<unknown>) =>
    fn().then(
      () => setError(undefined),
      (e: unknown) => setError(describeStorageError(e)),
    );
  const company = task.companyId ? companies.get(task.companyId) : undefined;
  return (
    <TaskRow task={task} now={now} highlighted={highlighted}>
      {(task.contactIds.length > 0 || company) && (
        <span class="task-links-view small">
          {task.contactIds.map((id) => (
            <a key={id} href={`#${recordPath('contact', id)}`} data-testid="task-person-link">
              {people.get(id)?.name ?? 'Someone deleted'}
            </a>
          ))}
          {company && (
            <a href={`#${recordPath('company', company.id)}`} data-testid="task-company-link">
              {company.name}
            </a>
          )}
        </span>
      )}
      <span class="row task-actions">
        {task.done ? (
          <button type="button" data-testid="task-reopen" onClick={() => void act(() => setTaskDone(task.id, false))}>
            Reopen
          </button>
        ) : (
          <button type="button" data-testid="task-done" onClick={() => void act(() => setTaskDone(task.id, true))}>
            Done
          </button>
        )}
        {!task.done && (
          <button
            type="button"
            data-testid="task-snooze"
            aria-haspopup="menu"
            aria-expanded={open === 'snooze'}
            onClick={() => setOpen(open === 'snooze' ? null : 'snooze')}
          >
            Snooze
          </button>
        )}
        <button
          type="button"
          data-testid="task-edit"
          aria-expanded={open === 'edit'}
          onClick={() => setOpen(open === 'edit' ? null : 'edit')}
        >
          Edit
        </button>
        <DeleteButton
          testid="task-delete"
          what={`“${task.title}”`}
          consequences="It leaves the list and the history."
          remoteChoice="Also delete it in"
          onDelete={(archiveInCrms) => removeTask(task.id, { archiveInCrms })}
        />
      </span>
      {open === 'snooze' && (
        <SnoozeMenu
          onClose={() => setOpen(null)}
          onPick={(choice) => void act(() => snoozeTask(task.id, snoozeUntil(choice, new Date()))).then(() => setOpen(null))}
        />
      )}
      {open === 'edit' && <EditTask task={task} onClose={() => setOpen(null)} />}
      {error && (
        <p class="error small" role="alert">
          {error}
        </p>
      )}
    </TaskRow>
  );
}
