// Rows of the sync tables (storage/db.ts version 3). Times are epoch milliseconds: they are
// compared and indexed, and the engine's clock is injectable (`now`), so numbers keep tests exact.
/** What an outbox entry carries to a CRM. */
export type SyncKind = 'contact' | 'company' | 'email' | 'note' | 'call' | 'meeting' | 'task' | 'deal' | 'case' | 'candidate';

/** The sync kinds of pipeline items (decision 0054): sales and custom pipelines' deals, service cases, hiring candidates. */
export type ItemSyncKind = 'deal' | 'case' | 'candidate';

export const ITEM_SYNC_KINDS: readonly ItemSyncKind[] = ['deal', 'case', 'candidate'];

export function isItemKind(kind: SyncKind): kind is ItemSyncKind {
  return kind === 'deal' || kind === 'case' || kind === 'candidate';
}

/**
 * How one local pipeline maps onto a CRM's pipeline (decision 0054): the CRM's pipeline id and,
 * per local stage id, the CRM's stage id. Chosen by the user on connect (defaults by name).
 */
export interface PipelineMap {
  remotePipelineId: string;
  /** local stage id → remote stage id */
  stages: Record<string, string>;
}

/** local pipeline id → its map; `null`: that pipeline's items are not synced to this CRM. */
export type PipelineMapping = Record<string, PipelineMap | null>;

/** How a connector classifies a failed request (connectors/types.ts ConnectorError). */
export type SyncErrorKind = 'auth' | 'rate-limit' | 'transient' | 'validation' | 'conflict' | 'not-found';

/** A contact as a CRM holds it, looked up by e-mail and cached for the sidebar's CRM panel. */
export interface RemoteContact {
  remoteId: string;
  url?: string;
  owner?: string;
  stage?: string;
  deals?: { name: string; stage?: string; amount?: number; currency?: string }[];
  fields: Record<string, string>;
}

/** One commit's links. `at` orders journal rows of one connector (then the owner's counter). */
export interface LinkJournal {
  connectorId: string;
  kind: SyncKind;
  syncedAt: number;
  links: [localId: string, remoteId: string][];
}

/** push: local → CRM; pull: CRM → local; both. Only push is implemented by the engine today. */
export type SyncDirection = 'push' | 'pull' | 'both';

/** What a 403 pauses: one kind's pushes, or the pull. */
export type PauseScope = SyncKind | 'pull';

export interface KindPause {
  /** The vendor's message (secrets redacted). */
  reason: string;
  at: number;
}

export interface ConnectorStatus {
  /**
   * Set when the CRM refuses the credentials (401, a refused token refresh, settings that cannot
   * be used): nothing is pushed until the user reconnects or resumes (resumeConnector).
   */
  paused?: boolean;
  /**
   * 403 (the credentials are good but may not do this, e.g. a missing scope): only that kind, or
   * the pull, waits for the user; the others go on.
   */
  pausedKinds?: Partial<Record<PauseScope, KindPause>>;
  /** The vendor's message (secrets redacted). */
  pausedReason?: string;
  pausedAt?: number;
  lastSuccessAt?: number;
  lastError?: string;
  lastErrorAt?: number;
  lastRunAt?: number;
  /** What works only partly with this connection, from its last connection test (e.g. a missing scope). */
  notice?: string;
}

/** One configured CRM account ("instance"); `type` names a connector of connectors/registry.ts. */
export interface ConnectorInstance {
  id: string;
  type: string;
  name: string;
  /** The connector's config without the keys listed in its `secretKeys` (those live in `secrets`). */
  config: Record<string, unknown>;
  enabled: boolean;
  /** Kinds to sync: the user's choice already intersected with the connector's capabilities. */
  kinds: SyncKind[];
  direction: SyncDirection;
  /** Local field → vendor field, on top of the connector's defaultFieldMapping. */
  fieldMapping: Record<string, string>;
  /** Local pipelines → the CRM's pipelines and stages (decision 0054); a pipeline left out is mapped by name. */
  pipelineMapping?: PipelineMapping;
  /** The user confirmed a plain http:// address (to another machine) for this connection's current address. */
  allowInsecureHttp?: boolean;
  status: ConnectorStatus;
  createdAt: number;
  updatedAt: number;
}

