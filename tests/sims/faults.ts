// Fault injection for the simulated vendor servers, driven by a seeded RNG so a failing run can
// be replayed. Probabilities are per request; `failNext` queues deterministic faults for tests.

import { seededRandom } from './random';

/** The shared mulberry32 RNG (sync/backoff.ts): seedable fault schedules. */
export { seededRandom };

/**
 * - error500: answer 500 with the vendor's error body, nothing processed.
 * - rate429: answer 429 + Retry-After as if the limit were hit, nothing processed.
 * - hang: hold the request for `hangMs`, then drop the connection, nothing processed.
 * - reset: drop the connection at once, nothing processed.
 * - lostResponse: process the request, then drop the connection (the write happened, the client
 *   never hears of it: the case idempotent pushes exist for).
 */
export type FaultKind = 'error500' | 'rate429' | 'hang' | 'reset' | 'lostResponse';

export const FAULT_KINDS: readonly FaultKind[] = ['error500', 'rate429', 'hang', 'reset', 'lostResponse'];

export interface FaultOptions {
  error500?: number;
  rate429?: number;
  hang?: number;
  reset?: number;
  lostResponse?: number;
  /** How long a hang lasts before the connection is dropped (default 10 s). */
  hangMs?: number;
  /** Retry-After (seconds) sent with injected 429s (default 1). */
  retryAfterSeconds?: number;
  /** RNG seed (default 1). */
  seed?: number;
}

export class FaultInjector {
  private options: FaultOptions = {};
  private random: () => number = seededRandom(1);
  private readonly queue: FaultKind[] = [];
  private readonly targeted: { kind: FaultKind; route: RegExp }[] = [];

  constructor(options: FaultOptions = {}) {
    this.set(options);
  }

  /** Replaces the probabilities (and reseeds when a seed is given). */
  set(options: FaultOptions): void {
    this.options = { ...options };
    this.random = seededRandom(options.seed ?? 1);
  }

  /** Makes the next `times` requests fail with `kind`, whatever the probabilities. */
  failNext(kind: FaultKind, times = 1): void {
    for (let i = 0; i < times; i++) this.queue.push(kind);
  }

  /** Makes the next request whose `METHOD /path` matches `route` fail with `kind` (once). */
  failNextOn(kind: FaultKind, route: RegExp): void {
    this.targeted.push({ kind, route });
  }

  clear(): void {
    this.queue.length = 0;
    this.targeted.length = 0;
    this.set({});
  }

  get hangMs(): number {
    return this.options.hangMs ?? 10_000;
  }

  get retryAfterSeconds(): number {
    return this.options.retryAfterSeconds ?? 1;
  }

  /** The fault for the next request (`METHOD /path`), or null. */
  next(routeKey = ''): FaultKind | null {
    const aimed = this.targeted.findIndex((t) => t.route.test(routeKey));
    if (aimed >= 0) return this.targeted.splice(aimed, 1)[0].kind;
    const queued = this.queue.shift();
    if (queued) return queued;
    const roll = this.random();
    let acc = 0;
    for (const kind of FAULT_KINDS) {
      acc += this.options[kind] ?? 0;
      if (roll < acc) return kind;
    }
    return null;
  }
}

/** Deterministic shuffle (vendors do not promise the order of batch results). */
export function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
