// Edits by hand: the workspace's contact and company pages and the popup's quick actions. What the
// user typed is checked field by field, with a message that names the field and the line at fault,
// before anything is written; then the record, its search-index rows and its outbox entries are
// written in one transaction, like every other change (decision 0043).
import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';
import { type RapportDB, getDb } from './db';
import { type DeleteResult, deleteActivity, deleteCompany, deleteContact } from './delete';
import { checkEmail, fold, normalizeDomain, normalizeLinkedinUrl } from './normalize';
import { type Change, enqueue, outboxScope } from './outbox';
import { publicRecord, putRecords, writeScope } from './records';
import {
  Activity,
  Company,
  Contact,
  MAX_CUSTOM_FIELDS,
  MAX_CUSTOM_KEY,
  MAX_CUSTOM_VALUE,
  STAGES,
  type Source,
  newId,
  nowIso,
} from './schema';
import { type Settings, getSettings, updateSettings } from './settings';

const MAX_SOURCES = 50;
const MAX_LINES = 50;
const MAX_TAGS = 100;

/** What the user typed is not usable: one message per field (keys as the form's input names). */
export class ValidationError extends Error {
  constructor(readonly fields: Record<string, string>) {
    super(Object.values(fields).join(' '));
    this.name = 'ValidationError';
  }
}

/** A contact's fields as a form edits them; a key left out is not changed, an empty value clears it. */
export interface ContactFields {
  name?: string;
  firstName?: string;
  lastName?: string;
  /** The first is the primary address. */
  emails?: string[];
  phones?: string[];
  title?: string;
  /** A company's name: the stored company of that name, or a new one. */
  company?: string;
  location?: string;
  linkedinUrl?: string;
  website?: string;
  tags?: string[];
  stage?: string;
  /** Values by custom field key (Settings.customFields); an empty value removes it. */
  custom?: Record<string, string>;
}

export interface CompanyFields {
  name?: string;
  domain?: string;
  website?: string;
  industry?: string;
  size?: string;
  location?: string;
  linkedinUrl?: string;
  tags?: string[];
}

export interface EditOptions {
  /** The region a phone number without its country code belongs to (e.g. from the browser's language). */
  defaultCountry?: CountryCode;
}

const manual = (): Source => ({ type: 'manual', at: nowIso() });

/** Text with one value per line (the form's e-mails and phones), blank lines dropped. */
export function splitLines(text: string): string[] {
  return text
    .split(/\r\n?|\n/)
    .map((l) => l.trim())
    .filter(Boolean);
}

/** A comma-separated list (the form's tags), trimmed, without repeats. */
export function splitTags(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((t) => t.replace(/\s+/g, ' ').trim())
        .filter(Boolean),
    ),
  ];
}

function clean(s: string | undefined): string | undefined {
  const t = s?.replace(/\s+/g, ' ').trim();
  return t ? t : undefined;
}

const quote = (s: string) => `“${s.length > 60 ? `${s.slice(0, 60)}…` : s}”`;

/** A phone number in E.164 (with ";ext=" for an extension), or why not. */
export function checkPhone(raw: string, defaultCountry?: CountryCode): { ok: true; phone: string } | { ok: false; reason: string } {
  const s = raw.replace(/^tel:/i, '').trim();
  if (!/\d/.test(s)) return { ok: false, reason: 'has no digits' };
  if (s.length > 60) return { ok: false, reason: 'is too long' };
  try {
    const p = parsePhoneNumberFromString(s, defaultCountry ? { defaultCountry } : undefined);
    if (p?.isValid()) return { ok: true, phone: p.ext ? `${p.number};ext=${p.ext}` : p.number };
  } catch {
    /* reported below */
  }
  return {
    ok: false,
    reason: s.startsWith('+')
      ? 'is not a valid phone number'
      : 'is not a valid phone number (write it with its country code, e.g. +44 20 7946 0958)',
  };
}

/** An http(s) address (https:// added when no scheme is written), or undefined when it is none. */
export function normalizeWebsite(raw: string): string | undefined {
  const s = raw.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(s) ? s : `https://${s}`;
  try {
    const u = new URL(withScheme);
    if ((u.protocol !== 'https:' && u.protocol !== 'http:') || !u.hostname.includes('.')) return undefined;
    return u.href;
  } catch {
    return undefined;
  }
}

/** What a checked contact form changes: a value to set, or undefined to clear (only keys given). */
type ContactPatch = Partial<Omit<Contact, 'id' | 'createdAt' | 'updatedAt' | 'sources'>>;

