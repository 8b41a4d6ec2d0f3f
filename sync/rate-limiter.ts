// Per-connector rate limiter: a token bucket of `requests` tokens, persisted in syncState so a
// restarted service worker knows what it already spent.
//
// A token taken for a request returns to the bucket `intervalMs` after that request FINISHED
// (the response arrived, or the request failed). This is the bucket that matches how vendors
// count: HubSpot's "TEN_SECONDLY_ROLLING" and Pipedrive's 2-second window allow at most N
// requests in ANY window of that length, measured when the request reaches them. A bucket that
// refills continuously (N per interval, capacity N) lets 2N through in the first window and gets
// 429s; returning each token one interval after its request's response (which is no earlier
// than the vendor saw the request) can never exceed the vendor's window, yet sustains exactly N
// per interval.
import type { RateLimit } from '../connectors/types';
import type { LimiterState } from '../storage/sync-rows';

export class RateLimiter {
  private spent: number[];
  private blockedUntil: number;
  /** Requests sent and not yet finished (their tokens are out of the bucket). */
  private inFlight = 0;

  constructor(
    readonly limit: RateLimit,
    state?: LimiterState,
  ) {
    this.spent = [...(state?.spent ?? [])].sort((a, b) => a - b);
    this.blockedUntil = state?.blockedUntil ?? 0;
  }

  private prune(now: number): void {
    let i = 0;
    while (i < this.spent.length && this.spent[i] + this.limit.intervalMs <= now) i++;
    if (i > 0) this.spent.splice(0, i);
  }

  /** Tokens in the bucket at `now`. */
  tokens(now: number): number {
    this.prune(now);
    return Math.max(0, this.limit.requests - this.spent.length - this.inFlight);
  }

  /** How long to wait before the next request may be sent (0: now). */
  waitMs(now: number): number {
    this.prune(now);
    const blocked = Math.max(0, this.blockedUntil - now);
    const used = this.spent.length + this.inFlight;
    if (used < this.limit.requests) return blocked;
    // Tokens come back in the order they were spent; in-flight ones only after they finish.
    const needed = used - this.limit.requests; // index of the token whose return frees a slot
    if (needed >= this.spent.length) return Math.max(blocked, this.limit.intervalMs); // all out are in flight
    return Math.max(blocked, this.spent[needed] + this.limit.intervalMs - now);
  }

  /** Takes a token for a request about to be sent (call after waitMs() returned 0). */
  take(): void {
    this.inFlight++;
  }

  /** The request that took a token finished at `now`: its token returns at now + interval. */
  finish(now: number): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    // Keep ascending order (finishes are monotonic in a serial engine; be safe anyway).
    let i = this.spent.length;
    while (i > 0 && this.spent[i - 1] > now) i--;
    this.spent.splice(i, 0, now);
  }

  /** A 429 (or the vendor's policy) says: nothing before `until`. */
  block(until: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, until);
  }

  /** What to persist (tokens in flight count as spent now: a crash must not free them early). */
  state(now: number): LimiterState {
    this.prune(now);
    const spent = [...this.spent, ...Array.from({ length: this.inFlight }, () => now)].sort((a, b) => a - b);
    return this.blockedUntil > now ? { spent, blockedUntil: this.blockedUntil } : { spent };
  }
}
