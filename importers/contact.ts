// Turns the loose values an importer found (CSV cells, vCard properties) into a clean ContactInput:
// e-mails via checkEmail (the reason goes to the row warning), phones via libphonenumber-js (E.164 when valid), tags split and cleaned,
// lengths clamped to the schema's limits. Values are plain text throughout: nothing is interpreted as HTML.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { ContactInput, STAGES } from '../storage/schema';
import { MAX_EMAIL_LENGTH, checkEmail, fold, normalizeDomain, normalizeLinkedinUrl } from '../storage/normalize';
import type { ImportRow } from './types';

export type { CountryCode };

/** What a parser collected for one person, before cleaning. */
export interface RawContact {
  name?: string;
  firstName?: string;
  middleName?: string;
  lastName?: string;
  emails: string[];
  phones: string[];
  company?: string;
  title?: string;
  headline?: string;
  location?: string;
  city?: string;
  region?: string;
  country?: string;
  tags: string[];
  /** Any URLs: LinkedIn profile URLs among them become linkedinUrl. */
  urls: string[];
  companyDomain?: string;
  stage?: string;
  notes: string[];
}

export function emptyRaw(): RawContact {
  return { emails: [], phones: [], tags: [], urls: [], notes: [] };
}

export interface BuildOptions {
  /** Country assumed for phone numbers written without an international prefix (e.g. 'US', 'FR'). */
  defaultCountry?: CountryCode;
}

// Limits mirrored from storage/schema.ts (Contact).
const MAX = {
  name: 300,
  part: 200,
  title: 500,
  company: 300,
  location: 300,
  url: 500,
  headline: 1000,
  tag: 100,
  stage: 100,
  email: 320,
  phone: 60,
};
const MAX_LIST = 50;
/** Longest e-mail cell read: MAX_LIST full-length addresses with separators. */
const MAX_EMAIL_CELL = MAX_LIST * (MAX_EMAIL_LENGTH + 2);
const MAX_TAGS = 100;
const MAX_NOTE = 20_000;

// C0/C1 controls except tab/newline, and the BOM / zero-width no-break space.
// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufeff]/g;
// eslint-disable-next-line no-control-regex
const HAS_CONTROL_RE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufeff]/;

/** Single-line text: controls removed, whitespace runs (including newlines) collapsed, trimmed, clamped. */
export function cleanLine(value: string | undefined | null, max = MAX.name): string | undefined {
  if (value == null) return undefined;
  let s = String(value);
  if (HAS_CONTROL_RE.test(s)) s = s.replace(CONTROL_RE, '');
  if (/\s\s|[^\S ]/.test(s)) s = s.replace(/\s+/g, ' ');
  s = s.trim();
  if (!s) return undefined;
  return clamp(s, max);
}

/** Multi-line text (notes): controls removed, line endings normalized, trimmed, clamped. */
export function cleanMultiline(value: string | undefined | null, max = MAX_NOTE): string | undefined {
  if (value == null) return undefined;
  const s = String(value).replace(/\r\n?/g, '\n').replace(CONTROL_RE, '').trim();
  if (!s) return undefined;
  return clamp(s, max);
}

function clamp(s: string, max: number): string {
  if (s.length <= max) return s;
  let cut = max;
  const c = s.charCodeAt(cut - 1);
  if (c >= 0xd800 && c <= 0xdbff) cut--; // keep surrogate pairs whole
  return s.slice(0, cut).trimEnd();
}

/** A phone in E.164 (with ";ext=" when it has an extension) when libphonenumber-js finds it valid, else the trimmed text. */
export function normalizePhone(value: string | undefined | null, defaultCountry?: CountryCode): string | undefined {
  let s = cleanLine(value, 200);
  if (!s) return undefined;
  s = s.replace(/^tel:/i, '').trim();
  // Placeholders such as "BusinessPhone" or "n/a" are not phone numbers.
  if (!/\d/.test(s)) return undefined;
  try {
    const p = parsePhoneNumberFromString(s, defaultCountry ? { defaultCountry } : undefined);
    if (p && p.isValid()) {
      const e164 = p.ext ? `${p.number};ext=${p.ext}` : p.number;
      if (e164.length <= MAX.phone) return e164;
    }
  } catch {
    /* keep the original */
  }
  return clamp(s, MAX.phone);
}

