// Shared by the adversarial-input tests: a time bound generous enough for a noisy CI machine, yet
// far below what the super-linear patterns these tests guard against took (seconds to minutes).
import { expect } from 'vitest';

/** Upper bound for one call on an adversarial input at the capped size or twice that. */
export const HOSTILE_BOUND_MS = 200;

/** Runs `fn` once and fails when it takes longer than `HOSTILE_BOUND_MS`; returns its result. */
export function withinBound<T>(label: string, fn: () => T): T {
  const t0 = performance.now();
  const r = fn();
  const ms = performance.now() - t0;
  expect(ms, `${label}: ${ms.toFixed(1)} ms`).toBeLessThan(HOSTILE_BOUND_MS);
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
