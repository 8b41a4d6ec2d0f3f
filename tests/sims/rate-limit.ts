// Rolling-window rate limiter for the simulated vendor servers: at most `max` requests per key in
// any `windowMs` span (a sliding log, as HubSpot's "TEN_SECONDLY_ROLLING" and Pipedrive's 2-second
// burst windows behave). Rejected requests do not consume the window.

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Time until a slot frees up (0 when allowed). */
  retryAfterMs: number;
  /** Time until the whole window is empty again. */
  resetMs: number;
}

export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    readonly max: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  take(key: string): RateDecision {
    const now = this.now();
    const log = (this.hits.get(key) ?? []).filter((t) => t > now - this.windowMs);
    this.hits.set(key, log);
    if (log.length >= this.max) {
      const oldest = log[0];
      return {
        allowed: false,
        limit: this.max,
        remaining: 0,
        retryAfterMs: Math.max(1, oldest + this.windowMs - now),
        resetMs: Math.max(1, log[log.length - 1] + this.windowMs - now),
      };
    }
    log.push(now);
    return {
      allowed: true,
      limit: this.max,
      remaining: this.max - log.length,
      retryAfterMs: 0,
      resetMs: Math.max(0, log[0] + this.windowMs - now),
    };
  }

  reset(): void {
    this.hits.clear();
  }
}