/**
 * Checks a contact form (pure). `current`: the stored contact, whose values may stay as they are
 * even where they would not pass today (a stage from an import, a phone an import kept as written).
 */
export function checkContactFields(
  fields: ContactFields,
  ctx: { current?: Contact; customKeys: ReadonlySet<string>; defaultCountry?: CountryCode },
): { patch: ContactPatch; errors: Record<string, string> } {
  const patch: ContactPatch = {};
  const errors: Record<string, string> = {};
  const current = ctx.current;
  for (const f of ['firstName', 'lastName', 'title', 'location'] as const) {
    if (f in fields) patch[f] = clean(fields[f]);
  }
  if ('name' in fields || !current) {
    const name = clean(fields.name) ?? clean([fields.firstName ?? current?.firstName, fields.lastName ?? current?.lastName].join(' '));
    if (!name) errors.name = 'Name is required.';
    else if (name.length > 300) errors.name = 'Name is too long (at most 300 characters).';
    else patch.name = name;
  }
  for (const [f, max] of [
    ['firstName', 200],
    ['lastName', 200],
    ['title', 500],
    ['location', 300],
  ] as const) {
    if ((patch[f]?.length ?? 0) > max) errors[f] = `Too long (at most ${max} characters).`;
  }
  if (fields.emails) {
    const out: string[] = [];
    const lines = fields.emails.map((l) => l.trim()).filter(Boolean);
    if (lines.length > MAX_LINES) errors.emails = `At most ${MAX_LINES} e-mail addresses.`;
    lines.slice(0, MAX_LINES).forEach((line, i) => {
      const r = checkEmail(line);
      if (!r.ok) errors.emails ??= `E-mail on line ${i + 1} (${quote(line)}) ${r.reason}.`;
      else if (!out.includes(r.email)) out.push(r.email);
    });
    patch.emails = out;
  }
  if (fields.phones) {
    const out: string[] = [];
    const lines = fields.phones.map((l) => l.trim()).filter(Boolean);
    if (lines.length > MAX_LINES) errors.phones = `At most ${MAX_LINES} phone numbers.`;
    lines.slice(0, MAX_LINES).forEach((line, i) => {
      // A number stored before (an import keeps one it cannot read as written) may stay.
      if (current?.phones.includes(line)) return void (out.includes(line) || out.push(line));
      const r = checkPhone(line, ctx.defaultCountry);
      if (!r.ok) errors.phones ??= `Phone on line ${i + 1} (${quote(line)}) ${r.reason}.`;
      else if (!out.includes(r.phone)) out.push(r.phone);
    });
    patch.phones = out;
  }
  if ('linkedinUrl' in fields) {
    const raw = clean(fields.linkedinUrl);
    const li = raw ? normalizeLinkedinUrl(raw) : undefined;
    if (raw && !li) errors.linkedinUrl = 'LinkedIn URL must be a profile address, such as https://www.linkedin.com/in/jane-doe/.';
    patch.linkedinUrl = li?.url;
    patch.linkedinId = li?.id;
  }
  if ('website' in fields) {
    const raw = clean(fields.website);
    const site = raw ? normalizeWebsite(raw) : undefined;
    if (raw && !site) errors.website = `Website ${quote(raw)} is not a web address (https://…).`;
    else if ((site?.length ?? 0) > 2000) errors.website = 'Website is too long.';
    patch.website = site;
  }
  if ('company' in fields) {
    const company = clean(fields.company);
    if ((company?.length ?? 0) > 300) errors.company = 'Company name is too long (at most 300 characters).';
    patch.company = company;
  }
  if (fields.tags) {
    const tags = [...new Set(fields.tags.map((t) => clean(t)).filter((t): t is string => !!t))];
    if (tags.length > MAX_TAGS) errors.tags = `At most ${MAX_TAGS} tags.`;
    const long = tags.find((t) => t.length > 100);
    if (long) errors.tags = `Tag ${quote(long)} is too long (at most 100 characters).`;
    patch.tags = tags;
  }
  if ('stage' in fields) {
    const stage = clean(fields.stage);
    if (stage && stage !== current?.stage && !(STAGES as readonly string[]).includes(stage)) {
      errors.stage = `Stage must be one of: ${STAGES.join(', ')}.`;
    }
    patch.stage = stage;
  }
  if (fields.custom) {
    const custom: Record<string, string> = { ...(current?.custom ?? {}) };
    for (const [key, value] of Object.entries(fields.custom)) {
      if (!ctx.customKeys.has(key)) {
        errors[`custom.${key}`] = `There is no custom field ${quote(key)}: define it first.`;
        continue;
      }
      const v = value.trim();
      if (v.length > MAX_CUSTOM_VALUE) errors[`custom.${key}`] = `Too long (at most ${MAX_CUSTOM_VALUE} characters).`;
      if (v) custom[key] = v;
      else delete custom[key];
    }
    patch.custom = Object.keys(custom).length ? custom : undefined;
  }
  return { patch, errors };
}