/** Splits a cell that may hold several values ("a@x.com ::: b@y.com", "a@x.com; b@y.com"). */
export function splitMulti(value: string | undefined | null, separators: RegExp = /\s*(?::::|;|,|\n)\s*/): string[] {
  if (!value) return [];
  return String(value)
    .split(separators)
    .map((s) => s.trim())
    .filter(Boolean);
}

// Google's "* myContacts" / "* other contacts" system groups, Android's "My Contacts": every contact has them.
// (Other "* " system labels such as "* starred" are kept, without the "* ".)
const DROPPED_TAGS = new Set(['mycontacts', 'othercontacts']);

/** Tag list from cells such as Google "Labels" (" ::: "), Outlook "Categories" (";") or generic "a, b". */
export function splitTags(value: string | undefined | null): string[] {
  if (!value) return [];
  const s = String(value);
  const parts = s.includes(':::') ? s.split(':::') : s.split(/[;,]/);
  const out: string[] = [];
  for (const raw of parts) {
    const t = cleanTag(raw);
    if (t) out.push(t);
  }
  return out;
}

function cleanTag(raw: string): string | undefined {
  const t = cleanLine(raw, MAX.tag);
  if (!t) return undefined;
  const system = t.startsWith('* ');
  const bare = system ? t.slice(2).trim() : t;
  if (!bare) return undefined;
  if (DROPPED_TAGS.has(fold(bare).replace(/[^a-z0-9]/g, '')) && (system || /^my ?contacts$/i.test(bare))) return undefined;
  return bare;
}

const STAGE_ALIASES: Record<string, (typeof STAGES)[number]> = {
  subscriber: 'lead',
  lead: 'lead',
  newlead: 'lead',
  open: 'lead',
  new: 'lead',
  contacted: 'contacted',
  attemptedtocontact: 'contacted',
  inprogress: 'contacted',
  connected: 'contacted',
  marketingqualifiedlead: 'qualified',
  salesqualifiedlead: 'qualified',
  mql: 'qualified',
  sql: 'qualified',
  qualified: 'qualified',
  opportunity: 'qualified',
  customer: 'customer',
  evangelist: 'customer',
  client: 'customer',
  churned: 'churned',
  formercustomer: 'churned',
  lost: 'churned',
  candidate: 'candidate',
  interviewing: 'interviewing',
  hired: 'hired',
};

/** Maps common CRM stage names (HubSpot lifecycle stages…) to Rapport's; unknown ones are kept as written. */
export function normalizeStage(value: string | undefined | null): string | undefined {
  const s = cleanLine(value, MAX.stage);
  if (!s) return undefined;
  return STAGE_ALIASES[fold(s).replace(/[^a-z0-9]/g, '')] ?? s;
}

