// The connector plugin interface: one folder per CRM under connectors/, registered in
// connectors/registry.ts. The sync engine (sync/) owns queues, leases, batching, rate limiting,
// retries and the links table; a connector only translates records to its vendor's API and back.
import type { z } from 'zod';
import type { Activity, Company, Contact, Pipeline, PipelineItem, Task } from '../storage/schema';
import type { ItemSyncKind, PipelineMap, PipelineMapping, RemoteContact, SyncErrorKind, SyncKind } from '../storage/sync-rows';

export type { ItemSyncKind, PipelineMap, PipelineMapping, RemoteContact, SyncKind };
export { ITEM_SYNC_KINDS, isItemKind } from '../storage/sync-rows';

export interface Capabilities {
  contacts: boolean;
  companies: boolean;
  emailLogging: boolean;
  notes: boolean;
  tasks: boolean;
  /** Logged calls (SyncKind 'call'). */
  calls: boolean;
  /** Logged meetings (SyncKind 'meeting'). */
  meetings: boolean;
  /** Items of sales and custom pipelines (SyncKind 'deal'). */
  deals: boolean;
  /** Items of service pipelines (SyncKind 'case'). */
  cases: boolean;
  /** Items of hiring pipelines (SyncKind 'candidate'). */
  candidates: boolean;
  pull: boolean;
}

/** A vendor's documented limit: at most `requests` per `intervalMs` (a token bucket of that size). */
export interface RateLimit {
  requests: number;
  intervalMs: number;
}

/** Remote ids already known for the local records an item refers to (from the links table). */
export interface LinkedIds {
  /** local contact id → remote id */
  contacts: Record<string, string>;
  /** local company id → remote id */
  companies: Record<string, string>;
  /**
   * Pipeline items only: the e-mails logged from the item's threads that this CRM already has,
   * local activity id → remote id (decision 0054). Absent for other kinds.
   */
  emails?: Record<string, string>;
}

export type PushRecord =
  | { kind: 'contact'; record: Contact }
  | { kind: 'company'; record: Company }
  | { kind: 'email' | 'note' | 'call' | 'meeting'; record: Activity }
  | { kind: 'task'; record: Task }
  /** A pipeline item, with its pipeline (stage names, categories, probabilities, currency) as it is now. */
  | { kind: ItemSyncKind; record: PipelineItem; pipeline: Pipeline };

export interface PushItem {
  /**
   * Names this item in the outcomes a push returns (unique within a batch). Not an idempotency
   * key: it repeats once an entry is pushed, deleted and queued again for the next change.
   */
  entryId: string;
  /**
   * The change being pushed: the same for every retry of it (also after a worker restart), new for
   * every later change of the record. The key a receiver de-duplicates deliveries on (the webhook's
   * event id). To find an earlier create of the same record, use the record's own id instead.
   */
  changeId: string;
  item: PushRecord;
  /** The remote id of this very record when it was pushed before (update instead of create). */
  remoteId?: string;
  /**
   * True when no earlier request for this record can have reached the vendor (a brand-new local
   * record handed to a connector for the first time): a create cannot duplicate, so the look-up
   * that makes retries idempotent may be skipped. False/absent: look up before creating.
   */
  firstSend?: boolean;
  linked: LinkedIds;
}

/** A record the user deleted in Rapport and asked to archive in the CRM (see Connector.archive). */
export interface ArchiveRequest {
  /** The CRM's id of the record. */
  remoteId: string;
  /** Rapport's id of it (no longer stored locally). */
  localId: string;
  /** Names this request: the same for every retry of it, new for any other (the webhook's event id). */
  changeId: string;
  /** When the user deleted it (ISO 8601). */
  requestedAt: string;
}

/** Two records of one person in the CRM, merged in Rapport: the CRM's own merge is asked for (see Connector.merge). */
export interface MergeRequest {
  /** The record merged away (the merged person's). */
  remoteId: string;
  /** The record it is merged into (the survivor's), whose values win where both have one. */
  intoRemoteId: string;
  /** Names this request: the same for every retry of it. */
  changeId: string;
}

/** Outcome per merged-away record; `resultId`: the record the CRM's merge left (an id of its own where the CRM gives the result a new one). */
export type MergeOutcome = { remoteId: string; ok: true; resultId: string } | { remoteId: string; ok: false; error: ConnectorError };