/** Addresses and the LinkedIn profile are how a person is recognised: two people cannot share one. */
async function identityClashes(db: RapportDB, patch: ContactPatch, selfId: string | undefined, errors: Record<string, string>) {
  if (patch.emails?.length) {
    const others = (await db.contacts.where('emails').anyOf(patch.emails).toArray()).filter((c) => c.id !== selfId);
    const taken = patch.emails.find((e) => others.some((o) => o.emails.includes(e)));
    if (taken && !errors.emails) {
      const owner = others.find((o) => o.emails.includes(taken))!;
      errors.emails = `${taken} is already the address of ${owner.name}: open that person instead, or remove the line.`;
    }
  }
  if (patch.linkedinId && !errors.linkedinUrl) {
    const owner = await db.contacts.where('linkedinId').equals(patch.linkedinId).first();
    if (owner && owner.id !== selfId) errors.linkedinUrl = `This LinkedIn profile is already ${owner.name}'s.`;
  }
}

/** The stored company of that name (case and accents aside), or a new one written and queued now. */
async function companyNamed(db: RapportDB, name: string, source: Source): Promise<Company> {
  const sameName = (await db.companies.where('name').equalsIgnoreCase(name).toArray()).find(Boolean);
  const folded = sameName ?? (await db.companies.filter((c) => fold(c.name) === fold(name)).first());
  if (folded) return publicRecord(folded) as Company;
  const at = nowIso();
  const company = Company.parse({ id: newId('co'), name, tags: [], createdAt: at, updatedAt: at, sources: [source] });
  await putRecords(db, 'company', [company]);
  await enqueue(db, [{ kind: 'company', localId: company.id, fresh: true }]);
  return company;
}

function customKeys(settings: Settings): Set<string> {
  return new Set(settings.customFields.map((f) => f.key));
}

function applyPatch<T extends object>(base: T, patch: object): T {
  const next = { ...base } as Record<string, unknown>;
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete next[k];
    else next[k] = v;
  }
  return next as T;
}

function contactScope(db: RapportDB) {
  return [...writeScope(db, 'contact', 'company'), ...outboxScope(db)];
}

/** Writes a checked contact with its company link, index rows and outbox entry (inside the caller's transaction). */
async function writeContact(db: RapportDB, next: Contact, patch: ContactPatch, source: Source, fresh: boolean): Promise<Contact> {
  if ('company' in patch) {
    if (patch.company) next.companyId = (await companyNamed(db, patch.company, source)).id;
    else delete next.companyId;
  }
  const parsed = Contact.parse(next);
  await putRecords(db, 'contact', [parsed]);
  await enqueue(db, [{ kind: 'contact', localId: parsed.id, ...(fresh ? { fresh: true } : {}) }]);
  return parsed;
}

/**
 * Changes fields of one person. Throws a ValidationError (nothing written) when a field does not
 * pass; otherwise the person, a new company when the name is new, their index rows and outbox
 * entries are written in one transaction.
 */
export async function editContact(
  id: string,
  fields: ContactFields,
  opts: EditOptions & { source?: Source } = {},
  db: RapportDB = getDb(),
): Promise<Contact> {
  return db.transaction('rw', contactScope(db), async () => {
    const stored = await db.contacts.where('id').equals(id).first();
    if (!stored) throw new Error('This contact no longer exists.');
    const current = publicRecord(stored) as Contact;
    const settings = await getSettings(db);
    const { patch, errors } = checkContactFields(fields, {
      current,
      customKeys: customKeys(settings),
      defaultCountry: opts.defaultCountry,
    });
    await identityClashes(db, patch, id, errors);
    if (Object.keys(errors).length) throw new ValidationError(errors);
    const source = opts.source ?? manual();
    const next = applyPatch(current, patch);
    next.updatedAt = nowIso();
    next.sources = [...current.sources, source].slice(-MAX_SOURCES);
    return writeContact(db, next, patch, source, false);
  });
}

