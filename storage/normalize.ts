// Text folding and tokenization shared by the search index, the merge rules and the importers.

// Letters that Unicode decomposition (NFKD) does not reduce to an ASCII base letter.
const SPECIAL_FOLDS: Record<string, string> = {
  ß: 'ss',
  ẞ: 'ss',
  æ: 'ae',
  Æ: 'ae',
  œ: 'oe',
  Œ: 'oe',
  ø: 'o',
  Ø: 'o',
  ł: 'l',
  Ł: 'l',
  đ: 'd',
  Đ: 'd',
  ð: 'd',
  Ð: 'd',
  þ: 'th',
  Þ: 'th',
  ı: 'i',
  ĸ: 'k',
};
const SPECIAL_RE = /[ßẞæÆœŒøØłŁđĐðÐþÞıĸ]/g;
const MARKS_RE = /\p{M}+/gu;
const NON_WORD_RE = /[^\p{L}\p{N}]+/u;

/** Case- and accent-insensitive form: "José Müller" → "jose muller". */
export function fold(text: string): string {
  return text
    .replace(SPECIAL_RE, (c) => SPECIAL_FOLDS[c] ?? c)
    .normalize('NFKD')
    .replace(MARKS_RE, '')
    .toLowerCase();
}

export const MAX_TERM_LENGTH = 24;

