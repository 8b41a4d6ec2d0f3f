// Ratchet on capture accuracy: the public reply corpora (tests/fixtures/replies/), judged by their
// own expected outputs under the rules in tests/bench/reply-corpora.ts, must pass at least as many
// cases as last measured (docs/benchmarks.md, "Capture accuracy"). Raise a figure when the
// splitter gets better; the test fails when accuracy drops.
import { describe, expect, it } from 'vitest';
import { runCorpora } from '../../bench/reply-corpora';

/** Cases passed per corpus, as last measured (never lower these to make a change pass). */
const AT_LEAST: Record<string, { passed: number; total: number }> = {
  'github-email_reply_parser': { passed: 8, total: 8 },
  'zapier-email-reply-parser': { passed: 9, total: 9 },
  'mailgun-talon (quotes)': { passed: 60, total: 61 },
  'mailgun-talon (signatures)': { passed: 4, total: 6 },
  'closeio-quotequail (HTML)': { passed: 9, total: 9 },
};

describe('reply splitter on the public corpora (ratchet)', () => {
  const results = runCorpora();
  it('reads every corpus case it read when the figures were taken', () => {
    expect(Object.fromEntries(results.map((r) => [r.corpus, r.total]))).toEqual(
      Object.fromEntries(Object.entries(AT_LEAST).map(([k, v]) => [k, v.total])),
    );
  });
  for (const r of results) {
    it(`${r.corpus}: at least ${AT_LEAST[r.corpus]?.passed} / ${r.total} cases pass`, () => {
      expect(r.passed, `failing: ${r.failed.join(', ')}`).toBeGreaterThanOrEqual(AT_LEAST[r.corpus].passed);
    });
  }
});
