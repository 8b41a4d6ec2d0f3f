// Hostile-input benchmark (npm run bench:hostile): each hardened parser on its adversarial input
// at its capped size N and at 2N, next to the pattern it replaced (kept here only, as the
// baseline), with the ratio 2N/N. Goal (issue 14): every new time under 20 ms at N, and linear:
// the 2N time at most about twice the N time. The old patterns are cubic or quadratic: they run at
// a smaller size (`oldN`) so the run ends, and their ratio shows the growth (×4 quadratic, ×8 cubic).
// Runs under Vitest (TypeScript modules with extensionless imports), as bench:sync does.
import { JSDOM } from 'jsdom';
import { it } from 'vitest';
import { MAX_SIGNATURE_CHARS, parseSignature } from '../../capture/signature';
import { LIMITS, MAX_ADDRESS_TEXT, findEmail } from '../../capture/mail';
import { tidyText } from '../../capture/text';
import { extractMessageParts } from '../../sites/mail/body';
import { splitMessageText } from '../../capture/quotes';
import { parseMailDate } from '../../sites/mail/date';
import { normalizeDateRange } from '../../sites/linkedin/parse';
import { roleLabels, stripAddress } from '../../sites/outlook/parse';
import { buildContact, emptyRaw } from '../../importers/contact';