/** A person created by hand. A name is required; an address or profile someone else has is refused. */
export async function createContact(fields: ContactFields, opts: EditOptions = {}, db: RapportDB = getDb()): Promise<Contact> {
  return db.transaction('rw', contactScope(db), async () => {
    const settings = await getSettings(db);
    const { patch, errors } = checkContactFields(fields, { customKeys: customKeys(settings), defaultCountry: opts.defaultCountry });
    await identityClashes(db, patch, undefined, errors);
    if (Object.keys(errors).length) throw new ValidationError(errors);
    const source = manual();
    const base: Contact = {
      id: newId('ct'),
      name: '',
      emails: [],
      phones: [],
      tags: [],
      createdAt: source.at,
      updatedAt: source.at,
      sources: [source],
    };
    return writeContact(db, applyPatch(base, patch), patch, source, true);
  });
}

// ------------------------------------------------------------------ companies

function checkCompanyFields(fields: CompanyFields, isNew: boolean): { patch: Partial<Company>; errors: Record<string, string> } {
  const patch: Partial<Company> = {};
  const errors: Record<string, string> = {};
  if ('name' in fields || isNew) {
    const name = clean(fields.name);
    if (!name) errors.name = 'Name is required.';
    else if (name.length > 300) errors.name = 'Name is too long (at most 300 characters).';
    else patch.name = name;
  }
  for (const [f, max] of [
    ['industry', 300],
    ['size', 100],
    ['location', 300],
  ] as const) {
    if (!(f in fields)) continue;
    patch[f] = clean(fields[f]);
    if ((patch[f]?.length ?? 0) > max) errors[f] = `Too long (at most ${max} characters).`;
  }
  if ('website' in fields) {
    const raw = clean(fields.website);
    patch.website = raw ? normalizeWebsite(raw) : undefined;
    if (raw && !patch.website) errors.website = `Website ${quote(raw)} is not a web address (https://…).`;
  }
  if ('domain' in fields || patch.website) {
    const raw = clean(fields.domain);
    patch.domain = normalizeDomain(raw ?? patch.website);
    if (raw && !patch.domain) errors.domain = `Domain ${quote(raw)} is not a domain name (example.com).`;
  }
  if ('linkedinUrl' in fields) {
    const raw = clean(fields.linkedinUrl);
    const url = raw ? normalizeWebsite(raw) : undefined;
    if (raw && (!url || !/^https?:\/\/([a-z0-9-]+\.)*linkedin\.com\/(company|school|showcase)\//i.test(url))) {
      errors.linkedinUrl = 'LinkedIn URL must be a company page, such as https://www.linkedin.com/company/acme/.';
    }
    patch.linkedinUrl = url;
  }
  if (fields.tags) {
    patch.tags = [...new Set(fields.tags.map((t) => clean(t)).filter((t): t is string => !!t))];
    if (patch.tags.length > MAX_TAGS || patch.tags.some((t) => t.length > 100)) errors.tags = `At most ${MAX_TAGS} tags of 100 characters.`;
  }
  return { patch, errors };
}

async function companyClashes(db: RapportDB, patch: Partial<Company>, selfId: string | undefined, errors: Record<string, string>) {
  if (patch.name && !errors.name) {
    const same = (await db.companies.where('name').equalsIgnoreCase(patch.name).toArray()).find((c) => c.id !== selfId);
    if (same) errors.name = `A company named ${same.name} already exists.`;
  }
  if (patch.domain && !errors.domain && !errors.website) {
    const same = await db.companies.where('domain').equals(patch.domain).first();
    if (same && same.id !== selfId) errors.domain = `${patch.domain} is already the domain of ${same.name}.`;
  }
}

export async function createCompany(fields: CompanyFields, db: RapportDB = getDb()): Promise<Company> {
  return db.transaction('rw', contactScope(db), async () => {
    const { patch, errors } = checkCompanyFields(fields, true);
    await companyClashes(db, patch, undefined, errors);
    if (Object.keys(errors).length) throw new ValidationError(errors);
    const source = manual();
    const company = Company.parse(
      applyPatch({ id: newId('co'), name: '', tags: [], createdAt: source.at, updatedAt: source.at, sources: [source] }, patch),
    );
    await putRecords(db, 'company', [company]);
    await enqueue(db, [{ kind: 'company', localId: company.id, fresh: true }]);
    return company;
  });
}

/** Changes fields of a company. A new name is carried to its people (the name they show), queued with them. */
export async function editCompany(id: string, fields: CompanyFields, db: RapportDB = getDb()): Promise<Company> {
  return db.transaction('rw', contactScope(db), async () => {
    const stored = await db.companies.where('id').equals(id).first();
    if (!stored) throw new Error('This company no longer exists.');
    const current = publicRecord(stored) as Company;
    const { patch, errors } = checkCompanyFields(fields, false);
    await companyClashes(db, patch, id, errors);
    if (Object.keys(errors).length) throw new ValidationError(errors);
    const source = manual();
    const next = Company.parse({
      ...applyPatch(current, patch),
      updatedAt: source.at,
      sources: [...current.sources, source].slice(-MAX_SOURCES),
    });
    await putRecords(db, 'company', [next]);
    const changes: Change[] = [{ kind: 'company', localId: id }];
    if (next.name !== current.name) {
      const people = (await db.contacts.where('companyId').equals(id).toArray()).map((p) => ({
        ...(publicRecord(p) as Contact),
        company: next.name,
        updatedAt: source.at,
      }));
      await putRecords(db, 'contact', people);
      changes.push(...people.map((p) => ({ kind: 'contact' as const, localId: p.id })));
    }
    await enqueue(db, changes);
    return next;
  });
}

// ------------------------------------------------------------------ notes

/** Replaces a note's text (queued for the CRMs like a new note). */
export async function editNote(id: string, text: string, db: RapportDB = getDb()): Promise<Activity> {
  const body = text.replace(/\r\n?/g, '\n').trim();
  if (!body) throw new ValidationError({ note: 'A note cannot be empty: delete it instead.' });
  if (body.length > 200_000) throw new ValidationError({ note: 'The note is too long.' });
  return db.transaction('rw', [...writeScope(db, 'activity'), ...outboxScope(db)], async () => {
    const stored = await db.activities.where('id').equals(id).first();
    if (!stored || stored.type !== 'note') throw new Error('This note no longer exists.');
    const next = Activity.parse({
      ...publicRecord(stored),
      body,
      snippet: body.slice(0, 200),
      subject: body.split('\n')[0].slice(0, 120),
      updatedAt: nowIso(),
    });
    await putRecords(db, 'activity', [next]);
    await enqueue(db, [{ kind: 'note', localId: id }]);
    return next;
  });
}

/** Deletes a note (only a note: other history is what happened). */
export async function deleteNote(id: string, db: RapportDB = getDb()): Promise<DeleteResult> {
  const stored = await db.activities.where('id').equals(id).first();
  if (stored && stored.type !== 'note') throw new Error('Only notes can be deleted from the timeline.');
  return deleteActivity(id, db);
}

// ------------------------------------------------------------------ deleting

export interface DeleteOptions {
  /** Also archive the record in each connected CRM that holds it (an outbox entry per CRM, same transaction). */
  archiveInCrms?: boolean;
}

export async function removeContact(id: string, opts: DeleteOptions = {}, db: RapportDB = getDb()): Promise<DeleteResult> {
  return deleteContact(id, db, { archiveRemote: !!opts.archiveInCrms });
}

export async function removeCompany(id: string, opts: DeleteOptions = {}, db: RapportDB = getDb()): Promise<DeleteResult> {
  return deleteCompany(id, db, { archiveRemote: !!opts.archiveInCrms });
}

// ------------------------------------------------------------------ custom fields

/** A key for a new field's label: lowercase words joined by "-", unique among `taken`. */
export function customFieldKey(label: string, taken: ReadonlySet<string>): string {
  const base =
    fold(label)
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, MAX_CUSTOM_KEY - 4) || 'field';
  let key = base;
  for (let i = 2; taken.has(key); i++) key = `${base}-${i}`;
  return key;
}

