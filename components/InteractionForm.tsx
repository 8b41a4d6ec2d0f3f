import { useState } from 'preact/hooks';

/** Call outcomes as CRMs name them (HubSpot dispositions, Salesforce CallDisposition); free text is kept too. */
export const CALL_OUTCOMES = [
  { value: 'connected', label: 'Connected' },
  { value: 'left-voicemail', label: 'Left voicemail' },
  { value: 'no-answer', label: 'No answer' },
  { value: 'busy', label: 'Busy' },
  { value: 'wrong-number', label: 'Wrong number' },
] as const;

/** What the form hands back; writing it is the page's (storage/tasks.ts logInteraction). */
export interface LoggedInteraction {
  type: 'call' | 'meeting';
  occurredAt: string;
  durationMinutes?: number;
  outcome?: string;
  notes?: string;
  /** Meetings: who else was there, one name or address per entry. */
  attendees?: { name?: string; email?: string }[];
}

/** The local date and time of `at` as a datetime-local input shows it. */
function localInputValue(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

/** "Ann <ann@x.org>, bob@y.org, Carla" → attendees (at most 100; each entry bounded). */
export function parseAttendees(text: string): { name?: string; email?: string }[] {
  return text
    .slice(0, 10_000)
    .split(/[,;\n]/)
    .map((s) => s.trim())
    .filter(Boolean)
    .slice(0, 100)
    .map((entry) => entry.slice(0, 400))
    .map((entry) => {
      const angle = /^(.*?)<([^<>\s]+@[^<>\s]+)>$/.exec(entry);
      if (angle) return { name: angle[1].trim() || undefined, email: angle[2] };
      if (/^[^\s@]+@[^\s@]+$/.test(entry)) return { email: entry };
      return { name: entry.slice(0, 300) };
    })
    .map((a) => Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined)));
}

/**
 * Log a call (when, how long, outcome, notes) or a meeting (when, how long, who else, notes) — the
 * sidebar, the popup and the workspace. `onSave` writes it and throws to report a failure.
 */
export function InteractionForm({
  type,
  onSave,
  class: cls = 'sb-form',
}: {
  type: 'call' | 'meeting';
  onSave: (i: LoggedInteraction) => Promise<void>;
  class?: string;
}) {
  const [at, setAt] = useState(() => localInputValue(new Date()));
  const [duration, setDuration] = useState('');
  const [outcome, setOutcome] = useState<string>(type === 'call' ? 'connected' : '');
  const [attendees, setAttendees] = useState('');
  const [notes, setNotes] = useState('');
  const [error, setError] = useState<string | undefined>();
  return (
    <form
      class={cls}
      data-testid="interaction-form"
      data-type={type}
      onSubmit={(e) => {
        e.preventDefault();
        const when = new Date(at);
        if (Number.isNaN(when.getTime())) return setError('When was it? Pick a date and time.');
        const minutes = duration.trim() ? Number(duration) : undefined;
        if (minutes !== undefined && !(Number.isInteger(minutes) && minutes >= 0 && minutes <= 1440)) {
          return setError('The duration is in whole minutes, at most a day (1440).');
        }
        setError(undefined);
        void onSave({
          type,
          occurredAt: when.toISOString(),
          ...(minutes !== undefined ? { durationMinutes: minutes } : {}),
          ...(type === 'call' && outcome ? { outcome } : {}),
          ...(notes.trim() ? { notes: notes.trim() } : {}),
          ...(type === 'meeting' && attendees.trim() ? { attendees: parseAttendees(attendees) } : {}),
        });
      }}
    >
      <label class="small muted">
        {type === 'call' ? 'Call on' : 'Meeting on'}
        <input
          type="datetime-local"
          data-testid="interaction-at"
          required
          value={at}
          onInput={(e) => setAt((e.target as HTMLInputElement).value)}
        />
      </label>
      <div class="row">
        <label class="small muted">
          Minutes
          <input
            type="number"
            inputMode="numeric"
            data-testid="interaction-duration"
            value={duration}
            onInput={(e) => setDuration((e.target as HTMLInputElement).value)}
          />
        </label>
        {type === 'call' && (
          <label class="small muted">
            Outcome
            <select data-testid="interaction-outcome" value={outcome} onChange={(e) => setOutcome((e.target as HTMLSelectElement).value)}>
              {CALL_OUTCOMES.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {type === 'meeting' && (
        <label class="small muted">
          Who else was there (names or addresses, comma separated)
          <input
            data-testid="interaction-attendees"
            value={attendees}
            onInput={(e) => setAttendees((e.target as HTMLInputElement).value)}
          />
        </label>
      )}
      <textarea
        data-testid="interaction-notes"
        aria-label="Notes"
        placeholder={type === 'call' ? 'What was said' : 'What was discussed'}
        value={notes}
        onInput={(e) => setNotes((e.target as HTMLTextAreaElement).value)}
      />
      {error && (
        <p class="error small" role="alert" data-testid="field-error" data-field="interaction">
          {error}
        </p>
      )}
      <button type="submit" class="primary" data-testid="interaction-save">
        {type === 'call' ? 'Log call' : 'Log meeting'}
      </button>
    </form>
  );
}

/**
 * "Log call" and "Log meeting" buttons and the form of the one open. `onSave` writes it (throws to
 * report a failure); the form closes once it is written.
 */
export function LogInteraction({ onSave, formClass }: { onSave: (i: LoggedInteraction) => Promise<void>; formClass?: string }) {
  const [open, setOpen] = useState<'call' | 'meeting' | null>(null);
  return (
    <>
      <div class="row">
        <button
          type="button"
          data-testid="log-call"
          aria-expanded={open === 'call'}
          onClick={() => setOpen(open === 'call' ? null : 'call')}
        >
          Log call
        </button>
        <button
          type="button"
          data-testid="log-meeting"
          aria-expanded={open === 'meeting'}
          onClick={() => setOpen(open === 'meeting' ? null : 'meeting')}
        >
          Log meeting
        </button>
      </div>
      {open && (
        <InteractionForm
          key={open}
          type={open}
          class={formClass}
          onSave={(i) =>
            onSave(i).then(
              () => setOpen(null),
              () => undefined,
            )
          }
        />
      )}
    </>
  );
}