// -- the old patterns (baseline only) ---------------------------------------------------------
const OLD_SIGNATURE_EMAIL = /[^\s<>()[\]"';:,|]+@[^\s<>()[\]"';:,|]+\.[a-z]{2,}/gi;
const OLD_FIND_EMAIL = /[^\s<>()[\]"';:,]+@[^\s<>()[\]"';:,]+\.[^\s<>()[\]"';:,]+/;
const oldStripAddress = (text: string) =>
  text
    .replace(/<[^<>\s]*@[^<>\s]*>/g, ' ')
    .replace(/(?:mailto:)?[^\s<>()[\]"';:,]+@[^\s<>()[\]"';:,]+\.[a-z]{2,}/gi, ' ')
    .replace(/\(\s*\)|<\s*>|\[\s*\]/g, ' ');
const OLD_ROLE_LABEL = /(?:^|[;\n]|\s{2,})\s*(To|An|Cc|CC|Bcc|BCC)\s*:\s*/g;
const OLD_ATTRIBUTION = /^.{1,200}<[^<>\s]+@[^<>\s]+>\s+(?:wrote|schrieb|a écrit|escribió)\s?:$/i;
const OLD_SIGNOFF_TAIL = /^[\s,.!;:、。，！،-]*(?:[\p{Lu}][\p{L}.'-]*(?:\s+[\p{Lu}][\p{L}.'-]*){0,2})?[\s.!]*$/u;
const oldTidyLine = (l: string) => l.replace(/[ \t]+$/g, '').replace(/^[ \t]+/, '');
const OLD_PARENS = /\([^)]*\)/g;
// The importer split an e-mail cell of any length (the cell cap came with issue 14).
const oldSplitEmailCell = (cell: string) => cell.trim().split(/\s*(?::::|;|\n)\s*/);

interface Case {
  name: string;
  /** Capped input size of the new code. */
  n: number;
  make: (n: number) => string;
  run: (s: string) => unknown;
  /** Size for the old pattern (smaller when it would take minutes at n). */
  oldN: number;
  old: (s: string) => unknown;
}

const fill = (unit: string, n: number) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
const bodyEl = (text: string) => {
  const el = new JSDOM('<div></div>').window.document.body.firstElementChild!;
  el.textContent = text;
  return el;
};

const CASES: Case[] = [
  {
    name: 'parseSignature, "a@" runs',
    n: MAX_SIGNATURE_CHARS,
    make: (n) => fill('a@', n),
    run: (s) => parseSignature(s, { name: 'Jane Doe', email: 'jane@acme.de' }),
    oldN: 1_000,
    old: (s) => [...s.matchAll(OLD_SIGNATURE_EMAIL)],
  },
  {
    name: 'findEmail, "a@" runs',
    n: MAX_ADDRESS_TEXT,
    make: (n) => fill('a@', n),
    run: findEmail,
    oldN: 1_000,
    old: (s) => OLD_FIND_EMAIL.exec(s),
  },
  {
    name: 'stripAddress (Outlook), "@." runs',
    n: MAX_ADDRESS_TEXT,
    make: (n) => fill('@.', n),
    run: stripAddress,
    oldN: 1_000,
    old: oldStripAddress,
  },
  {
    name: 'role labels (Outlook), spaces',
    n: 10_000,
    make: (n) => ' '.repeat(n),
    run: roleLabels,
    oldN: 1_000,
    old: (s) => [...s.matchAll(OLD_ROLE_LABEL)],
  },
  {
    name: 'quote header, one "<a@" line',
    n: LIMITS.bodyText,
    make: (n) => `x<${fill('a@', n)}`,
    run: (s) => splitMessageText(s),
    oldN: 20_000,
    old: (s) => OLD_ATTRIBUTION.test(s),
  },
  {
    name: 'extractMessageParts, one "<a@" line',
    n: LIMITS.bodyText,
    make: (n) => `x<${fill('a@', n)}`,
    run: (s) => extractMessageParts(bodyEl(s)),
    oldN: 20_000,
    old: (s) => OLD_ATTRIBUTION.test(s),
  },
  {
    name: 'sign-off, "Best" + spaces + "x"',
    n: LIMITS.bodyText,
    make: (n) => `Hello\n\nBest${' '.repeat(n)}x\nJane Doe\n+49 30 123456`,
    run: (s) => splitMessageText(s),
    oldN: 20_000,
    old: (s) => OLD_SIGNOFF_TAIL.test(s.split('\n')[2].slice('Best'.length)),
  },
  {
    name: 'tidyText, inner run of spaces',
    n: LIMITS.bodyText,
    make: (n) => `a${' '.repeat(n)}b`,
    run: tidyText,
    oldN: 20_000,
    old: oldTidyLine,
  },
  {
    name: 'parseMailDate, "(" runs',
    n: LIMITS.bodyText,
    make: (n) => '('.repeat(n),
    run: (s) => parseMailDate(s),
    oldN: 20_000,
    old: (s) => s.replace(OLD_PARENS, ' '),
  },
  {
    name: 'normalizeDateRange (LinkedIn), "(" runs',
    n: LIMITS.bodyText,
    make: (n) => '('.repeat(n),
    run: normalizeDateRange,
    oldN: 20_000,
    old: (s) => s.replace(OLD_PARENS, ' '),
  },
  {
    name: 'import e-mail cell, inner run of spaces',
    n: 100_000,
    make: (n) => `a${' '.repeat(n - 2)}b`,
    run: (s) => buildContact({ ...emptyRaw(), name: 'A', emails: [s] }),
    oldN: 20_000,
    old: oldSplitEmailCell,
  },
];

/** Best of `reps` runs, in ms. */
function time(fn: () => unknown, reps: number): number {
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;

it('hostile inputs: new code at N and 2N, old pattern at oldN and 2·oldN', () => {
  const rows: string[][] = [['parser, input', 'N', 'new N', 'new 2N', 'ratio', 'oldN', 'old oldN', 'old 2·oldN', 'ratio', 'verdict']];
  let ok = true;
  for (const c of CASES) {
    const a = c.make(c.n);
    const b = c.make(2 * c.n);
    c.run(a); // warm-up
    const tn = time(() => c.run(a), 5);
    const t2n = time(() => c.run(b), 5);
    const oa = c.make(c.oldN);
    const ob = c.make(2 * c.oldN);
    const on = time(() => c.old(oa), 1);
    const o2n = time(() => c.old(ob), 1);
    // Linear within noise: at most twice, plus a little for timer resolution at sub-ms times.
    const pass = tn < 20 && t2n <= 2 * tn + 0.5;
    ok &&= pass;
    rows.push([
      c.name,
      String(c.n),
      ms(tn),
      ms(t2n),
      (t2n / tn).toFixed(2),
      String(c.oldN),
      ms(on),
      ms(o2n),
      (o2n / on).toFixed(2),
      pass ? 'ok' : 'SLOW',
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  console.log(`\n${rows.map((r) => r.map((x, i) => x.padEnd(widths[i])).join('  ')).join('\n')}\n`);
  console.log(ok ? 'every parser: under 20 ms at N, at most 2× at 2N' : 'some parser missed the goal (SLOW above)');
});
