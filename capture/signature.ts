// Reads a signature block: name, title, company, phones (E.164 where possible), LinkedIn URL,
// website, addresses. Heuristic by nature: the line after the name is usually the title, and
// "Title | Company", "Title, Company", "Title at Company" put the company on the same line.
import { findPhoneNumbersInText, isSupportedCountry, type CountryCode } from 'libphonenumber-js';
import { fold, nameSimilarity, normalizeDomain, candidateEmail, normalizeLinkedinUrl } from '../storage/normalize';
import {
  PHONE_LABEL_RE,
  REGION_WORDS,
  STRONG_CONNECTOR_RE,
  WEAK_CONNECTOR_RE,
  hasLegalForm,
  isDisclaimer,
  isEnvironmentNote,
  isMobileFooter,
  isRegisterLine,
  labelKind,
  looksLikeAddress,
  looksLikeTitle,
} from './signature-labels';
import { SIGNATURE_ADDRESS_STOP, matchEmailsWithLetterTld, replaceEmailsWithLetterTld, tidyText, trimChars } from './text';

export { looksLikeTitle };

export type PhoneKind = 'work' | 'mobile' | 'fax' | 'other';

export interface SignaturePhone {
  /** As written in the signature. */
  raw: string;
  /** E.164 ("+4930123456") when the number could be read; absent otherwise. */
  e164?: string;
  kind: PhoneKind;
}

export interface SignatureFields {
  name?: string;
  title?: string;
  company?: string;
  /** Phone numbers to keep on a contact: E.164 where possible, else as written; no fax numbers. */
  phones: string[];
  phoneDetails: SignaturePhone[];
  linkedinUrl?: string;
  linkedinId?: string;
  website?: string;
  emails: string[];
}

export interface SignatureOptions {
  /** The sender's display name: finds the name line. */
  name?: string;
  /** The sender's address: its country TLD gives the default phone region, its domain the company hint. */
  email?: string;
  /** Links of the message (hrefs), used when the text shows an icon instead of the LinkedIn URL. */
  links?: readonly string[];
  /** Overrides the region guessed from the address. */
  defaultCountry?: CountryCode;
}

// Country-code TLDs that are mostly sold as generic names: they say nothing about a phone region.
const VANITY_TLDS = new Set([
  'io',
  'co',
  'ai',
  'me',
  'tv',
  'ly',
  'fm',
  'am',
  'to',
  'cc',
  'ws',
  'gg',
  'sh',
  'ac',
  'la',
  'so',
  'vc',
  'app',
  'dev',
  'gl',
  'im',
  'nu',
  'tk',
  'ml',
  'ga',
  'cf',
  'gq',
]);

/** Default phone region from an address's country TLD (".de" → DE, ".co.uk" → GB); undefined for .com, .io… */
export function countryFromEmail(email: string | undefined): CountryCode | undefined {
  const e = candidateEmail(email);
  if (!e) return undefined;
  const tld = e.slice(e.lastIndexOf('.') + 1);
  if (tld.length !== 2 || VANITY_TLDS.has(tld)) return undefined;
  const cc = tld === 'uk' ? 'GB' : tld.toUpperCase();
  return isSupportedCountry(cc) ? cc : undefined;
}

