// The Rapport-id property: a text property holding the local record id, on contacts, companies, emails,
// notes, calls, meetings and tasks. Created with `hasUniqueValue: true` when the token may (crm.schemas.*.write): then a
// retried create is found by a batch read on it (not the search index, which lags writes) and a repeated
// create is refused by HubSpot with the existing id. Asked once per connection and object type: the
// answer is kept in the connection's memory (a worker lives minutes; asking again on each wake-up would
// spend the rate limit), and in this worker. A refusal is asked again later, in case the scope was
// granted since, and every connection test asks afresh.
import { sleep } from '../http';
import { ConnectorError, type ConnectorMemory } from '../types';
import type { HsObject, HsObjectType, HubspotClient } from './client';

export const DEFAULT_RAPPORT_ID_PROPERTY = 'rapport_id';

/**
 * - unique: the property exists with unique values: exact look-ups and refused duplicates.
 * - plain: it exists without unique values (made by hand): written on create and compared, never searched.
 * - none: it does not exist and cannot be made (`reason` says why): matching falls back to content and
 *   associations.
 */
export type RapportIdMode = { kind: 'unique'; property: string } | { kind: 'plain'; property: string } | { kind: 'none'; reason: string };

export const RAPPORT_ID_TYPES = [
  'contacts',
  'companies',
  'emails',
  'notes',
  'calls',
  'meetings',
  'tasks',
] as const satisfies readonly HsObjectType[];

const RECHECK_REFUSAL_MS = 30 * 60_000;
const cache = new Map<string, { at: number; mode: Promise<RapportIdMode> }>();

interface HsProperty {
  name: string;
  hasUniqueValue?: boolean;
}

const isStatus = (err: unknown, ...statuses: number[]) => err instanceof ConnectorError && statuses.includes(err.status ?? 0);

function refusal(err: ConnectorError, type: HsObjectType): RapportIdMode {
  if (err.status === 403) return { kind: 'none', reason: `the token lacks the crm.schemas.${type}.write scope` };
  return { kind: 'none', reason: `HubSpot refused the property on ${type}: ${err.message}` };
}

async function readProperty(client: HubspotClient, type: HsObjectType, name: string): Promise<HsProperty | null> {
  try {
    return await client.request<HsProperty>('GET', `/crm/v3/properties/${type}/${encodeURIComponent(name)}`);
  } catch (err) {
    if (isStatus(err, 404)) return null;
    throw err;
  }
}

function modeOf(p: HsProperty): RapportIdMode {
  return { kind: p.hasUniqueValue ? 'unique' : 'plain', property: p.name };
}

async function ensure(client: HubspotClient, type: HsObjectType, name: string): Promise<RapportIdMode> {
  try {
    const existing = await readProperty(client, type, name);
    if (existing) return modeOf(existing);
    const groups = await client.request<{ results?: { name: string }[] }>('GET', `/crm/v3/properties/${type}/groups`);
    const groupName = groups.results?.[0]?.name;
    if (!groupName) return { kind: 'none', reason: `HubSpot lists no property group for ${type}` };
    try {
      const created = await client.request<HsProperty>('POST', `/crm/v3/properties/${type}`, {
        name,
        label: 'Rapport record id',
        description: 'Set by Rapport: the id of this record in Rapport, so that a retried sync never creates it twice.',
        type: 'string',
        fieldType: 'text',
        groupName,
        hasUniqueValue: true,
        formField: false,
      });
      return modeOf({ ...created, name });
    } catch (err) {
      // Made meanwhile by another worker or another teammate's Rapport: use what is there.
      if (!isStatus(err, 409)) throw err;
      const now = await readProperty(client, type, name);
      if (!now) throw err;
      return modeOf(now);
    }
  } catch (err) {
    // A missing scope or a refused definition is a fallback, not a sync failure; the rest (5xx,
    // network, 429) fails this push and is retried.
    if (err instanceof ConnectorError && (err.status === 403 || err.status === 400)) return refusal(err, type);
    throw err;
  }
}

const memoryKey = (type: HsObjectType, name: string) => `hubspot.rapportId.${type}.${name}`;

