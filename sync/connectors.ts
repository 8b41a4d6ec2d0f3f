// Connector instances: saving what the options form sends (secrets split off into their own
// table), reading the full config back for the engine only, pausing and resuming.
import Dexie from 'dexie';
import type { ConnectorRegistry, AnyConnector } from '../connectors/registry';
import type { SyncKind } from '../connectors/types';
import type { RapportDB } from '../storage/db';
import { backfillKey, kindsToBackfill, planBackfill } from '../storage/backfill';
import { newId } from '../storage/schema';
import type { ConnectorInstance, ConnectorStatus, SyncDirection } from '../storage/sync-rows';
import { dropLinkJournal } from './link-journal';
import { connectorStateKey } from '../storage/sync-rows';

/** Dependency order: companies before contacts (contacts link to them), people before activities. */
export const KIND_ORDER: readonly SyncKind[] = ['company', 'contact', 'email', 'note', 'task', 'deal'];

export function supportsKind(connector: AnyConnector, kind: SyncKind): boolean {
  const c = connector.capabilities;
  switch (kind) {
    case 'contact':
      return c.contacts;
    case 'company':
      return c.companies;
    case 'email':
      return c.emailLogging;
    case 'note':
      return c.notes;
    case 'task':
      return c.tasks;
    case 'deal':
      return c.deals;
  }
}

export function supportedKinds(connector: AnyConnector): SyncKind[] {
  return KIND_ORDER.filter((k) => supportsKind(connector, k));
}

export interface ConnectorInput {
  /** Absent: a new instance. */
  id?: string;
  type: string;
  name?: string;
  /** The form's values: config and secrets together. An empty secret, or a key left out, keeps the stored value. */
  values: Record<string, unknown>;
  enabled?: boolean;
  kinds?: SyncKind[];
  direction?: SyncDirection;
  fieldMapping?: Record<string, string>;
}

/** What may be shown in the options page: the instance, and which secrets are set (not their values). */
export interface PublicConnectorInstance extends ConnectorInstance {
  secretsSet: string[];
}

function zodMessage(err: unknown): string {
  const issues = (err as { issues?: { path: PropertyKey[]; message: string }[] }).issues;
  if (Array.isArray(issues)) return issues.map((i) => `${i.path.map(String).join('.') || 'config'}: ${i.message}`).join('; ');
  return err instanceof Error ? err.message : String(err);
}

/**
 * Creates or updates an instance. Validates the whole config with the connector's schema (zod's
 * messages name fields, never values), stores secret keys apart. Saving new secrets for a paused
 * instance resumes it (that is how the user "reconnects").
 */
export async function saveConnectorInstance(
  db: RapportDB,
  registry: ConnectorRegistry,
  input: ConnectorInput,
  now: number = Date.now(),
): Promise<PublicConnectorInstance> {
  const connector = registry.get(input.type);
  if (!connector) throw new Error(`unknown connector type ${input.type}`);
  const secretKeys = new Set<string>(connector.secretKeys);
  return db.transaction('rw', db.connectors, db.secrets, db.syncState, async () => {
    const old = input.id ? await db.connectors.get(input.id) : undefined;
    if (input.id && !old) throw new Error(`no connector ${input.id}`);
    if (old && old.type !== input.type) throw new Error('the type of a connector cannot change');
    const oldSecrets = old ? ((await db.secrets.get(old.id))?.values ?? {}) : {};

    const secrets: Record<string, string> = { ...oldSecrets };
    let secretsChanged = false;
    // Values the form did not send keep their stored value.
    const config: Record<string, unknown> = { ...(old?.config ?? {}) };
    for (const [k, v] of Object.entries(input.values)) {
      if (secretKeys.has(k)) {
        if (typeof v === 'string' && v !== '' && v !== oldSecrets[k]) {
          secrets[k] = v;
          secretsChanged = true;
        }
      } else config[k] = v;
    }
    const parsed = connector.configSchema.safeParse({ ...config, ...secrets });
    if (!parsed.success) throw new Error(`${connector.displayName}: ${zodMessage(parsed.error)}`);
    // Keep the parsed (defaults applied) non-secret values.
    const full = parsed.data as Record<string, unknown>;
    const cleanConfig = Object.fromEntries(Object.entries(full).filter(([k]) => !secretKeys.has(k)));

    const supported = supportedKinds(connector);
    const kinds = (input.kinds ?? old?.kinds ?? supported).filter((k) => supported.includes(k));
    let status: ConnectorStatus = old?.status ?? {};
    if (secretsChanged && status.paused) status = { ...status, paused: false, pausedReason: undefined, pausedAt: undefined };
    const inst: ConnectorInstance = {
      id: old?.id ?? newId('cn'),
      type: connector.id,
      name: input.name?.trim() || old?.name || connector.displayName,
      config: cleanConfig,
      enabled: input.enabled ?? old?.enabled ?? true,
      kinds,
      direction: input.direction ?? old?.direction ?? 'push',
      fieldMapping: input.fieldMapping ?? old?.fieldMapping ?? {},
      status,
      createdAt: old?.createdAt ?? now,
      updatedAt: now,
    };
    await db.connectors.put(inst);
    // Records saved before it pushed these kinds: queued by the service worker (storage/backfill.ts).
    await planBackfill(db, inst.id, kindsToBackfill(old, inst), now);
    await db.secrets.put({ connectorId: inst.id, values: Object.fromEntries(Object.entries(secrets).filter(([k]) => secretKeys.has(k))) });
    return { ...inst, secretsSet: Object.keys(secrets).filter((k) => secretKeys.has(k) && secrets[k]) };
  });
}

