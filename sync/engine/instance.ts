// One connector instance's part of a run: its kinds in dependency order, then its pull; the
// limiter's window and the link journal settled before the run moves on.
import Dexie from 'dexie';
import type { AnyConnector } from '../../connectors/registry';
import type { ConnectorContext, SyncKind } from '../../connectors/types';
import type { RapportDB } from '../../storage/db';
import { NEVER, connectorStateKey, type ConnectorInstance, type PauseScope } from '../../storage/sync-rows';
import { KIND_ORDER, loadConnectorConfig, supportsKind } from '../connectors';
import { connectorMemory } from '../connector-memory';
import { RateLimiter } from '../rate-limiter';
import { commit } from './commit';
import { Committer } from './committer';
import { type ConnectorRun, saveLimiter, setStatus } from './connector-run';
import { DUE_INDEX } from './entries';
import type { EngineEnv } from './env';
import { foldAll } from './fold';
import { runKind } from './lane';
import { LinkMemo } from './memo';
import { pulls, runPull } from './pulling';
import type { RunState } from './state';
import { engineFetch } from './transport';

export async function runConnector(env: EngineEnv, state: RunState, inst: ConnectorInstance): Promise<void> {
  const { db } = env;
  const loaded = await loadConnectorConfig(db, env.registry, inst.id);
  if ('error' in loaded) {
    // Missing or invalid settings: nothing can be pushed until the user fixes them.
    await setStatus(db, inst.id, {
      paused: true,
      pausedReason: loaded.error,
      pausedAt: env.now(),
      lastError: loaded.error,
      lastErrorAt: env.now(),
    });
    state.summary.paused.push(inst.id);
    env.log({ level: 'warn', message: 'connector paused: settings', connectorId: inst.id });
    return;
  }
  const { connector, config, secretValues } = loaded;
  const stateRow = (await db.syncState.get(connectorStateKey(inst.id))) ?? { key: connectorStateKey(inst.id) };
  const limit = connector.rateLimitFor?.(config) ?? connector.rateLimit;
  const committers = new Map<SyncKind, Committer>();
  const run: ConnectorRun = {
    inst,
    connector,
    limiter: new RateLimiter(limit, stateRow.limiter),
    secrets: secretValues,
    stateRow,
    pausedKinds: new Set(Object.keys(inst.status.pausedKinds ?? {}) as PauseScope[]),
    limiterSavedAt: env.now(),
    links: new LinkMemo(env.linkMemoMax),
    ctx: undefined as unknown as ConnectorContext<Record<string, unknown>>,
    committer: (kind) => {
      let committer = committers.get(kind);
      if (!committer) committers.set(kind, (committer = new Committer((group) => commit(env, state, run, kind, group), env.now)));
      return committer;
    },
  };
  run.ctx = {
    config,
    fetch: engineFetch(env, state, run),
    fieldMapping: { ...connector.defaultFieldMapping, ...inst.fieldMapping },
    ...(inst.pipelineMapping ? { pipelineMapping: inst.pipelineMapping } : {}),
    memory: connectorMemory(db, inst.id),
  };

  try {
    for (const kind of inst.direction === 'pull' ? [] : KIND_ORDER) {
      if (state.stop || run.paused || run.waitTooLong !== undefined) break;
      if (!inst.kinds.includes(kind)) {
        // The user no longer syncs this kind: forget what was queued for it.
        await db.outbox.where(DUE_INDEX).between([inst.id, kind, Dexie.minKey], [inst.id, kind, Dexie.maxKey]).delete();
        continue;
      }
      if (!supportsKind(connector, kind)) {
        await killUnsupported(db, env.now(), inst, connector, kind);
        continue;
      }
      // Refused with a 403: this kind waits for the user (Resume); the others go on.
      if (run.pausedKinds.has(kind)) continue;
      await runKind(env, state, run, kind);
    }
    if (
      pulls(inst) &&
      connector.pull &&
      connector.capabilities.pull &&
      !run.pausedKinds.has('pull') &&
      !state.stop &&
      !run.paused &&
      run.waitTooLong === undefined
    )
      await runPull(env, state, run);
  } finally {
    // The window as this run leaves it, for the next run.
    if (run.limiterUnsaved) await saveLimiter(db, run, env.now());
    await run.folding;
    await foldAll(env, inst.id);
  }
  await setStatus(db, inst.id, { lastRunAt: env.now() });
}

/** Entries of a kind the connector cannot sync, due by `t`: dead, with a message saying so. */
async function killUnsupported(db: RapportDB, t: number, inst: ConnectorInstance, connector: AnyConnector, kind: SyncKind): Promise<void> {
  await db.transaction('rw', db.outbox, async () => {
    const due = await db.outbox
      .where(DUE_INDEX)
      .between([inst.id, kind, Dexie.minKey, Dexie.minKey], [inst.id, kind, t, Dexie.maxKey], true, true)
      .toArray();
    await db.outbox.bulkPut(
      due.map((e) => ({
        ...e,
        state: 'dead' as const,
        nextAt: NEVER,
        lastError: `${connector.displayName} does not sync ${kind}s`,
        lastErrorKind: 'validation' as const,
        updatedAt: t,
      })),
    );
  });
}
