// Connector instances: saving what the options form sends (secrets split off into their own
// table), reading the full config back for the engine only, pausing and resuming.
import Dexie from 'dexie';
import type { ConnectorRegistry, AnyConnector } from '../connectors/registry';
import type { SyncKind } from '../connectors/types';
import type { RapportDB } from '../storage/db';
import { forgetConnectorMemory } from './connector-memory';
import { backfillKey, kindsToBackfill, planBackfill } from '../storage/backfill';
import { newId } from '../storage/schema';
import type { ConnectorInstance, ConnectorStatus, PauseScope, PipelineMapping, SyncDirection } from '../storage/sync-rows';
import { dropLinkJournal } from './link-journal';
import { connectorStateKey } from '../storage/sync-rows';

/** Dependency order: companies before contacts (contacts link to them), people before activities. */
export const KIND_ORDER: readonly SyncKind[] = [
  'company',
  'contact',
  'email',
  'note',
  'call',
  'meeting',
  'task',
  'deal',
  'case',
  'candidate',
];

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
    case 'call':
      return c.calls;
    case 'meeting':
      return c.meetings;
    case 'task':
      return c.tasks;
    case 'deal':
      return c.deals;
    case 'case':
      return c.cases;
    case 'candidate':
      return c.candidates;
  }
}

export function supportedKinds(connector: AnyConnector): SyncKind[] {
  return KIND_ORDER.filter((k) => supportsKind(connector, k));
}

/**
 * The origins a config sends its credentials to (the connector's `origins`), sorted; undefined
 * when the config does not parse.
 */
export function credentialOrigins(connector: AnyConnector, values: Record<string, unknown>): string[] | undefined {
  const parsed = connector.configSchema.safeParse(values);
  if (!parsed.success) return undefined;
  return [...new Set(connector.origins(parsed.data).map((o: string) => new URL(o.replace(/\/\*$/, '/')).origin))].sort();
}

/** Loopback hosts: a local server (a test simulator, a self-hosted proxy on this machine) needs no TLS. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(h) || h === '::1';
}

/** Origins among these that are plain http:// to another machine (tokens would cross the network unencrypted). */
export function insecureOrigins(origins: readonly string[]): string[] {
  return origins.filter((o) => {
    const u = new URL(o);
    return u.protocol === 'http:' && !isLoopbackHost(u.hostname);
  });
}

export function sameOrigins(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  return !!a && !!b && a.length === b.length && a.every((o, i) => o === b[i]);
}

/** Why an insecure config is refused, or undefined. */
export function insecureHttpError(connector: AnyConnector, origins: readonly string[] | undefined, confirmed: boolean): string | undefined {
  const plain = insecureOrigins(origins ?? []);
  if (!plain.length || confirmed) return undefined;
  return `${connector.displayName}: ${plain.join(', ')} is plain http://, so your credentials and data would cross the network unencrypted. Use https://, or tick “Send over plain http://” to confirm.`;
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
  /** Local pipelines → the CRM's (decision 0054); absent keeps the stored one. */
  pipelineMapping?: PipelineMapping;
  /** The user confirmed sending to a plain http:// address (not needed for loopback). */
  allowInsecureHttp?: boolean;
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

    const given: Record<string, string> = {};
    // Values the form did not send keep their stored value.
    const config: Record<string, unknown> = { ...(old?.config ?? {}) };
    for (const [k, v] of Object.entries(input.values)) {
      if (secretKeys.has(k)) {
        if (typeof v === 'string' && v !== '') given[k] = v;
      } else config[k] = v;
    }
    // Secrets, like the http:// confirmation, belong to the address they were given for: when the
    // connection now points elsewhere, the stored ones are dropped (a typo or a rogue URL must not
    // receive them), and only those entered with the new address are kept.
    const oldOrigins = old && credentialOrigins(connector, { ...old.config, ...oldSecrets });
    const newOrigins = credentialOrigins(connector, { ...config, ...oldSecrets, ...given });
    const moved = !!old && !sameOrigins(oldOrigins, newOrigins);
    const kept = moved ? {} : oldSecrets;
    const secrets: Record<string, string> = { ...kept, ...given };
    const secretsChanged = Object.entries(given).some(([k, v]) => v !== oldSecrets[k]);
    const parsed = connector.configSchema.safeParse({ ...config, ...secrets });
    if (!parsed.success) {
      const dropped = Object.keys(oldSecrets).filter((k) => oldSecrets[k] && !given[k]);
      if (moved && dropped.length)
        throw new Error(
          `${connector.displayName}: the address changed, so the saved ${dropped.join(', ')} (only ever sent to ${oldOrigins?.join(', ') ?? 'the old address'}) ${dropped.length > 1 ? 'were' : 'was'} dropped: enter ${dropped.length > 1 ? 'them' : 'it'} again`,
        );
      throw new Error(`${connector.displayName}: ${zodMessage(parsed.error)}`);
    }
    const allowInsecureHttp = input.allowInsecureHttp ?? (moved ? false : !!old?.allowInsecureHttp);
    const refusal = insecureHttpError(connector, newOrigins, allowInsecureHttp);
    if (refusal) throw new Error(refusal);
    // Keep the parsed (defaults applied) non-secret values.
    const full = parsed.data as Record<string, unknown>;
    const cleanConfig = Object.fromEntries(Object.entries(full).filter(([k]) => !secretKeys.has(k)));

    const supported = supportedKinds(connector);
    const kinds = (input.kinds ?? old?.kinds ?? supported).filter((k) => supported.includes(k));
    let status: ConnectorStatus = old?.status ?? {};
    // New credentials (a token with more scopes, say) also lift what a 403 paused.
    if (secretsChanged && (status.paused || status.pausedKinds))
      status = { ...status, paused: false, pausedReason: undefined, pausedAt: undefined, pausedKinds: undefined };
    const inst: ConnectorInstance = {
      id: old?.id ?? newId('cn'),
      type: connector.id,
      name: input.name?.trim() || old?.name || connector.displayName,
      config: cleanConfig,
      enabled: input.enabled ?? old?.enabled ?? true,
      kinds,
      direction: input.direction ?? old?.direction ?? 'push',
      fieldMapping: input.fieldMapping ?? old?.fieldMapping ?? {},
      ...((input.pipelineMapping ?? old?.pipelineMapping) ? { pipelineMapping: input.pipelineMapping ?? old?.pipelineMapping } : {}),
      ...(insecureOrigins(newOrigins ?? []).length && allowInsecureHttp ? { allowInsecureHttp: true } : {}),
      status,
      createdAt: old?.createdAt ?? now,
      updatedAt: now,
    };
    await db.connectors.put(inst);
    // What the connector learnt about the account may not hold for other credentials or another address.
    if (moved || secretsChanged) await forgetConnectorMemory(db, inst.id);
    // Records saved before it pushed these kinds: queued by the service worker (storage/backfill.ts).
    await planBackfill(db, inst.id, kindsToBackfill(old, inst), now);
    await db.secrets.put({ connectorId: inst.id, values: Object.fromEntries(Object.entries(secrets).filter(([k]) => secretKeys.has(k))) });
    return { ...inst, secretsSet: Object.keys(secrets).filter((k) => secretKeys.has(k) && secrets[k]) };
  });
}

