import { useState } from 'preact/hooks';
import { useLiveQuery } from '../../../components/use-live-query';
import { getDb } from '../../../storage/db';
import type { DeleteResult } from '../../../storage/delete';
import { describeStorageError } from '../../../storage/errors';

/**
 * Delete, after a confirmation that says what goes; with a CRM connected, the choice to archive the
 * record there too (through the outbox, like every other change).
 */
export function DeleteButton({
  what,
  consequences,
  onDelete,
  testid = 'contact-delete',
  label = 'Delete',
  remoteChoice = 'Also archive it in',
}: {
  what: string;
  consequences: string;
  onDelete: (archiveInCrms: boolean) => Promise<DeleteResult>;
  testid?: string;
  /** The button's text, and the question's verb ("Delete …?", "Remove …?"). */
  label?: string;
  remoteChoice?: string;
}) {
  const [asking, setAsking] = useState(false);
  const [archive, setArchive] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const crms = useLiveQuery(async () => (await getDb().connectors.toArray()).filter((c) => c.enabled && c.direction !== 'pull'), []) ?? [];
  if (!asking) {
    return (
      <button type="button" class="danger" data-testid={testid} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <div class="ws-confirm" role="alertdialog" aria-labelledby="delete-question" data-testid="delete-confirmation">
      <p id="delete-question">
        <strong>
          {label.split(' ')[0]} {what}?
        </strong>{' '}
        {consequences}
      </p>
      {crms.length > 0 && (
        <label class="row small">
          <input
            type="checkbox"
            data-testid="delete-archive"
            checked={archive}
            onChange={(e) => setArchive((e.target as HTMLInputElement).checked)}
          />
          {remoteChoice} {crms.map((c) => c.name).join(', ')}
        </label>
      )}
      <div class="row">
        <button
          type="button"
          class="danger"
          data-testid="delete-confirm"
          onClick={() => void onDelete(archive).catch((e: unknown) => setError(describeStorageError(e)))}
        >
          {label.split(' ')[0]}
        </button>
        <button type="button" onClick={() => setAsking(false)} autoFocus>
          Keep
        </button>
      </div>
      {error && (
        <p class="error small" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** What a page shows once its record is deleted: where the CRMs still hold it. */
export function Deleted({ what, result, back, backLabel }: { what: string; result: DeleteResult; back: string; backLabel: string }) {
  return (
    <section class="ws-page" data-testid="record-deleted">
      <p role="status">{what} was deleted.</p>
      {result.keptRemotely.length > 0 && (
        <p class="muted">Still in {result.keptRemotely.map((k) => k.name).join(', ')}: delete it there if it should go.</p>
      )}
      <a href={`#${back}`}>{backLabel}</a>
    </section>
  );
}