const RAW_PHONE_RE = /(?:\+|00)?\(?\d[\d\s()./-]{5,}\d/g;
const URL_RE = /\b(?:https?:\/\/|www\.)[^\s<>"'|,;()]+/gi;
const LINKEDIN_RE = /(?:https?:\/\/)?(?:[a-z]{2,3}\.)?linkedin\.com\/(?:in|pub)\/[^\s<>"'|,;()]+/i;
// Addresses are `[^S]+@[^S]+\.[a-z]{2,}` with S = SIGNATURE_ADDRESS_STOP, matched by a linear scan
// (as a regular expression it is cubic on "@.@.@." text).
const emailsIn = (s: string) => matchEmailsWithLetterTld(s, SIGNATURE_ADDRESS_STOP);
const withoutEmails = (s: string) => replaceEmailsWithLetterTld(s, SIGNATURE_ADDRESS_STOP, ' ');
/** Longest signature text read; the rest is ignored (mail parsers keep 5,000: `LIMITS.signature`). */
export const MAX_SIGNATURE_CHARS = 5_000;
const BARE_DOMAIN_RE = /(?:^|[\s:|])((?:[a-z0-9-]+\.)+[a-z]{2,})(\/[^\s|,;]*)?(?=$|[\s|,;])/i;
const SOCIAL_HOSTS =
  /(?:^|\.)(?:linkedin\.com|twitter\.com|x\.com|facebook\.com|instagram\.com|youtube\.com|xing\.com|tiktok\.com|github\.com|calendly\.com|bit\.ly|zoom\.us|teams\.microsoft\.com|google\.com|goo\.gl|aka\.ms)$/i;
const WEB_LABEL = /^(?:w|web|website|webseite|internet|site|site web|url|www)\s*[:.]/i;

function domainLabel(email: string | undefined): string | undefined {
  const e = candidateEmail(email);
  if (!e) return undefined;
  const parts = e.slice(e.indexOf('@') + 1).split('.');
  // "mail.globex.co.uk" → "globex": the label before the public suffix (roughly).
  const i = parts.length >= 3 && parts[parts.length - 2].length <= 3 ? parts.length - 3 : parts.length - 2;
  return parts[Math.max(0, i)];
}

function companyLike(s: string, label: string | undefined): boolean {
  if (!s || s.length > 80) return false;
  if (hasLegalForm(s)) return true;
  if (
    label &&
    label.length >= 3 &&
    fold(s)
      .replace(/[^a-z0-9]/g, '')
      .includes(label.replace(/[^a-z0-9]/g, ''))
  )
    return true;
  return false;
}

function looksLikeName(s: string): boolean {
  if (!s || s.length > 60 || /[\d@:;!?|/]/.test(s)) return false;
  const words = s.split(/\s+/);
  return words.length <= 5 && !looksLikeTitle(s) && !hasLegalForm(s);
}

function kindOf(label: RegExpExecArray | undefined): PhoneKind {
  return label ? labelKind(label) : 'other';
}

/** Last phone label ("T:", "Mobile:", "Fax") in `segment`. */
function lastLabel(segment: string): RegExpExecArray | undefined {
  PHONE_LABEL_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  let last: RegExpExecArray | undefined;
  while ((m = PHONE_LABEL_RE.exec(segment))) last = m;
  return last;
}

function extractPhones(
  lines: readonly string[],
  defaultCountry: CountryCode | undefined,
): { phones: SignaturePhone[]; spans: Map<number, [number, number][]> } {
  const phones: (SignaturePhone & { at: number })[] = [];
  const spans = new Map<number, [number, number][]>();
  const seen = new Set<string>();
  const push = (p: SignaturePhone & { at: number }) => {
    const key = p.e164 ?? p.raw.replace(/\D/g, '');
    if (seen.has(key)) return;
    seen.add(key);
    phones.push(p);
  };
  // Pass 1 (libphonenumber) with the address's region; numbers it finds give a region for pass 2.
  let region = defaultCountry;
  const leftovers: { line: number; text: string; start: number }[] = [];
  lines.forEach((line, li) => {
    const found = findPhoneNumbersInText(line, defaultCountry ? { defaultCountry } : undefined);
    const lineSpans: [number, number][] = [];
    let prevEnd = 0;
    for (const f of found) {
      const raw = line.slice(f.startsAt, f.endsAt).trim();
      // Postcodes and short service numbers ("10117 Berlin") read as valid numbers: too short for a contact phone.
      if (raw.replace(/\D/g, '').length < 7) continue;
      push({ raw, e164: f.number.number, kind: kindOf(lastLabel(line.slice(prevEnd, f.startsAt + 1))), at: li * 1000 + f.startsAt });
      region ??= f.number.country;
      lineSpans.push([f.startsAt, f.endsAt]);
      prevEnd = f.endsAt;
    }
    spans.set(li, lineSpans);
    // Candidates libphonenumber did not read (no region, odd format).
    RAW_PHONE_RE.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = RAW_PHONE_RE.exec(line))) {
      const s = m.index;
      const e = s + m[0].length;
      if (lineSpans.some(([a, b]) => s < b && e > a)) continue;
      leftovers.push({ line: li, text: m[0], start: s });
    }
  });
  // Pass 2: leftovers that carry a phone label or look international.
  for (const l of leftovers) {
    const line = lines[l.line];
    const digits = l.text.replace(/\D/g, '');
    if (digits.length < 7 || digits.length > 15) continue;
    const label = lastLabel(line.slice(0, l.start + 1));
    const international = /^\s*(?:\+|00)/.test(l.text);
    if (!label && !international) continue;
    const raw = l.text.trim();
    let e164: string | undefined;
    if (region || international) {
      const again = findPhoneNumbersInText(raw, region ? { defaultCountry: region } : undefined)[0];
      if (again) e164 = again.number.number;
    }
    push({ raw, ...(e164 ? { e164 } : {}), kind: kindOf(label), at: l.line * 1000 + l.start });
    const list = spans.get(l.line) ?? [];
    list.push([l.start, l.start + l.text.length]);
    spans.set(l.line, list);
  }
  phones.sort((a, b) => a.at - b.at);
  return { phones: phones.map(({ at: _at, ...p }) => p), spans };
}

function normalizeWebsite(u: string): string | undefined {
  const withScheme = /^https?:\/\//i.test(u) ? u : `https://${u}`;
  try {
    const url = new URL(withScheme.replace(/[.,;:!?)]+$/, ''));
    if (!normalizeDomain(url.hostname) || SOCIAL_HOSTS.test(url.hostname.replace(/^www\./, ''))) return undefined;
    return url.pathname === '/' && !url.search ? `${url.protocol}//${url.host}` : url.href;
  } catch {
    return undefined;
  }
}