/** Outcome per archived record (see Connector.archive). */
export type ArchiveOutcome = { remoteId: string; ok: true } | { remoteId: string; ok: false; error: ConnectorError };

/** Outcome per item. Throwing a ConnectorError fails the whole batch (the engine classifies it). */
export type PushOutcome = { entryId: string; ok: true; remoteId: string } | { entryId: string; ok: false; error: ConnectorError };

/** A task as the CRM holds it (pull): its people by their remote ids. */
export interface RemoteTask {
  remoteId: string;
  title: string;
  notes?: string;
  dueAt?: string;
  done: boolean;
  completedAt?: string;
  priority?: Task['priority'];
  /** Remote ids of the people it is associated with (mapped to local ones through the links table). */
  contactRemoteIds: string[];
  /** The CRM's last change of it (ISO). */
  updatedAt?: string;
  /** Rapport's id written on the CRM's record when Rapport created it (HubSpot's unique Rapport-id property). */
  localId?: string;
}

/** A CRM's pipeline and its stages, as listed for the mapping (Connector.listPipelines). */
export interface RemotePipeline {
  id: string;
  label: string;
  stages: RemoteStage[];
}

export interface RemoteStage {
  id: string;
  label: string;
  /** 0–1 where the CRM has one. */
  probability?: number;
  /** Where the CRM marks the stage as closed. */
  closed?: 'won' | 'lost' | 'resolved';
}

/** A pipeline item as the CRM holds it (pull): where it stands there now. */
export interface RemoteItem {
  remoteId: string;
  kind: ItemSyncKind;
  remotePipelineId?: string;
  remoteStageId: string;
  title?: string;
  amount?: number;
  currency?: string;
  closeDate?: string;
  /** The CRM's last change of it (ISO). */
  updatedAt?: string;
  /** Rapport's id written on the CRM's record when Rapport created it, where the CRM keeps one. */
  localId?: string;
}

export interface PullResult {
  contacts: { remoteId: string; contact: Partial<Contact> & { emails: string[] } }[];
  /** Tasks changed in the CRM (only when asked: PullOptions.tasks). */
  tasks?: RemoteTask[];
  /** Pipeline items changed in the CRM (only when asked: PullOptions.items). */
  items?: RemoteItem[];
  cursor: string;
  more: boolean;
}

export interface PullOptions {
  /** Also bring tasks (the connection syncs tasks both ways). */
  tasks?: boolean;
  /** Also bring pipeline items of these kinds (the connection syncs them both ways). */
  items?: ItemSyncKind[];
}

/**
 * A few facts a connector keeps about the CRM account between runs and service workers (a worker
 * lives seconds to minutes), so it does not ask the CRM again each time. Small strings only; gone
 * when the connection's credentials or address change.
 */
export interface ConnectorMemory {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string | undefined): Promise<void>;
}

export interface ConnectorContext<Config> {
  config: Config;
  /** Absent where nothing is kept (a test of a connection not saved yet). */
  memory?: ConnectorMemory;
  /** fetch with the engine's timeout and abort signal applied. */
  fetch: typeof fetch;
  /** Field mapping chosen by the user (local field → vendor field), defaults applied. */
  fieldMapping: Record<string, string>;
  /**
   * Local pipelines → the CRM's (decision 0054), as the user chose them. A pushed item's pipeline
   * that is not in it is mapped by the connector by name (pipeline label, then stage label), else to
   * the CRM's default pipeline and its stage of the same category; a pipeline mapped to `null`
   * never reaches the connector (the engine drops its entries).
   */
  pipelineMapping?: PipelineMapping;
}

