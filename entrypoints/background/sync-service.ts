// The sync engine's life in the service worker: woken after local changes (dataChanged), by an
// alarm as the backstop, and by the user ("sync now"). All state is in IndexedDB, so a worker
// killed mid-run loses nothing: the next wake-up resumes from the outbox.
import { browser } from 'wxt/browser';
import type { AnyConnector, ConnectorRegistry } from '../../connectors/registry';
import { registry } from '../../connectors/registry';
import { ConnectorError } from '../../connectors/types';
import { type RapportDB, getDb } from '../../storage/db';
import { connectorMemory } from '../../sync/connector-memory';
import { credentialOrigins, insecureHttpError, sameOrigins } from '../../sync/connectors';
import { continueBackfills } from '../../storage/backfill';
import { type RunSummary, releaseDeadLeases, runOnce, syncNow } from '../../sync/engine';

export const ALARM = 'rapport-sync';
const DUE_ALARM = 'rapport-sync-due';
let running: Promise<unknown> | null = null;
let again = false;
let dueTimer: ReturnType<typeof setTimeout> | undefined;

function schedule(summary: RunSummary | undefined) {
  const at = summary?.nextDueAt;
  if (dueTimer) clearTimeout(dueTimer);
  if (at === undefined) return;
  const wait = Math.max(0, at - Date.now());
  // While the worker lives a timer is precise; the alarm wakes a stopped worker (≥ 30 s).
  dueTimer = setTimeout(kickSync, Math.min(wait, 2 ** 31 - 1));
  void browser.alarms?.create(DUE_ALARM, { when: Math.max(Date.now() + 30_000, at) });
}

/** Runs of this worker (background and user's), each with the controller that stops it. */
const runs = new Map<Promise<unknown>, AbortController>();
/** While set, no run starts: local data is being deleted (withSyncStopped). */
let hold: Promise<unknown> | null = null;

function tracked<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const p = work(controller.signal);
  runs.set(p, controller);
  void p.catch(() => undefined).finally(() => runs.delete(p));
  return p;
}

/**
 * One pass: backfill jobs first (records saved before a connection could take them, queued a page
 * per transaction so a stopped worker resumes where it was), then the engine.
 */
async function pass(signal: AbortSignal, connectorIds?: string[]): Promise<RunSummary> {
  const db = getDb();
  await continueBackfills(db, { connectorIds, budgetMs: 60_000, signal });
  return runOnce(db, registry, { budgetMs: 4 * 60_000, signal, connectorIds });
}

/** Runs the engine soon; coalesces wake-ups that arrive while it runs into one more run. */
export function kickSync(): void {
  if (running || hold) {
    again = true;
    return;
  }
  // Extension API calls keep a busy worker alive; a run also stops starting batches after a few
  // minutes so a worker is never killed mid-run for running too long (it resumes on the next wake).
  const keepAlive = setInterval(() => void browser.runtime.getPlatformInfo().catch(() => undefined), 20_000);
  running = (async () => {
    let last: RunSummary | undefined;
    do {
      again = false;
      last = await tracked((signal) => pass(signal)).catch(() => undefined);
    } while (again && !hold);
    schedule(last);
  })().finally(() => {
    clearInterval(keepAlive);
    running = null;
  });
}

export async function syncNowFromUser(connectorId?: string): Promise<RunSummary> {
  await running?.catch(() => undefined);
  while (hold) await hold.catch(() => undefined);
  const ids = connectorId ? [connectorId] : undefined;
  const r = await tracked(async (signal) => {
    await continueBackfills(getDb(), { connectorIds: ids, budgetMs: 60_000, signal });
    return syncNow(getDb(), registry, { connectorIds: ids, signal });
  });
  schedule(r);
  return r;
}

/**
 * Runs `fn` with no sync run in this worker: stops the runs in flight (an aborted run gives its
 * batches back), waits for them to end, and starts none until `fn` is done. Deleting local data
 * goes through here so a run cannot write back what was just deleted (a pull page, a link).
 */
export async function withSyncStopped<T>(fn: () => Promise<T>): Promise<T> {
  while (hold) await hold.catch(() => undefined);
  let done!: () => void;
  hold = new Promise<void>((r) => (done = r));
  try {
    for (const c of runs.values()) c.abort();
    await Promise.allSettled([...runs.keys(), running]);
    return await fn();
  } finally {
    hold = null;
    done();
    kickSync();
  }
}

