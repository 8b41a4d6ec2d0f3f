// Repositories: the only way the app writes people, companies and their history. They merge
// instead of duplicating, stamp createdAt/updatedAt/sources, and keep the index in step.
import Dexie from 'dexie';
import { type RapportDB, type StoredActivity, type StoredCompany, type StoredContact, getDb } from './db';
import { caseResponseScope, recordFirstResponses } from './case-response';
import {
  PUBLIC_MAIL_DOMAINS,
  emailDomain,
  fold,
  linkedinUrnsIn,
  nameSimilarity,
  normalizeDomain,
  normalizeEmail,
  normalizeLinkedinUrl,
} from './normalize';
import { publicRecord, putRecords, writeScope } from './records';
import { Activity, type Company, Contact, type ContactInput, type Deal, MAX_LINKEDIN_URNS, type Source, newId, nowIso } from './schema';
import { currentContactIds } from './queries';
import { search } from './search-index';
import { activityChanges, enqueue, outboxScope } from './outbox';

export { deleteActivity, deleteCompany, deleteContact, deleteDeal, deleteTask, type DeleteResult } from './delete';
export {
  findContactByEmail,
  findContactByLinkedin,
  getCompany,
  getCompanyPeople,
  getContact,
  getTimeline,
  recentContacts,
  type TimelineItem,
} from './queries';

const MAX_SOURCES = 50;

/** Each given URN in its normal form (malformed ones dropped), without repeats, at most MAX_LINKEDIN_URNS. */
export function normalizeLinkedinUrns(urns: readonly string[] | undefined): string[] {
  return uniq((urns ?? []).slice(0, 4 * MAX_LINKEDIN_URNS).map((u) => linkedinUrnsIn(u.slice(0, 200), 1)[0])).slice(0, MAX_LINKEDIN_URNS);
}

export type UpsertStatus = 'created' | 'merged' | 'unchanged';
export interface UpsertResult {
  contact: Contact;
  status: UpsertStatus;
  /** Existing people with a similar name at the same company: a merge the user may want. */
  suggestions: Contact[];
}
export interface UpsertOptions {
  /** Replace differing values with the input's (the user confirmed an update); default: only fill empty fields. */
  overwrite?: boolean;
  /** Look for similar names (one extra query per created contact); on for single saves, off for imports. */
  suggest?: boolean;
  /** Company domain to attach when the input names a company (e.g. from a LinkedIn company page). */
  companyDomain?: string;
  /** The change came from this CRM connection (a pull): queue it for the other connections only. */
  exceptConnector?: string;
  /**
   * Per input (same order): the id a person created from it gets, and by which it is found again when
   * no e-mail or LinkedIn profile matches (an imported row without either, re-imported).
   */
  stableIds?: (string | undefined)[];
}

function uniq<T>(items: (T | undefined | null)[]): T[] {
  return [...new Set(items.filter((x): x is T => x !== undefined && x !== null && x !== ('' as T)))];
}

function clean(s: string | undefined | null): string | undefined {
  const t = s?.replace(/\s+/g, ' ').trim();
  return t ? t : undefined;
}

/** Normalizes what a capture or an importer hands over; throws a readable error when unusable. */
export function normalizeContactInput(
  input: ContactInput & { companyDomain?: string },
): ContactInput & { companyDomain?: string } & { emails: string[]; phones: string[]; tags: string[] } {
  const emails = uniq((input.emails ?? []).map(normalizeEmail));
  const li = normalizeLinkedinUrl(input.linkedinUrl ?? undefined);
  const urns = normalizeLinkedinUrns(input.linkedinUrns);
  const firstName = clean(input.firstName);
  const lastName = clean(input.lastName);
  let name = clean(input.name) ?? clean([firstName, lastName].filter(Boolean).join(' '));
  if (!name && emails.length) name = emails[0];
  if (!name) throw new Error('a contact needs a name or an email address');
  return {
    ...input,
    name,
    firstName,
    lastName,
    emails,
    phones: uniq((input.phones ?? []).map((p) => clean(p))),
    tags: uniq((input.tags ?? []).map((t) => clean(t))),
    title: clean(input.title),
    company: clean(input.company),
    location: clean(input.location),
    headline: clean(input.headline),
    stage: clean(input.stage),
    linkedinUrl: li?.url ?? clean(input.linkedinUrl),
    linkedinId: li?.id ?? clean(input.linkedinId),
    linkedinUrns: urns.length ? urns : undefined,
  };
}