/** What the connection's memory says (a property once found or made), or undefined: ask HubSpot. */
async function remembered(memory: ConnectorMemory | undefined, type: HsObjectType, name: string): Promise<RapportIdMode | undefined> {
  const kind = await memory?.get(memoryKey(type, name)).catch(() => undefined);
  return kind === 'unique' || kind === 'plain' ? { kind, property: name } : undefined;
}

async function ensureAndRemember(
  client: HubspotClient,
  type: HsObjectType,
  name: string,
  memory: ConnectorMemory | undefined,
  fresh: boolean,
): Promise<RapportIdMode> {
  const known = fresh ? undefined : await remembered(memory, type, name);
  if (known) return known;
  const mode = await ensure(client, type, name);
  await memory?.set(memoryKey(type, name), mode.kind === 'none' ? undefined : mode.kind).catch(() => undefined);
  return mode;
}

/**
 * The property's mode for one object type; `name` is the configured property (default rapport_id).
 * `fresh`: ask HubSpot even if the connection's memory knows (a connection test).
 */
export function rapportIdMode(
  client: HubspotClient,
  type: HsObjectType,
  name = DEFAULT_RAPPORT_ID_PROPERTY,
  memory?: ConnectorMemory,
  fresh = false,
): Promise<RapportIdMode> {
  const key = `${client.key}|${type}|${name}`;
  const hit = cache.get(key);
  if (!fresh && hit && Date.now() - hit.at < RECHECK_REFUSAL_MS) return hit.mode;
  const entry = { at: Date.now(), mode: ensureAndRemember(client, type, name, memory, fresh) };
  cache.set(key, entry);
  entry.mode.then(
    (mode) => {
      // Only a refusal is asked again later; an existing property stays known while the worker lives.
      if (mode.kind !== 'none') entry.at = Infinity;
    },
    () => cache.delete(key),
  );
  return entry.mode;
}

/**
 * Earlier creates of these local records, found by a batch read on the unique property (exact, no
 * search index): the HubSpot object per local id, lowercased (HubSpot compares unique values so).
 */
export async function readByRapportId(
  client: HubspotClient,
  type: HsObjectType,
  property: string,
  localIds: string[],
  properties: string[],
): Promise<Map<string, HsObject>> {
  if (localIds.length === 0) return new Map();
  const found = await client.batchRead(type, localIds, properties, property);
  return new Map(found.map((o) => [(o.properties[property] ?? '').toLowerCase(), o]));
}

/** What the options page says after a connection test when some objects lack the property. */
export function exactnessNotice(modes: Partial<Record<HsObjectType, RapportIdMode>>): string | undefined {
  const missing = Object.entries(modes).filter(([, m]) => m?.kind === 'none') as [HsObjectType, { kind: 'none'; reason: string }][];
  if (missing.length === 0) return undefined;
  const types = missing.map(([t]) => t).join(', ');
  const scopes = missing.map(([t]) => `crm.schemas.${t}.write`).join(', ');
  return (
    `Duplicate-proof sync needs a unique "rapport_id" property on ${types}, which Rapport creates itself when the ` +
    `private app has the ${scopes} scope${missing.length > 1 ? 's' : ''} (${missing[0][1].reason}). Until then a retried ` +
    `email, note, call, meeting or task is matched by its content and its contacts, and a retried company waits for HubSpot's search.`
  );
}

/** The HubSpot id named in a 409 CONFLICT ("… Existing ID: 123"), when there is one. */
export function existingIdOf(err: ConnectorError): string | undefined {
  if (err.kind !== 'conflict') return undefined;
  return /Existing ID:\s*(\d+)/i.exec(err.message)?.[1];
}

/** How long HubSpot's search index may lag a write ("a few seconds"); tests scale it down. */
export const searchIndex = { settleMs: 10_000 };

/**
 * Without a unique Rapport id, a record found only through search (a company, a contact without email)
 * may have been created by an earlier attempt moments ago and not be searchable yet. Retried records
 * that search missed are searched again once the index has caught up with any earlier attempt.
 */
export async function searchAgainWhenSettled<W>(missed: W[], find: (missed: W[]) => Promise<void>): Promise<void> {
  if (missed.length === 0) return;
  await sleep(searchIndex.settleMs);
  await find(missed);
}