/**
 * Only the service worker runs the engine, and a browser runs one instance of it at a time: a lease
 * found at start-up belongs to an instance that was killed. Release it (and the entries it held) at
 * once instead of waiting for it to expire.
 */
async function releaseLeasesOfDeadWorker(db: RapportDB): Promise<void> {
  await releaseDeadLeases(db);
}

export function installSyncTriggers(): void {
  void browser.alarms?.create(ALARM, { periodInMinutes: 1 });
  browser.alarms?.onAlarm.addListener((a: { name: string }) => {
    if (a.name === ALARM || a.name === DUE_ALARM) kickSync();
  });
  // A worker that starts (after being stopped) picks up whatever is queued.
  running = releaseLeasesOfDeadWorker(getDb())
    .catch(() => undefined)
    .finally(() => {
      running = null;
      kickSync();
    });
}

/**
 * The config a form's values make: empty secret fields fall back to the stored ones, but only while
 * the form still points where they were saved for (they are never sent to a new address).
 */
export async function formConfig(
  db: RapportDB,
  reg: ConnectorRegistry,
  type: string,
  values: Record<string, unknown>,
  id?: string,
  allowInsecureHttp?: boolean,
): Promise<
  | { ok: true; connector: AnyConnector; config: Record<string, unknown>; saved: boolean; redact: (msg: string) => string }
  | { ok: false; error: string }
> {
  const connector = reg.get(type);
  if (!connector) return { ok: false, error: `unknown connector ${type}` };
  const inst = id ? await db.connectors.get(id) : undefined;
  const storedSecrets = (id && (await db.secrets.get(id))?.values) || {};
  const form: Record<string, unknown> = { ...(inst?.config ?? {}) };
  for (const [k, v] of Object.entries(values)) if (v !== '' && v !== undefined) form[k] = v;
  const before = inst && credentialOrigins(connector, { ...inst.config, ...storedSecrets });
  const after = credentialOrigins(connector, { ...storedSecrets, ...form });
  const same = !!inst && sameOrigins(before, after);
  const merged: Record<string, unknown> = { ...(same ? storedSecrets : {}), ...form };
  const parsed = connector.configSchema.safeParse(merged);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`).join('; ');
    return { ok: false, error: inst && !same ? `${issues} (the address changed: enter the secrets again)` : issues };
  }
  const refusal = insecureHttpError(connector, after, allowInsecureHttp ?? (same && !!inst?.allowInsecureHttp));
  if (refusal) return { ok: false, error: refusal };
  const secrets = connector.secretKeys.map((k: string) => String(merged[k] ?? '')).filter(Boolean);
  const redact = (msg: string) => secrets.reduce((m: string, s: string) => m.split(s).join('•••'), msg);
  return { ok: true, connector, config: parsed.data as Record<string, unknown>, saved: same, redact };
}

/** A failed request as the options page shows it. */
export function failure(e: unknown, redact: (msg: string) => string): { ok: false; error: string } {
  const msg =
    e instanceof ConnectorError ? `${e.message}${e.status ? ` (HTTP ${e.status})` : ''}` : e instanceof Error ? e.message : String(e);
  return { ok: false, error: redact(msg) };
}

/** Tests a connection with form values (see formConfig for the secrets). */
export async function testConnection(
  db: RapportDB,
  reg: ConnectorRegistry,
  type: string,
  values: Record<string, unknown>,
  id?: string,
  allowInsecureHttp?: boolean,
): Promise<{ ok: true; account: string; notice?: string } | { ok: false; error: string }> {
  const form = await formConfig(db, reg, type, values, id, allowInsecureHttp);
  if (!form.ok) return form;
  const { connector, config, redact } = form;
  const timedFetch: typeof fetch = (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(15_000) });
  try {
    // A saved connection's test also refreshes what its connector keeps about the account.
    const memory = id && form.saved ? connectorMemory(db, id) : undefined;
    const r = await connector.testConnection({ config, fetch: timedFetch, fieldMapping: {}, ...(memory ? { memory } : {}) });
    // A saved connection keeps the notice in its status, for the options page (only the notice key).
    if (id && (await db.connectors.get(id))) await db.connectors.update(id, { 'status.notice': r.notice ? redact(r.notice) : undefined });
    return { ok: true, account: redact(r.account), ...(r.notice ? { notice: redact(r.notice) } : {}) };
  } catch (e) {
    return failure(e, redact);
  }
}