const SCALAR_FIELDS = [
  'name',
  'firstName',
  'lastName',
  'title',
  'company',
  'location',
  'headline',
  'photoUrl',
  'linkedinUrl',
  'linkedinId',
  'stage',
  'lastActivityAt',
] as const;

function mergeContact(
  existing: Contact,
  input: ReturnType<typeof normalizeContactInput>,
  source: Source,
  overwrite: boolean,
): { contact: Contact; changed: boolean } {
  const next: Contact = { ...existing, emails: [...existing.emails], phones: [...existing.phones], tags: [...existing.tags] };
  let changed = false;
  for (const f of SCALAR_FIELDS) {
    const v = input[f];
    if (v === undefined) continue;
    if (f === 'lastActivityAt') {
      if (!existing.lastActivityAt || v > existing.lastActivityAt) {
        next.lastActivityAt = v;
        changed = true;
      }
      continue;
    }
    if (existing[f] === undefined || (overwrite && existing[f] !== v)) {
      (next as Record<string, unknown>)[f] = v;
      changed = true;
    }
  }
  for (const f of ['emails', 'phones', 'tags'] as const) {
    const merged = uniq([...existing[f], ...input[f]]);
    if (merged.length !== existing[f].length) {
      next[f] = merged;
      changed = true;
    }
  }
  const urns = uniq([...(existing.linkedinUrns ?? []), ...(input.linkedinUrns ?? [])]).slice(0, MAX_LINKEDIN_URNS);
  if (urns.length !== (existing.linkedinUrns ?? []).length) {
    next.linkedinUrns = urns;
    changed = true;
  }
  if (changed) {
    next.updatedAt = nowIso();
    next.sources = [...existing.sources, source].slice(-MAX_SOURCES);
  }
  return { contact: next, changed };
}

/** Finds or creates companies by domain (when known) or name, inside the caller's transaction. */
async function resolveCompanies(
  db: RapportDB,
  wanted: { name: string; domain?: string }[],
  source: Source,
  exceptConnector?: string,
): Promise<Map<string, Company>> {
  const key = (w: { name: string; domain?: string }) => w.domain ?? `name:${fold(w.name)}`;
  const result = new Map<string, Company>();
  if (!wanted.length) return result;
  const domains = uniq(wanted.map((w) => w.domain));
  const names = uniq(wanted.map((w) => w.name));
  const byDomain = domains.length ? await db.companies.where('domain').anyOf(domains).toArray() : [];
  const byName = names.length ? await db.companies.where('name').anyOfIgnoreCase(names).toArray() : [];
  const domainMap = new Map(byDomain.map((c) => [c.domain!, c]));
  const nameMap = new Map(byName.map((c) => [fold(c.name), c]));
  const toWrite = new Map<string, Company>();
  for (const w of wanted) {
    const k = key(w);
    if (result.has(k)) continue;
    let company: Company | undefined = (w.domain && domainMap.get(w.domain)) || nameMap.get(fold(w.name));
    if (company && w.domain && !company.domain) {
      company = { ...company, domain: w.domain, updatedAt: nowIso() };
      toWrite.set(company.id, company);
    }
    if (!company) {
      const at = nowIso();
      company = { id: newId('co'), name: w.name, domain: w.domain, tags: [], createdAt: at, updatedAt: at, sources: [source] };
      toWrite.set(company.id, company);
      if (w.domain) domainMap.set(w.domain, company as StoredCompany);
      nameMap.set(fold(w.name), company as StoredCompany);
    }
    result.set(k, company);
  }
  if (toWrite.size) {
    await putRecords(
      db,
      'company',
      [...toWrite.values()].map((c) => publicRecord(c as Company & { n?: number }) as Company),
    );
    // Sync intent in the same transaction as the change (no-op without a connector).
    await enqueue(
      db,
      [...toWrite.keys()].map((localId) => ({ kind: 'company' as const, localId })),
      Date.now(),
      { exceptConnector },
    );
  }
  return result;
}

/** The employer's domain: given by the source, else the person's work (non-webmail) address. */
function companyDomainOf(input: { emails: string[]; companyDomain?: string }, opts: UpsertOptions): string | undefined {
  return normalizeDomain(
    input.companyDomain ?? opts.companyDomain ?? input.emails.map(emailDomain).find((x) => !PUBLIC_MAIL_DOMAINS.has(x)),
  );
}

/**
 * Stored contacts with any of these keys in an index. The index is walked with a key cursor and
 * only the matches are read: an import's addresses are mostly new, and a cursor with values loads
 * a stored person at every step of the walk, one per address of the batch.
 */