/** Secret config values of one instance (tokens, passwords). Read only by the sync engine. */
export interface SecretRow {
  connectorId: string;
  values: Record<string, string>;
}

/**
 * pending: waiting for nextAt (new, coalesced, rate-limited or paused by auth);
 * leased:  written only by engines before DB v6 (being pushed by leaseOwner until leaseUntil =
 *          nextAt); now a batch in flight is one BatchLease row and its entries stay as they are;
 * failed:  a transient failure, retried at nextAt (exponential backoff);
 * dead:    permanent failure (validation, not found): kept with the vendor's message until the
 *          user retries or discards it, or the record changes again.
 */
export type OutboxState = 'pending' | 'leased' | 'failed' | 'dead';

export interface OutboxEntry {
  /** `${connectorId}|${kind}|${localId}`: one entry per record and connector instance. */
  id: string;
  connectorId: string;
  kind: SyncKind;
  localId: string;
  state: OutboxState;
  /** Failed attempts since the last success or change of state by the user. */
  attempts: number;
  /** When the entry is due (dead: NEVER). */
  nextAt: number;
  leaseOwner?: string;
  leaseUntil?: number;
  /** Bumped by every coalesced change (ten edits before a sync: one entry, version 10). */
  version: number;
  /**
   * Names the change this entry carries now: minted at random when the entry is created and again
   * for every change coalesced into it, kept by retries (and across a worker restart: it is stored).
   * Connectors hand it to receivers as an idempotency key (the webhook's event id). Never derived
   * from the entry id and version: both repeat once a pushed entry is deleted and the record changes
   * again. Absent on rows written before 2026-12-07: see changeIdOf (storage/outbox.ts).
   */
  changeId?: string;
  /**
   * Dead entries only: the contacts and companies (`contact|<localId>`, `company|<localId>`) the
   * record points at that had no remote id when it was refused. Once one of them is linked, the
   * entry is due again (rearmAwaiting): the vendor may have refused it for want of that link.
   */
  awaiting?: string[];
  /** Changed while leased: re-sent after the push in flight finishes. */
  dirty?: boolean;
  /**
   * Queued for a brand-new local record (a freshly generated id) and never handed to a connector:
   * no earlier request can have created it remotely, so the first push may create without the
   * look-up that guards retries. Cleared when the entry is written back after a push, or when a
   * batch left behind by a dead run is settled (sync/engine/lease.ts settleBatches).
   */
  fresh?: true;
  /**
   * `archive`: the record was deleted here and the user asked to archive it in this CRM too
   * (decision 0043): the engine archives `remoteId` instead of pushing a record.
   * `merge`: the person was merged here into `intoLocalId` while this CRM held both as two records
   * (decision 0048): the engine merges `remoteId` into `intoRemoteId` with the CRM's own merge. The
   * entry is keyed by the merged-away person's id. Absent: a push.
   */
  op?: 'archive' | 'merge';
  /** With an op: the CRM's id of the deleted or merged-away record (its link went with it). */
  remoteId?: string;
  /** With op `merge`: the survivor's record in the CRM, which the other one is merged into. */
  intoRemoteId?: string;
  /** With op `merge`: the survivor here (its link is set to the record the CRM's merge answers). */
  intoLocalId?: string;
  lastError?: string;
  lastErrorKind?: SyncErrorKind | 'unknown';
  createdAt: number;
  updatedAt: number;
}

/** Local record ↔ remote record for one connector instance. */
export interface LinkRow {
  connectorId: string;
  kind: SyncKind;
  localId: string;
  remoteId: string;
  syncedAt: number;
}