export async function listConnectorInstances(db: RapportDB): Promise<PublicConnectorInstance[]> {
  const [instances, secrets] = await Promise.all([db.connectors.toArray(), db.secrets.toArray()]);
  const set = new Map(secrets.map((s) => [s.connectorId, Object.keys(s.values).filter((k) => s.values[k])]));
  return instances.map((i) => ({ ...i, secretsSet: set.get(i.id) ?? [] }));
}

/**
 * The full config (secrets included) of an instance, parsed by its connector's schema. For the
 * engine and connection tests only: the result must never be sent to a page or logged.
 */
export async function loadConnectorConfig(
  db: RapportDB,
  registry: ConnectorRegistry,
  id: string,
): Promise<
  { instance: ConnectorInstance; connector: AnyConnector; config: Record<string, unknown>; secretValues: string[] } | { error: string }
> {
  const instance = await db.connectors.get(id);
  if (!instance) return { error: `no connector ${id}` };
  const connector = registry.get(instance.type);
  if (!connector) return { error: `this version of Rapport has no ${instance.type} connector` };
  const secrets = (await db.secrets.get(id))?.values ?? {};
  const parsed = connector.configSchema.safeParse({ ...instance.config, ...secrets });
  if (!parsed.success) return { error: `${connector.displayName} settings are incomplete: ${zodMessage(parsed.error)}` };
  return { instance, connector, config: parsed.data as Record<string, unknown>, secretValues: Object.values(secrets) };
}

export async function pauseConnector(db: RapportDB, id: string, reason: string, now: number = Date.now()): Promise<void> {
  await db.transaction('rw', db.connectors, async () => {
    const inst = await db.connectors.get(id);
    if (!inst) return;
    await db.connectors.update(id, { status: { ...inst.status, paused: true, pausedReason: reason, pausedAt: now } });
  });
}

/** After the user reconnected (or dismissed the problem): the engine pushes again. */
export async function resumeConnector(db: RapportDB, id: string): Promise<void> {
  await db.transaction('rw', db.connectors, async () => {
    const inst = await db.connectors.get(id);
    if (!inst) return;
    const { paused: _p, pausedReason: _r, pausedAt: _a, ...rest } = inst.status;
    await db.connectors.update(id, { status: rest });
  });
}

/** Removes an instance with its secrets, queue, links and engine state. */
export async function removeConnectorInstance(db: RapportDB, id: string): Promise<void> {
  await db.transaction('rw', [db.connectors, db.secrets, db.outbox, db.links, db.syncState, db.crmCache], async () => {
    await db.connectors.delete(id);
    await db.crmCache.where('connectorId').equals(id).delete();
    await db.secrets.delete(id);
    await db.outbox.where('[connectorId+state]').between([id, Dexie.minKey], [id, Dexie.maxKey]).delete();
    // Per kind: a range with maxKey in a middle position is rejected by IndexedDB implementations.
    for (const kind of KIND_ORDER) {
      await db.links.where('[connectorId+kind+localId]').between([id, kind, Dexie.minKey], [id, kind, Dexie.maxKey]).delete();
    }
    await db.syncState.delete(connectorStateKey(id));
    await db.syncState.delete(backfillKey(id));
    await dropLinkJournal(db, id);
  });
}
