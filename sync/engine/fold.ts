// Folding the link journal (sync/link-journal.ts) into `links` during a run: while its requests
// wait for the rate limit, and all of it before the run leaves an instance.
import { foldLinkJournal } from '../link-journal';
import { errorMessage } from '../redact';
import type { ConnectorRun } from './connector-run';
import type { EngineEnv } from './env';
import type { RunState } from './state';

/** Link journal rows folded per transaction (≤ 500 links). */
const FOLD_ROWS = 5;
/** Waits for the rate limit of at least this long fold the link journal meanwhile… */
export const IDLE_FOLD_MIN_MS = 500;
/** …stopping this long before the wait ends (one fold step writes ≤ 500 links). */
export const IDLE_FOLD_MARGIN_MS = 250;

/** Folds the run's link journal, a few rows per transaction, until `until` (one fold at a time). */
export function foldWhileIdle(
  env: Pick<EngineEnv, 'db' | 'now' | 'log'>,
  state: RunState,
  run: Pick<ConnectorRun, 'inst' | 'folding'>,
  until: number,
): void {
  if (run.folding) return;
  run.folding = (async () => {
    while (env.now() < until && !state.stop) {
      const folded = await foldLinkJournal(env.db, { connectorId: run.inst.id, maxRows: FOLD_ROWS });
      if (folded === 0) break;
    }
  })()
    .catch((err: unknown) => env.log({ level: 'warn', message: `links not folded yet: ${errorMessage(err)}`, connectorId: run.inst.id }))
    .finally(() => {
      run.folding = undefined;
    });
}

/**
 * What this run journaled, into `links` (should this fail, the next run folds it first); a few
 * rows per transaction, so readers of `links` are not held up by one large write.
 */
export async function foldAll(env: Pick<EngineEnv, 'db' | 'log'>, connectorId: string): Promise<void> {
  try {
    while ((await foldLinkJournal(env.db, { connectorId, maxRows: FOLD_ROWS })) > 0);
  } catch (err) {
    env.log({ level: 'warn', message: `links not folded yet: ${errorMessage(err)}`, connectorId });
  }
}
