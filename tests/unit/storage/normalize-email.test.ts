// E-mail addresses as identity keys (decision 0024): checkAddress / checkEmail / normalizeEmail against
// two published address lists, used as they are (one policy rule per list, stated below, never per case),
// plus the cleanup cases an identity key needs (zero-width, bidi, NFC, case, query strings, huge cells).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { domainToASCII } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildContact, emptyRaw } from '../../../importers/contact';
import { MAX_EMAIL_LENGTH, candidateEmail, checkAddress, checkEmail, emailDomain, normalizeEmail } from '../../../storage/normalize';
import { normalizeContactInput } from '../../../storage/repositories';

const LOCAL_DIR = resolve('tests/fixtures/email');
const SHARED_DIR = resolve(process.env.RAPPORT_SHARED_DIR ?? '../shared', 'fixtures/email');
const HAPI_FILE = 'hapi-address/email.ts';
const ISEMAIL_FILE = 'isemail/tests.xml';

function readLocal(file: string): string {
  // The hapi test is stored as .txt in the repository (see tests/fixtures/email/README.md).
  return readFileSync(resolve(LOCAL_DIR, file.endsWith('.ts') ? `${file}.txt` : file), 'utf8');
}

interface Vector {
  address: string;
  valid: boolean;
  source: string;
}

/** hapi's two tables: analyze() (all invalid, with the message) and isValid() (address, expected). */
function hapiVectors(text: string): { vectors: Vector[]; skippedWithOptions: number } {
  const tables = [
    { start: 'const tests: [string, string, EmailOptions?][] = [', valid: () => false },
    { start: 'const tests: [string, boolean, EmailOptions?][] = [', valid: (row: unknown[]) => row[1] === true },
  ];
  const vectors: Vector[] = [];
  let skippedWithOptions = 0;
  for (const t of tables) {
    const from = text.indexOf(t.start);
    expect(from).toBeGreaterThan(0);
    const body = text.slice(from + t.start.length, text.indexOf('\n            ];', from));
    // The tables are plain literals, apart from `Punycode.toASCII(...)` and `new Set(...)` inside options.
    const rows = new Function('Punycode', `return [${body}];`)({ toASCII: domainToASCII }) as unknown[][];
    expect(rows.length).toBeGreaterThan(10);
    for (const row of rows) {
      // Options change hapi's policy (TLD lists, one-label domains, no length limit, ASCII only);
      // Rapport has one fixed policy, hapi's defaults, so only rows without options apply.
      if (row[2] !== undefined) {
        skippedWithOptions++;
        continue;
      }
      vectors.push({ address: row[0] as string, valid: t.valid(row), source: 'hapi' });
    }
  }
  return { vectors, skippedWithOptions };
}

function decodeXml(s: string): string {
  return s
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => {
      const cp = parseInt(h, 16);
      // The list writes control characters as U+2400 + their code (its note 1).
      return String.fromCodePoint(cp >= 0x2400 && cp <= 0x241f ? cp - 0x2400 : cp);
    })
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/**
 * isemail: valid = category ISEMAIL_VALID_CATEGORY or ISEMAIL_DNSWARN (DNS is not looked up here),
 * with a dot in the domain (Rapport's one-label rule, hapi's default); every other category
 * (RFC 5321 quoted strings and address literals, CFWS, deprecated forms, RFC 5322 limits, errors) is invalid.
 */
function isemailVectors(text: string): Vector[] {
  const out: Vector[] = [];
  for (const m of text.matchAll(/<test id="(\d+)">([\s\S]*?)<\/test>/g)) {
    const address = decodeXml(/<address>([\s\S]*?)<\/address>/.exec(m[2])?.[1] ?? '');
    const category = /<category>([^<]*)<\/category>/.exec(m[2])?.[1] ?? '';
    const domain = address.slice(address.lastIndexOf('@') + 1);
    const valid = (category === 'ISEMAIL_VALID_CATEGORY' || category === 'ISEMAIL_DNSWARN') && domain.includes('.');
    out.push({ address, valid, source: `isemail #${m[1]} ${category}` });
  }
  return out;
}

function mismatches(vectors: Vector[]): string[] {
  return vectors
    .filter((v) => checkAddress(v.address).ok !== v.valid)
    .map(
      (v) =>
        `${v.source}: ${JSON.stringify(v.address)} expected ${v.valid ? 'valid' : 'invalid'}, got ${JSON.stringify(checkAddress(v.address))}`,
    );
}

