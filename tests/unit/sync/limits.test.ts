// The limiter's arithmetic and the backoff's bounds.
import { describe, expect, it } from 'vitest';
import { BACKOFF_CAP_MS, backoffCeiling, backoffDelay } from '../../../sync/backoff';
import { seededRandom } from '../../sims/random';
import { RateLimiter } from '../../../sync/rate-limiter';
import { Pacer } from '../../../connectors/http';

/** Sends `n` requests as fast as the limiter allows, each taking `latency` ms; returns finish times. */
function drive(limiter: RateLimiter, n: number, latency = 0, start = 0): { sent: number[]; finished: number[]; end: number } {
  let t = start;
  const sent: number[] = [];
  const finished: number[] = [];
  for (let i = 0; i < n; i++) {
    t += limiter.waitMs(t);
    expect(limiter.waitMs(t)).toBe(0);
    limiter.take();
    sent.push(t);
    t += latency;
    limiter.finish(t);
    finished.push(t);
  }
  return { sent, finished, end: t };
}

describe('RateLimiter', () => {
  it('lets a full bucket through at once, then one request per returned token', () => {
    const l = new RateLimiter({ requests: 100, intervalMs: 10_000 });
    expect(l.tokens(0)).toBe(100);
    const { sent } = drive(l, 250);
    expect(sent.slice(0, 100).every((t) => t === 0)).toBe(true);
    expect(sent[100]).toBe(10_000);
    expect(sent[199]).toBe(10_000);
    expect(sent[200]).toBe(20_000);
  });

  it('never exceeds the limit in any rolling window measured at the vendor (latency included)', () => {
    const limit = { requests: 20, intervalMs: 2_000 };
    const l = new RateLimiter(limit);
    // The vendor counts a request when it arrives, somewhere between send and finish.
    const { sent, finished } = drive(l, 500, 37);
    for (const arrival of [sent, finished]) {
      for (let i = limit.requests; i < arrival.length; i++) {
        // Request i and the one `requests` earlier must be at least a window apart.
        expect(arrival[i] - arrival[i - limit.requests]).toBeGreaterThanOrEqual(limit.intervalMs);
      }
    }
  });

  it('sustains exactly the documented rate (no 2× burst, no under-use)', () => {
    const l = new RateLimiter({ requests: 100, intervalMs: 10_000 });
    const { sent } = drive(l, 1000);
    // 1000 requests at 100/10 s: the last goes at (1000/100 − 1) × 10 s.
    expect(sent[999]).toBe(90_000);
  });

  it('counts a request in flight, and a 429 blocks until Retry-After', () => {
    const l = new RateLimiter({ requests: 2, intervalMs: 1_000 });
    l.take();
    l.take();
    expect(l.tokens(0)).toBe(0);
    expect(l.waitMs(0)).toBe(1_000); // both in flight: at least a window
    l.finish(100);
    l.finish(150);
    expect(l.waitMs(200)).toBe(900);
    l.block(5_000);
    expect(l.waitMs(1_200)).toBe(3_800);
  });

  it('persists and restores its state (a restarted worker remembers what it spent)', () => {
    const l = new RateLimiter({ requests: 3, intervalMs: 1_000 });
    drive(l, 3, 10);
    l.block(2_500);
    const saved = l.state(40);
    expect(saved).toEqual({ spent: [10, 20, 30], blockedUntil: 2_500 });
    const again = new RateLimiter({ requests: 3, intervalMs: 1_000 }, JSON.parse(JSON.stringify(saved)));
    expect(again.waitMs(40)).toBe(2_460);
    expect(again.tokens(1_015)).toBe(1); // the token spent at 10 came back at 1 010
    // Tokens in flight are persisted as spent at the time of saving.
    again.take();
    expect(again.state(1_025).spent).toEqual([30, 1_025]); // 20 came back at 1 020
    expect(again.waitMs(2_500)).toBe(0);
  });
});

describe('backoff', () => {
  it('ceiling doubles from 2 s and is capped at 15 min', () => {
    expect(backoffCeiling(1)).toBe(2_000);
    expect(backoffCeiling(2)).toBe(4_000);
    expect(backoffCeiling(5)).toBe(32_000);
    expect(backoffCeiling(9)).toBe(512_000);
    expect(backoffCeiling(10)).toBe(BACKOFF_CAP_MS);
    expect(backoffCeiling(10_000)).toBe(BACKOFF_CAP_MS);
  });

  it('full jitter: every delay lies in [0, ceiling) and they spread over the range', () => {
    const random = seededRandom(42);
    for (let attempt = 1; attempt <= 20; attempt++) {
      const ceiling = backoffCeiling(attempt);
      const delays = Array.from({ length: 2000 }, () => backoffDelay(attempt, { random }));
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...delays)).toBeLessThan(ceiling);
      const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
      expect(mean / ceiling).toBeGreaterThan(0.45);
      expect(mean / ceiling).toBeLessThan(0.55);
      expect(Math.min(...delays)).toBeLessThan(ceiling * 0.01);
      expect(Math.max(...delays)).toBeGreaterThan(ceiling * 0.99);
    }
  });

  it('is reproducible with a seeded RNG', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    expect(Array.from({ length: 5 }, (_, i) => backoffDelay(i + 1, { random: a }))).toEqual(
      Array.from({ length: 5 }, (_, i) => backoffDelay(i + 1, { random: b })),
    );
  });
});

describe('Pacer (endpoint-specific limits such as HubSpot search, 4/s)', () => {
  it('counts a call from when it was answered, so a late arrival never shares a window with the next calls', async () => {
    const pacer = new Pacer(2, 100);
    const started: number[] = [];
    const t0 = Date.now();
    const call = async (answerAfterMs: number) => {
      const answered = await pacer.wait('token');
      started.push(Date.now() - t0);
      await new Promise((r) => setTimeout(r, answerAfterMs));
      answered();
    };
    // Two slow calls (answered after 150 ms), then a third: it may start only one window after the
    // first answer (≥ 250 ms), not one window after the first start (100 ms).
    await Promise.all([call(150), call(150), call(0)]);
    expect(started[0]).toBeLessThan(50);
    expect(started[1]).toBeLessThan(50);
    expect(started[2]).toBeGreaterThanOrEqual(245);
  });

  it('lets calls through at once while the window has room, per key', async () => {
    const pacer = new Pacer(3, 1000);
    const t0 = Date.now();
    for (const key of ['a', 'a', 'a', 'b']) (await pacer.wait(key))();
    expect(Date.now() - t0).toBeLessThan(50);
  });
});
