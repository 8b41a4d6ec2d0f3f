// Address and role-label helpers of the mail parsers on adversarial labels, titles and recipient
// text: linear time (docs/architecture.md, principle 11). Each input below took seconds or more
// with the patterns these tests replaced.
import { describe, expect, it } from 'vitest';
import { MAX_ADDRESS_TEXT, findEmail } from '../../../capture/mail';
import { roleLabels, stripAddress } from '../../../sites/outlook/parse';
import { HOSTILE_BOUND_MS, randomStrings, withinBound } from './helpers';

// The one-pattern forms the scans stand for (fine on the short strings compared here).
const OLD_ROLE_LABEL = /(?:^|[;\n]|\s{2,})\s*(To|An|Cc|CC|Bcc|BCC)\s*:\s*/g;
function oldRoleLabels(text: string) {
  return [...text.matchAll(OLD_ROLE_LABEL)].map((m) => ({ role: m[1], start: m.index, end: m.index + m[0].length }));
}

describe('role labels: the marks of the pattern they replace', () => {
  it('on random recipient-like text', () => {
    const samples = [
      ...randomStrings(21, 'To Cc;\n:BC a', 6000, 28),
      ...randomStrings(22, '  \n;ToAnCcBCC:', 3000, 20),
      'To: Jane Doe; Max Müller  Cc: Ben',
      'An: a@b.de\nCC: c@d.de',
      'a  To:  Cc: b',
    ];
    for (const s of samples) expect(roleLabels(s), JSON.stringify(s)).toEqual(oldRoleLabels(s));
  });
});

describe('address helpers on adversarial input, at the cap and twice the cap', () => {
  const sizes = [MAX_ADDRESS_TEXT, 2 * MAX_ADDRESS_TEXT];
  const inputs: [string, (n: number) => string][] = [
    ['"a@" runs', (n) => 'a@'.repeat(n / 2)],
    ['"@." runs', (n) => '@.'.repeat(n / 2)],
    ['"<a@" runs', (n) => `<${'a@'.repeat(n / 2)}`],
    ['an address and a run of dots', (n) => `a@b.c${'.'.repeat(n)}x`],
  ];
  for (const [name, make] of inputs) {
    for (const n of sizes) {
      it(`findEmail, ${name}, ${n} characters: under ${HOSTILE_BOUND_MS} ms`, () => {
        const text = make(n);
        withinBound(name, () => findEmail(text));
      });
      it(`stripAddress, ${name}, ${n} characters: under ${HOSTILE_BOUND_MS} ms`, () => {
        const text = make(n);
        expect(typeof withinBound(name, () => stripAddress(text))).toBe('string');
      });
    }
  }
  for (const n of [10_000, 20_000]) {
    it(`role labels in a run of ${n} spaces: under ${HOSTILE_BOUND_MS} ms`, () => {
      expect(withinBound('spaces', () => roleLabels(' '.repeat(n)))).toEqual([]);
      expect(withinBound('spaces then a label', () => roleLabels(`${' '.repeat(n)}To: x`))).toHaveLength(1);
    });
  }
  it('findEmail still reads ordinary labels', () => {
    expect(findEmail('From: Jane Doe <Jane@Acme.test>.')).toBe('jane@acme.test');
    expect(findEmail('mailto:max@beispiel.de...')).toBe('max@beispiel.de');
  });
});
