// One run of the engine (runOnce) and when the next one is due (nextDueAt).
import Dexie from 'dexie';
import type { ConnectorRegistry } from '../../connectors/registry';
import type { RapportDB } from '../../storage/db';
import { NEVER, connectorStateKey, type ConnectorInstance } from '../../storage/sync-rows';
import { KIND_ORDER } from '../connectors';
import { foldLinkJournal } from '../link-journal';
import { DUE_INDEX } from './entries';
import { engineEnv } from './env';
import { runConnector } from './instance';
import { releaseLease, settleBatches, takeLease } from './lease';
import { pulls } from './pulling';
import { RunState } from './state';
import type { EngineOptions, RunSummary } from './types';

/**
 * One pass: for each enabled, non-paused instance, pushes every due entry in dependency order,
 * in batches of the connector's batch size, at the pace of its rate limit. Returns when nothing
 * more is due now (or the run was aborted / ran out of budget / lost its lease).
 */
export async function runOnce(db: RapportDB, registry: ConnectorRegistry, opts: EngineOptions = {}): Promise<RunSummary> {
  const env = engineEnv(db, registry, opts);
  const { now } = env;
  const state = new RunState();
  const active = (list: ConnectorInstance[]) =>
    list.filter((i) => i.enabled && !i.status.paused && (!env.connectorIds || env.connectorIds.includes(i.id)));
  // No CRM configured (most users): one read, no lease, no writes.
  if (active(await db.connectors.toArray()).length === 0) return state.summary;
  const lease = await takeLease(db, env.owner, now(), env.leaseMs);
  if (!lease.ok) {
    env.log({ level: 'debug', message: 'another engine holds the lease', data: { until: lease.until } });
    return { ...state.summary, nextDueAt: lease.until };
  }
  state.summary.ran = true;
  state.leaseUntil = lease.until;
  try {
    // Batches a previous run left in flight (it died, or lost the lease to this one).
    await db.transaction('rw', db.syncState, db.outbox, () => settleBatches(db, now(), true));
    // Links an earlier run committed without folding them (it ended, or died, first).
    await foldLinkJournal(db);
    // Read again under the lease: an instance may have been paused or removed meanwhile.
    const instances = active(await db.connectors.toArray());
    for (const inst of instances) {
      if (env.signal?.aborted) state.stop = 'aborted';
      if (state.stop) break;
      await runConnector(env, state, inst);
    }
  } finally {
    await releaseLease(db, env.owner).catch(() => undefined);
  }
  if (state.stop) state.summary.stopped = state.stop;
  state.summary.nextDueAt = await nextDueAt(db, env.connectorIds);
  const { summary } = state;
  env.log({
    level: 'info',
    message: 'sync run finished',
    data: { pushed: summary.pushed, failed: summary.failed, dead: summary.dead, requests: summary.requests, stopped: summary.stopped },
  });
  return summary;
}

/** The earliest nextAt of anything queued (or pull due) for enabled, non-paused instances. */
export async function nextDueAt(db: RapportDB, connectorIds?: string[]): Promise<number | undefined> {
  const instances = (await db.connectors.toArray()).filter(
    (i) => i.enabled && !i.status.paused && (!connectorIds || connectorIds.includes(i.id)),
  );
  let min: number | undefined;
  for (const inst of instances) {
    const kindPaused = inst.status.pausedKinds ?? {};
    if (pulls(inst) && !kindPaused.pull) {
      const at = (await db.syncState.get(connectorStateKey(inst.id)))?.nextPullAt ?? 0;
      if (min === undefined || at < min) min = at;
    }
    for (const kind of KIND_ORDER) {
      if (kindPaused[kind]) continue;
      const first = await db.outbox
        .where(DUE_INDEX)
        .between([inst.id, kind, Dexie.minKey, Dexie.minKey], [inst.id, kind, NEVER, Dexie.minKey], true, false)
        .first();
      if (first && (min === undefined || first.nextAt < min)) min = first.nextAt;
    }
  }
  return min;
}
