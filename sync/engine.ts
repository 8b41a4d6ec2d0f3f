// The sync engine: outbox → connectors → CRMs. It runs in the background service worker and
// assumes it can be killed at any instruction (DESIGN principle 4):
// - all state is in IndexedDB: the engine lease, entry leases, attempt counters, the limiter;
// - an entry is deleted only in the transaction that records its remote id in `links`, so a crash
//   after the remote write and before that commit leaves the entry leased; its lease expires, it
//   is pushed again, and the connector's idempotent push (native upsert, or look-up by a stable
//   key then create) finds the record instead of creating a second one.
import Dexie, { type Table } from 'dexie';
import { parseRetryAfter } from '../connectors/http';
import type { AnyConnector, ConnectorRegistry } from '../connectors/registry';
import { ConnectorError, type ConnectorContext, type LinkedIds, type PullResult, type PushItem, type PushOutcome, type PushRecord, type SyncKind } from '../connectors/types';
import type { RapportDB } from '../storage/db';
import { deleteInRuns, getManyInCompoundRange, getManyInRange } from '../storage/key-ranges';
import { publicRecord } from '../storage/records';
import type { Activity, Company, Contact, Deal, Task } from '../storage/schema';
import { backoffDelay } from './backoff';
import { KIND_ORDER, loadConnectorConfig, pauseConnector, saveConnectorInstance, supportsKind } from './connectors';
import {
  BATCH_PREFIX,
  ENGINE_KEY,
  NEVER,
  connectorStateKey,
  type ConnectorInstance,
  type ConnectorStatus,
  type LinkRow,
  type OutboxEntry,
  type SyncStateRow,
} from '../storage/sync-rows';
import { foldLinkJournal, linkJournalKey } from './link-journal';
import { activityKind, entryKey } from '../storage/outbox';
import { PULL_INTERVAL_MS, PULL_PAGES_PER_RUN, applyPullPage } from './pull';
import { RateLimiter } from './rate-limiter';
import { errorMessage, redact } from './redact';

export type SyncLogLevel = 'debug' | 'info' | 'warn' | 'error';
/** Log events carry counts, ids and vendor messages (redacted), never configs or record contents. */
export interface SyncLogEvent {
  level: SyncLogLevel;
  message: string;
  connectorId?: string;
  data?: Record<string, string | number | boolean | undefined>;
}

export interface CommitInfo {
  connectorId: string;
  kind: SyncKind;
  outcomes: PushOutcome[];
}

export interface EngineOptions {
  /** The clock (ms). Tests inject one to honour Retry-After and backoff logically. */
  now?: () => number;
  /** Waits (rate limiter). Default: a real, abortable timer. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** The network. Default: globalThis.fetch. */
  fetch?: typeof fetch;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
  /** Stops the run (the worker is going away); leased entries are released when possible. */
  signal?: AbortSignal;
  /** Jitter source for backoff (default Math.random). */
  random?: () => number;
  /** Who holds the lease (default: a random id per call). */
  owner?: string;
  /** Engine and entry lease duration (default 60 s), renewed while requests are made. */
  leaseMs?: number;
  /** Longest wait for rate-limit tokens inside a run; longer waits end the run for that connector (default 30 s). */
  maxWaitMs?: number;
  /**
   * At most this many batches of one kind in flight at once per connector instance (default: the
   * connector's `maxInFlight`, else 4). With real network latency one batch at a time could not
   * reach the vendor's limit.
   */
  maxInFlight?: number;
  /** Starts no new batch after this long (default: no limit). */
  budgetMs?: number;
  /**
   * Remote ids a run remembers per instance (default 50,000: a few MB). Past it the oldest are
   * forgotten and read again from `links`, after the run's link journal is folded.
   */
  linkMemoMax?: number;
  /** Only these connector instances. */
  connectorIds?: string[];
  log?: (event: SyncLogEvent) => void;
  /** Test hooks. `inCommit` runs inside each commit transaction: throwing there is a crash between the remote write and the local commit. */
  hooks?: { inCommit?: (info: CommitInfo) => void };
}

