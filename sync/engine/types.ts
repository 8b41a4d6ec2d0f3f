// The engine's public types: its options, what a run returns, what it logs.
import type { PushOutcome, SyncKind } from '../../connectors/types';

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
  /** Kinds (or the pull) paused in this run by a 403, as `<instance id>:<kind>`. */
  pausedKinds: string[];
  /** People created or completed locally by pulls from CRMs in this run. */
  pulled: number;
  /** When something is next due (for the alarm), if anything is queued. */
  nextDueAt?: number;
}

export type SyncNowOptions = EngineOptions;
