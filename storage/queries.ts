// Reads of people, companies and their history: what the popup and the sidebar need first. Kept
// apart from the repositories (writes, merge rules, validation) so those pages start without
// loading the write path and its schemas.
import { type RapportDB, getDb } from './db';
import { rebuildProgress, rebuildState } from './index-rebuild';
import { normalizeEmail, normalizeLinkedinUrl } from './normalize';
import { publicRecord } from './records';
import type { Activity, Company, Contact, Task } from './schema';

/** Redirects followed at most (merges of merges); a longer chain is treated as broken. */
export const MAX_REDIRECT_HOPS = 16;

/**
 * The contact an id stands for now: itself when stored, else the survivor it was merged into
 * (storage/merge.ts), following merges of merges. Undefined when there is no such person (never
 * stored, deleted, or a chain longer than MAX_REDIRECT_HOPS).
 */
export async function resolveContactId(id: string, db: RapportDB = getDb()): Promise<string | undefined> {
  let current = id;
  for (let hop = 0; hop <= MAX_REDIRECT_HOPS; hop++) {
    if ((await db.contacts.where('id').equals(current).count()) > 0) return current;
    const next = await db.redirects.get(current);
    if (!next) return undefined;
    current = next.to;
  }
  return undefined;
}

/**
 * Ids as they stand now, for writes that name people (a note from a card opened before a merge):
 * each merged-away id becomes its survivor; other ids stay as given. Runs in the caller's transaction
 * (which must include `redirects`): one read for all ids, then one per further hop.
 */
export async function currentContactIds(ids: readonly string[], db: RapportDB = getDb()): Promise<string[]> {
  const moved = await mergedInto(ids, db);
  return [...new Set(ids.map((id) => moved.get(id) ?? id))];
}

/**
 * Of `ids`, those merged away (storage/merge.ts), each with the person it stands for now (the end of
 * its chain of merges). Runs in the caller's transaction (which must include `redirects`).
 */
export async function mergedInto(ids: readonly string[], db: RapportDB = getDb()): Promise<Map<string, string>> {
  const now = new Map(ids.map((id) => [id, id]));
  let asked = [...now.keys()];
  for (let hop = 0; hop < MAX_REDIRECT_HOPS && asked.length; hop++) {
    const rows = await db.redirects.bulkGet(asked);
    const moved = new Map(rows.flatMap((r) => (r ? [[r.from, r.to] as const] : [])));
    if (!moved.size) break;
    for (const [id, current] of now) {
      const to = moved.get(current);
      if (to !== undefined) now.set(id, to);
    }
    asked = [...new Set(moved.values())];
  }
  return new Map([...now].filter(([id, to]) => id !== to));
}

/** A person by id; an id merged into another person gives the survivor. */
export async function getContact(id: string, db: RapportDB = getDb()): Promise<Contact | undefined> {
  const c = await db.contacts.where('id').equals(id).first();
  if (c) return publicRecord(c) as Contact;
  const survivor = await resolveContactId(id, db);
  const s = survivor && (await db.contacts.where('id').equals(survivor).first());
  return s ? (publicRecord(s) as Contact) : undefined;
}

export async function findContactByEmail(email: string, db: RapportDB = getDb()): Promise<Contact | undefined> {
  const e = normalizeEmail(email);
  if (!e) return undefined;
  const c = await db.contacts.where('emails').equals(e).first();
  return c && (publicRecord(c) as Contact);
}

export async function findContactByLinkedin(url: string, db: RapportDB = getDb()): Promise<Contact | undefined> {
  const li = normalizeLinkedinUrl(url);
  if (!li) return undefined;
  const c = await db.contacts.where('linkedinId').equals(li.id).first();
  return c && (publicRecord(c) as Contact);
}