/**
 * Stores what a token refresh answered (new tokens, with rotation a new refresh token; maybe the
 * instance URL) over the stored values. Unlike a save by the user it leaves the status alone: a
 * new access token grants nothing a 403 refused.
 */
export async function storeRefreshedTokens(
  db: RapportDB,
  registry: ConnectorRegistry,
  id: string,
  values: Record<string, unknown>,
  now: number = Date.now(),
): Promise<void> {
  await db.transaction('rw', db.connectors, db.secrets, async () => {
    const inst = await db.connectors.get(id);
    const connector = inst && registry.get(inst.type);
    if (!inst || !connector) throw new Error(`no connector ${id}`);
    const secretKeys = new Set<string>(connector.secretKeys);
    const secrets = { ...((await db.secrets.get(id))?.values ?? {}) };
    const config = { ...inst.config };
    for (const [k, v] of Object.entries(values)) {
      if (secretKeys.has(k)) {
        if (typeof v === 'string' && v) secrets[k] = v;
      } else if (v !== undefined) config[k] = v;
    }
    const parsed = connector.configSchema.safeParse({ ...config, ...secrets });
    if (!parsed.success) throw new Error(`${connector.displayName}: ${zodMessage(parsed.error)}`);
    await db.connectors.update(id, { config, updatedAt: now });
    await db.secrets.put({ connectorId: id, values: secrets });
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
  // Saved before plain http:// needed a confirmation: nothing is sent until the user gives it.
  const refusal = insecureHttpError(
    connector,
    credentialOrigins(connector, parsed.data as Record<string, unknown>),
    !!instance.allowInsecureHttp,
  );
  if (refusal) return { error: refusal };
  return { instance, connector, config: parsed.data as Record<string, unknown>, secretValues: Object.values(secrets) };
}

export async function pauseConnector(db: RapportDB, id: string, reason: string, now: number = Date.now()): Promise<void> {
  await db.transaction('rw', db.connectors, async () => {
    const inst = await db.connectors.get(id);
    if (!inst) return;
    await db.connectors.update(id, { status: { ...inst.status, paused: true, pausedReason: reason, pausedAt: now } });
  });
}

/** A 403 on one kind (or the pull): only that waits for the user. */
export async function pauseKind(db: RapportDB, id: string, scope: PauseScope, reason: string, now: number = Date.now()): Promise<void> {
  await db.transaction('rw', db.connectors, async () => {
    const inst = await db.connectors.get(id);
    if (!inst) return;
    await db.connectors.update(id, {
      status: { ...inst.status, pausedKinds: { ...inst.status.pausedKinds, [scope]: { reason, at: now } } },
    });
  });
}

/**
 * After the user reconnected, fixed the CRM's permissions or pressed Resume: the engine pushes
 * again. With a scope, only that kind (or the pull) resumes; without, the connection does.
 */
export async function resumeConnector(db: RapportDB, id: string, scope?: PauseScope): Promise<void> {
  await db.transaction('rw', db.connectors, async () => {
    const inst = await db.connectors.get(id);
    if (!inst) return;
    if (scope) {
      const { [scope]: _resumed, ...others } = inst.status.pausedKinds ?? {};
      const { pausedKinds: _k, ...rest } = inst.status;
      await db.connectors.update(id, { status: Object.keys(others).length ? { ...rest, pausedKinds: others } : rest });
      return;
    }
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
