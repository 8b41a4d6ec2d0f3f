import { deleteActivity } from '../../../storage/delete';
import type { Activity } from '../../../storage/schema';
import { DeleteButton } from './DeletePanel';

const WHAT: Record<string, string> = { email: 'this e-mail', call: 'this call', meeting: 'this meeting', profile: 'this profile capture' };

/**
 * Un-log an entry of the history: an e-mail logged by mistake (or by a rule), a call or meeting.
 * With a CRM connected, the choice to remove it there too (through the outbox; a CRM that cannot
 * says so in the sync status).
 */
export function ActivityActions({ activity }: { activity: Activity }) {
  return (
    <div class="row small ws-activity-actions">
      <DeleteButton
        what={WHAT[activity.type] ?? 'this entry'}
        consequences={
          activity.type === 'email'
            ? 'It leaves the history of everyone it was logged to; the mail itself stays in your mailbox.'
            : 'It leaves the history of everyone it was logged to.'
        }
        testid="activity-remove"
        label="Remove from history"
        remoteChoice="Also remove it from"
        onDelete={(archiveInCrms) => deleteActivity(activity.id, undefined, { archiveRemote: archiveInCrms })}
      />
    </div>
  );
}