// Tried in this order. `strong`: always a title and a company; `companyOnly`: only when the right
// side names a company ("Director en Ejemplo S.L.", not "Ingeniero en Informática").
const SEPARATORS: { re: RegExp; strong?: boolean; companyOnly?: boolean }[] = [
  { re: /\s*[|·•]\s*/, strong: true },
  { re: STRONG_CONNECTOR_RE, strong: true },
  { re: /\s+[–—-]\s+/ },
  { re: /\s*[,，、،]\s*(?=[^,，、،]*$)/ },
  { re: WEAK_CONNECTOR_RE, companyOnly: true },
];

/** "Title | Company", "Title at Company", "Title, Company" → parts (company only when plausible). */
export function splitTitleCompany(line: string, companyHint?: string): { title: string; company?: string } {
  for (const { re, strong, companyOnly } of SEPARATORS) {
    const m = re.exec(line);
    if (!m || m.index === 0) continue;
    const left = line.slice(0, m.index).trim();
    const right = line
      .slice(m.index + m[0].length)
      .trim()
      .replace(/\s*[|·•].*$/, '');
    if (!left || !right) continue;
    if (
      strong ||
      companyLike(right, companyHint) ||
      (!companyOnly && !looksLikeTitle(right) && looksLikeTitle(left) && /^\p{Lu}/u.test(right) && !REGION_WORDS.test(right))
    ) {
      return { title: left, company: right };
    }
  }
  return { title: line };
}
const MAX_TITLE_CHARS = 120;
const OTHER_LABEL_RE =
  /\b(?:e-?mail|mail|web|website|webseite|internet|linkedin|skype|xing)\s*[:.：]|(?:^|[\s|·•,;])[we]\s*[:.：](?=\s|$)/gi;

/**
 * The lines that can hold the sender's facts: a line quoted from another message (">") and a
 * confidentiality notice end them (the notice runs to the end, and may carry other numbers);
 * mobile footers ("Sent from my iPhone"), "consider the environment" notes and rules are left out.
 */
function factLines(text: string): string[] {
  const out: string[] = [];
  for (const raw of tidyText(text.length > MAX_SIGNATURE_CHARS ? text.slice(0, MAX_SIGNATURE_CHARS) : text).split('\n')) {
    const line = raw.trim();
    // An environment note may say "this e-mail" too: it is skipped, not taken for a disclaimer.
    if (!line || /^[-_=*~.]{2,}$/.test(line) || isMobileFooter(line) || isEnvironmentNote(line)) continue;
    if (line.startsWith('>') || isDisclaimer(line)) break;
    out.push(line);
  }
  return out;
}