async function contactsWithAny(
  db: RapportDB,
  index: 'emails' | 'linkedinId' | 'linkedinUrns' | 'id',
  keys: string[],
): Promise<StoredContact[]> {
  if (!keys.length) return [];
  const ns = await db.contacts.where(index).anyOf(keys).primaryKeys();
  if (!ns.length) return [];
  return (await db.contacts.bulkGet([...new Set(ns)])).filter((c): c is StoredContact => !!c);
}

/**
 * Saves people, merging with existing ones: the same person is the same normalized email, the
 * same LinkedIn profile (public id), or one LinkedIn URN in common (a lead or candidate). Returns one result per input (or an Error for unusable inputs).
 */
export async function upsertContacts(
  inputs: (ContactInput & { companyDomain?: string })[],
  source: Source,
  opts: UpsertOptions = {},
  db: RapportDB = getDb(),
): Promise<(UpsertResult | Error)[]> {
  const normalized = inputs.map((i) => {
    try {
      return normalizeContactInput(i);
    } catch (e) {
      return e as Error;
    }
  });
  const ok = normalized.filter((x): x is ReturnType<typeof normalizeContactInput> => !(x instanceof Error));
  return db.transaction('rw', [...writeScope(db, 'contact', 'company'), ...outboxScope(db)], async () => {
    const emails = uniq(ok.flatMap((i) => i.emails));
    const liIds = uniq(ok.map((i) => i.linkedinId));
    const urns = uniq(ok.flatMap((i) => i.linkedinUrns ?? []));
    const stableIds = uniq(opts.stableIds ?? []);
    const found = [
      ...(await contactsWithAny(db, 'emails', emails)),
      ...(await contactsWithAny(db, 'linkedinId', liIds)),
      ...(await contactsWithAny(db, 'linkedinUrns', urns)),
      ...(await contactsWithAny(db, 'id', stableIds)),
    ];
    const byEmail = new Map<string, Contact>();
    const byLi = new Map<string, Contact>();
    const byUrn = new Map<string, Contact>();
    const byId = new Map<string, Contact>();
    const index = (c: Contact) => {
      for (const e of c.emails) byEmail.set(e, c);
      if (c.linkedinId) byLi.set(c.linkedinId, c);
      for (const u of c.linkedinUrns ?? []) byUrn.set(u, c);
      byId.set(c.id, c);
    };
    found.forEach((c) => index(publicRecord(c) as Contact));

    // Companies first, so contacts can point at them.
    const wantedCompanies = ok
      .filter((i) => i.company)
      .map((i) => {
        return { name: i.company!, domain: companyDomainOf(i, opts) };
      });
    const companies = await resolveCompanies(db, wantedCompanies, source, opts.exceptConnector);

    const results: (UpsertResult | Error)[] = [];
    const toWrite = new Map<string, Contact>();
    for (const [position, input] of normalized.entries()) {
      if (input instanceof Error) {
        results.push(input);
        continue;
      }
      const stableId = opts.stableIds?.[position];
      if (input.company) {
        const d = companyDomainOf(input, opts);
        const co = companies.get(d ?? `name:${fold(input.company)}`);
        if (co && (!input.companyId || opts.overwrite)) input.companyId = co.id;
      }
      const existing =
        input.emails.map((e) => byEmail.get(e)).find(Boolean) ??
        (input.linkedinId ? byLi.get(input.linkedinId) : undefined) ??
        input.linkedinUrns?.map((u) => byUrn.get(u)).find(Boolean) ??
        (stableId ? byId.get(stableId) : undefined);
      if (existing) {
        const { contact, changed } = mergeContact(toWrite.get(existing.id) ?? existing, input, source, !!opts.overwrite);
        if (changed) toWrite.set(contact.id, contact);
        index(contact);
        results.push({ contact, status: changed ? 'merged' : 'unchanged', suggestions: [] });
      } else {
        const at = nowIso();
        const candidate = {
          ...input,
          id: stableId ?? newId('ct'),
          createdAt: at,
          updatedAt: at,
          sources: [source],
        };
        const parsed = Contact.safeParse(candidate);
        if (!parsed.success) {
          results.push(new Error(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')));
          continue;
        }
        const contact = parsed.data;
        toWrite.set(contact.id, contact);
        index(contact);
        results.push({ contact, status: 'created', suggestions: [] });
      }
    }
    await putRecords(db, 'contact', [...toWrite.values()]);
    await enqueue(
      db,
      [...toWrite.keys()].map((localId) => ({ kind: 'contact' as const, localId })),
      Date.now(),
      { exceptConnector: opts.exceptConnector },
    );

    if (opts.suggest) {
      for (const r of results) {
        if (r instanceof Error || r.status !== 'created') continue;
        const hits = await search(db, r.contact.name, { kinds: ['contact'], limit: 10 });
        r.suggestions = hits.contacts
          .map((h) => publicRecord(h.record) as Contact)
          .filter(
            (c) =>
              c.id !== r.contact.id &&
              nameSimilarity(c.name, r.contact.name) >= 0.75 &&
              (!c.company || !r.contact.company || fold(c.company) === fold(r.contact.company)),
          );
      }
    }
    return results;
  });
}

export async function upsertContact(
  input: ContactInput,
  source: Source,
  opts: UpsertOptions = {},
  db: RapportDB = getDb(),
): Promise<UpsertResult> {
  const [r] = await upsertContacts([input], source, { suggest: true, ...opts }, db);
  if (r instanceof Error) throw r;
  return r;
}

/** Edits fields of one contact the user changed by hand (stage, tags, …). */
export async function updateContact(id: string, patch: Partial<ContactInput>, source: Source, db: RapportDB = getDb()): Promise<Contact> {
  return db.transaction('rw', [...writeScope(db, 'contact'), ...outboxScope(db)], async () => {
    const old = await db.contacts.where('id').equals(id).first();
    if (!old) throw new Error(`no contact ${id}`);
    const next = Contact.parse({
      ...publicRecord(old),
      ...patch,
      id,
      updatedAt: nowIso(),
      sources: [...old.sources, source].slice(-MAX_SOURCES),
    });
    await putRecords(db, 'contact', [next]);
    await enqueue(db, [{ kind: 'contact', localId: id }]);
    return next;
  });
}

// ------------------------------------------------------------------ activities

export type ActivityInput = Omit<Activity, 'id' | 'createdAt' | 'updatedAt' | 'sources'> & { id?: string };
export interface AddActivitiesResult {
  added: Activity[];
  /** Activities that already existed (same message id): their contacts were merged, nothing added. */
  existing: Activity[];
}

/**
 * Records activities; emails are deduplicated by message id (logging a thread twice adds
 * nothing), and an input with an id that is already stored (an imported note's stable id) is
 * existing, not written again. The people involved get their last-activity time bumped, in the
 * same transaction.
 */
export async function addActivities(inputs: ActivityInput[], source: Source, db: RapportDB = getDb()): Promise<AddActivitiesResult> {
  // A card opened before a merge may still name the merged-away person: write to the survivor. (An
  // import's transaction, which names the people it has just written, does not include redirects.)
  const outer = Dexie.currentTransaction;
  const redirects = !outer || outer.storeNames.includes('redirects') ? [db.redirects] : [];
  // First responses to open cases (an import's transaction, without the items, records none).
  const cases = caseResponseScope(db);
  const caseTables = !outer || cases.every((t) => outer.storeNames.includes(t.name)) ? cases : [];
  return db.transaction('rw', [...writeScope(db, 'activity', 'contact'), ...outboxScope(db), ...redirects, ...caseTables], async () => {
    const peopleNamed = uniq(inputs.flatMap((i) => i.contactIds));
    const current = redirects.length ? await currentContactIds(peopleNamed, db) : peopleNamed;
    if (current.length !== peopleNamed.length || current.some((id, i) => id !== peopleNamed[i])) {
      const ids = await Promise.all(inputs.map((i) => currentContactIds(i.contactIds, db)));
      inputs = inputs.map((input, i) => ({ ...input, contactIds: ids[i] }));
    }
    const msgIds = uniq(inputs.map((i) => i.messageId));
    const known = msgIds.length ? await db.activities.where('messageId').anyOf(msgIds).toArray() : [];
    const byMsg = new Map(known.map((a) => [a.messageId!, publicRecord(a) as Activity]));
    const givenIds = uniq(inputs.map((i) => i.id));
    const stored = givenIds.length ? await db.activities.where('id').anyOf(givenIds).toArray() : [];
    const byId = new Map(stored.map((a) => [a.id, publicRecord(a) as Activity]));
    const added: Activity[] = [];
    const existing: Activity[] = [];
    const writes = new Map<string, Activity>();
    const freshIds = new Set<string>();
    for (const input of inputs) {
      const sameId = input.id ? byId.get(input.id) : undefined;
      if (sameId) {
        existing.push(sameId);
        continue;
      }
      const prev = input.messageId ? byMsg.get(input.messageId) : undefined;
      if (prev) {
        const contactIds = uniq([...prev.contactIds, ...input.contactIds]);
        if (contactIds.length !== prev.contactIds.length) {
          const next = { ...prev, contactIds, updatedAt: nowIso() };
          writes.set(next.id, next);
          byMsg.set(input.messageId!, next);
        }
        existing.push(prev);
        continue;
      }
      const at = nowIso();
      const activity = Activity.parse({ ...input, id: input.id ?? newId('ac'), createdAt: at, updatedAt: at, sources: [source] });
      if (!input.id) freshIds.add(activity.id);
      writes.set(activity.id, activity);
      byId.set(activity.id, activity);
      if (activity.messageId) byMsg.set(activity.messageId, activity);
      added.push(activity);
    }
    await putRecords(db, 'activity', [...writes.values()]);
    // Emails and notes go to the CRM; the contacts' last-activity bump below is local only.
    await enqueue(db, activityChanges(writes.values(), freshIds));

    // Last-activity time of each person involved (ranks them up in search).
    const latest = new Map<string, string>();
    for (const a of writes.values()) {
      for (const cid of a.contactIds) if (!latest.has(cid) || latest.get(cid)! < a.occurredAt) latest.set(cid, a.occurredAt);
    }
    if (latest.size) {
      const people = await db.contacts
        .where('id')
        .anyOf([...latest.keys()])
        .toArray();
      const bumped = people
        .filter((c) => !c.lastActivityAt || c.lastActivityAt < latest.get(c.id)!)
        .map((c) => ({ ...(publicRecord(c) as Contact), lastActivityAt: latest.get(c.id)!, updatedAt: nowIso() }));
      await putRecords(db, 'contact', bumped);
    }
    if (caseTables.length) await recordFirstResponses(db, added);
    return { added, existing };
  });
}

export async function addNote(contactIds: string[], text: string, source: Source, db: RapportDB = getDb()): Promise<Activity> {
  const body = text.trim();
  if (!body) throw new Error('a note cannot be empty');
  const { added } = await addActivities(
    [{ type: 'note', contactIds, body, snippet: body.slice(0, 200), subject: body.split('\n')[0].slice(0, 120), occurredAt: nowIso() }],
    source,
    db,
  );
  return added[0];
}

// ------------------------------------------------------------------ tasks and deals

export async function saveDeal(
  deal: Omit<Deal, 'createdAt' | 'updatedAt' | 'sources' | 'id'> & { id?: string },
  source: Source,
  db: RapportDB = getDb(),
): Promise<Deal> {
  return db.transaction('rw', [db.deals, ...outboxScope(db)], async () => {
    const old = deal.id ? await db.deals.get(deal.id) : undefined;
    const at = nowIso();
    const next: Deal = old
      ? { ...old, ...deal, id: old.id, updatedAt: at, sources: [...old.sources, source].slice(-MAX_SOURCES) }
      : { ...deal, id: deal.id ?? newId('dl'), createdAt: at, updatedAt: at, sources: [source] };
    await db.deals.put(next);
    await enqueue(db, [{ kind: 'deal', localId: next.id }]);
    return next;
  });
}

export async function counts(db: RapportDB = getDb()) {
  const [contacts, companies, activities, tasks, deals] = await Promise.all([
    db.contacts.count(),
    db.companies.count(),
    db.activities.count(),
    db.tasks.count(),
    db.deals.count(),
  ]);
  return { contacts, companies, activities, tasks, deals };
}

export async function deleteAllData(db: RapportDB = getDb()): Promise<void> {
  await db.transaction('rw', db.tables, async () => {
    await Promise.all(db.tables.map((t) => t.clear()));
  });
}

export type { StoredActivity, StoredContact };

/** Saves a company (from a LinkedIn company page, say): matched by domain, else by name. */
export async function upsertCompany(
  input: { name: string; domain?: string; website?: string; industry?: string; size?: string; location?: string; linkedinUrl?: string },
  source: Source,
  db: RapportDB = getDb(),
): Promise<Company> {
  return db.transaction('rw', [...writeScope(db, 'company'), ...outboxScope(db)], async () => {
    const domain = normalizeDomain(input.domain ?? input.website);
    const found = await resolveCompanies(db, [{ name: input.name, domain }], source);
    const company = [...found.values()][0];
    const next: Company = { ...company };
    let changed = false;
    for (const f of ['website', 'industry', 'size', 'location', 'linkedinUrl'] as const) {
      if (input[f] && !next[f]) {
        next[f] = input[f];
        changed = true;
      }
    }
    if (changed) {
      next.updatedAt = nowIso();
      await putRecords(db, 'company', [next]);
      await enqueue(db, [{ kind: 'company', localId: next.id }]);
    }
    return next;
  });
}
