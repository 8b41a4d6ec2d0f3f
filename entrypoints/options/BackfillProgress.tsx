import { useLiveQuery } from '../../components/use-live-query';
import { backfillJob } from '../../storage/backfill';
import { getDb } from '../../storage/db';

const fmt = new Intl.NumberFormat();

/** A connection's backfill while the service worker runs it (read live: it may outlast this page). */
export function BackfillProgress({ connectorId }: { connectorId: string }) {
  const job = useLiveQuery(() => backfillJob(getDb(), connectorId), [connectorId]);
  if (!job) return null;
  return (
    <p class="small muted" role="status" data-testid="connector-backfill" data-queued={job.queued}>
      Queuing what was saved before: {fmt.format(job.queued)} records so far. This goes on in the background if you close this page.
    </p>
  );
}
