// Retry delays after transient failures (5xx, network errors, timeouts): exponential with full
// jitter (AWS architecture blog, "Exponential Backoff And Jitter"): the n-th retry waits a
// uniformly random time in [0, min(cap, base · 2^(n−1))). Full jitter spreads the retries of many
// clients hit by the same outage, so they do not come back in lock-step.

export const BACKOFF_BASE_MS = 2_000;
export const BACKOFF_CAP_MS = 15 * 60_000;

export interface BackoffOptions {
  baseMs?: number;
  capMs?: number;
  /** Uniform in [0, 1); injectable so tests can make the jitter reproducible. */
  random?: () => number;
}

/** The upper bound of the delay before retry number `attempt` (1 = first retry). */
export function backoffCeiling(attempt: number, opts: BackoffOptions = {}): number {
  const base = opts.baseMs ?? BACKOFF_BASE_MS;
  const cap = opts.capMs ?? BACKOFF_CAP_MS;
  const n = Math.max(1, Math.floor(attempt));
  // 2^(n-1) overflows to Infinity for large n; min() with the cap handles it.
  return Math.min(cap, base * 2 ** Math.min(n - 1, 60));
}

/** Delay before retry number `attempt`, in [0, backoffCeiling(attempt)). */
export function backoffDelay(attempt: number, opts: BackoffOptions = {}): number {
  const random = opts.random ?? Math.random;
  return Math.floor(random() * backoffCeiling(attempt, opts));
}