/** What a vendor answered, classified for the engine. */
export class ConnectorError extends Error {
  constructor(
    message: string,
    readonly kind: SyncErrorKind,
    readonly status?: number,
    /** From Retry-After (seconds or date) or the vendor's policy body. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ConnectorError';
  }
}

/**
 * OAuth 2 authorization-code flow with PKCE, run by the background through
 * `browser.identity.launchWebAuthFlow` (background/oauth.ts), and token refresh for the engine.
 */
export interface OAuthSupport<Config> {
  /** Config keys the user fills before connecting (e.g. the client id). */
  requiredKeys: (keyof Config & string)[];
  /** Origins to ask for before the flow: the token endpoint and where the API may live. */
  origins(config: Partial<Config>): string[];
  authorizeUrl(config: Partial<Config>, p: { redirectUri: string; codeChallenge: string; state: string }): string;
  /** The code from the redirect → the config values to save (tokens, instance URL…). */
  exchange(
    fetchFn: typeof fetch,
    config: Partial<Config>,
    p: { code: string; codeVerifier: string; redirectUri: string },
  ): Promise<Partial<Config>>;
  /**
   * New tokens from the stored refresh token (with rotation, a new refresh token too: the caller
   * stores whatever comes back). null when the config holds no refresh token.
   */
  refresh(fetchFn: typeof fetch, config: Config): Promise<Partial<Config> | null>;
}

export interface Connector<Config = Record<string, unknown>> {
  id: string;
  displayName: string;
  authKind: 'token' | 'oauth' | 'basic' | 'secret';
  /** zod object schema; the options form is generated from it (input name = key). */
  configSchema: z.ZodType<Config>;
  /** Keys of configSchema holding secrets (never shown back, never sent to content scripts). */
  secretKeys: (keyof Config & string)[];
  /** Origin(s) the connector talks to for a given config: requested as optional host permissions. */
  origins(config: Config): string[];
  capabilities: Capabilities;
  batchSize: Partial<Record<SyncKind, number>>;
  /**
   * Batches of one kind in flight at once (default 4). Vendors whose documented rate limit the
   * engine enforces take 8: the engine's own work per batch (IndexedDB, building the request) then
   * overlaps with more requests on the wire.
   */
  maxInFlight?: number;
  rateLimit: RateLimit;
  /** The limit for a given config when it depends on it (e.g. the vendor plan); `rateLimit` otherwise. */
  rateLimitFor?(config: Config): RateLimit;
  defaultFieldMapping: Record<string, string>;
  /** The account reached, and `notice`: what works only partly with this token (shown beside "Connected"). */
  testConnection(ctx: ConnectorContext<Config>): Promise<{ account: string; notice?: string }>;
  push(ctx: ConnectorContext<Config>, kind: SyncKind, items: PushItem[]): Promise<PushOutcome[]>;
  /**
   * Archives (where the CRM has no archive: deletes, recoverably if it can) records the user
   * deleted in Rapport and asked to remove there too: people and companies (decisions 0043, 0048),
   * tasks, logged e-mails, calls and meetings (decision 0052). Only for the kinds in `archivable`.
   * One outcome per remote id; a record already gone counts as archived (a retry after a lost
   * answer finds it so). Throwing a ConnectorError fails them all. A kind the connector cannot
   * archive: the engine marks such requests failed, saying to remove the record there by hand.
   */
  archive?(ctx: ConnectorContext<Config>, kind: SyncKind, requests: ArchiveRequest[]): Promise<ArchiveOutcome[]>;
  /** The kinds `archive` handles. */
  archivable?: readonly SyncKind[];
  /** Without `archive`: why this CRM cannot archive, told to the user with the request it refuses. */
  noArchive?: string;
  /**
   * Merges people's records with the CRM's own merge, after the user merged the two people in Rapport
   * (decision 0048). One outcome per merged-away id; one already merged into the other (a retry after
   * a lost answer) or gone counts as merged. A connector without it: the merge is only reported.
   */
  merge?(ctx: ConnectorContext<Config>, kind: 'contact', requests: MergeRequest[]): Promise<MergeOutcome[]>;
  /** The CRM's pipelines and stages for items of `kind`, for the mapping the user makes on connect. */
  listPipelines?(ctx: ConnectorContext<Config>, kind: ItemSyncKind): Promise<RemotePipeline[]>;
  lookupByEmail?(ctx: ConnectorContext<Config>, email: string): Promise<RemoteContact | null>;
  oauth?: OAuthSupport<Config>;
  /** Changes in the CRM since `cursor`: people, and with `opts.tasks` tasks too (connection set to both ways). */
  pull?(ctx: ConnectorContext<Config>, cursor: string | undefined, opts?: PullOptions): Promise<PullResult>;
}
