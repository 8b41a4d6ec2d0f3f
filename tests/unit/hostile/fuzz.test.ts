// Property-based fuzzing of the parsers that read outside text (docs/architecture.md, principle
// 11): on generated hostile text (runs of "@", ".", spaces, "<", "(", labels, attributions) each
// returns within the time bound and throws nothing (none of them has a named error to throw).
import fc from 'fast-check';
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { findEmail } from '../../../capture/mail';
import { parseSignature } from '../../../capture/signature';
import { extractMessageParts } from '../../../sites/mail/body';
import { splitMessageText } from '../../../capture/quotes';
import { parseMailDate } from '../../../sites/mail/date';
import { normalizeDateRange } from '../../../sites/linkedin/parse';
import { roleLabels, stripAddress } from '../../../sites/outlook/parse';
import { withinBound } from './helpers';
import { cleanDisplayName, splitName } from '../../../sites/common/person-name';
import { candidateEmail, checkEmail, normalizeEmail } from '../../../storage/normalize';
import { buildContact, emptyRaw } from '../../../importers/contact';
import { parseVcardText } from '../../../importers/vcard';

const TOKENS = [
  '@',
  '.',
  'a',
  'Z',
  ' ',
  '  ',
  '\u00a0',
  '\t',
  '\n',
  '<',
  '>',
  '(',
  ')',
  ':',
  ';',
  ',',
  '|',
  '-',
  '+49',
  '1',
  'To',
  'Cc',
  'mailto:',
  'On ',
  'Am ',
  ' wrote:',
  'schrieb',
  'Best',
  'T:',
  'www.',
  '.com',
  'x@y.de',
];

/** What long runs are made of: few, so that the worst pairs ("a@", "@.", "<a@") come up often. */
const RUN_TOKENS = ['@', '.', 'a', ' ', '<', '(', 'To', '\n'];

/** Hostile text: a mix of tokens, or one short token string repeated into a long run (1/8 to all of `max`). */
const hostile = (max: number) =>
  fc.oneof(
    fc.array(fc.constantFrom(...TOKENS), { maxLength: Math.min(max, 3000), size: 'max' }).map((a) => a.join('').slice(0, max)),
    fc
      .tuple(fc.array(fc.constantFrom(...RUN_TOKENS), { minLength: 1, maxLength: 3 }), fc.integer({ min: Math.ceil(max / 8), max }))
      .map(([unit, n]) => unit.join('').repeat(n).slice(0, max)),
  );

// No shrinking: on a slow parser each shrinking step would take as long as the failure.
const RUNS = { numRuns: 100, seed: 14, endOnFailure: true };

describe('parsers on generated hostile text: within the bound, nothing thrown', () => {
  it('parseSignature', () => {
    fc.assert(
      fc.property(hostile(10_000), (s) => {
        withinBound('parseSignature', () => parseSignature(s, { name: 'Jane Doe', email: 'jane@acme.de' }));
      }),
      RUNS,
    );
  });
  it('splitMessageText and extractMessageParts', () => {
    const el = new JSDOM('<div></div>').window.document.body.firstElementChild!;
    fc.assert(
      fc.property(hostile(200_000), (s) => {
        withinBound('splitMessageText', () => splitMessageText(s));
        el.textContent = s;
        withinBound('extractMessageParts', () => extractMessageParts(el));
      }),
      RUNS,
    );
  });
  it('findEmail, stripAddress, role labels (Outlook and Gmail label helpers)', () => {
    fc.assert(
      fc.property(hostile(20_000), (s) => {
        withinBound('findEmail', () => findEmail(s));
        withinBound('stripAddress', () => stripAddress(s));
        expect(Array.isArray(withinBound('roleLabels', () => roleLabels(s)))).toBe(true);
      }),
      RUNS,
    );
  });
  it('date texts', () => {
    fc.assert(
      fc.property(hostile(200_000), (s) => {
        withinBound('parseMailDate', () => parseMailDate(s));
        withinBound('normalizeDateRange', () => normalizeDateRange(s));
      }),
      RUNS,
    );
  });
});

describe('names, e-mail keys and import files on generated hostile text: within the bound, nothing thrown', () => {
  it('display names (LinkedIn, mail headers)', () => {
    fc.assert(
      fc.property(hostile(20_000), (s) => {
        withinBound('cleanDisplayName', () => cleanDisplayName(s));
        withinBound('splitName', () => splitName(s));
      }),
      RUNS,
    );
  });
  it('e-mail keys: the strict check, the page-side candidate, and an import cell with phones and tags', () => {
    fc.assert(
      fc.property(hostile(200_000), (s) => {
        expect(typeof withinBound('checkEmail', () => checkEmail(s)).ok).toBe('boolean');
        withinBound('candidateEmail', () => candidateEmail(s));
        withinBound('normalizeEmail', () => normalizeEmail(s));
        const raw = { ...emptyRaw(), name: s.slice(0, 500), emails: [s], phones: [s], tags: [s], notes: [s] };
        withinBound('buildContact', () => buildContact(raw));
      }),
      RUNS,
    );
  });
  it('vCard text (one card around hostile values, and hostile text as the file)', () => {
    fc.assert(
      fc.property(hostile(20_000), (s) => {
        const card = `BEGIN:VCARD\r\nVERSION:3.0\r\nFN:${s}\r\nEMAIL:${s}\r\nTEL:${s}\r\nNOTE:${s}\r\nEND:VCARD\r\n`;
        expect(Array.isArray(withinBound('parseVcardText(card)', () => parseVcardText(card)).rows)).toBe(true);
        withinBound('parseVcardText(text)', () => parseVcardText(s));
      }),
      RUNS,
    );
  });
});