/** Splits folded text into words (letters/digits runs), truncated to MAX_TERM_LENGTH. */
export function tokenize(text: string | undefined | null): string[] {
  if (!text) return [];
  const out: string[] = [];
  for (const part of fold(text).split(NON_WORD_RE)) {
    if (part) out.push(part.length > MAX_TERM_LENGTH ? part.slice(0, MAX_TERM_LENGTH) : part);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// E-mail addresses as identity keys (decision 0024). A small linear hand check, no parser: every
// step below is one pass over at most MAX_EMAIL_INPUT characters.

/** RFC 5321 limits: a whole address (path minus the angle brackets), a local part in bytes, a DNS label. */
export const MAX_EMAIL_LENGTH = 254;
const MAX_LOCAL_BYTES = 64;
const MAX_LABEL = 63;
const MAX_DOMAIN = 253;
/**
 * Longest raw input looked at: room for a display name and `mailto:` around a full-length address.
 * Longer input is rejected before any other work, so an 8 MB import cell costs nothing.
 */
export const MAX_EMAIL_INPUT = 1024;

export type EmailCheck = { ok: true; email: string } | { ok: false; reason: string };

// Copy-paste noise that never belongs to an address: removed (zero-width space, word joiner, BOM, soft hyphen).
const ZERO_WIDTH_NOISE_RE = /[\u00ad\u200b\u2060\ufeff]/g;
// Zero-width joiners change how some scripts render, so they could tell two addresses apart: rejected.
const ZERO_WIDTH_JOINER_RE = /[\u200c\u200d]/;
// Bidirectional controls can make one address display as another (spoofing): rejected.
const BIDI_RE = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const INVISIBLE_RE = /[\p{Cc}\p{Cf}\p{Cs}]/u;
const SPACE_RE = /[\s\p{Z}]/u;
// Anything in a local part other than RFC 5322 atext, dots and non-ASCII characters (RFC 6531).
const LOCAL_BAD_RE = /[^A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.\u0080-\uffff]/;
const DOMAIN_ASCII_BAD_RE = /[^a-z0-9.\-\u0080-\uffff]/;
const LABEL_RE = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const TLD_RE = /^[a-z](?:[a-z0-9-]*[a-z0-9])?$/;
const NON_ASCII_RE = /[^\u0020-\u007e]/;
const ANGLE_RE = /<([^<>]+)>/;

const fail = (reason: string): EmailCheck => ({ ok: false, reason });

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

function quoteChar(c: string): string {
  const cp = c.codePointAt(0) ?? 0;
  return cp < 0x21 || (cp >= 0x7f && cp <= 0xa0) ? `U+${cp.toString(16).toUpperCase().padStart(4, '0')}` : `"${c}"`;
}

/** The domain's ASCII (A-label) form through the platform's IDNA mapping, or undefined when it has none. */
function toAsciiDomain(domain: string): string | undefined {
  try {
    return new URL(`http://${domain}/`).hostname;
  } catch {
    return undefined;
  }
}

function checkDomain(domain: string): string | undefined {
  if (!domain) return 'domain is empty';
  if (domain.startsWith('[')) return 'domain is an address literal ([…]), not a name';
  const q = domain.search(/[?#]/);
  if (q >= 0) return domain[q] === '?' ? 'has a query string (?…) after the domain' : 'has a fragment (#…) after the domain';
  const bad = DOMAIN_ASCII_BAD_RE.exec(domain);
  if (bad) return `domain has a character not allowed: ${quoteChar(bad[0])}`;
  let ascii = domain;
  if (NON_ASCII_RE.test(domain)) {
    const a = toAsciiDomain(domain);
    if (a === undefined || a.split('.').length !== domain.split('.').length) return 'domain is not a valid international name';
    ascii = a;
  }
  if (ascii.length > MAX_DOMAIN) return `domain too long (max ${MAX_DOMAIN})`;
  const labels = ascii.split('.');
  if (labels.length < 2) return 'domain has no dot';
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!label) return 'domain has an empty part (.. or a dot at an end)';
    if (label.length > MAX_LABEL) return `domain part too long (max ${MAX_LABEL})`;
    if (label.startsWith('-') || label.endsWith('-')) return 'domain part starts or ends with a hyphen';
    if (!LABEL_RE.test(label)) return 'domain has a character not allowed';
    if (i === labels.length - 1 && !TLD_RE.test(label)) return 'top-level domain does not start with a letter';
  }
  return undefined;
}

/**
 * Strict check of a bare address (no trimming, no "Name <addr>", no cleanup): dot-atom local part
 * (RFC 5322 atext or non-ASCII, RFC 6531), host-name domain with at least one dot, RFC 5321 lengths.
 * On success gives the identity key: NFC, local part lowercased, domain NFKC-lowercased.
 */
export function checkAddress(address: string): EmailCheck {
  if (!address) return fail('empty');
  if (address.length > MAX_EMAIL_INPUT) return fail(`too long (max ${MAX_EMAIL_LENGTH})`);
  if (BIDI_RE.test(address)) return fail('contains a bidirectional control character');
  if (ZERO_WIDTH_JOINER_RE.test(address)) return fail('contains a zero-width joiner');
  if (/[\u00ad\u200b\u2060\ufeff]/.test(address)) return fail('contains a zero-width character');
  if (SPACE_RE.test(address)) return fail('contains a space');
  if (INVISIBLE_RE.test(address)) return fail('contains an invisible control character');
  const at = address.lastIndexOf('@');
  if (at < 0) return fail('has no @');
  if (address.indexOf('@') !== at) return fail('has more than one @');
  let local = address.slice(0, at).normalize('NFC').toLowerCase().normalize('NFC');
  const domain = address
    .slice(at + 1)
    .normalize('NFKC')
    .toLowerCase()
    .normalize('NFKC');
  if (!local) return fail('local part (before the @) is empty');
  if (local.startsWith('"')) return fail('quoted local part ("…"@) is not accepted');
  const badLocal = LOCAL_BAD_RE.exec(local);
  if (badLocal) return fail(`local part has a character not allowed: ${quoteChar(badLocal[0])}`);
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..'))
    return fail('local part has an empty part (.. or a dot at an end)');
  if (utf8Length(local) > MAX_LOCAL_BYTES) return fail(`local part too long (max ${MAX_LOCAL_BYTES} bytes)`);
  const domainProblem = checkDomain(domain);
  if (domainProblem) return fail(domainProblem);
  local = `${local}@${domain}`;
  if (local.length > MAX_EMAIL_LENGTH) return fail(`too long (max ${MAX_EMAIL_LENGTH})`);
  return { ok: true, email: local };
}

/**
 * An address as found in a cell, a page or a header, checked and normalized (decision 0024):
 * trimmed; zero-width noise removed; `Name <addr>` and `mailto:` unwrapped (a mailto's `?…` headers
 * dropped); then {@link checkAddress}. The reason is plain words for the import report.
 */
export function checkEmail(raw: string | undefined | null): EmailCheck {
  if (!raw) return fail('empty');
  // Cap before any matching: nothing longer can be an address with its display name.
  if (raw.length > MAX_EMAIL_INPUT) return fail(`too long (max ${MAX_EMAIL_LENGTH})`);
  let e = raw.replace(ZERO_WIDTH_NOISE_RE, '').trim();
  if (!e) return fail('empty');
  // "Name <addr>" and "mailto:" forms are common in exports.
  const angle = ANGLE_RE.exec(e);
  if (angle) e = angle[1].trim();
  if (/^mailto:/i.test(e)) {
    e = e.slice(7);
    const q = e.indexOf('?');
    if (q >= 0) e = e.slice(0, q);
  }
  return checkAddress(e);
}

/** The identity key of an address (see {@link checkEmail}); undefined when it is not an address. */
export function normalizeEmail(email: string | undefined | null): string | undefined {
  const r = checkEmail(email);
  return r.ok ? r.email : undefined;
}

/**
 * A page-side address candidate (decision 0024): what the content scripts and capture parsers use to
 * recognise and compare addresses. Cheap on purpose (it ships in every content script); it is not the
 * identity key: storage applies {@link normalizeEmail} to whatever a capture hands over, so a candidate
 * the strict check refuses is never stored as an address.
 */
export function candidateEmail(raw: string | undefined | null): string | undefined {
  if (!raw || raw.length > MAX_EMAIL_INPUT) return undefined;
  let e = raw.replace(ZERO_WIDTH_NOISE_RE, '').trim().toLowerCase();
  const angle = ANGLE_RE.exec(e);
  if (angle) e = angle[1].trim();
  if (e.startsWith('mailto:')) {
    e = e.slice(7);
    const q = e.indexOf('?');
    if (q >= 0) e = e.slice(0, q);
  }
  const at = e.indexOf('@');
  const dot = e.lastIndexOf('.');
  if (at < 1 || at !== e.lastIndexOf('@') || dot < at + 2 || dot === e.length - 1 || /\s/.test(e)) return undefined;
  return e;
}

export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1);
}

