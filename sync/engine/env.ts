// The environment a run works in: the database, the connectors, the clock, the network and the
// options resolved to their defaults. Built once per run and never changed; what a run changes as
// it goes is in state.ts.
import type { ConnectorRegistry } from '../../connectors/registry';
import type { RapportDB } from '../../storage/db';
import type { EngineOptions, SyncLogEvent } from './types';

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_LEASE_MS = 60_000;
const DEFAULT_MAX_WAIT_MS = 30_000;

export interface EngineEnv {
  readonly db: RapportDB;
  readonly registry: ConnectorRegistry;
  readonly now: () => number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly fetch: typeof fetch;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  readonly random: () => number;
  /** Who holds the engine lease and this run's batch leases. */
  readonly owner: string;
  readonly leaseMs: number;
  readonly maxWaitMs: number;
  readonly maxInFlight?: number;
  readonly linkMemoMax?: number;
  /** No new batch starts after this time (Infinity: no budget). */
  readonly deadline: number;
  /** Only these connector instances (undefined: all). */
  readonly connectorIds?: string[];
  readonly log: (event: SyncLogEvent) => void;
  readonly hooks: EngineOptions['hooks'];
}

/** The options with their defaults, frozen. The budget starts counting now. */
export function engineEnv(db: RapportDB, registry: ConnectorRegistry, opts: EngineOptions): EngineEnv {
  const now = opts.now ?? Date.now;
  return Object.freeze({
    db,
    registry,
    now,
    sleep: opts.sleep ?? abortableSleep,
    fetch: opts.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    signal: opts.signal,
    random: opts.random ?? Math.random,
    owner: opts.owner ?? randomOwner(),
    leaseMs: opts.leaseMs ?? DEFAULT_LEASE_MS,
    maxWaitMs: opts.maxWaitMs ?? DEFAULT_MAX_WAIT_MS,
    maxInFlight: opts.maxInFlight,
    linkMemoMax: opts.linkMemoMax,
    deadline: opts.budgetMs === undefined ? Infinity : now() + opts.budgetMs,
    connectorIds: opts.connectorIds,
    log: opts.log ?? (() => undefined),
    hooks: opts.hooks,
  } satisfies EngineEnv);
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new DOMException('aborted', 'AbortError'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason ?? new DOMException('aborted', 'AbortError'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function randomOwner(): string {
  const b = crypto.getRandomValues(new Uint8Array(8));
  return `eng_${Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')}`;
}
