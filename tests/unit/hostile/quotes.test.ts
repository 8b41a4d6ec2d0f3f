// Splitting a message into body, quoted reply and signature on adversarial 100 KB bodies: linear
// time (docs/architecture.md, principle 11). Each input below took seconds with the patterns
// these tests replaced.
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../capture/mail';
import { findQuoteStart, splitMessageText } from '../../../capture/quotes';
import { isSignoff } from '../../../capture/signoffs';
import { refineThreadCapture } from '../../../capture/refine';
import { extractMessageParts } from '../../../sites/mail/body';
import { HOSTILE_BOUND_MS, withinBound } from './helpers';

const sizes = [LIMITS.bodyText, 2 * LIMITS.bodyText];
/** `unit` repeated to `n` characters. */
const fill = (unit: string, n: number) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);

describe('message splitting on adversarial input, at the cap and twice the cap', () => {
  const inputs: [string, (n: number) => string][] = [
    ['one line of "<a@"', (n) => `x<${fill('a@', n)}`],
    ['one line "On … <a@a@…"', (n) => `On Monday <${fill('a@', n)}> wrote:`],
    ['lines of "<a@" 1,000 long', (n) => fill(`x<${fill('a@', 998)}\n`, n)],
    ['lines "Am … schrieb"', (n) => fill(`Am ${fill('schrieb ', 600)}\n`, n)],
    ['a sign-off and a run of spaces', (n) => `Hello\n\nBest${' '.repeat(n)}x\nJane Doe\n+49 30 123456`],
    ['"From:" lines', (n) => fill('From: x\n', n)],
  ];
  for (const [name, make] of inputs) {
    for (const n of sizes) {
      it(`${name}, ${n} characters: under ${HOSTILE_BOUND_MS} ms`, () => {
        const text = make(n);
        const parts = withinBound(name, () => splitMessageText(text));
        expect(typeof parts.body).toBe('string');
      });
    }
  }
  const MB = 1_000_000;
  const oneMb: [string, string][] = [
    ['a header ending in "<a@…>:" with a time', `18:30 ${fill('<a@', MB)}>:`],
    ['reply text then " On " many times', `reply${fill(' On 1', MB)} wrote:`],
    ['"--- On" runs', fill('--- On ', MB)],
    ['a date first, then "<a@"', `30.09.2017, ${fill('<a@', MB)}>`],
    ['"Sent from " and words', `Hi\n\nSent from ${fill('my ', MB)}`],
    ['a rule of dashes', `Hi\n\n${fill('-', MB)}\nJane\nt. 555-931-0702`],
  ];
  // Many short lines: at twice the capture's cap (a line costs a few tests, 1 MB of them is slow
  // only by their number, not by any pattern).
  const CAP2 = 2 * LIMITS.bodyText;
  const manyLines: [string, string][] = [
    ['lines "On 1" and blank lines', fill('On 1 x\n\n', CAP2)],
    ['">" lines with lines between', fill('> a\nb\n', CAP2)],
    ['"От кого:" header lines', fill('От кого: x\n', CAP2)],
  ];
  for (const [name, text] of [...oneMb, ...manyLines]) {
    it(`${text.length} characters: ${name}: under ${HOSTILE_BOUND_MS} ms, also through refineThreadCapture`, () => {
      expect(typeof withinBound(name, () => splitMessageText(text)).body).toBe('string');
      const m = {
        messageId: 'm',
        from: { name: 'x' },
        to: [],
        cc: [],
        dateText: '',
        snippet: '',
        bodyText: text,
        quotedText: '',
        signature: '',
        links: [],
        direction: 'incoming' as const,
        collapsed: false,
      };
      const t = {
        kind: 'thread' as const,
        site: 'gmail' as const,
        threadId: 't',
        subject: 's',
        url: 'https://mail.google.com/',
        messages: [m],
        participants: [],
      };
      expect(withinBound(`refine: ${name}`, () => refineThreadCapture(t)).messages).toHaveLength(1);
    });
  }
  it('extractMessageParts on a 100 KB body element of "<a@"', () => {
    const { document } = new JSDOM('<div id="b"></div>').window;
    const el = document.getElementById('b')!;
    el.textContent = `x<${fill('a@', LIMITS.bodyText)}`;
    expect(withinBound('extractMessageParts', () => extractMessageParts(el)).quoted).toBe('');
  });
  it('ordinary attributions and sign-offs are still found', () => {
    expect(findQuoteStart(['Hi', '', 'On Mon, Nov 2, 2026 at 10:14 AM Jane Doe <jane@acme.test> wrote:', '> x'])).toBe(2);
    expect(findQuoteStart(['Hi', 'Jane Doe <jane@acme.test> schrieb:', '> x'])).toBe(1);
    expect(isSignoff('Viele Grüße, Max Mustermann')).toBe(true);
    expect(isSignoff(`Best${' '.repeat(300)}x`)).toBe(false);
  });
});
