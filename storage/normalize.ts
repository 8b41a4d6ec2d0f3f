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

/** Lowercased, trimmed address; undefined when it does not look like an address at all. */
export function normalizeEmail(email: string | undefined | null): string | undefined {
  if (!email) return undefined;
  let e = email.trim().toLowerCase();
  // "Name <addr>" and "mailto:" forms are common in exports.
  const angle = /<([^<>]+)>/.exec(e);
  if (angle) e = angle[1].trim();
  if (e.startsWith('mailto:')) e = e.slice(7);
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e)) return undefined;
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
  const m = /linkedin\.com\/(in|pub)\/([^/?#\s]+)/i.exec(input.trim());
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