describe('the address lists (tests/fixtures/email, from ../shared/fixtures/email)', () => {
  it('the repository copies are the shared lists, unchanged (when the shared folder is present)', () => {
    for (const file of [HAPI_FILE, ISEMAIL_FILE]) {
      const shared = resolve(SHARED_DIR, file);
      if (existsSync(shared)) expect(readLocal(file)).toBe(readFileSync(shared, 'utf8'));
    }
  });

  it("accepts and rejects hapi's addresses as hapi's default policy does", () => {
    const { vectors, skippedWithOptions } = hapiVectors(readLocal(HAPI_FILE));
    const valid = vectors.filter((v) => v.valid).length;
    console.log(
      `hapi: ${vectors.length} addresses (${valid} valid, ${vectors.length - valid} invalid), ${skippedWithOptions} rows with options not applicable`,
    );
    expect(vectors.length).toBeGreaterThan(200);
    expect(mismatches(vectors)).toEqual([]);
  });

  it("accepts and rejects isemail's addresses by their category", () => {
    const vectors = isemailVectors(readLocal(ISEMAIL_FILE));
    const valid = vectors.filter((v) => v.valid).length;
    console.log(`isemail: ${vectors.length} addresses (${valid} valid, ${vectors.length - valid} invalid)`);
    expect(vectors.length).toBe(164);
    expect(mismatches(vectors)).toEqual([]);
  });

  it('checkEmail (the lenient entry point) keeps every valid listed address, with the same key', () => {
    const vectors = [...hapiVectors(readLocal(HAPI_FILE)).vectors, ...isemailVectors(readLocal(ISEMAIL_FILE))].filter((v) => v.valid);
    for (const v of vectors) expect(checkEmail(v.address), v.source).toEqual(checkAddress(v.address));
  });

  it('gives a reason in plain words for every invalid listed address', () => {
    const vectors = [...hapiVectors(readLocal(HAPI_FILE)).vectors, ...isemailVectors(readLocal(ISEMAIL_FILE))].filter((v) => !v.valid);
    for (const v of vectors) {
      const r = checkAddress(v.address);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(/^[a-z(]/);
    }
  });
});

describe('normalizeEmail / checkEmail', () => {
  it('lowercases the local part and the domain, trims, unwraps "Name <addr>" and mailto:', () => {
    expect(normalizeEmail('  John.Doe@EXAMPLE.COM ')).toBe('john.doe@example.com');
    expect(normalizeEmail('"Doe, John" <John.Doe@Example.com>')).toBe('john.doe@example.com');
    expect(normalizeEmail('MAILTO:john@example.com')).toBe('john@example.com');
    expect(normalizeEmail('a@MÜNCHEN.DE')).toBe('a@münchen.de');
    expect(emailDomain(normalizeEmail('x@Sub.Example.ORG')!)).toBe('sub.example.org');
    expect(normalizeEmail(undefined)).toBeUndefined();
    expect(normalizeEmail('')).toBeUndefined();
  });

  it('removes zero-width noise, rejects zero-width joiners and says why in the strict check', () => {
    expect(normalizeEmail('jo\u200bhn@exam\u200bple.com')).toBe('john@example.com');
    expect(normalizeEmail('\ufeffjohn@example.com\u2060')).toBe('john@example.com');
    expect(checkAddress('jo\u200bhn@example.com')).toEqual({ ok: false, reason: 'contains a zero-width character' });
    expect(checkEmail('jo\u200dhn@example.com')).toEqual({ ok: false, reason: 'contains a zero-width joiner' });
  });

  it('rejects bidirectional controls (RLO, LRO, isolates, marks): one address must not display as another', () => {
    for (const c of ['\u202e', '\u202d', '\u2066', '\u200f', '\u200e']) {
      expect(checkEmail(`john${c}@example.com`)).toEqual({ ok: false, reason: 'contains a bidirectional control character' });
      expect(normalizeEmail(`john${c}@example.com`)).toBeUndefined();
      expect(normalizeEmail(`${c}john@example.com`)).toBeUndefined();
    }
  });

  it('applies NFC: the composed and decomposed forms of one address are one key', () => {
    const nfc = 'jos\u00e9@caf\u00e9.fr';
    const nfd = 'jose\u0301@cafe\u0301.fr';
    expect(nfc).not.toBe(nfd);
    expect(normalizeEmail(nfd)).toBe(normalizeEmail(nfc));
    expect(normalizeEmail(nfd)).toBe(nfc);
  });

  it('rejects a query string after the domain; a mailto: link keeps its address without its headers', () => {
    expect(checkEmail('john@example.com?subject=Hello')).toEqual({ ok: false, reason: 'has a query string (?…) after the domain' });
    expect(normalizeEmail('mailto:john@example.com?subject=Hello&cc=x@y.com')).toBe('john@example.com');
  });

  it('says what is wrong in plain words', () => {
    const reason = (s: string) => {
      const r = checkEmail(s);
      return r.ok ? 'ok' : r.reason;
    };
    expect(reason('not-an-email')).toBe('has no @');
    expect(reason('a@b@example.com')).toBe('has more than one @');
    expect(reason('john@localhost')).toBe('domain has no dot');
    expect(reason('john doe@example.com')).toBe('contains a space');
    expect(reason('@example.com')).toBe('local part (before the @) is empty');
    expect(reason('john..doe@example.com')).toBe('local part has an empty part (.. or a dot at an end)');
    expect(reason('john@example..com')).toBe('domain has an empty part (.. or a dot at an end)');
    expect(reason('john@[192.0.2.1]')).toBe('domain is an address literal ([…]), not a name');
    expect(reason(`${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.com`)).toBe(
      `too long (max ${MAX_EMAIL_LENGTH})`,
    );
  });

  it('rejects an 8 MB cell in constant time, before any matching', () => {
    const cell = `${' '.repeat(4_000_000)}john@example.com${'x'.repeat(4_000_000)}`;
    const t = performance.now();
    const r = checkEmail(cell);
    const n = normalizeEmail(cell);
    expect(performance.now() - t).toBeLessThan(50);
    expect(r).toEqual({ ok: false, reason: `too long (max ${MAX_EMAIL_LENGTH})` });
    expect(n).toBeUndefined();
  });
});

describe('import rows report why an e-mail was dropped', () => {
  it('warns with the reason (invisible characters shown as U+XXXX) and keeps the rest of the row', () => {
    const raw = { ...emptyRaw(), name: 'Jo Doe', emails: ['jo@example.com; jo\u202e@evil.example; nobody; jo@localhost'] };
    const res = buildContact(raw);
    expect(res.ok).toBe(true);
    if (res.ok) expect(res.row.contact.emails).toEqual(['jo@example.com']);
    expect(res.warnings).toEqual([
      'invalid email "joU+202E@evil.example": contains a bidirectional control character',
      'invalid email "nobody": has no @',
      'invalid email "jo@localhost": domain has no dot',
    ]);
  });

  it('an 8 MB e-mail cell is one warning, quickly', () => {
    const raw = { ...emptyRaw(), name: 'Jo Doe', emails: [`a${' '.repeat(8_000_000)}b`] };
    const t = performance.now();
    const res = buildContact(raw);
    expect(performance.now() - t).toBeLessThan(50);
    expect(res.warnings).toHaveLength(1);
    expect(res.warnings[0]).toMatch(/: cell too long \(max \d+ characters\)$/);
  });
});

describe('page candidates and the storage boundary', () => {
  it('a content script recognises an address cheaply; the stored key is the strict one', () => {
    expect(candidateEmail(' Ann <ANN@Example.COM> ')).toBe('ann@example.com');
    expect(candidateEmail('mailto:ann@example.com?subject=hi')).toBe('ann@example.com');
    expect(candidateEmail('not an address')).toBeUndefined();
    expect(candidateEmail('a'.repeat(2000) + '@example.com')).toBeUndefined();
  });

  it('an address the strict check refuses never reaches a stored contact, whatever the page sent', () => {
    const rlo = candidateEmail('jo\u202Ehn@example.com');
    expect(rlo).toBeDefined(); // the page-side candidate is loose on purpose
    const stored = normalizeContactInput({ name: 'John', emails: [rlo!, 'ann@example.com?x=1', 'Ann@Example.com'] });
    expect(stored.emails).toEqual(['ann@example.com']);
  });

  it('the composed and decomposed forms a page may show are one stored person', () => {
    const composed = normalizeContactInput({ name: 'José', emails: [candidateEmail('jos\u00e9@caf\u00e9.fr')!] });
    const decomposed = normalizeContactInput({ name: 'José', emails: [candidateEmail('jose\u0301@cafe\u0301.fr')!] });
    expect(decomposed.emails).toEqual(composed.emails);
  });
});