// Invisible characters (controls, bidi, zero-width) shown as U+XXXX in a report, so a warning cannot be spoofed.
const INVISIBLE_IN_REPORT_RE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;
function visible(s: string): string {
  return s.replace(INVISIBLE_IN_REPORT_RE, (c) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`);
}

function pushUnique(list: string[], value: string, key = value.toLowerCase()): void {
  if (list.length >= MAX_LIST) return;
  if (!list.some((v) => v.toLowerCase() === key)) list.push(value);
}

export type BuildResult = { ok: true; row: Omit<ImportRow, 'row'>; warnings: string[] } | { ok: false; error: string; warnings: string[] };

/** Cleans a RawContact. Fails when it has neither a name nor a valid e-mail. */
export function buildContact(raw: RawContact, options: BuildOptions = {}): BuildResult {
  const warnings: string[] = [];

  const emails: string[] = [];
  for (const candidate of raw.emails) {
    // Capped before any splitting or matching: a cell can be megabytes long.
    if (candidate.length > MAX_EMAIL_CELL) {
      warnings.push(`invalid email "${visible(clamp(candidate, 100))}": cell too long (max ${MAX_EMAIL_CELL} characters)`);
      continue;
    }
    for (const piece of splitEmails(candidate)) {
      const r = checkEmail(piece);
      if (r.ok) pushUnique(emails, r.email);
      else warnings.push(`invalid email "${visible(clamp(piece, 100))}": ${r.reason}`);
    }
  }

  const phones: string[] = [];
  for (const candidate of raw.phones) {
    const p = normalizePhone(candidate, options.defaultCountry);
    if (p) pushUnique(phones, p);
  }

  const firstName = cleanLine(raw.firstName, MAX.part);
  const middleName = cleanLine(raw.middleName, MAX.part);
  const lastName = cleanLine(raw.lastName, MAX.part);
  let name = cleanLine(raw.name, MAX.name);
  if (!name) name = cleanLine([firstName, middleName, lastName].filter(Boolean).join(' '), MAX.name);

  if (!name && !emails.length) return { ok: false, error: 'no name or email', warnings };

  let linkedin: { url: string; id: string } | undefined;
  for (const u of raw.urls) {
    linkedin = normalizeLinkedinUrl(u);
    if (linkedin) break;
  }
  let companyDomain: string | undefined;
  if (raw.companyDomain) {
    companyDomain = normalizeLinkedinUrl(raw.companyDomain) ? undefined : normalizeDomain(raw.companyDomain);
  }

  const tags: string[] = [];
  for (const t of raw.tags) {
    const c = cleanTag(t);
    if (c && tags.length < MAX_TAGS && !tags.some((x) => x.toLowerCase() === c.toLowerCase())) tags.push(c);
  }

  let location = cleanLine(raw.location, MAX.location);
  if (!location) {
    const parts: string[] = [];
    for (const p of [raw.city, raw.region, raw.country]) {
      const c = cleanLine(p, MAX.location);
      if (c && !parts.some((x) => x.toLowerCase() === c.toLowerCase())) parts.push(c);
    }
    location = cleanLine(parts.join(', '), MAX.location);
  }

  const contact: ImportRow['contact'] = { emails, phones, tags };
  if (name) contact.name = name;
  if (firstName) contact.firstName = firstName;
  if (lastName) contact.lastName = lastName;
  const company = cleanLine(raw.company, MAX.company);
  if (company) contact.company = company;
  const title = cleanLine(raw.title, MAX.title);
  if (title) contact.title = title;
  const headline = cleanLine(raw.headline, MAX.headline);
  if (headline) contact.headline = headline;
  if (location) contact.location = location;
  if (linkedin && linkedin.url.length <= MAX.url) {
    contact.linkedinUrl = linkedin.url;
    contact.linkedinId = linkedin.id.slice(0, 200);
  }
  const stage = normalizeStage(raw.stage);
  if (stage) contact.stage = stage;
  if (companyDomain) contact.companyDomain = companyDomain;

  // Defence in depth: what we hand over must satisfy the schema the repository validates against.
  const checked = ContactInput.safeParse(contact);
  if (!checked.success) {
    return {
      ok: false,
      error: `invalid contact: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      warnings,
    };
  }

  const note = cleanMultiline(raw.notes.filter(Boolean).join('\n\n'));
  const row: Omit<ImportRow, 'row'> = { contact };
  if (note) row.note = note;
  return { ok: true, row, warnings };
}

/** Splits an e-mail cell holding several addresses, keeping "Name <addr>" forms whole. */
function splitEmails(value: string): string[] {
  const s = value.trim();
  if (!s) return [];
  const pieces = s.split(/\s*(?::::|;|\n)\s*/);
  const out: string[] = [];
  for (const p of pieces) {
    if (!p) continue;
    // "a@x.com, b@y.com" or "a@x.com b@y.com": split when every piece is a bare address.
    const sub = p.split(/\s*,\s*|\s+/).filter(Boolean);
    if (sub.length > 1 && sub.every((x) => /^[^\s@<>]+@[^\s@<>]+$/.test(x.replace(/^mailto:/i, '')))) out.push(...sub);
    else out.push(p);
  }
  return out;
}