/** Domain key for a company: lowercase host without scheme, path or leading "www.". */
export function normalizeDomain(input: string | undefined | null): string | undefined {
  if (!input) return undefined;
  let d = input.trim().toLowerCase();
  if (!d) return undefined;
  d = d
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
    .replace(/[/?#].*$/, '')
    .replace(/:\d+$/, '');
  d = d.replace(/^www\./, '');
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(d)) return undefined;
  return d;
}

/**
 * Canonical LinkedIn profile URL and its public id, from any URL form
 * (with locale subdomains, trailing segments, query strings or percent-encoding).
 */
export function normalizeLinkedinUrl(input: string | undefined | null): { url: string; id: string } | undefined {
  if (!input) return undefined;
  // linkedin.com must be the host (www., a country host or none), not part of another name or path:
  // "notlinkedin.com/in/x" and "evil.example/linkedin.com/in/x" are not LinkedIn profiles.
  const m = /(?:^|\/\/|[\s(<[\]"':;,|])(?:[a-z0-9-]+\.)*linkedin\.com\/(in|pub)\/([^/?#\s()<>[\]"',;|]+)/i.exec(input.trim());
  if (!m) return undefined;
  let id = m[2];
  try {
    id = decodeURIComponent(id);
  } catch {
    /* keep raw */
  }
  id = id.toLowerCase();
  return { url: `https://www.linkedin.com/in/${encodeURIComponent(id)}/`, id };
}

/**
 * LinkedIn's own ids for a person, in one written form each (decision 0038): the member's profile
 * id (`urn:li:fsd_profile:ACoAA…`; `fs_profile` and `fs_miniProfile` name the same id), the member
 * number (`urn:li:member:123`), the Sales Navigator lead id (`urn:li:fs_salesProfile:ACwAA…`, the
 * first part of LinkedIn's `(ACwAA…,NAME_SEARCH,…)` tuple) and the Recruiter candidate id
 * (`urn:li:ts_profile:AEMAA…`). Ids are case-sensitive (base64url) and kept as written.
 */
const URN_KINDS: Record<string, string> = {
  fsd_profile: 'fsd_profile',
  fs_profile: 'fsd_profile',
  fs_miniprofile: 'fsd_profile',
  member: 'member',
  fs_salesprofile: 'fs_salesProfile',
  ts_profile: 'ts_profile',
};
// Literals (no module-level calls), so the mail content scripts, which use other normalizers, leave them out.
/** An id: at most 100 characters (a real one has under 50); a longer run is no id, never cut to a prefix. */
const URN_RE = /urn:li:([A-Za-z_]{1,20}):\(?([A-Za-z0-9_-]{1,100})(?![A-Za-z0-9_-])/g;
const URN_ID_RE = /^[A-Za-z0-9_-]{1,100}$/;

/** The normal form of one LinkedIn URN (see URN_KINDS), or undefined for another kind or a malformed id. */
export function normalizeLinkedinUrn(kind: string, id: string): string | undefined {
  const lower = kind.toLowerCase();
  const k = Object.hasOwn(URN_KINDS, lower) ? URN_KINDS[lower] : undefined;
  if (!k || !URN_ID_RE.test(id) || (k === 'member' && !/^\d+$/.test(id))) return undefined;
  return `urn:li:${k}:${id}`;
}

/** The LinkedIn person URNs written in `text` (an attribute, a stored list), normalized, at most `max`. */
export function linkedinUrnsIn(text: string, max: number): string[] {
  const out = new Set<string>();
  // Bounded: a real attribute holding a URN is short; the regex starts only at "urn:li:".
  for (const m of text.slice(0, 4000).matchAll(URN_RE)) {
    const urn = normalizeLinkedinUrn(m[1], m[2]);
    if (urn) out.add(urn);
    if (out.size >= max) break;
  }
  return [...out];
}

/** Mailbox providers whose domain says nothing about a person's employer. */
export const PUBLIC_MAIL_DOMAINS = new Set([
  'gmail.com',
  'googlemail.com',
  'outlook.com',
  'hotmail.com',
  'live.com',
  'msn.com',
  'yahoo.com',
  'yahoo.co.uk',
  'yahoo.fr',
  'ymail.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'aol.com',
  'gmx.de',
  'gmx.net',
  'gmx.com',
  'web.de',
  'proton.me',
  'protonmail.com',
  'mail.com',
  'yandex.ru',
  'mail.ru',
  'qq.com',
  '163.com',
  'orange.fr',
  'free.fr',
  'laposte.net',
  't-online.de',
  'hey.com',
  'fastmail.com',
]);

/** Similarity of two names in [0,1] (token-set Jaccard over folded words). */
export function nameSimilarity(a: string, b: string): number {
  const ta = new Set(tokenize(a));
  const tb = new Set(tokenize(b));
  if (!ta.size || !tb.size) return 0;
  let inter = 0;
  for (const t of ta) if (tb.has(t)) inter++;
  return inter / (ta.size + tb.size - inter);
}
