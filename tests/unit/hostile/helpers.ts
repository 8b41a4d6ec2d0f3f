// Shared by the adversarial-input tests: a time bound generous enough for a noisy CI machine, yet
// far below what the super-linear patterns these tests guard against took (seconds to minutes).
import { expect } from 'vitest';

/** Upper bound for one call on an adversarial input at the capped size or twice that. */
export const HOSTILE_BOUND_MS = 200;

/**
 * Runs `fn` and fails when it takes longer than `HOSTILE_BOUND_MS`; returns its result. A run over
 * the bound is timed twice more and the fastest counts: a garbage collection or a busy machine
 * slows one run, while a super-linear pattern is slow every time (seconds, not a few ms over).
 */
export function withinBound<T>(label: string, fn: () => T): T {
  let best = Infinity;
  let r!: T;
  for (let attempt = 0; attempt < 3 && best >= HOSTILE_BOUND_MS; attempt++) {
    const t0 = performance.now();
    r = fn();
    best = Math.min(best, performance.now() - t0);
  }
  expect(best, `${label}: ${best.toFixed(1)} ms (fastest of the runs)`).toBeLessThan(HOSTILE_BOUND_MS);
  return r;
}

/** A small seeded PRNG (mulberry32), so the generated strings are the same on every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random short strings over `alphabet` (where the old patterns still run fast enough to compare). */
export function randomStrings(seed: number, alphabet: string, count: number, maxLen: number): string[] {
  const next = rng(seed);
  const chars = [...alphabet];
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const n = Math.floor(next() * maxLen);
    let s = '';
    for (let k = 0; k < n; k++) s += chars[Math.floor(next() * chars.length)];
    out.push(s);
  }
  return out;
}