/** Defines a custom field for all contacts; returns its key. */
export async function defineCustomField(label: string, db: RapportDB = getDb()): Promise<string> {
  const clean = label.replace(/\s+/g, ' ').trim();
  if (!clean) throw new ValidationError({ customLabel: 'A field needs a name.' });
  if (clean.length > 100) throw new ValidationError({ customLabel: 'Field name is too long (at most 100 characters).' });
  return db.transaction('rw', db.meta, async () => {
    const settings = await getSettings(db);
    if (settings.customFields.some((f) => fold(f.label) === fold(clean))) {
      throw new ValidationError({ customLabel: `There is already a field named ${quote(clean)}.` });
    }
    if (settings.customFields.length >= MAX_CUSTOM_FIELDS) {
      throw new ValidationError({ customLabel: `At most ${MAX_CUSTOM_FIELDS} custom fields.` });
    }
    const key = customFieldKey(clean, customKeys(settings));
    await updateSettings({ customFields: [...settings.customFields, { key, label: clean }] }, db);
    return key;
  });
}

/** Removes a field's definition; values stay on the contacts (hidden) and come back if it is defined again. */
export async function removeCustomField(key: string, db: RapportDB = getDb()): Promise<void> {
  await db.transaction('rw', db.meta, async () => {
    const settings = await getSettings(db);
    await updateSettings({ customFields: settings.customFields.filter((f) => f.key !== key) }, db);
  });
}
