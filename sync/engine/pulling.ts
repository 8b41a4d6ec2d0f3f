// The pull part of a run (CRM → local): pages of changed people (and tasks, for connections that
// sync tasks) while a pull is due, each applied
// with its cursor in one transaction (sync/pull.ts).
import { ConnectorError, type ItemSyncKind, type PullResult, type RemoteItem, type RemotePipeline } from '../../connectors/types';
import { itemSyncKind } from '../../storage/item-sync';
import { ITEM_SYNC_KINDS, type ConnectorInstance, type PipelineMapping } from '../../storage/sync-rows';
import { pauseConnector, pauseKind, supportsKind } from '../connectors';
import { withDefaults } from '../pipeline-mapping';
import { PULL_INTERVAL_MS, PULL_PAGES_PER_RUN, applyPullPage } from '../pull';
import { errorMessage, redact } from '../redact';
import { type ConnectorRun, setStatus } from './connector-run';
import type { EngineEnv } from './env';
import { ensureLease } from './lease';
import { type RunState, checkStop } from './state';

/** Whether an instance pulls people from its CRM (direction pull or both, contacts synced). */
export function pulls(inst: ConnectorInstance): boolean {
  return inst.direction !== 'push' && inst.kinds.includes('contact');
}

/**
 * Reads the CRM's pipelines for the kinds of pulled items not read yet in this run (into `remotes`),
 * and returns the connection's pipeline map with defaults (by name, against those pipelines) for the
 * local pipelines the user has not mapped: the defaults the connector pushed them with. Without the
 * CRM's pipelines (not readable) the map stays as it is and unmapped CRM stages are not placed.
 */
async function pipelinesFor(
  env: EngineEnv,
  run: ConnectorRun,
  items: RemoteItem[],
  remotes: RemotePipelines,
): Promise<PipelineMapping | undefined> {
  for (const kind of new Set(items.map((i) => i.kind)))
    if (!(kind in remotes)) remotes[kind] = (await run.connector.listPipelines?.(run.ctx, kind).catch(() => undefined)) ?? [];
  const pipelines = await env.db.pipelines.toArray();
  let out = run.inst.pipelineMapping;
  for (const [kind, theirs] of Object.entries(remotes) as [ItemSyncKind, RemotePipeline[]][])
    if (theirs.length)
      out = withDefaults(
        pipelines.filter((p) => itemSyncKind(p.kind) === kind),
        theirs,
        out,
      );
  return out;
}

/** The CRM's pipelines per item kind, read at most once per run. */
type RemotePipelines = Partial<Record<ItemSyncKind, RemotePipeline[]>>;

/** Pulls pages of changed people while due, saving the cursor with each page (sync/pull.ts). */
export async function runPull(env: EngineEnv, state: RunState, run: ConnectorRun): Promise<void> {
  const { db } = env;
  if ((run.stateRow.nextPullAt ?? 0) > env.now()) return;
  const cid = run.inst.id;
  // Pipeline items come back for the kinds this connection syncs (both ways: pulls() holds).
  const itemKinds = ITEM_SYNC_KINDS.filter((k) => run.inst.kinds.includes(k) && supportsKind(run.connector, k));
  let mapping = run.inst.pipelineMapping;
  const remotes: RemotePipelines = {};
  for (let page = 0; page < PULL_PAGES_PER_RUN; page++) {
    if (checkStop(env, state) || !(await ensureLease(env, state))) return;
    let result: PullResult;
    try {
      result = await run.connector.pull!(run.ctx, run.stateRow.pullCursor, {
        tasks: run.inst.kinds.includes('task'),
        ...(itemKinds.length ? { items: itemKinds } : {}),
      });
      if (result.items?.length) mapping = await pipelinesFor(env, run, result.items, remotes);
    } catch (err) {
      if (env.signal?.aborted || state.stop) return;
      const error = err instanceof ConnectorError ? err : new ConnectorError(errorMessage(err), 'transient');
      const message = redact(`pull: ${error.message}${error.status ? ` (HTTP ${error.status})` : ''}`, run.secrets);
      if (error.kind === 'auth' && error.status === 403) {
        // May not read people (a missing scope): only the pull waits for the user.
        await pauseKind(db, cid, 'pull', message, env.now());
        run.pausedKinds.add('pull');
        state.summary.pausedKinds.push(`${cid}:pull`);
      } else if (error.kind === 'auth') {
        await pauseConnector(db, cid, message, env.now());
        run.paused = true;
        state.summary.paused.push(cid);
      } else {
        // Try again later; the cursor has not moved, so nothing is skipped.
        const wait = error.kind === 'rate-limit' ? (error.retryAfterMs ?? 60_000) : 60_000;
        const nextPullAt = env.now() + wait;
        run.stateRow = { ...run.stateRow, nextPullAt };
        // Read again: the row also holds what others wrote since the run began (limiter, connector memory).
        await db.transaction('rw', db.syncState, async () => {
          const row = (await db.syncState.get(run.stateRow.key)) ?? { key: run.stateRow.key };
          await db.syncState.put({ ...row, nextPullAt });
        });
        await setStatus(db, cid, { lastError: message, lastErrorAt: env.now() });
      }
      env.log({ level: 'warn', message, connectorId: cid });
      return;
    }
    const complete = !result.more;
    const t = env.now();
    run.stateRow = { ...run.stateRow, pullCursor: result.cursor, lastPullAt: t, ...(complete ? { nextPullAt: t + PULL_INTERVAL_MS } : {}) };
    const stateRow = run.stateRow;
    const s = await applyPullPage(db, cid, result, stateRow.key, (row) => ({ ...row, ...stateRow }), t, mapping, remotes);
    state.summary.pulled +=
      s.created + s.merged + (s.tasks ? s.tasks.created + s.tasks.updated : 0) + (s.items ? s.items.moved + s.items.updated : 0);
    const { tasks, items, ...people } = s;
    const taskCounts = tasks ? { tasksCreated: tasks.created, tasksUpdated: tasks.updated, tasksSkipped: tasks.skipped } : {};
    const itemCounts = items ? { itemsMoved: items.moved, itemsUpdated: items.updated } : {};
    env.log({
      level: 'debug',
      message: 'pull page',
      connectorId: cid,
      data: { ...people, ...taskCounts, ...itemCounts, more: result.more },
    });
    if (complete) return;
  }
}