/** The person a LinkedIn page is about: by its public profile, else by one of its URNs (a lead or candidate). */
export async function findContactByLinkedinIds(
  url: string | undefined,
  urns: readonly string[] = [],
  db: RapportDB = getDb(),
): Promise<Contact | undefined> {
  const byUrl = url ? await findContactByLinkedin(url, db) : undefined;
  if (byUrl || !urns.length) return byUrl;
  const c = await db.contacts
    .where('linkedinUrns')
    .anyOf([...urns])
    .first();
  return c && (publicRecord(c) as Contact);
}

// ------------------------------------------------------------------ reading

export type TimelineItem = { kind: 'activity'; at: string; activity: Activity } | { kind: 'task'; at: string; task: Task };

/** A person's whole history, newest first (of the survivor, for an id merged into another person). */
export async function getTimeline(id: string, db: RapportDB = getDb()): Promise<TimelineItem[]> {
  const contactId = (await resolveContactId(id, db)) ?? id;
  const [acts, tasks] = await Promise.all([
    db.activities.where('contactIds').equals(contactId).toArray(),
    db.tasks.where('contactIds').equals(contactId).toArray(),
  ]);
  const items: TimelineItem[] = [
    ...acts.map((a) => ({ kind: 'activity' as const, at: a.occurredAt, activity: publicRecord(a) as Activity })),
    ...tasks.map((t) => ({ kind: 'task' as const, at: t.dueAt ?? t.createdAt, task: t })),
  ];
  return items.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}

/**
 * The combined history of a company's people, newest first, each entry once (a thread with two of
 * them is one entry), at most `limit` entries.
 */
export async function getCompanyTimeline(companyId: string, limit = 500, db: RapportDB = getDb()): Promise<TimelineItem[]> {
  const ids = (await db.contacts.where('companyId').equals(companyId).toArray()).map((c) => c.id);
  if (!ids.length) return [];
  const [acts, tasks] = await Promise.all([
    db.activities.where('contactIds').anyOf(ids).distinct().toArray(),
    db.tasks.where('contactIds').anyOf(ids).distinct().toArray(),
  ]);
  const items: TimelineItem[] = [
    ...acts.map((a) => ({ kind: 'activity' as const, at: a.occurredAt, activity: publicRecord(a) as Activity })),
    ...tasks.map((t) => ({ kind: 'task' as const, at: t.dueAt ?? t.createdAt, task: t })),
  ];
  return items.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).slice(0, limit);
}

/** Companies whose name starts with what the user typed (the company field's type-ahead), by name. */
export async function suggestCompanies(prefix: string, limit = 8, db: RapportDB = getDb()): Promise<Company[]> {
  const p = prefix.trim();
  if (!p) return [];
  const rows = await db.companies.where('name').startsWithIgnoreCase(p).limit(limit).toArray();
  return rows.map((c) => publicRecord(c) as Company).sort((a, b) => a.name.localeCompare(b.name));
}

export async function getCompanyPeople(companyId: string, db: RapportDB = getDb()): Promise<Contact[]> {
  const people = await db.contacts.where('companyId').equals(companyId).toArray();
  return people.map((p) => publicRecord(p) as Contact).sort((a, b) => a.name.localeCompare(b.name));
}

export async function getCompany(id: string, db: RapportDB = getDb()): Promise<Company | undefined> {
  const c = await db.companies.where('id').equals(id).first();
  return c && (publicRecord(c) as Company);
}

export async function recentContacts(limit = 20, db: RapportDB = getDb()): Promise<Contact[]> {
  // updatedAt is indexed; last activity bumps updatedAt too.
  const rows = await db.contacts.orderBy('updatedAt').reverse().limit(limit).toArray();
  return rows.map((r) => publicRecord(r) as Contact);
}

/**
 * A search-index rebuild in progress (after an upgrade): how far it is, 0–1, or undefined when the
 * index is complete. Search answers meanwhile from what is indexed so far.
 */
export async function indexRebuildProgress(db: RapportDB = getDb()): Promise<number | undefined> {
  const state = await rebuildState(db);
  return state && rebuildProgress(db, state);
}
