// A connection's sync status (counts by state, last success/error, pause): read by the popup's
// badge and the options page, apart from the engine so those pages do not load it.
import type { RapportDB } from '../storage/db';
import type { OutboxEntry, PauseScope } from '../storage/sync-rows';

export interface SyncStatus {
  /** Waiting or being pushed. */
  pending: number;
  /** Failed transiently, will be retried. */
  failed: number;
  /** Rejected by the CRM; need the user (retry after a fix, or discard). */
  dead: number;
  lastSuccessAt?: number;
  lastError?: string;
  paused: boolean;
  pausedReason?: string;
  /** Kinds (or the pull) a 403 paused, with the vendor's reason. */
  pausedKinds: { scope: PauseScope; reason: string; at: number }[];
  /** From the last connection test: what works only partly (e.g. exact de-duplication needs a scope). */
  notice?: string;
}

export async function status(db: RapportDB, connectorInstanceId: string): Promise<SyncStatus> {
  const count = (state: OutboxEntry['state']) => db.outbox.where('[connectorId+state]').equals([connectorInstanceId, state]).count();
  const [inst, pending, leased, failed, dead] = await Promise.all([
    db.connectors.get(connectorInstanceId),
    count('pending'),
    count('leased'),
    count('failed'),
    count('dead'),
  ]);
  return {
    pending: pending + leased,
    failed,
    dead,
    lastSuccessAt: inst?.status.lastSuccessAt,
    lastError: inst?.status.lastError,
    paused: !!inst?.status.paused,
    pausedReason: inst?.status.pausedReason,
    pausedKinds: Object.entries(inst?.status.pausedKinds ?? {}).map(([scope, p]) => ({
      scope: scope as PauseScope,
      reason: p.reason,
      at: p.at,
    })),
    ...(inst?.status.notice ? { notice: inst.status.notice } : {}),
  };
}
