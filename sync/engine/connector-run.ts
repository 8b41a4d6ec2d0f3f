// What a run keeps per connector instance while it pushes and pulls for it, and the writes that
// go with it: the limiter's window, the instance's status.
import type { AnyConnector } from '../../connectors/registry';
import type { ConnectorContext, SyncKind } from '../../connectors/types';
import type { RapportDB } from '../../storage/db';
import type { ConnectorInstance, ConnectorStatus, PauseScope, SyncStateRow } from '../../storage/sync-rows';
import type { RateLimiter } from '../rate-limiter';
import type { Committer } from './committer';
import type { LinkMemo } from './memo';

export interface ConnectorRun {
  inst: ConnectorInstance;
  connector: AnyConnector;
  ctx: ConnectorContext<Record<string, unknown>>;
  limiter: RateLimiter;
  secrets: string[];
  stateRow: SyncStateRow;
  /** Set by the fetch wrapper when the next token is further away than maxWaitMs. */
  waitTooLong?: number;
  /** The access token this run got from a refresh: replaces the bearer token of requests built before it. */
  bearer?: string;
  paused?: boolean;
  /** Kinds (or the pull) refused with a 403 in this run or before it: not sent to. */
  pausedKinds: Set<PauseScope>;
  /** When the limiter's state was last written (it is written at most every LIMITER_SAVE_MS). */
  limiterSavedAt: number;
  /** Requests finished since then. */
  limiterUnsaved?: boolean;
  /** Remote ids this run wrote or read from `links` (see LinkMemo). */
  links: LinkMemo;
  /** A fold of the link journal running while requests wait for the rate limit. */
  folding?: Promise<void>;
  /** Called when a request waits for the rate limit. */
  idle?: () => void;
  /** The committer of each kind's pushed batches. */
  committer: (kind: SyncKind) => Committer;
}

/**
 * How often the rate limiter's window is written while requests go out. Writing it after every
 * request cost a read-write transaction each (a noticeable share of a sync's local time in
 * Chromium); a worker restarted within this time may send a few requests the window had already
 * counted, which the vendor answers with 429 and Retry-After, which is honoured.
 */
export const LIMITER_SAVE_MS = 1_000;

/** Writes the limiter's state alone (never the pull cursor, which moves with the pulled data). */
export async function saveLimiter(db: RapportDB, run: ConnectorRun, t: number): Promise<void> {
  run.limiterSavedAt = t;
  run.limiterUnsaved = false;
  const limiter = run.limiter.state(t);
  const key = run.stateRow.key;
  await db
    .transaction('rw', db.syncState, async () => {
      const row = await db.syncState.get(key);
      await db.syncState.put({ ...(row ?? { key }), limiter });
    })
    .catch(() => undefined);
}

export async function setStatus(db: RapportDB, id: string, patch: Partial<ConnectorStatus>): Promise<void> {
  await db.transaction('rw', db.connectors, async () => {
    const inst = await db.connectors.get(id);
    if (inst) await db.connectors.update(id, { status: { ...inst.status, ...patch } });
  });
}
