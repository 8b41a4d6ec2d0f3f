import { getDb } from '../storage/db';
import { status } from '../sync/status';
import { useLiveQuery } from './use-live-query';

const fmtTime = (ms?: number) => (ms ? new Date(ms).toLocaleString() : 'never');

/** Pending and failed counts and the last successful sync, over all CRM connections; kept current. */
export function SyncBadge() {
  const sum = useLiveQuery(async () => {
    const db = getDb();
    const ids = (await db.connectors.toCollection().primaryKeys()) as string[];
    const all = await Promise.all(ids.map((id) => status(db, id)));
    return {
      connections: ids.length,
      pending: all.reduce((s, x) => s + x.pending, 0),
      failed: all.reduce((s, x) => s + x.failed + x.dead, 0),
      paused: all.filter((x) => x.paused).length,
      last: Math.max(0, ...all.map((x) => x.lastSuccessAt ?? 0)) || undefined,
    };
  }, []);
  if (!sum) return null;
  if (!sum.connections) {
    return (
      <p class="small muted sync-status" data-testid="sync-status" data-pending="0" data-failed="0">
        No CRM connected: nothing to sync.
      </p>
    );
  }
  return (
    <p
      class={'small sync-status' + (sum.failed || sum.paused ? ' error' : '')}
      data-testid="sync-status"
      data-pending={sum.pending}
      data-failed={sum.failed}
    >
      Sync: {sum.pending} pending · {sum.failed} failed
      {sum.paused ? ` · ${sum.paused} connection${sum.paused > 1 ? 's' : ''} need reconnecting` : ''} · last sync {fmtTime(sum.last)}
    </p>
  );
}
