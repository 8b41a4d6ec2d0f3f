import { CADENCES, cadenceLabel } from '../../../components/cadence';
import { describeStorageError } from '../../../storage/errors';
import type { Contact } from '../../../storage/schema';
import { setCadence } from '../../../storage/tasks';

/**
 * "Keep in touch": when the last two-way interaction with the person is older than this, a
 * "Reconnect with …" item appears among the due tasks (once, until they are in touch again).
 */
export function CadenceSelect({
  contact,
  onDone,
  onError,
}: {
  contact: Contact;
  onDone: (text: string) => void;
  onError: (text: string) => void;
}) {
  const current = contact.cadenceDays;
  return (
    <label class="row small">
      Keep in touch
      <select
        data-testid="cadence-select"
        value={current === undefined ? '' : String(current)}
        onChange={(e) => {
          const value = (e.target as HTMLSelectElement).value;
          const days = value ? Number(value) : undefined;
          setCadence(contact.id, days).then(
            (made) =>
              onDone(
                days === undefined
                  ? 'No keep-in-touch reminder for this person.'
                  : `Keep in touch ${cadenceLabel(days)}.${made.length ? ' It is time to reconnect: see your due tasks.' : ''}`,
              ),
            (err: unknown) => onError(describeStorageError(err)),
          );
        }}
      >
        <option value="">—</option>
        {CADENCES.map((c) => (
          <option key={c.days} value={String(c.days)}>
            {c.label}
          </option>
        ))}
        {current !== undefined && !CADENCES.some((c) => c.days === current) && (
          <option value={String(current)}>{cadenceLabel(current)}</option>
        )}
      </select>
    </label>
  );
}
