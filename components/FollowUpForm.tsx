import { useState } from 'preact/hooks';

/** The local date `days` from now, as a date input writes it (YYYY-MM-DD). */
function localDate(days: number): string {
  const d = new Date(Date.now() + days * 864e5);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** What the form hands back: the task's title, its due time (ISO) and the date as typed, for messages. */
export interface FollowUp {
  title: string;
  dueAt: string;
  date: string;
}

/**
 * A follow-up task's form (the sidebar, the popup): title, due date and time (local; 09:00 unless
 * changed). Writing the task is the page's: `onSave` does it and throws to report a failure.
 */
export function FollowUpForm({ onSave, class: cls = 'sb-form' }: { onSave: (f: FollowUp) => Promise<void>; class?: string }) {
  const [title, setTitle] = useState('Follow up');
  const [date, setDate] = useState(() => localDate(3));
  const [time, setTime] = useState('09:00');
  return (
    <form
      class={cls}
      data-testid="follow-up-form"
      onSubmit={(e) => {
        e.preventDefault();
        const due = new Date(`${date}T${time || '09:00'}:00`);
        void onSave({ title: title.trim() || 'Follow up', dueAt: (Number.isNaN(due.getTime()) ? new Date() : due).toISOString(), date });
      }}
    >
      <input
        aria-label="Task"
        data-testid="follow-up-title"
        value={title}
        onInput={(e) => setTitle((e.target as HTMLInputElement).value)}
      />
      <div class="row">
        <input
          aria-label="Due date"
          type="date"
          data-testid="follow-up-date"
          required
          value={date}
          onInput={(e) => setDate((e.target as HTMLInputElement).value)}
        />
        <input
          aria-label="Due time"
          type="time"
          data-testid="follow-up-time"
          value={time}
          onInput={(e) => setTime((e.target as HTMLInputElement).value)}
        />
      </div>
      <button type="submit" class="primary" data-testid="follow-up-save">
        Create follow-up
      </button>
    </form>
  );
}
