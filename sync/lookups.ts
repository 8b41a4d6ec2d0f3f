// CRM-side facts about a person (owner, stage, deals, a link to the record), read through each
// connected CRM's `lookupByEmail` and cached in IndexedDB with the time they were fetched.
//
// Local-first (principle 2): a card is painted from the cache at once; a refresh runs in the
// background worker only when the cached answer is older than the freshness window, and its result
// replaces the cache. The network never blocks the first paint, and an offline user still sees the
// last known CRM data with its age.
import { parseRetryAfter } from '../connectors/http';
import type { ConnectorRegistry } from '../connectors/registry';
import { ConnectorError, type RemoteContact } from '../connectors/types';
import type { RapportDB } from '../storage/db';
import { connectorMemory } from './connector-memory';
import { loadConnectorConfig } from './connectors';
import type { CrmCacheRow } from '../storage/sync-rows';
import { redact } from './redact';
import { bearerOf, freshAccessToken, withBearer } from './token-refresh';
import { type CrmCard, LOOKUP_ERROR_BACKOFF_MS, LOOKUP_FRESH_MS, cacheKey, cachedCrmCards, isStale } from './crm-cards';
import { normalizeEmail } from '../storage/normalize';

export { LOOKUP_ERROR_BACKOFF_MS, LOOKUP_FRESH_MS };

const LOOKUP_TIMEOUT_MS = 8_000;

/** Instances that can answer look-ups now (enabled, not paused, connector has lookupByEmail). */
async function lookupInstances(db: RapportDB, registry: ConnectorRegistry) {
  const all = await db.connectors.toArray();
  return all.filter((i) => i.enabled && !i.status?.paused && registry.get(i.type)?.lookupByEmail);
}

/** Cached answers are forgotten after this long (re-asked when the person is shown again). */
export const LOOKUP_RETENTION_MS = 7 * 24 * 3600_000;
let lastPrune = 0;

/** Deletes cached answers older than the retention (at most once an hour per worker). */
export async function pruneCrmCache(db: RapportDB, now: number = Date.now()): Promise<number> {
  if (now - lastPrune < 3600_000) return 0;
  lastPrune = now;
  return db.crmCache.filter((r) => Math.max(r.fetchedAt, r.attemptedAt ?? 0) < now - LOOKUP_RETENTION_MS).delete();
}

export interface RefreshOptions {
  now?: () => number;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Ignore the freshness window (the user pressed "refresh"). */
  force?: boolean;
}

/**
 * Looks up the stale addresses in every connected CRM and stores the answers. Failures are cached
 * as errors (the previous good answer is kept beside them) so the card can say what happened.
 */
export async function refreshCrmCards(
  db: RapportDB,
  registry: ConnectorRegistry,
  emails: string[],
  opts: RefreshOptions = {},
): Promise<CrmCard[]> {
  const now = opts.now ?? Date.now;
  const addrs = [...new Set(emails.map((e) => normalizeEmail(e)).filter((e): e is string => !!e))].slice(0, 20);
  await pruneCrmCache(db, now()).catch(() => 0);
  const instances = await lookupInstances(db, registry);
  await Promise.all(
    instances.map(async (inst) => {
      const keys = addrs.map((e) => cacheKey(inst.id, e));
      const rows = await db.crmCache.bulkGet(keys);
      const due = addrs.filter((_, i) => opts.force || !rows[i] || isStale(rows[i]!, now()));
      if (due.length === 0) return;
      const loaded = await loadConnectorConfig(db, registry, inst.id);
      if ('error' in loaded) return;
      const { connector, config, secretValues } = loaded;
      const baseFetch = opts.fetch ?? fetch;
      const timeoutMs = opts.timeoutMs ?? LOOKUP_TIMEOUT_MS;
      // Look-ups share the vendor's rate limit with the sync engine: a short 429 (right after a
      // big sync, say) is waited out and retried twice instead of failing the card. An expired
      // OAuth token is renewed through the same single refresh as the engine's (token-refresh.ts).
      const timedFetch: typeof fetch = async (input, init) => {
        let headers = init?.headers;
        for (let attempt = 0, refreshed = false; ; attempt++) {
          const res = await baseFetch(input, { ...init, headers, signal: AbortSignal.timeout(timeoutMs) });
          if (res.status === 401 && connector.oauth && !refreshed) {
            refreshed = true;
            const token = await freshAccessToken(db, registry, inst.id, bearerOf(headers), {
              fetch: baseFetch,
              timeoutMs,
              sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
            });
            config.accessToken = token;
            secretValues.push(token);
            headers = withBearer(headers, token);
            await res.body?.cancel().catch(() => undefined);
            continue;
          }
          const wait = res.status === 429 ? (parseRetryAfter(res.headers.get('retry-after')) ?? 1000) : undefined;
          if (wait === undefined || attempt >= 2 || wait > 10_000) return res;
          await new Promise((r) => setTimeout(r, wait));
        }
      };
      const ctx = {
        config,
        fetch: timedFetch,
        fieldMapping: { ...connector.defaultFieldMapping, ...inst.fieldMapping },
        memory: connectorMemory(db, inst.id),
      };
      // One address at a time: look-ups are few (one card's people) and must not starve the sync engine's budget.
      for (const email of due) {
        const key = cacheKey(inst.id, email);
        const previous = rows[addrs.indexOf(email)];
        let row: CrmCacheRow;
        try {
          const found = await connector.lookupByEmail!(ctx, email);
          row = { key, connectorId: inst.id, email, fetchedAt: now(), found: found ? sanitize(found) : null };
        } catch (err) {
          const message =
            err instanceof ConnectorError
              ? `${err.message}${err.status ? ` (HTTP ${err.status})` : ''}`
              : err instanceof Error
                ? err.message
                : String(err);
          row = {
            key,
            connectorId: inst.id,
            email,
            fetchedAt: previous?.fetchedAt ?? now(),
            attemptedAt: now(),
            ...(previous?.found !== undefined ? { found: previous.found } : {}),
            error: redact(message, secretValues).slice(0, 300),
          };
        }
        await db.crmCache.put(row);
      }
    }),
  );
  return cachedCrmCards(db, addrs, now());
}

/** Keeps only what the card shows, and only http(s) links (a CRM answer is still remote input). */
function sanitize(found: RemoteContact): RemoteContact {
  const url = found.url && /^https?:\/\//i.test(found.url) ? found.url : undefined;
  const text = (s: unknown, max = 200) => (typeof s === 'string' ? s.slice(0, max) : undefined);
  return {
    remoteId: String(found.remoteId).slice(0, 100),
    ...(url ? { url: url.slice(0, 2000) } : {}),
    ...(text(found.owner) ? { owner: text(found.owner) } : {}),
    ...(text(found.stage) ? { stage: text(found.stage) } : {}),
    deals: (found.deals ?? []).slice(0, 20).map((d) => ({
      name: text(d.name) ?? '',
      ...(text(d.stage) ? { stage: text(d.stage) } : {}),
      ...(typeof d.amount === 'number' && Number.isFinite(d.amount) ? { amount: d.amount } : {}),
      ...(text(d.currency, 3) ? { currency: text(d.currency, 3) } : {}),
    })),
    fields: {},
  };
}
