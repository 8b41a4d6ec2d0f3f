// Capture-accuracy benchmark (npm run bench:capture-accuracy): Rapport's reply/quote/signature
// splitting (the page markers of sites/mail/body.ts, the text rules of capture/quotes.ts and
// capture/signoffs.ts as capture/refine.ts applies them) on four public corpora, each judged by its own expected outputs
// and one stated comparison rule (tests/bench/reply-corpora.ts; docs/benchmarks.md). Prints cases
// passed / total per corpus and the warm parse time of the corpus's largest case (goal ≤ 20 ms).
// Runs under Vitest (TypeScript modules with extensionless imports), as bench:hostile does.
import { it } from 'vitest';
import { runCorpora } from './reply-corpora';

const WARM_UP = 5;
const RUNS = 50;

function warmTimes(run: () => unknown): { median: number; max: number } {
  for (let i = 0; i < WARM_UP; i++) run();
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    run();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { median: ms[Math.floor(RUNS / 2)], max: ms[RUNS - 1] };
}

it('capture accuracy on the public reply corpora', () => {
  const results = runCorpora();
  const rows = results.map((r) => {
    const t = warmTimes(r.largest.run);
    return {
      corpus: r.corpus,
      passed: `${r.passed} / ${r.total}`,
      share: `${Math.round((100 * r.passed) / r.total)} %`,
      largest: `${r.largest.name} (${r.largest.size} chars)`,
      'median ms': t.median.toFixed(2),
      'max ms': t.max.toFixed(2),
    };
  });
  const passed = results.reduce((n, r) => n + r.passed, 0);
  const total = results.reduce((n, r) => n + r.total, 0);
  console.log(`\nCapture accuracy (${new Date().toISOString().slice(0, 10)}): ${passed} / ${total} cases\n`);
  console.table(rows);
  const largest = results.map((r) => r.largest).reduce((a, b) => (b.size > a.size ? b : a));
  const lt = warmTimes(largest.run);
  console.log(
    `Largest page: ${largest.name} (${largest.size} chars): warm median ${lt.median.toFixed(2)} ms, max ${lt.max.toFixed(2)} ms (goal ≤ 20 ms)\n`,
  );
  for (const r of results) {
    console.log(`${r.corpus}: ${r.rule}`);
    if (r.failed.length) console.log(`  failing: ${r.failed.join(', ')}`);
  }
});