export interface RunSummary {
  /** False when another engine holds the lease, or no instance is active (nothing to do). */
  ran: boolean;
  stopped?: 'aborted' | 'lease-lost' | 'budget';
  /** Records pushed successfully (entries deleted, or re-queued because they changed meanwhile). */
  pushed: number;
  /** Entries that failed and will be retried. */
  failed: number;
  /** Entries dead-lettered in this run. */
  dead: number;
  /** HTTP requests made. */
  requests: number;
  /** 429 responses seen. */
  rateLimited: number;
  /** Connector instances paused in this run (auth). */
  paused: string[];
  /** People created or completed locally by pulls from CRMs in this run. */
  pulled: number;
  /** When something is next due (for the alarm), if anything is queued. */
  nextDueAt?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_LEASE_MS = 60_000;
const DEFAULT_MAX_WAIT_MS = 30_000;
const DEFAULT_MAX_IN_FLIGHT = 4;
/** A deferred item (its contacts/companies are still queued) is looked at again no sooner than this. */
const DEFER_MS = 1_000;

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new DOMException('aborted', 'AbortError'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason ?? new DOMException('aborted', 'AbortError'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function anySignal(signals: AbortSignal[]): AbortSignal {
  const native = (AbortSignal as unknown as { any?: (s: AbortSignal[]) => AbortSignal }).any;
  if (native) return native.call(AbortSignal, signals);
  const c = new AbortController();
  for (const s of signals) {
    if (s.aborted) {
      c.abort(s.reason);
      break;
    }
    s.addEventListener('abort', () => c.abort(s.reason), { once: true });
  }
  return c.signal;
}

function randomOwner(): string {
  const b = crypto.getRandomValues(new Uint8Array(8));
  return `eng_${Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')}`;
}

interface Ctx {
  db: RapportDB;
  registry: ConnectorRegistry;
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  fetch: typeof fetch;
  timeoutMs: number;
  signal?: AbortSignal;
  random: () => number;
  owner: string;
  leaseMs: number;
  maxWaitMs: number;
  maxInFlight?: number;
  linkMemoMax?: number;
  deadline: number;
  log: (event: SyncLogEvent) => void;
  hooks: EngineOptions['hooks'];
  summary: RunSummary;
  stop?: RunSummary['stopped'];
  /** Until when this engine's lease is known to hold. */
  leaseUntil: number;
  /** Batches leased by this run so far (names its batch rows). */
  batches: number;
  /** Link journal rows written by this run so far. */
  journals: number;
}

// ------------------------------------------------------------------ the engine lease

/** Takes (or renews) the engine lease; false when another live engine holds it. */
async function takeLease(db: RapportDB, owner: string, now: number, leaseMs: number): Promise<{ ok: boolean; until: number }> {
  return db.transaction('rw', db.syncState, async () => {
    const row = await db.syncState.get(ENGINE_KEY);
    const lease = row?.lease;
    if (lease && lease.owner !== owner && lease.until > now) return { ok: false, until: lease.until };
    const until = now + leaseMs;
    await db.syncState.put({ ...row, key: ENGINE_KEY, lease: { owner, until } });
    return { ok: true, until };
  });
}

async function releaseLease(db: RapportDB, owner: string): Promise<void> {
  await db.transaction('rw', db.syncState, async () => {
    const row = await db.syncState.get(ENGINE_KEY);
    if (row?.lease?.owner === owner) await db.syncState.put({ key: ENGINE_KEY });
  });
}

/** Renews the engine lease once half of it is used up; false (and stop) when it was lost. */
async function ensureLease(c: Ctx): Promise<boolean> {
  const t = c.now();
  if (c.leaseUntil - t >= c.leaseMs / 2) return true;
  const lease = await takeLease(c.db, c.owner, t, c.leaseMs);
  if (!lease.ok) {
    c.stop = 'lease-lost';
    c.log({ level: 'warn', message: 'another sync engine took over the lease' });
    return false;
  }
  c.leaseUntil = lease.until;
  return true;
}

/**
 * At service-worker start-up: a browser runs one worker at a time, so any engine lease found then
 * belongs to a killed instance. Frees it and the entries it held (through the state index: no scan
 * of the whole outbox), instead of waiting for the leases to expire.
 */
export async function releaseDeadLeases(db: RapportDB, now: number = Date.now()): Promise<number> {
  return db.transaction('rw', db.syncState, db.outbox, db.connectors, async () => {
    const row = await db.syncState.get(ENGINE_KEY);
    if (row?.lease) await db.syncState.put({ key: ENGINE_KEY });
    let n = await settleBatches(db, now, false);
    // Entries leased one by one (before batch leases; a database upgraded mid-sync).
    for (const id of await db.connectors.toCollection().primaryKeys()) {
      n += await db.outbox
        .where('[connectorId+state]')
        .equals([id, 'leased'])
        .modify((e) => {
          Object.assign(e, release(e, now, now));
          delete e.leaseOwner;
          delete e.leaseUntil;
        });
    }
    return n;
  });
}

/**
 * Settles the batch leases left by runs that ended without committing them (killed, or lost the
 * engine lease): their entries lose `fresh` — the request may have created the record remotely, so
 * the next push looks it up first — and, with `waitForExpiry`, are not due before the lease's end
 * (a run that lost its lease may still be waiting for an answer). Runs in the caller's transaction
 * (outbox + syncState); returns how many entries were in those batches.
 */
async function settleBatches(db: RapportDB, now: number, waitForExpiry: boolean): Promise<number> {
  const rows = await db.syncState.where('key').between(BATCH_PREFIX, `${BATCH_PREFIX}\uffff`).toArray();
  let n = 0;
  for (const row of rows) {
    const batch = row.batch;
    if (batch) {
      const ids = batch.localIds?.map((l) => entryKey(batch.connectorId, batch.kind, l)) ?? batch.entries?.map(([id]) => id) ?? [];
      const entries = await db.outbox.bulkGet(ids);
      const settled = entries
        .filter((e): e is OutboxEntry => !!e)
        .map((e) => {
          const { fresh: _f, ...rest } = e;
          return waitForExpiry && batch.until > now ? { ...rest, nextAt: Math.max(e.nextAt, batch.until) } : rest;
        });
      await db.outbox.bulkPut(settled);
      n += ids.length;
    }
    await db.syncState.delete(row.key);
  }
  return n;
}

/** Who holds the engine lease now (for status displays and tests). */
export async function engineLease(db: RapportDB): Promise<SyncStateRow['lease']> {
  return (await db.syncState.get(ENGINE_KEY))?.lease;
}

// ------------------------------------------------------------------ runOnce

/**
 * One pass: for each enabled, non-paused instance, pushes every due entry in dependency order,
 * in batches of the connector's batch size, at the pace of its rate limit. Returns when nothing
 * more is due now (or the run was aborted / ran out of budget / lost its lease).
 */
export async function runOnce(db: RapportDB, registry: ConnectorRegistry, opts: EngineOptions = {}): Promise<RunSummary> {
  const now = opts.now ?? Date.now;
  const c: Ctx = {
    db,
    registry,
    now,
    sleep: opts.sleep ?? abortableSleep,
    fetch: opts.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    signal: opts.signal,
    random: opts.random ?? Math.random,
    owner: opts.owner ?? randomOwner(),
    leaseMs: opts.leaseMs ?? DEFAULT_LEASE_MS,
    maxWaitMs: opts.maxWaitMs ?? DEFAULT_MAX_WAIT_MS,
    maxInFlight: opts.maxInFlight,
    linkMemoMax: opts.linkMemoMax,
    deadline: opts.budgetMs === undefined ? Infinity : now() + opts.budgetMs,
    log: opts.log ?? (() => undefined),
    hooks: opts.hooks,
    summary: { ran: false, pushed: 0, failed: 0, dead: 0, requests: 0, rateLimited: 0, paused: [], pulled: 0 },
    leaseUntil: 0,
    batches: 0,
    journals: 0,
  };
  const active = (list: ConnectorInstance[]) =>
    list.filter((i) => i.enabled && !i.status.paused && (!opts.connectorIds || opts.connectorIds.includes(i.id)));
  // No CRM configured (most users): one read, no lease, no writes.
  if (active(await db.connectors.toArray()).length === 0) return c.summary;
  const lease = await takeLease(db, c.owner, now(), c.leaseMs);
  if (!lease.ok) {
    c.log({ level: 'debug', message: 'another engine holds the lease', data: { until: lease.until } });
    return { ...c.summary, nextDueAt: lease.until };
  }
  c.summary.ran = true;
  c.leaseUntil = lease.until;
  try {
    // Batches a previous run left in flight (it died, or lost the lease to this one).
    await db.transaction('rw', db.syncState, db.outbox, () => settleBatches(db, now(), true));
    // Links an earlier run committed without folding them (it ended, or died, first).
    await foldLinkJournal(db);
    // Read again under the lease: an instance may have been paused or removed meanwhile.
    const instances = active(await db.connectors.toArray());
    for (const inst of instances) {
      if (c.signal?.aborted) c.stop = 'aborted';
      if (c.stop) break;
      await runConnector(c, inst);
    }
  } finally {
    await releaseLease(db, c.owner).catch(() => undefined);
  }
  if (c.stop) c.summary.stopped = c.stop;
  c.summary.nextDueAt = await nextDueAt(db, opts.connectorIds);
  c.log({
    level: 'info',
    message: 'sync run finished',
    data: { pushed: c.summary.pushed, failed: c.summary.failed, dead: c.summary.dead, requests: c.summary.requests, stopped: c.summary.stopped },
  });
  return c.summary;
}

/** The earliest nextAt of anything queued (or pull due) for enabled, non-paused instances. */
export async function nextDueAt(db: RapportDB, connectorIds?: string[]): Promise<number | undefined> {
  const instances = (await db.connectors.toArray()).filter((i) => i.enabled && !i.status.paused && (!connectorIds || connectorIds.includes(i.id)));
  let min: number | undefined;
  for (const inst of instances) {
    if (pulls(inst)) {
      const at = (await db.syncState.get(connectorStateKey(inst.id)))?.nextPullAt ?? 0;
      if (min === undefined || at < min) min = at;
    }
    for (const kind of KIND_ORDER) {
      const first = await db.outbox.where(DUE_INDEX).between([inst.id, kind, Dexie.minKey, Dexie.minKey], [inst.id, kind, NEVER, Dexie.minKey], true, false).first();
      if (first && (min === undefined || first.nextAt < min)) min = first.nextAt;
    }
  }
  return min;
}

// ------------------------------------------------------------------ one connector instance

interface ConnectorRun {
  inst: ConnectorInstance;
  connector: AnyConnector;
  ctx: ConnectorContext<Record<string, unknown>>;
  limiter: RateLimiter;
  secrets: string[];
  stateRow: SyncStateRow;
  /** Set by the fetch wrapper when the next token is further away than maxWaitMs. */
  waitTooLong?: number;
  /** An OAuth token refresh was attempted in this run (at most one). */
  refreshTried?: boolean;
  /** The refreshed access token: replaces the bearer token of requests built before the refresh. */
  bearer?: string;
  paused?: boolean;
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
 * The remote ids of contacts and companies as this run knows them, so that a batch of emails
 * need not read the link of every contact it names: on a first sync the contacts were pushed a
 * moment before, by this run, which wrote those links. Only this engine writes links of its
 * instance while it holds the lease (the pull keeps existing links and runs after the pushes),
 * and commit updates the memo with every link it writes or drops, so a remembered id — or a
 * remembered absence — is what is stored. Bounded: the oldest are forgotten past MAX (then read
 * again).
 */
class LinkMemo {
  constructor(private readonly max = 50_000) {}
  private readonly ids = new Map<string, string>();
  /** Some id was forgotten: it may be in a journal row not folded yet, so `links` alone is not the truth. */
  evicted = false;
  /** Looked for and not found (a contact's company that is not synced has no link, batch after batch). */
  private readonly absent = new Set<string>();
  get(kind: SyncKind, localId: string): string | undefined {
    return this.ids.get(`${kind}|${localId}`);
  }
  /** Known to have no link (until this run writes one). */
  isAbsent(kind: SyncKind, localId: string): boolean {
    return this.absent.has(`${kind}|${localId}`);
  }
  set(kind: SyncKind, localId: string, remoteId: string): void {
    const key = `${kind}|${localId}`;
    this.absent.delete(key);
    this.ids.delete(key);
    this.ids.set(key, remoteId);
    if (this.ids.size > this.max) {
      this.ids.delete(this.ids.keys().next().value as string);
      this.evicted = true;
    }
  }
  setAbsent(kind: SyncKind, localId: string): void {
    const key = `${kind}|${localId}`;
    this.ids.delete(key);
    this.absent.add(key);
    if (this.absent.size > this.max) this.absent.delete(this.absent.values().next().value as string);
  }
  forget(kind: SyncKind, localId: string): void {
    this.ids.delete(`${kind}|${localId}`);
    this.absent.delete(`${kind}|${localId}`);
  }
}

/**
 * How often the rate limiter's window is written while requests go out. Writing it after every
 * request cost a read-write transaction each (measured: a tenth of a sync's local time in
 * Chromium); a worker restarted within this time may send a few requests the window had already
 * counted, which the vendor answers with 429 and Retry-After, which is honoured.
 */
const LIMITER_SAVE_MS = 1_000;

/** Writes the limiter's state alone (never the pull cursor, which moves with the pulled data). */
async function saveLimiter(c: Ctx, run: ConnectorRun, t: number): Promise<void> {
  run.limiterSavedAt = t;
  run.limiterUnsaved = false;
  const limiter = run.limiter.state(t);
  const key = run.stateRow.key;
  await c.db
    .transaction('rw', c.db.syncState, async () => {
      const row = await c.db.syncState.get(key);
      await c.db.syncState.put({ ...(row ?? { key }), limiter });
    })
    .catch(() => undefined);
}

async function setStatus(c: Ctx, id: string, patch: Partial<ConnectorStatus>): Promise<void> {
  await c.db.transaction('rw', c.db.connectors, async () => {
    const inst = await c.db.connectors.get(id);
    if (inst) await c.db.connectors.update(id, { status: { ...inst.status, ...patch } });
  });
}

async function runConnector(c: Ctx, inst: ConnectorInstance): Promise<void> {
  const loaded = await loadConnectorConfig(c.db, c.registry, inst.id);
  if ('error' in loaded) {
    // Missing or invalid settings: nothing can be pushed until the user fixes them.
    await setStatus(c, inst.id, { paused: true, pausedReason: loaded.error, pausedAt: c.now(), lastError: loaded.error, lastErrorAt: c.now() });
    c.summary.paused.push(inst.id);
    c.log({ level: 'warn', message: 'connector paused: settings', connectorId: inst.id });
    return;
  }
  const { connector, config, secretValues } = loaded;
  const stateRow = (await c.db.syncState.get(connectorStateKey(inst.id))) ?? { key: connectorStateKey(inst.id) };
  const limit = connector.rateLimitFor?.(config) ?? connector.rateLimit;
  const committers = new Map<SyncKind, Committer>();
  const run: ConnectorRun = {
    inst,
    connector,
    limiter: new RateLimiter(limit, stateRow.limiter),
    secrets: secretValues,
    stateRow,
    limiterSavedAt: c.now(),
    links: new LinkMemo(c.linkMemoMax),
    ctx: undefined as unknown as ConnectorContext<Record<string, unknown>>,
    committer: (kind) => {
      let committer = committers.get(kind);
      if (!committer) committers.set(kind, (committer = new Committer((group) => commit(c, run, kind, group), c.now)));
      return committer;
    },
  };
  run.ctx = { config, fetch: engineFetch(c, run), fieldMapping: { ...connector.defaultFieldMapping, ...inst.fieldMapping } };

  try {
    for (const kind of inst.direction === 'pull' ? [] : KIND_ORDER) {
      if (c.stop || run.paused || run.waitTooLong !== undefined) break;
      if (!inst.kinds.includes(kind)) {
        // The user no longer syncs this kind: forget what was queued for it.
        await c.db.outbox.where(DUE_INDEX).between([inst.id, kind, Dexie.minKey], [inst.id, kind, Dexie.maxKey]).delete();
        continue;
      }
      if (!supportsKind(connector, kind)) {
        await killUnsupported(c, inst, connector, kind);
        continue;
      }
      await runKind(c, run, kind);
    }
    if (pulls(inst) && connector.pull && connector.capabilities.pull && !c.stop && !run.paused && run.waitTooLong === undefined) await runPull(c, run);
  } finally {
    // The window as this run leaves it, for the next run.
    if (run.limiterUnsaved) await saveLimiter(c, run, c.now());
    await run.folding;
    // What this run journaled, into `links` (should this fail, the next run folds it first); a few
    // rows per transaction, so readers of `links` are not held up by one large write.
    try {
      while ((await foldLinkJournal(c.db, { connectorId: inst.id, maxRows: FOLD_ROWS })) > 0);
    } catch (err) {
      c.log({ level: 'warn', message: `links not folded yet: ${errorMessage(err)}`, connectorId: inst.id });
    }
  }
  await setStatus(c, inst.id, { lastRunAt: c.now() });
}

/** Whether an instance pulls people from its CRM (direction pull or both, contacts synced). */
function pulls(inst: ConnectorInstance): boolean {
  return inst.direction !== 'push' && inst.kinds.includes('contact');
}

/** Pulls pages of changed people while due, saving the cursor with each page (sync/pull.ts). */
async function runPull(c: Ctx, run: ConnectorRun): Promise<void> {
  if ((run.stateRow.nextPullAt ?? 0) > c.now()) return;
  const cid = run.inst.id;
  for (let page = 0; page < PULL_PAGES_PER_RUN; page++) {
    if (c.signal?.aborted) c.stop = 'aborted';
    if (c.now() >= c.deadline) c.stop ??= 'budget';
    if (c.stop || !(await ensureLease(c))) return;
    let result: PullResult;
    try {
      result = await run.connector.pull!(run.ctx, run.stateRow.pullCursor);
    } catch (err) {
      if (c.signal?.aborted || c.stop) return;
      const error = err instanceof ConnectorError ? err : new ConnectorError(errorMessage(err), 'transient');
      const message = redact(`pull: ${error.message}${error.status ? ` (HTTP ${error.status})` : ''}`, run.secrets);
      if (error.kind === 'auth') {
        await pauseConnector(c.db, cid, message, c.now());
        run.paused = true;
        c.summary.paused.push(cid);
      } else {
        // Try again later; the cursor has not moved, so nothing is skipped.
        const wait = error.kind === 'rate-limit' ? (error.retryAfterMs ?? 60_000) : 60_000;
        run.stateRow = { ...run.stateRow, nextPullAt: c.now() + wait };
        await c.db.syncState.put(run.stateRow);
        await setStatus(c, cid, { lastError: message, lastErrorAt: c.now() });
      }
      c.log({ level: 'warn', message, connectorId: cid });
      return;
    }
    const complete = !result.more;
    const t = c.now();
    run.stateRow = { ...run.stateRow, pullCursor: result.cursor, lastPullAt: t, ...(complete ? { nextPullAt: t + PULL_INTERVAL_MS } : {}) };
    const stateRow = run.stateRow;
    const s = await applyPullPage(c.db, cid, result, stateRow.key, (row) => ({ ...row, ...stateRow }), t);
    c.summary.pulled += s.created + s.merged;
    c.log({ level: 'debug', message: 'pull page', connectorId: cid, data: { ...s, more: result.more } });
    if (complete) return;
  }
}

async function killUnsupported(c: Ctx, inst: ConnectorInstance, connector: AnyConnector, kind: SyncKind): Promise<void> {
  const t = c.now();
  await c.db.transaction('rw', c.db.outbox, async () => {
    const due = await c.db.outbox.where(DUE_INDEX).between([inst.id, kind, Dexie.minKey, Dexie.minKey], [inst.id, kind, t, Dexie.maxKey], true, true).toArray();
    await c.db.outbox.bulkPut(
      due.map((e) => ({ ...e, state: 'dead' as const, nextAt: NEVER, lastError: `${connector.displayName} does not sync ${kind}s`, lastErrorKind: 'validation' as const, updatedAt: t })),
    );
  });
}

/**
 * Refreshes an OAuth connection's access token from its refresh token and stores what comes back
 * (with rotation, the new refresh token replaces the old one, which no longer works). Returns the
 * new access token, or undefined when there is no refresh token or the provider refused.
 */
async function refreshTokens(c: Ctx, run: ConnectorRun): Promise<string | undefined> {
  try {
    const fresh = (await run.connector.oauth!.refresh((input, init) => c.fetch(input, { ...init, signal: AbortSignal.timeout(c.timeoutMs) }), run.ctx.config)) as
      | Record<string, unknown>
      | null;
    if (!fresh || typeof fresh.accessToken !== 'string') return undefined;
    await saveConnectorInstance(c.db, c.registry, { id: run.inst.id, type: run.inst.type, values: fresh });
    Object.assign(run.ctx.config, fresh);
    for (const k of run.connector.secretKeys) if (typeof fresh[k] === 'string') run.secrets.push(fresh[k] as string);
    c.log({ level: 'info', message: 'access token refreshed', connectorId: run.inst.id });
    return fresh.accessToken;
  } catch (err) {
    c.log({ level: 'warn', message: `token refresh failed: ${redact(errorMessage(err), run.secrets)}`, connectorId: run.inst.id });
    return undefined;
  }
}

/** fetch as the connector sees it: rate-limited, timed out, abortable, renewing the lease. */
function engineFetch(c: Ctx, run: ConnectorRun): typeof fetch {
  const key = run.stateRow.key;
  return async (input, init) => {
    if (c.signal?.aborted) throw c.signal.reason ?? new DOMException('aborted', 'AbortError');
    for (let guard = 0; ; guard++) {
      const wait = run.limiter.waitMs(c.now());
      if (wait <= 0) break;
      if (wait > c.maxWaitMs || guard > 1000) {
        run.waitTooLong = wait;
        throw new ConnectorError(`rate limit: next request allowed in ${Math.ceil(wait / 1000)} s`, 'rate-limit', undefined, wait);
      }
      // Nothing can be sent for a while: fold the link journal meanwhile.
      if (wait >= IDLE_FOLD_MIN_MS) foldWhileIdle(c, run, c.now() + wait - IDLE_FOLD_MARGIN_MS);
      run.idle?.();
      await c.sleep(wait, c.signal);
    }
    // Take the token right after seeing it free (no await in between: concurrent calls from one
    // connector must not both spend the last token).
    run.limiter.take();
    let blocked = false;
    try {
      if (!(await ensureLease(c))) throw new ConnectorError('another sync engine took over', 'transient');
      c.summary.requests++;
      const signals = [AbortSignal.timeout(c.timeoutMs)];
      if (c.signal) signals.push(c.signal);
      if (init?.signal) signals.push(init.signal);
      // A connector's client may hold the token it was built with: after a refresh, send the new one.
      if (run.bearer && init?.headers) {
        const headers = new Headers(init.headers);
        if (/^bearer\s/i.test(headers.get('authorization') ?? '')) headers.set('authorization', `Bearer ${run.bearer}`);
        init = { ...init, headers };
      }
      let res = await c.fetch(input, { ...init, signal: anySignal(signals) });
      if (res.status === 401 && run.connector.oauth && !run.refreshTried) {
        // An expired OAuth access token: refresh once per run, store the rotated tokens, and
        // send the same request again with the new token.
        run.refreshTried = true;
        const token = await refreshTokens(c, run);
        if (token) {
          run.bearer = token;
          const headers = new Headers(init?.headers);
          headers.set('authorization', `Bearer ${token}`);
          c.summary.requests++;
          res = await c.fetch(input, { ...init, headers, signal: anySignal([AbortSignal.timeout(c.timeoutMs), ...(c.signal ? [c.signal] : [])]) });
        }
      }
      if (res.status === 429) {
        blocked = true;
        c.summary.rateLimited++;
        const after = parseRetryAfter(res.headers.get('retry-after')) ?? run.limiter.limit.intervalMs;
        run.limiter.block(c.now() + after);
      }
      return res;
    } finally {
      const done = c.now();
      run.limiter.finish(done);
      run.stateRow = { ...run.stateRow, key, limiter: run.limiter.state(done) };
      run.limiterUnsaved = true;
      if (blocked || done - run.limiterSavedAt >= LIMITER_SAVE_MS) await saveLimiter(c, run, done);
    }
  };
}

/** The outbox index the engine reads due entries from: by instance, kind, due time, then id. */
const DUE_INDEX = '[connectorId+kind+nextAt+id]';

/**
 * Where one kind's run stands: the entries of its batches in flight (never read twice), and the
 * due-index position just after the last batch taken, where the next one starts (the batches in
 * flight are not written to, so a read from the start would have to read past them).
 */
interface Lane {
  inFlight: Set<string>;
  after?: [nextAt: number, id: string];
}

/** Link journal rows folded per transaction (≤ 500 links: ~150 ms in Chromium). */
const FOLD_ROWS = 5;
/** Waits for the rate limit of at least this long fold the link journal meanwhile… */
const IDLE_FOLD_MIN_MS = 500;
/** …stopping this long before the wait ends (one fold step writes ≤ 500 links, ~150 ms in Chromium). */
const IDLE_FOLD_MARGIN_MS = 250;

/** Folds the run's link journal, a few rows per transaction, until `until` (one fold at a time). */
function foldWhileIdle(c: Ctx, run: ConnectorRun, until: number): void {
  if (run.folding) return;
  run.folding = (async () => {
    while (c.now() < until && !c.stop) {
      const folded = await foldLinkJournal(c.db, { connectorId: run.inst.id, maxRows: FOLD_ROWS });
      if (folded === 0) break;
    }
  })()
    .catch((err: unknown) => c.log({ level: 'warn', message: `links not folded yet: ${errorMessage(err)}`, connectorId: run.inst.id }))
    .finally(() => {
      run.folding = undefined;
    });
}

/** An outcome waits at most this long for its commit while leases go first (see runKind). */
const COMMIT_HOLD_MS = 2_000;
/** At most this many batches per commit transaction (readers of the outbox wait for it). */
const COMMIT_GROUP_MAX = 16;
/** Batches kept leased and ready to send, at most this many records' worth… */
const AHEAD_RECORDS = 10_000;
/** …taken at most this many records per lease transaction (the first takes maxInFlight batches, to start sending soon). */
const LEASE_TX_RECORDS = 2_500;

/**
 * Pushes every due entry of one kind. Three things overlap: leasing (one transaction at a time,
 * keeping up to what the rate limit lets out in one interval ready — also while the limit makes
 * the requests wait, so the next window starts at full speed), sending (up to maxInFlight
 * batches; a slot frees when the vendor answered) and committing (the Committer groups the
 * outcomes that arrive meanwhile). Each batch is leased before it is sent, so no two batches hold
 * the same entry; the rate limiter is shared.
 */
async function runKind(c: Ctx, run: ConnectorRun, kind: SyncKind): Promise<void> {
  const batchSize = Math.max(1, run.connector.batchSize[kind] ?? 1);
  const maxInFlight = Math.max(1, Math.min(c.maxInFlight ?? Infinity, run.connector.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT));
  const ahead = Math.max(maxInFlight, Math.min(run.limiter.limit.requests, Math.ceil(AHEAD_RECORDS / batchSize)));
  const perLease = Math.max(maxInFlight, Math.ceil(LEASE_TX_RECORDS / batchSize));
  const lane: Lane = { inFlight: new Set() };
  const ready: Prepared[] = [];
  const sending = new Set<Promise<void>>();
  const committing = new Set<Promise<void>>();
  let leasing: Promise<void> | undefined;
  let leases = 0;
  // The last lease found nothing due: after the position ('position'), or also from the start
  // ('all'). Cleared once an entry a commit put back is due (wakeAt). The read from the start (for
  // entries that became due behind the position: an enqueue that committed after a lease read
  // past its time) has to skip every entry in flight, so it waits until nothing is.
  const scan = { exhausted: false as false | 'position' | 'all' };
  let wakeAt: number | undefined;
  let refused = false;
  let failure: { error: unknown } | undefined;
  const fail = (error: unknown) => {
    failure ??= { error };
  };
  // While the rate limit has tokens and there is more to take, leases come first: they and
  // commits queue for the same IndexedDB, and only a lease brings the next request closer.
  // Outcomes are committed once the limit makes requests wait (the commits then fill the wait),
  // when nothing more is due, when one failed, when the oldest has waited COMMIT_HOLD_MS (checked
  // whenever a lease, a request or a commit finishes), or when `ahead` batches wait for their commit.
  const committer = run.committer(kind);
  let draining = false;
  committer.hold = () =>
    !draining && !scan.exhausted && committing.size < ahead && c.now() - committer.oldestAt < COMMIT_HOLD_MS && run.limiter.waitMs(c.now()) === 0;
  run.idle = () => committer.kick();
  try {
    for (;;) {
      committer.kick();
      if (c.signal?.aborted) c.stop = 'aborted';
      if (c.now() >= c.deadline) c.stop ??= 'budget';
      if (failure || c.stop || run.paused || run.waitTooLong !== undefined) break;
      if (scan.exhausted && wakeAt !== undefined && wakeAt <= c.now()) {
        scan.exhausted = false;
        wakeAt = undefined;
      }
      if (!leasing && !scan.exhausted && ready.length < ahead && !refused) {
        const count = Math.min(leases++ === 0 ? maxInFlight : perLease, ahead - ready.length);
        leasing = (async () => {
          if (!(await ensureLease(c))) return;
          const quiet = !sending.size && !committing.size && !ready.length;
          if (quiet && lane.after && !(await anyDueFromStart(c, run, kind, lane))) {
            scan.exhausted = 'all';
            return;
          }
          const { found, batches, swept } = await leaseBatches(c, run, kind, batchSize, count, lane, quiet);
          ready.push(...batches); // none when all were deleted locally or wait for others
          if (found === 0) scan.exhausted = swept ? 'all' : 'position';
        })()
          .catch(fail)
          .finally(() => {
            leasing = undefined;
          });
      }
      if (ready.length && sending.size < maxInFlight && committing.size < ahead && !refused) {
        const prepared = ready.shift()!;
        const ids = [...prepared.byEntry.values()].map((x) => x.entry.id);
        const sent: Promise<void> = pushBatch(c, run, kind, prepared)
          .then((pushed) => {
            if (!pushed) return ids.forEach((id) => lane.inFlight.delete(id)); // given back (aborted)
            // Credentials refused: nothing more goes out; the commit pauses the instance.
            if (pushed.outcomes.some((o) => !o.ok && o.error.kind === 'auth')) refused = true;
            const committed: Promise<void> = committer
              .submit(pushed)
              .then((dueAgain) => {
                ids.forEach((id) => lane.inFlight.delete(id));
                // Put back (changed in flight, failed): due again then.
                if (dueAgain !== undefined && !(wakeAt! <= dueAgain)) wakeAt = dueAgain;
              })
              // A batch whose outcome could not be committed stays in lane.inFlight: not sent again
              // by this run (its lease row remains, and the next run settles it).
              .catch(fail)
              .finally(() => committing.delete(committed));
            committing.add(committed);
          })
          .catch(fail)
          .finally(() => sending.delete(sent));
        sending.add(sent);
        continue;
      }
      const pending = [leasing, ...sending, ...committing].filter((p): p is Promise<void> => !!p);
      if (!pending.length) {
        if (scan.exhausted === 'position') scan.exhausted = false; // nothing in flight now: read from the start
        else if (wakeAt === undefined || wakeAt > c.now()) break; // nothing due, nothing in flight
        continue;
      }
      await Promise.race(pending);
    }
  } finally {
    await leasing;
    // Leased but never sent: their lease rows go, the entries stay as they were (still fresh).
    if (ready.length) await dropLeases(c, ready.splice(0));
  }
  await Promise.all(sending);
  draining = true;
  committer.kick();
  await Promise.all(committing);
  run.idle = undefined;
  if (failure) throw failure.error;
}

/**
 * Takes the next `count` batches of one kind, in one read-write transaction: finds up to
 * `size × count` due entries after the lane's position, reads what their push needs (records,
 * remote ids, unpushed dependencies), and writes the outcome — one lease row per batch to send (the
 * entries themselves are not written: 100 writes cost ~30 ms in Chromium, one row ~1 ms), entries
 * whose record was deleted dropped, entries waiting for a contact or company to be pushed first
 * moved to later. One transaction instead of one per step or per batch: in Chromium each
 * transaction on the outbox waits for every earlier one and costs ~10 ms of its own. A fresh entry
 * keeps its flag while in flight: the run that sent it clears it with the outcome, and a run that
 * dies leaves its lease row behind, which the next run settles (settleBatches) before anything is
 * sent again. The entries taken join lane.inFlight.
 */
async function leaseBatches(
  c: Ctx,
  run: ConnectorRun,
  kind: SyncKind,
  size: number,
  count: number,
  lane: Lane,
  sweep: boolean,
): Promise<{ found: number; batches: Prepared[]; swept: boolean }> {
  const t = c.now();
  const until = t + c.leaseMs;
  const cid = run.inst.id;
  const limit = size * count;
  return c.db.transaction('rw', [c.db.outbox, c.db.links, c.db.syncState, recordTable(c.db, kind)], async () => {
    const read = (from: [number, string], n: number) =>
      c.db.outbox
        .where(DUE_INDEX)
        .between([cid, kind, from[0], from[1]], [cid, kind, t, Dexie.maxKey], false, true)
        .limit(n)
        .toArray();
    const usable = (e: OutboxEntry) => e.state !== 'dead' && !lane.inFlight.has(e.id);
    // (A clock set back behind the position reads from the start: IndexedDB rejects a reversed range.)
    const fromPosition = !!lane.after && lane.after[0] <= t;
    let due = fromPosition ? (await read(lane.after!, limit)).filter(usable) : [];
    if (!due.length && fromPosition && !sweep) return { found: 0, batches: [], swept: false };
    if (!due.length) {
      // From the start: entries that became due behind the position (put back after a failure,
      // changed while in flight), past the ones in flight. Reading limit + in flight rows always
      // finds one that is not in flight if there is one.
      // Only keys are read past the ones in flight (a key costs a fraction of a row to read).
      const keys = (await c.db.outbox
        .where(DUE_INDEX)
        .between([cid, kind, Dexie.minKey, Dexie.minKey], [cid, kind, t, Dexie.maxKey], true, true)
        .limit(limit + lane.inFlight.size)
        .primaryKeys()) as string[];
      const wanted = keys.filter((k) => !lane.inFlight.has(k)).slice(0, limit);
      const rows = wanted.length ? (await getManyInRange(c.db.outbox, 'id', wanted)).found : new Map<string, OutboxEntry>();
      due = wanted.map((k) => rows.get(k)).filter((e): e is OutboxEntry => !!e && usable(e) && e.nextAt <= t);
    }
    if (!due.length) return { found: 0, batches: [], swept: true };
    const last = due[due.length - 1];
    lane.after = [last.nextAt, last.id];
    const fresh = new Set(due.filter((e) => e.fresh).map((e) => e.id));
    const all = await prepare(c, run, kind, due, fresh);
    const batches: Prepared[] = [];
    for (let i = 0; i < all.items.length; i += size) {
      const items = all.items.slice(i, i + size);
      const byEntry = new Map(items.map((it) => [it.entryId, all.byEntry.get(it.entryId)!]));
      batches.push({ batchKey: `${BATCH_PREFIX}${c.owner}|${c.batches++}`, items, byEntry, gone: [], deferred: [] });
    }
    if (batches.length) {
      await c.db.syncState.bulkPut(
        batches.map((b) => ({
          key: b.batchKey!,
          batch: { owner: c.owner, connectorId: cid, kind, until, localIds: [...b.byEntry.values()].map(({ entry: e }) => e.localId) },
        })),
      );
      for (const b of batches) for (const { entry } of b.byEntry.values()) lane.inFlight.add(entry.id);
    }
    // Deferred entries were never handed to the connector: they keep their `fresh` flag.
    const later = all.deferred.map((d) => ({ ...release(d.entry, d.until, t), ...(d.entry.fresh ? { fresh: true as const } : {}) }));
    if (later.length) await c.db.outbox.bulkPut(later);
    if (all.gone.length) await c.db.outbox.bulkDelete(all.gone.map((e) => e.id));
    return { found: due.length, batches, swept: false };
  });
}

/**
 * Whether any entry of the kind not in flight is due, from the start of the due index: a read-only
 * look (keys only) before the read-write lease, so that readers of the outbox (the popup, the
 * options page) are not held up by a lease that finds nothing — after a large sync the index's
 * start is a long run of deleted rows that IndexedDB still has to step over.
 */
async function anyDueFromStart(c: Ctx, run: ConnectorRun, kind: SyncKind, lane: Lane): Promise<boolean> {
  const t = c.now();
  const cid = run.inst.id;
  const keys = (await c.db.outbox
    .where(DUE_INDEX)
    .between([cid, kind, Dexie.minKey, Dexie.minKey], [cid, kind, t, Dexie.maxKey], true, true)
    .limit(1 + lane.inFlight.size)
    .primaryKeys()) as string[];
  return keys.some((k) => !lane.inFlight.has(k));
}

/** Batches leased but never handed to the connector: their lease rows go; the entries were not touched. */
async function dropLeases(c: Ctx, batches: Prepared[]): Promise<void> {
  await c.db
    .transaction('rw', c.db.syncState, async () => {
      const keys = batches.map((b) => b.batchKey!).filter(Boolean);
      const rows = await c.db.syncState.bulkGet(keys);
      await c.db.syncState.bulkDelete(keys.filter((_, i) => rows[i]?.batch?.owner === c.owner));
    })
    .catch(() => undefined); // left behind, they are settled by the next run
}

// ------------------------------------------------------------------ building push items

type AnyRecord = Contact | Company | Activity | Task | Deal;

/**
 * Records by their `id` (the primary key of tasks and deals, a unique secondary index of the
 * others): one read of the id range the batch spans, then a get per id it did not reach
 * (storage/key-ranges.ts — ids are time-ordered, so a batch picked in id order is usually one
 * short range; 100 gets cost ~5× one range read in Chromium).
 */
async function byIds<T, K, I>(table: Table<T, K, I>, ids: string[]): Promise<T[]> {
  return [...(await getManyInRange(table, 'id', ids)).found.values()];
}

/** The table holding records of `kind`. */
function recordTable(db: RapportDB, kind: SyncKind): Table {
  switch (kind) {
    case 'contact':
      return db.contacts;
    case 'company':
      return db.companies;
    case 'email':
    case 'note':
      return db.activities;
    case 'task':
      return db.tasks;
    case 'deal':
      return db.deals;
  }
}

async function loadRecords(db: RapportDB, kind: SyncKind, ids: string[]): Promise<Map<string, AnyRecord>> {
  const strip = <T extends { n?: number }>(rows: T[]) => new Map(rows.map((r) => [(r as unknown as { id: string }).id, publicRecord(r) as unknown as AnyRecord]));
  switch (kind) {
    case 'contact':
      return strip(await byIds(db.contacts, ids));
    case 'company':
      return strip(await byIds(db.companies, ids));
    case 'email':
    case 'note': {
      const rows = await byIds(db.activities, ids);
      return strip(rows.filter((a) => activityKind(a) === kind));
    }
    case 'task':
      return new Map((await byIds(db.tasks, ids)).map((t) => [t.id, t]));
    case 'deal':
      return new Map((await byIds(db.deals, ids)).map((d) => [d.id, d]));
  }
}

/** The contacts and companies a record points at (whose remote ids its push needs). */
function references(kind: SyncKind, rec: AnyRecord): { contacts: string[]; companies: string[] } {
  switch (kind) {
    case 'contact': {
      const c = rec as Contact;
      return { contacts: [], companies: c.companyId ? [c.companyId] : [] };
    }
    case 'company':
      return { contacts: [], companies: [] };
    case 'email':
    case 'note': {
      const a = rec as Activity;
      return { contacts: a.contactIds, companies: a.companyIds ?? [] };
    }
    case 'task':
    case 'deal': {
      const t = rec as Task | Deal;
      return { contacts: t.contactIds, companies: t.companyId ? [t.companyId] : [] };
    }
  }
}

interface Prepared {
  /** The syncState key of the batch's lease row (set once there is something to send). */
  batchKey?: string;
  items: PushItem[];
  byEntry: Map<string, { entry: OutboxEntry; hadRemoteId: boolean }>;
  /** Records deleted locally since they were queued. */
  gone: OutboxEntry[];
  /** Waiting for their contacts/companies to be pushed first: entry → when to look again. */
  deferred: { entry: OutboxEntry; until: number }[];
}

async function prepare(c: Ctx, run: ConnectorRun, kind: SyncKind, entries: OutboxEntry[], fresh: ReadonlySet<string>): Promise<Prepared> {
  const cid = run.inst.id;
  const records = await loadRecords(c.db, kind, entries.map((e) => e.localId));
  const refs = new Map<string, { contacts: string[]; companies: string[] }>();
  const contactIds = new Set<string>();
  const companyIds = new Set<string>();
  for (const [id, rec] of records) {
    const r = references(kind, rec);
    refs.set(id, r);
    r.contacts.forEach((x) => contactIds.add(x));
    r.companies.forEach((x) => companyIds.add(x));
  }
  const refKeys: [string, SyncKind, string][] = [
    ...[...contactIds].map((id) => [cid, 'contact', id] as [string, SyncKind, string]),
    ...[...companyIds].map((id) => [cid, 'company', id] as [string, SyncKind, string]),
  ];
  // A fresh entry's record was never sent anywhere: it has no remote id to look for.
  const sentBefore = entries.filter((e) => !fresh.has(e.id) && run.links.get(kind, e.localId) === undefined);
  const linked: LinkedIds = { contacts: {}, companies: {} };
  const toRead: [string, SyncKind, string][] = [];
  for (const k of refKeys) {
    const remoteId = run.links.get(k[1], k[2]);
    if (remoteId !== undefined) (k[1] === 'contact' ? linked.contacts : linked.companies)[k[2]] = remoteId;
    else if (!run.links.isAbsent(k[1], k[2])) toRead.push(k);
  }
  // Own links in one range read: the batch is consecutive in local-id order, and on a first sync
  // of existing records (a backfill) none exists yet — one request instead of a get per record.
  // The memo forgot ids (a run past 50,000): what it forgot may still sit in the journal.
  if (run.links.evicted && (toRead.length || sentBefore.length)) await foldLinkJournal(c.db, { connectorId: cid });
  const [refLinks, ownLinkRows] = await Promise.all([
    c.db.links.bulkGet(toRead),
    getManyInCompoundRange(
      c.db.links,
      '[connectorId+kind+localId]',
      sentBefore.map((e) => [cid, kind, e.localId]),
      (l) => [l.connectorId, l.kind, l.localId],
    ),
  ]);
  const ownByLocal = new Map(ownLinkRows.map((l) => [l.localId, l]));
  const ownLinks = new Map(sentBefore.map((e) => [e.id, ownByLocal.get(e.localId)]));
  refLinks.forEach((l, i) => {
    if (!l) return run.links.setAbsent(toRead[i][1], toRead[i][2]);
    (l.kind === 'contact' ? linked.contacts : linked.companies)[l.localId] = l.remoteId;
    run.links.set(l.kind, l.localId, l.remoteId);
  });

  // Unlinked references that are still queued for this instance: push those first. (None can be
  // queued for a kind the instance does not sync.)
  const unlinked = refKeys.filter((k) => run.inst.kinds.includes(k[1]) && !(k[1] === 'contact' ? linked.contacts[k[2]] : linked.companies[k[2]]));
  const depEntries = await c.db.outbox.bulkGet(unlinked.map((k) => entryKey(cid, k[1], k[2])));
  const waiting = new Map<string, number>(); // `${kind}|${localId}` → nextAt of its live entry
  depEntries.forEach((e) => {
    if (e && e.state !== 'dead') waiting.set(`${e.kind}|${e.localId}`, e.nextAt);
  });

  const prepared: Prepared = { items: [], byEntry: new Map(), gone: [], deferred: [] };
  entries.forEach((entry) => {
    const rec = records.get(entry.localId);
    if (!rec) {
      prepared.gone.push(entry);
      return;
    }
    const r = refs.get(entry.localId)!;
    const blockers = [...r.contacts.map((id) => waiting.get(`contact|${id}`)), ...r.companies.map((id) => waiting.get(`company|${id}`))].filter(
      (x): x is number => x !== undefined,
    );
    if (blockers.length) {
      prepared.deferred.push({ entry, until: Math.max(c.now() + DEFER_MS, ...blockers) });
      return;
    }
    const remoteId = fresh.has(entry.id) ? undefined : (run.links.get(kind, entry.localId) ?? ownLinks.get(entry.id)?.remoteId);
    const itemLinked: LinkedIds = { contacts: {}, companies: {} };
    for (const id of r.contacts) if (linked.contacts[id]) itemLinked.contacts[id] = linked.contacts[id];
    for (const id of r.companies) if (linked.companies[id]) itemLinked.companies[id] = linked.companies[id];
    prepared.items.push({
      // Unique per version: stable across retries of the same content, new after a change.
      entryId: `${entry.id}#${entry.version}`,
      item: { kind, record: rec } as PushRecord,
      ...(remoteId ? { remoteId } : {}),
      ...(fresh.has(entry.id) && !remoteId ? { firstSend: true } : {}),
      linked: itemLinked,
    });
    prepared.byEntry.set(`${entry.id}#${entry.version}`, { entry, hadRemoteId: !!remoteId });
  });
  return prepared;
}

// ------------------------------------------------------------------ push and commit

/** Sends one batch; its outcomes, to commit (undefined: aborted, the batch was given back). */
async function pushBatch(c: Ctx, run: ConnectorRun, kind: SyncKind, prepared: Prepared): Promise<Pushed | undefined> {
  let outcomes: PushOutcome[];
  try {
    outcomes = await run.connector.push(run.ctx, kind, prepared.items);
  } catch (err) {
    if (c.signal?.aborted || c.stop === 'lease-lost') {
      if (c.signal?.aborted) c.stop = 'aborted';
      // Still alive: give the entries back instead of waiting for their leases to expire.
      if (c.stop === 'aborted') await releaseAll(c, prepared);
      return undefined;
    }
    const error = err instanceof ConnectorError ? err : new ConnectorError(errorMessage(err), 'transient');
    if (!(err instanceof ConnectorError)) c.log({ level: 'error', message: `connector threw: ${redact(errorMessage(err), run.secrets)}`, connectorId: run.inst.id });
    outcomes = prepared.items.map((i) => ({ entryId: i.entryId, ok: false as const, error }));
  }
  return { prepared, outcomes };
}

/**
 * Commits pushed batches one transaction at a time: what finishes while a commit runs waits and
 * goes in the next one, together, up to COMMIT_GROUP_MAX batches (a read-write transaction costs
 * ~6–10 ms in Chromium of its own, and each one holds up the leases behind it; a larger one would
 * hold up the outbox's readers — the popup's status — too long). Nothing is committed while
 * `hold()` says so; the engine kicks the committer when that may have changed. A failed commit
 * fails every batch in it.
 */
class Committer {
  private queue: { pushed: Pushed; at: number; urgent: boolean; done: (dueAgain: number | undefined, error?: unknown) => void }[] = [];
  private running = false;
  /** While true, outcomes wait (the engine has something better to do with IndexedDB: see runKind). */
  hold: () => boolean = () => false;
  /**
   * flush: commits a group, resolves to when the first entry it put back is due (none: undefined).
   * now: when an outcome arrived (oldestAt).
   */
  constructor(
    private readonly flush: (group: Pushed[]) => Promise<number | undefined>,
    private readonly now: () => number,
    private readonly maxGroup = COMMIT_GROUP_MAX,
  ) {}

  /** When the oldest outcome waiting arrived (Infinity: none waits). */
  get oldestAt(): number {
    return this.queue[0]?.at ?? Infinity;
  }

  /** Resolves once committed, to when the first entry its commit put back is due. */
  submit(pushed: Pushed): Promise<number | undefined> {
    return new Promise<number | undefined>((resolve, reject) => {
      // A failed outcome is never held: a pause (401), a 429's wait or a backoff takes effect now.
      const urgent = pushed.outcomes.some((o) => !o.ok);
      this.queue.push({ pushed, at: this.now(), urgent, done: (dueAgain, error) => (error === undefined ? resolve(dueAgain) : reject(error)) });
      this.kick();
    });
  }

  /** Commits what waits, unless held. */
  kick(): void {
    if (!this.running && this.queue.length && !this.held()) void this.drain();
  }

  private held(): boolean {
    return !this.queue.some((q) => q.urgent) && this.hold();
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.queue.length && !this.held()) {
      const group = this.queue.splice(0, this.maxGroup);
      let error: unknown;
      let dueAgain: number | undefined;
      try {
        dueAgain = await this.flush(group.map((g) => g.pushed));
      } catch (err) {
        error = err ?? new Error('commit failed');
      }
      group.forEach((g) => g.done(dueAgain, error));
    }
    this.running = false;
  }
}

/** The entry back in the queue, due at `nextAt`, no longer fresh (it may have been sent). */
function release(e: OutboxEntry, nextAt: number, t: number): OutboxEntry {
  const { leaseOwner: _o, leaseUntil: _u, dirty: _d, fresh: _f, ...rest } = e;
  return { ...rest, state: e.attempts > 0 ? 'failed' : 'pending', nextAt, updatedAt: t };
}

/** An aborted batch: its lease row goes, its entries stay due and lose `fresh` (the request may have gone out). */
async function releaseAll(c: Ctx, prepared: Prepared): Promise<void> {
  const key = prepared.batchKey;
  if (!key) return;
  await c.db
    .transaction('rw', c.db.outbox, c.db.syncState, async () => {
      if ((await c.db.syncState.get(key))?.batch?.owner !== c.owner) return; // settled by another run
      const entries = await c.db.outbox.bulkGet([...prepared.byEntry.values()].map((x) => x.entry.id));
      await c.db.outbox.bulkPut(
        entries
          .filter((e): e is OutboxEntry => !!e?.fresh)
          .map((e) => {
            const { fresh: _f, ...rest } = e;
            return rest;
          }),
      );
      await c.db.syncState.delete(key);
    })
    .catch(() => undefined);
}

/** A pushed batch and what the connector answered for it. */
interface Pushed {
  prepared: Prepared;
  outcomes: PushOutcome[];
}

/**
 * Commits the outcomes of one or more pushed batches in one transaction (the batches that finished
 * while the previous commit ran: see Committer).
 */
async function commit(c: Ctx, run: ConnectorRun, kind: SyncKind, group: Pushed[]): Promise<number | undefined> {
  const t = c.now();
  let dueAgain: number | undefined;
  const cid = run.inst.id;
  let answered = 0;
  let lastError: string | undefined;
  let authError: string | undefined;
  let rateUntil = 0;
  let ok = 0;
  let failed = 0;
  let dead = 0;
  const committedLinks: LinkRow[] = [];
  const committedUnlinks: [string, SyncKind, string][] = [];
  await c.db.transaction('rw', [c.db.outbox, c.db.links, c.db.connectors, c.db.syncState], async () => {
    for (const { prepared, outcomes } of group) {
      const byId = new Map(outcomes.map((o) => [o.entryId, o]));
      answered += outcomes.length;
      const keys = [...prepared.byEntry.keys()];
      // Still ours unless a later run settled the batch (this one lost the engine lease meanwhile).
      const lease = prepared.batchKey ? await c.db.syncState.get(prepared.batchKey) : undefined;
      const batchIsMine = lease?.batch?.owner === c.owner;
      // The batch's entries as they are now, with one read of the id range they span (entries were
      // picked in id order, so the range is mostly theirs); the same read tells which neighbours
      // sit between them, so the deletes below go as range deletes.
      const current = await getManyInRange(c.db.outbox, 'id', keys.map((k) => prepared.byEntry.get(k)!.entry.id));
      const fresh = keys.map((k) => current.found.get(prepared.byEntry.get(k)!.entry.id));
      const links: LinkRow[] = [];
      const puts: OutboxEntry[] = [];
      const deletes: string[] = [];
      const unlink: [string, SyncKind, string][] = [];
      keys.forEach((key, i) => {
        const { entry: leasedEntry, hadRemoteId } = prepared.byEntry.get(key)!;
        const outcome: PushOutcome = byId.get(key) ?? { entryId: key, ok: false, error: new ConnectorError('the connector returned no outcome for this record', 'transient') };
        const current = fresh[i];
        // Ours unless it was discarded, or another run settled the batch after our lease expired.
        const mine = batchIsMine && !!current;
        // Changed while in flight (a new version, or discarded and queued again): sent once more.
        const e = current && { ...current, dirty: !!current.dirty || current.version !== leasedEntry.version || current.createdAt !== leasedEntry.createdAt };
        if (outcome.ok) {
          ok++;
          // The remote record exists whatever happened to the entry: remember its id.
          links.push({ connectorId: cid, kind, localId: leasedEntry.localId, remoteId: outcome.remoteId, syncedAt: t });
          if (!mine || !e) return;
          if (e.dirty) puts.push({ ...release(e, t, t), state: 'pending', attempts: 0, lastError: undefined, lastErrorKind: undefined });
          else deletes.push(e.id);
          return;
        }
        if (!mine || !e) return;
        const err = outcome.error;
        const message = redact(err.message || err.kind, run.secrets);
        lastError = message;
        const base = { ...release(e, t, t), lastError: message, lastErrorKind: err.kind };
        switch (err.kind) {
          case 'auth':
            authError = message;
            puts.push({ ...base, state: 'pending', nextAt: t });
            return;
          case 'rate-limit': {
            const wait = err.retryAfterMs ?? run.limiter.limit.intervalMs;
            rateUntil = Math.max(rateUntil, t + wait);
            puts.push({ ...base, state: 'pending', nextAt: t + wait });
            return;
          }
          case 'validation':
          case 'not-found': {
            if (err.kind === 'not-found' && hadRemoteId) unlink.push([cid, kind, e.localId]);
            if (e.dirty) {
              // Changed while in flight: the new version may be what the vendor wants.
              puts.push({ ...base, state: 'pending', attempts: 0, nextAt: t });
              return;
            }
            const why = err.kind === 'not-found' && hadRemoteId ? `${message} (the record was deleted in the CRM; retry to create it again)` : message;
            puts.push({ ...base, state: 'dead', nextAt: NEVER, lastError: why });
            dead++;
            return;
          }
          case 'transient':
          case 'conflict':
          default: {
            const attempts = e.attempts + 1;
            const delay = Math.max(backoffDelay(attempts, { random: c.random }), err.retryAfterMs ?? 0);
            puts.push({ ...base, state: 'failed', attempts, nextAt: e.dirty ? t : t + delay });
            failed++;
          }
        }
      });
      committedLinks.push(...links);
      committedUnlinks.push(...unlink);
      if (unlink.length) {
        // A link to drop (rare): journaled links of this connector first, so none comes back later.
        await foldLinkJournal(c.db, { connectorId: cid });
        if (links.length) await c.db.links.bulkPut(links);
        await c.db.links.bulkDelete(unlink);
      } else if (links.length) {
        // One journal row for the batch's links (folded into `links` later: sync/link-journal.ts).
        const linkJournal = { connectorId: cid, kind, syncedAt: t, links: links.map((l) => [l.localId, l.remoteId] as [string, string]) };
        await c.db.syncState.put({ key: linkJournalKey(cid, t, c.owner, c.journals++), linkJournal });
      }
      // Remembered once the transaction commits (below): a failed commit must not leave ids behind.
      if (puts.length) await c.db.outbox.bulkPut(puts);
      for (const p of puts) if (p.state !== 'dead' && !(dueAgain! <= p.nextAt)) dueAgain = p.nextAt;
      await deleteInRuns(c.db.outbox, current.scanned, new Set(deletes));
      if (batchIsMine) await c.db.syncState.delete(prepared.batchKey!);
      c.hooks?.inCommit?.({ connectorId: cid, kind, outcomes });
    }
    const inst = await c.db.connectors.get(cid);
    if (inst) {
      const status: ConnectorStatus = { ...inst.status };
      if (ok) status.lastSuccessAt = t;
      if (lastError) {
        status.lastError = lastError;
        status.lastErrorAt = t;
      } else if (ok) {
        delete status.lastError;
        delete status.lastErrorAt;
      }
      if (authError) Object.assign(status, { paused: true, pausedReason: authError, pausedAt: t });
      await c.db.connectors.update(cid, { status });
    }
  });
  for (const l of committedLinks) run.links.set(l.kind, l.localId, l.remoteId);
  for (const k of committedUnlinks) run.links.forget(k[1], k[2]);
  c.summary.pushed += ok;
  c.summary.failed += failed;
  c.summary.dead += dead;
  if (rateUntil) run.limiter.block(rateUntil);
  if (authError && !run.paused) {
    run.paused = true;
    c.summary.paused.push(cid);
    c.log({ level: 'warn', message: `connector paused: ${authError}`, connectorId: cid });
  }
  if (lastError && !authError) c.log({ level: 'warn', message: `push ${kind}: ${lastError}`, connectorId: cid, data: { ok, failed: answered - ok } });
  else c.log({ level: 'debug', message: `push ${kind}`, connectorId: cid, data: { ok } });
  return dueAgain;
}

// ------------------------------------------------------------------ user actions and status

export type SyncNowOptions = EngineOptions;

/** "Sync now": everything waiting (backoff, rate-limit waits) is due at once, then one run. */
export async function syncNow(db: RapportDB, registry: ConnectorRegistry, opts: SyncNowOptions = {}): Promise<RunSummary> {
  const t = (opts.now ?? Date.now)();
  await db.transaction('rw', db.outbox, db.connectors, db.syncState, async () => {
    const ids = opts.connectorIds ?? (await db.connectors.toCollection().primaryKeys());
    for (const id of ids) {
      // A pull is due now too.
      const row = await db.syncState.get(connectorStateKey(id));
      if (row?.nextPullAt && row.nextPullAt > t) await db.syncState.put({ ...row, nextPullAt: t });
      for (const state of ['pending', 'failed'] as const) {
        await db.outbox
          .where('[connectorId+state]')
          .equals([id, state])
          .modify((e) => {
            if (e.nextAt > t) e.nextAt = t;
          });
      }
    }
  });
  return runOnce(db, registry, opts);
}

/** Retries one failed or dead entry now. */
export async function retryEntry(db: RapportDB, id: string, now: number = Date.now()): Promise<boolean> {
  return db.transaction('rw', db.outbox, async () => {
    const e = await db.outbox.get(id);
    if (!e || e.state === 'leased') return false;
    await db.outbox.put({ ...e, state: 'pending', attempts: 0, nextAt: now, lastError: undefined, lastErrorKind: undefined, updatedAt: now });
    return true;
  });
}

/** Retries every dead entry of an instance. */
export async function retryDead(db: RapportDB, connectorId: string, now: number = Date.now()): Promise<number> {
  return db.outbox
    .where('[connectorId+state]')
    .equals([connectorId, 'dead'])
    .modify((e) => {
      Object.assign(e, { state: 'pending', attempts: 0, nextAt: now, updatedAt: now });
      delete e.lastError;
      delete e.lastErrorKind;
    });
}

/** Gives up on one entry (the record stays local; the next change queues it again). */
export async function discardEntry(db: RapportDB, id: string): Promise<boolean> {
  return db.transaction('rw', db.outbox, async () => {
    const found = await db.outbox.get(id);
    if (!found) return false;
    await db.outbox.delete(id);
    return true;
  });
}

export { type SyncStatus, status } from './status';

/** Entries of an instance for the options page (failed and dead first: what needs attention). */
export async function listEntries(db: RapportDB, connectorInstanceId: string, states: OutboxEntry['state'][] = ['dead', 'failed'], limit = 200): Promise<OutboxEntry[]> {
  const out: OutboxEntry[] = [];
  for (const state of states) {
    if (out.length >= limit) break;
    out.push(...(await db.outbox.where('[connectorId+state]').equals([connectorInstanceId, state]).limit(limit - out.length).toArray()));
  }
  return out;
}
