// What the sidebar and popup show of a CRM's answer about a person, read from the local cache
// only (no connector code, no network: safe and light for extension pages). The background
// refreshes the cache (sync/lookups.ts).
import type { RemoteContact } from '../connectors/types';
import type { RapportDB } from '../storage/db';
import { normalizeEmail } from '../storage/normalize';
import type { CrmCacheRow } from '../storage/sync-rows';

/** How long a looked-up answer counts as fresh. */
export const LOOKUP_FRESH_MS = 15 * 60_000;
/** A failed look-up is not retried sooner than this (a CRM that is down is not hammered). */
export const LOOKUP_ERROR_BACKOFF_MS = 60_000;
/** Connector types that answer look-ups (checked against the registry by an architecture test). */
export const LOOKUP_TYPES: ReadonlySet<string> = new Set(['hubspot', 'pipedrive', 'salesforce']);

/** What the sidebar and popup show per connected CRM for one email address. */
export interface CrmCard {
  connectorId: string;
  connectorName: string;
  email: string;
  /** When the answer was fetched (ms since epoch); undefined: never looked up yet. */
  fetchedAt?: number;
  stale: boolean;
  /** null: the CRM has no such person. undefined: not known yet. */
  found?: RemoteContact | null;
  /** The last look-up failed (vendor message, secrets removed). */
  error?: string;
}

export function cacheKey(connectorId: string, email: string): string {
  return `${connectorId}|${email}`;
}

/** The cached cards for these addresses, one per address and connected CRM (no network). */
export async function cachedCrmCards(db: RapportDB, emails: string[], now: number = Date.now()): Promise<CrmCard[]> {
  const addrs = [...new Set(emails.map((e) => normalizeEmail(e)).filter((e): e is string => !!e))];
  if (addrs.length === 0) return [];
  const instances = (await db.connectors.toArray()).filter((i) => i.enabled && LOOKUP_TYPES.has(i.type));
  if (instances.length === 0) return [];
  const keys = instances.flatMap((i) => addrs.map((e) => cacheKey(i.id, e)));
  const rows = await db.crmCache.bulkGet(keys);
  const byKey = new Map(rows.filter((r): r is CrmCacheRow => !!r).map((r) => [r.key, r]));
  return instances.flatMap((inst) =>
    addrs.map((email) => {
      const row = byKey.get(cacheKey(inst.id, email));
      return cardOf(inst.id, inst.name || inst.type, email, row, now);
    }),
  );
}

function cardOf(connectorId: string, connectorName: string, email: string, row: CrmCacheRow | undefined, now: number): CrmCard {
  if (!row) return { connectorId, connectorName, email, stale: true };
  return {
    connectorId,
    connectorName,
    email,
    fetchedAt: row.fetchedAt,
    stale: isStale(row, now),
    ...(row.found !== undefined ? { found: row.found } : {}),
    ...(row.error ? { error: row.error } : {}),
  };
}

export function isStale(row: CrmCacheRow, now: number): boolean {
  if (row.error) return now - (row.attemptedAt ?? row.fetchedAt) >= LOOKUP_ERROR_BACKOFF_MS;
  return now - row.fetchedAt >= LOOKUP_FRESH_MS;
}
