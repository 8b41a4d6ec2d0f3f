// Signature parsing on adversarial text: linear time (docs/architecture.md, principle 11). Each
// input below took seconds or more with the patterns these tests replaced.
import { describe, expect, it } from 'vitest';
import { parseSignatureOnce } from '../../../capture/actions';
import { MAX_SIGNATURE_CHARS, parseSignature } from '../../../capture/signature';
import {
  PHONE_LABEL_RE,
  hasLegalForm,
  isDisclaimer,
  isEnvironmentNote,
  isMobileFooter,
  isRegisterLine,
  looksLikeAddress,
  looksLikeTitle,
} from '../../../capture/signature-labels';
import {
  LABEL_ADDRESS_STOP,
  SIGNATURE_ADDRESS_STOP,
  firstEmailToken,
  matchEmailsWithLetterTld,
  replaceEmailsWithLetterTld,
  tidyText,
} from '../../../capture/text';
import { HOSTILE_BOUND_MS, randomStrings, withinBound } from './helpers';

// The patterns the linear scanners stand for (fine on the short strings compared here).
const OLD_SIGNATURE_EMAIL = /[^\s<>()[\]"';:,|]+@[^\s<>()[\]"';:,|]+\.[a-z]{2,}/gi;
const OLD_STRIP_EMAIL = /(?:mailto:)?[^\s<>()[\]"';:,]+@[^\s<>()[\]"';:,]+\.[a-z]{2,}/gi;
const OLD_FIND_EMAIL = /[^\s<>()[\]"';:,]+@[^\s<>()[\]"';:,]+\.[^\s<>()[\]"';:,]+/;

const ALPHABET = 'ab.@ :|<>,Z1-mailto';

describe('e-mail scanners give the matches of the patterns they replace', () => {
  const samples = [
    ...randomStrings(14, ALPHABET, 4000, 24),
    ...randomStrings(15, 'a.@mailto:', 2000, 30),
    'Jane <jane@acme.test>',
    'mailto:jane@acme.test',
    'x mailto:a@b.co mailto:c@d.org.',
    'a@b.mailto:c@d.com',
    'a@b.com1mailto:c@d.com',
    'a@b@c.com',
    'ab.cd@ef.gh.ij',
  ];
  it('signature addresses: every match, same places', () => {
    for (const s of samples) {
      const want = [...s.matchAll(OLD_SIGNATURE_EMAIL)].map((m) => ({ index: m.index, text: m[0] }));
      expect(matchEmailsWithLetterTld(s, SIGNATURE_ADDRESS_STOP), JSON.stringify(s)).toEqual(want);
    }
  });
  it('addresses with an optional mailto: prefix, replaced', () => {
    for (const s of samples) {
      expect(replaceEmailsWithLetterTld(s, LABEL_ADDRESS_STOP, ' ', true), JSON.stringify(s)).toBe(s.replace(OLD_STRIP_EMAIL, ' '));
    }
  });
  it('the first address-like token', () => {
    for (const s of samples) expect(firstEmailToken(s, LABEL_ADDRESS_STOP), JSON.stringify(s)).toBe(OLD_FIND_EMAIL.exec(s)?.[0]);
  });
});

describe('signature parsing on adversarial input, at the cap and twice the cap', () => {
  const sizes = [MAX_SIGNATURE_CHARS, 2 * MAX_SIGNATURE_CHARS];
  const inputs: [string, (n: number) => string][] = [
    ['"@." runs', (n) => '@.'.repeat(n / 2)],
    ['"a@" runs', (n) => 'a@'.repeat(n / 2)],
    ['"@." runs with a name line', (n) => `Jane Doe\n${'@.'.repeat(n / 2)}`],
    ['a phone label before a long run of spaces', (n) => `Jane Doe\nt${' '.repeat(n)}x`],
    ['a long inner run of dashes', (n) => `Jane Doe\na${'-'.repeat(n)}a`],
    ['a long inner run of spaces', (n) => `Jane Doe\na${' '.repeat(n)}b`],
    ['many lines of "@."', (n) => '@.@.@.@.@.@.@.@.@.\n'.repeat(n / 19)],
  ];
  for (const [name, make] of inputs) {
    for (const n of sizes) {
      it(`${name}, ${n} characters: under ${HOSTILE_BOUND_MS} ms`, () => {
        const text = make(n);
        const out = withinBound(name, () => parseSignature(text, { name: 'Jane Doe', email: 'jane@acme.de' }));
        expect(Array.isArray(out.emails)).toBe(true);
      });
    }
  }
  it('tidyText on a 100 KB line with an inner run of spaces and tabs', () => {
    const text = `a${' \t'.repeat(50_000)}b`;
    expect(withinBound('tidyText', () => tidyText(text))).toBe(text);
  });
});

describe('the language tables on 1 MB of adversarial text', () => {
  const MB = 1 << 20;
  const fill = (unit: string) => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);
  const texts: [string, string][] = [
    ['disclaimer words', fill('confidential this e-mail vertraulich ')],
    ['footer words', fill('Sent from my iPhone ')],
    ['legal forms', fill('S.p.A. Sp. z o.o. GmbH 株式会社 ')],
    ['single-letter labels', fill('t m f o.o. ')],
    ['label runs with spaces', fill('Tel. kom.    ')],
    ['street words and digits', fill('Via 1 straße ul. 〒1 ')],
    ['register keys', fill('Sitz der Gesellschaft: ')],
    ['compound title endings', fill('Vertriebsleiterchefjohtaja')],
    ['CJK without spaces', fill('株式会社営業部長发自我的')],
  ];
  const classifiers: [string, (s: string) => unknown][] = [
    ['looksLikeTitle', looksLikeTitle],
    ['hasLegalForm', hasLegalForm],
    ['isDisclaimer', isDisclaimer],
    ['isEnvironmentNote', isEnvironmentNote],
    ['isMobileFooter', isMobileFooter],
    ['looksLikeAddress', looksLikeAddress],
    ['isRegisterLine', isRegisterLine],
    ['phone labels', (s) => s.replace(PHONE_LABEL_RE, ' ').length],
  ];
  for (const [name, text] of texts) {
    it(`${name}: every classifier and parseSignature under ${HOSTILE_BOUND_MS} ms`, () => {
      for (const [label, fn] of classifiers) {
        // The phone-label pattern runs on lines of the capped signature, never on 1 MB at once.
        withinBound(`${label} on ${name}`, () => fn(label === 'phone labels' ? text.slice(0, 2 * MAX_SIGNATURE_CHARS) : text));
      }
      withinBound(`parseSignature on ${name}`, () => parseSignature(text, { name: 'Jane Doe', email: 'jane@acme.de' }));
      const lines = text.replace(/ /g, '\n');
      withinBound(`parseSignature on ${name}, as lines`, () => parseSignature(lines, { name: 'Jane Doe', email: 'jane@acme.de' }));
    });
  }
});

describe('parsed signatures are memoised per capture', () => {
  it('a second look-up of the same signature does not parse again', () => {
    const text = `Jane Doe\nHead of Sales | Acme GmbH\n${'@.'.repeat(2000)}`;
    const opts = { name: 'Jane Doe', email: 'jane@acme.de', links: [] };
    const first = parseSignatureOnce(text, opts);
    expect(first.company).toBe('Acme GmbH');
    expect(parseSignatureOnce(text, { ...opts })).toBe(first);
    expect(parseSignatureOnce(text, { ...opts, name: 'J. Doe' })).not.toBe(first);
  });
});