/** Signature text (plus the sender's name and address) → fields. Never throws. */
export function parseSignature(text: string, opts: SignatureOptions = {}): SignatureFields {
  const lines = factLines(text);
  const out: SignatureFields = { phones: [], phoneDetails: [], emails: [] };
  if (!lines.length && !opts.links?.length) return out;

  // Contact details.
  const region = opts.defaultCountry ?? countryFromEmail(opts.email);
  const { phones, spans } = extractPhones(lines, region);
  out.phoneDetails = phones;
  out.phones = phones.filter((p) => p.kind !== 'fax').map((p) => p.e164 ?? p.raw);

  const all = lines.join('\n');
  const li = LINKEDIN_RE.exec(all)?.[0] ?? opts.links?.find((l) => LINKEDIN_RE.test(l));
  const linked = normalizeLinkedinUrl(li);
  if (linked) {
    out.linkedinUrl = linked.url;
    out.linkedinId = linked.id;
  }
  const emails = new Set<string>();
  for (const m of emailsIn(all)) {
    const e = candidateEmail(m.text.replace(/^mailto:/i, ''));
    if (e) emails.add(e);
  }
  out.emails = [...emails];

  // Website: a URL in the text, a labelled or lone bare domain, or a link on the sender's domain.
  const senderDomain = candidateEmail(opts.email)?.split('@')[1];
  for (const m of all.matchAll(URL_RE)) {
    const w = normalizeWebsite(m[0]);
    if (w) {
      out.website = w;
      break;
    }
  }
  if (!out.website) {
    for (const line of lines) {
      const bare = withoutEmails(line);
      const m = BARE_DOMAIN_RE.exec(bare);
      if (!m) continue;
      const isAlone = bare.trim() === m[1] + (m[2] ?? '') || WEB_LABEL.test(line);
      const isSender = senderDomain && m[1].toLowerCase().replace(/^www\./, '') === senderDomain;
      if (!isAlone && !isSender) continue;
      const w = normalizeWebsite(m[1] + (m[2] ?? ''));
      if (w) {
        out.website = w;
        break;
      }
    }
  }
  if (!out.website && senderDomain && opts.links) {
    for (const l of opts.links) {
      try {
        const host = new URL(l).hostname.toLowerCase().replace(/^www\./, '');
        if (host === senderDomain || host.endsWith(`.${senderDomain}`)) {
          out.website = normalizeWebsite(l);
          if (out.website) break;
        }
      } catch {
        /* not a URL */
      }
    }
  }

  // Text lines: what is left of each line once phones, addresses, URLs and labels are removed.
  const textLines: string[] = [];
  lines.forEach((line, i) => {
    let rest = line;
    const sp = (spans.get(i) ?? []).slice().sort((a, b) => b[0] - a[0]);
    for (const [a, b] of sp) rest = rest.slice(0, a) + ' ' + rest.slice(b);
    rest = withoutEmails(rest.replace(URL_RE, ' ').replace(LINKEDIN_RE, ' ')).replace(PHONE_LABEL_RE, ' ').replace(OTHER_LABEL_RE, ' ');
    if (BARE_DOMAIN_RE.test(rest) && (WEB_LABEL.test(line) || rest.trim().split(/\s+/).length === 1))
      rest = rest.replace(BARE_DOMAIN_RE, ' ');
    // A loop, not /[…]+$/: that is quadratic on a long inner run of "-" or "|".
    rest = trimChars(rest.replace(/\s+/g, ' '), ' |·•,;:–—-').trim();
    // Postal addresses and other digit-heavy lines are not name/title/company lines.
    if (!rest || (rest.match(/\d/g)?.length ?? 0) >= 3 || !/\p{L}/u.test(rest)) return;
    if (looksLikeAddress(rest) || isRegisterLine(line)) return;
    textLines.push(rest);
  });

  const hint = domainLabel(opts.email);
  let nameIdx = -1;
  if (opts.name) {
    nameIdx = textLines.findIndex((l) => nameSimilarity(l, opts.name!) >= 0.5 || fold(l) === fold(opts.name!));
  }
  if (nameIdx < 0 && textLines.length && looksLikeName(textLines[0]) && (textLines.length > 1 || !opts.name)) nameIdx = 0;
  if (nameIdx >= 0) {
    // "Jane Doe | Head of Sales | Acme", "张伟 | 销售总监": the name, then the rest as the next line.
    const m = /\s*[|·•]\s*/.exec(textLines[nameIdx]);
    const head = m ? textLines[nameIdx].slice(0, m.index) : '';
    if (m && head && (!opts.name || nameSimilarity(head, opts.name) >= 0.5 || looksLikeName(head))) {
      textLines.splice(nameIdx, 1, head, textLines[nameIdx].slice(m.index + m[0].length));
    }
    out.name = textLines[nameIdx];
  }

  const rest = textLines.filter((_, i) => i !== nameIdx);
  // The line after the name (same index in `rest`, which lacks the name), else a title-like line.
  const titleIdx = nameIdx >= 0 && nameIdx + 1 < textLines.length ? nameIdx : rest.findIndex((l) => looksLikeTitle(l));
  if (titleIdx >= 0 && titleIdx < rest.length) {
    const line = rest[titleIdx];
    const looks = looksLikeTitle(line) || /[|·•]/.test(line) || STRONG_CONNECTOR_RE.test(line);
    // A lone company name right after the name (no title) is not a title.
    if (looks || !companyLike(line, hint)) {
      const { title, company } = splitTitleCompany(line, hint);
      if (title.length <= MAX_TITLE_CHARS) out.title = title;
      if (company) out.company = company;
    } else {
      out.company = line;
      // Company first, then the title: the Japanese and Chinese order ("株式会社サンプル" / "営業部 部長").
      const next = rest[titleIdx + 1];
      if (next && looksLikeTitle(next) && !companyLike(next, hint) && next.length <= MAX_TITLE_CHARS) out.title = next;
    }
    if (!out.company) {
      const next = rest[titleIdx + 1];
      if (next && (companyLike(next, hint) || (next.split(/\s+/).length <= 5 && !looksLikeTitle(next)))) out.company = next;
    }
  }
  if (!out.company) {
    const c = rest.find((l) => companyLike(l, hint) && l !== out.title);
    if (c) out.company = c;
  }
  if (out.title && out.company && out.title === out.company) delete out.title;
  return out;
}
