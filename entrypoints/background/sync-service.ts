// The sync engine's life in the service worker: woken after local changes (dataChanged), by an
// alarm as the backstop, and by the user ("sync now"). All state is in IndexedDB, so a worker
// killed mid-run loses nothing: the next wake-up resumes from the outbox.
import { browser } from 'wxt/browser';
import type { ConnectorRegistry } from '../../connectors/registry';
import { registry } from '../../connectors/registry';
import { ConnectorError } from '../../connectors/types';
import { type RapportDB, getDb } from '../../storage/db';
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

/** Runs the engine soon; coalesces wake-ups that arrive while it runs into one more run. */
export function kickSync(): void {
  if (running) {
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
      last = await runOnce(getDb(), registry, { budgetMs: 4 * 60_000 }).catch(() => undefined);
    } while (again);
    schedule(last);
  })().finally(() => {
    clearInterval(keepAlive);
    running = null;
  });
}

export async function syncNowFromUser(connectorId?: string): Promise<RunSummary> {
  await running?.catch(() => undefined);
  const r = await syncNow(getDb(), registry, { connectorIds: connectorId ? [connectorId] : undefined });
  schedule(r);
  return r;
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

/** Tests a connection with form values; empty secret fields fall back to the stored ones. */
export async function testConnection(
  db: RapportDB,
  reg: ConnectorRegistry,
  type: string,
  values: Record<string, unknown>,
  id?: string,
): Promise<{ ok: true; account: string; notice?: string } | { ok: false; error: string }> {
  const connector = reg.get(type);
  if (!connector) return { ok: false, error: `unknown connector ${type}` };
  const stored = id ? { ...((await db.connectors.get(id))?.config ?? {}), ...((await db.secrets.get(id))?.values ?? {}) } : {};
  const merged: Record<string, unknown> = { ...stored };
  for (const [k, v] of Object.entries(values)) if (v !== '' && v !== undefined) merged[k] = v;
  const parsed = connector.configSchema.safeParse(merged);
  if (!parsed.success) {
    return { ok: false, error: parsed.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`).join('; ') };
  }
  const secrets = connector.secretKeys.map((k: string) => String(merged[k] ?? '')).filter(Boolean);
  const redact = (msg: string) => secrets.reduce((m: string, s: string) => m.split(s).join('•••'), msg);
  const timedFetch: typeof fetch = (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(15_000) });
  try {
    const r = await connector.testConnection({ config: parsed.data, fetch: timedFetch, fieldMapping: {} });
    // A saved connection keeps the notice in its status, for the options page (only the notice key).
    if (id && (await db.connectors.get(id))) await db.connectors.update(id, { 'status.notice': r.notice ? redact(r.notice) : undefined });
    return { ok: true, account: redact(r.account), ...(r.notice ? { notice: redact(r.notice) } : {}) };
  } catch (e) {
    const msg =
      e instanceof ConnectorError ? `${e.message}${e.status ? ` (HTTP ${e.status})` : ''}` : e instanceof Error ? e.message : String(e);
    return { ok: false, error: redact(msg) };
  }
}
