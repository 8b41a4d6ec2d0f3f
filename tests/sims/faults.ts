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
 * - lostResponse: process the request, send the answer's status and headers, then drop the
 *   connection before its body is complete (the write happened, the client never learns its
 *   outcome: the case idempotent pushes exist for). Not a drop before the first byte: a browser
 *   resends a request whose reused connection closes without an answer (see server.ts).
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
  private readonly queue: { kind: FaultKind; route?: RegExp }[] = [];

  constructor(options: FaultOptions = {}) {
    this.set(options);
  }

  /** Replaces the probabilities (and reseeds when a seed is given). */
  set(options: FaultOptions): void {
    this.options = { ...options };
    this.random = seededRandom(options.seed ?? 1);
  }

  /**
   * Makes the next `times` requests fail with `kind`, whatever the probabilities; with `route`, the
   * next `times` requests whose `METHOD /path` matches it (others pass it by).
   */
  failNext(kind: FaultKind, times = 1, route?: RegExp): void {
    for (let i = 0; i < times; i++) this.queue.push({ kind, route });
  }

  /** Makes the next request whose `METHOD /path` matches `route` fail with `kind` (once). */
  failNextOn(kind: FaultKind, route: RegExp): void {
    this.failNext(kind, 1, route);
  }

  clear(): void {
    this.queue.length = 0;
    this.set({});
  }

  get hangMs(): number {
    return this.options.hangMs ?? 10_000;
  }

  get retryAfterSeconds(): number {
    return this.options.retryAfterSeconds ?? 1;
  }

  /** The fault for the next request (`route`: its `METHOD /path`), or null. Aimed faults come first. */
  next(route?: string): FaultKind | null {
    let at = route === undefined ? -1 : this.queue.findIndex((q) => q.route?.test(route));
    if (at < 0) at = this.queue.findIndex((q) => !q.route);
    if (at >= 0) return this.queue.splice(at, 1)[0].kind;
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