export interface EngineLease {
  owner: string;
  until: number;
}

/** Persisted token bucket (see sync/rate-limiter.ts). */
export interface LimiterState {
  /** When each token still out of the bucket was spent (request finished), ascending. */
  spent: number[];
  /** No request before this time (a 429's Retry-After). */
  blockedUntil?: number;
}

/**
 * A batch handed to a connector: which entries (id, version, createdAt) are in flight, by whom,
 * until when. One row per batch instead of a write to each of its entries (in Chromium each write
 * is its own request to the browser process; docs/decisions/0009). Deleted when the batch's outcome is committed; one left behind
 * belongs to a run that died or lost its lease: the next run (or worker) settles it — its entries
 * lose `fresh` (a request may have created them remotely) and are not due before `until`.
 */
export interface BatchLease {
  owner: string;
  connectorId: string;
  kind: SyncKind;
  until: number;
  /**
   * The local ids of the batch's entries (each entry's id is entryKey(connectorId, kind, localId)).
   * Only which entries: a run that finds the row of a dead one clears their `fresh` flag whatever
   * their version. The bytes matter: a lease writes one row per batch while a window goes out.
   */
  localIds?: string[];
  /** Rows written before 2026-11-24: [entry id, version, createdAt]; settled the same way. */
  entries?: [id: string, version: number, createdAt: number][];
}

/**
 * key 'engine' holds the engine lease; key `connector:<id>` the limiter and pull cursor;
 * keys `batch|<owner>|<n>` the batches in flight; keys `links|<connector>|…` the link journal;
 * keys `backfill|<connector>` a backfill job.
 */
export interface SyncStateRow {
  key: string;
  lease?: EngineLease;
  batch?: BatchLease;
  /** Links committed but not yet folded into `links` (sync/link-journal.ts). */
  linkJournal?: LinkJournal;
  limiter?: LimiterState;
  /** Where the last pull (CRM → local) stopped; the connector's own format. */
  pullCursor?: string;
  /** When the next pull is due (after a complete pull: PULL_INTERVAL_MS later). */
  nextPullAt?: number;
  lastPullAt?: number;
  /** key `backfill|<connector>`: records still to queue for that instance (storage/backfill.ts). */
  backfill?: BackfillJob;
  /**
   * key `connector:<id>`: what the connector keeps about the CRM account between runs and workers
   * (ConnectorContext.memory; HubSpot: which objects have the unique rapport_id property). Dropped
   * when the connection's credentials or address change.
   */
  remembered?: Record<string, string>;
}

/** One pass over a table, queueing its records of `kinds`; `after` is the last primary key done. */
export interface BackfillScan {
  table: 'companies' | 'contacts' | 'activities' | 'tasks' | 'deals';
  kinds: SyncKind[];
  after?: string | number;
}

/** A backfill in progress: scans left, in order, and how many entries it queued so far. */
export interface BackfillJob {
  scans: BackfillScan[];
  queued: number;
  startedAt: number;
}

/** nextAt of entries that are never due on their own (dead). */
export const NEVER = Number.MAX_SAFE_INTEGER;

export const ENGINE_KEY = 'engine';
export const BATCH_PREFIX = 'batch|';
export const BACKFILL_PREFIX = 'backfill|';
export const connectorStateKey = (connectorId: string): string => `connector:${connectorId}`;

/** A CRM's answer to a look-up by email (sync/lookups.ts), kept with the time it was fetched. */
export interface CrmCacheRow {
  /** `${connectorId}|${email}` */
  key: string;
  connectorId: string;
  email: string;
  /** When `found` was fetched. */
  fetchedAt: number;
  /** When the last (failed) attempt was made. */
  attemptedAt?: number;
  /** null: the CRM has no such person; absent: never answered. */
  found?: RemoteContact | null;
  error?: string;
}
