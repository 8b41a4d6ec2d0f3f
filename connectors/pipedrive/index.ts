/**
 * Pipedrive connector (API v2 where it exists, v1 for notes), API-token auth (`x-api-token`).
 *
 * Pipedrive has no batch write API: items are written one by one (batch size 1).
 *
 * Idempotency (principle 4):
 * - contact: `GET /api/v2/persons/search?term=<email>&fields=email&exact_match=true` (the hit's
 *   emails are checked again locally), then `PATCH /api/v2/persons/{id}` of the empty fields only
 *   (principle 6) or `POST /api/v2/persons`. Without an email: exact name among persons without an
 *   email (oldest wins), else create.
 * - company: organizations searched by exact name, then PATCH (empty address) or POST.
 * - email / note: the Mailbox API cannot create messages, so a logged email becomes a note
 *   (`POST /api/v1/notes`, escaped HTML with subject, from/to/cc, date and body) on the first
 *   linked person (and the first linked organization). Every note we write ends with the marker
 *   `[rapport:<local id>]`; before creating, the person's (or organization's) notes are listed,
 *   newest first, up to 500, and a note carrying the marker is reused. A first send
 *   (PushItem.firstSend: a new local record never handed out before) skips the listing.
 * - task: an activity of type `task` (`POST /api/v2/activities`), linked through `participants`
 *   (`person_id` is read-only in v2), with the same marker at the end of its `note`, looked for in
 *   the person's activities before creating.
 * - A known `remoteId` updates in place (PATCH / PUT); a record deleted in Pipedrive is reported as
 *   `not-found` and not recreated (the CRM is the system of record).
 * - Someone removing the marker from a note in Pipedrive defeats the look-up: a later retry of that
 *   same record without its remote id would create a second note.
 */
import { z } from 'zod';
import type { Activity, Company, Contact, Participant, Task } from '../../storage/schema';
import { escapeHtml } from '../http';
import { ConnectorError, type Connector, type ConnectorContext, type PullResult, type PushItem, type PushOutcome, type RemoteContact, type SyncKind } from '../types';
import {
  PIPEDRIVE_PLANS,
  PipedriveClient,
  pipedriveBase,
  type PdActivity,
  type PdLabeled,
  type PdNote,
  type PdOrganization,
  type PdPerson,
  type PdSearchItem,
  type PipedriveConfig,
  type PipedrivePlan,
} from './client';

export type { PipedriveConfig } from './client';

export const pipedriveConfigSchema = z.object({
  apiToken: z.string().trim().min(1, 'Paste your Pipedrive API token').describe('API token (Personal preferences → API)'),
  companyDomain: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, 'The part before .pipedrive.com, e.g. "acme"')
    .describe('Company domain'),
  baseUrl: z
    .union([z.url({ protocol: /^https?$/ }), z.literal('')])
    .optional()
    .describe('API base URL (default https://<company domain>.pipedrive.com)'),
  plan: z
    .enum(Object.keys(PIPEDRIVE_PLANS) as [PipedrivePlan, ...PipedrivePlan[]])
    .default('essential')
    .describe('Pipedrive plan (sets the request rate: 20–120 requests / 2 s)'),
});

/**
 * Local contact field → Pipedrive person field. `name`, `emails`, `phones` and `job_title` are
 * standard; any other value is a custom field key (the 40-character hash shown in Pipedrive's data
 * fields settings), written into `custom_fields`. '' leaves a field out.
 */
export const PIPEDRIVE_DEFAULT_MAPPING: Record<string, string> = {
  name: 'name',
  emails: 'emails',
  phones: 'phones',
  title: 'job_title',
  linkedinUrl: '',
  location: '',
  stage: '',
};
const STANDARD = new Set(['name', 'emails', 'phones', 'job_title']);

const MARKER = (id: string) => `[rapport:${id}]`;
const SCAN_PAGES = 5;

// ---------- helpers ----------

type Outcomes = Map<string, PushOutcome>;

function normalizeEmail(e: string | undefined | null): string | undefined {
  const v = e?.trim().toLowerCase();
  return v ? v : undefined;
}

function ok(outcomes: Outcomes, item: PushItem, remoteId: number | string): void {
  outcomes.set(item.entryId, { entryId: item.entryId, ok: true, remoteId: String(remoteId) });
}

function fail(outcomes: Outcomes, item: PushItem, error: ConnectorError): void {
  outcomes.set(item.entryId, { entryId: item.entryId, ok: false, error });
}

/** Runs one item; permanent vendor answers become its outcome, the rest fail the batch. */
async function perItem(outcomes: Outcomes, item: PushItem, run: () => Promise<number | string>): Promise<void> {
  try {
    ok(outcomes, item, await run());
  } catch (err) {
    if (err instanceof ConnectorError && (err.kind === 'validation' || err.kind === 'conflict' || err.kind === 'not-found')) fail(outcomes, item, err);
    else throw err;
  }
}

function mappingOf(ctx: ConnectorContext<PipedriveConfig>): Record<string, string> {
  return { ...PIPEDRIVE_DEFAULT_MAPPING, ...ctx.fieldMapping };
}

function labeled(values: string[]): PdLabeled[] {
  return values.map((value, i) => ({ value, primary: i === 0, label: 'work' }));
}

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

/** The body of a person as Rapport would write it. */
function personBody(c: Contact, mapping: Record<string, string>, orgId: number | undefined): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const custom: Record<string, string> = {};
  const name = c.name?.trim() || [c.firstName, c.lastName].filter(Boolean).join(' ') || c.emails[0] || 'Unknown';
  for (const [field, target] of Object.entries(mapping)) {
    if (!target) continue;
    let value: unknown;
    if (field === 'name') value = name;
    else if (field === 'emails') value = c.emails.length ? labeled([...new Set(c.emails.map((e) => e.trim().toLowerCase()).filter(Boolean))]) : undefined;
    else if (field === 'phones') value = c.phones.length ? labeled(c.phones) : undefined;
    else {
      const v = (c as Record<string, unknown>)[field];
      value = typeof v === 'string' && v.trim() ? v.trim() : undefined;
    }
    if (value === undefined) continue;
    if (STANDARD.has(target)) body[target] = value;
    else if (typeof value === 'string') custom[target] = value;
  }
  if (!body.name) body.name = name;
  if (orgId !== undefined) body.org_id = orgId;
  if (Object.keys(custom).length > 0) body.custom_fields = custom;
  return body;
}

/** Only what the person does not have yet (principle 6). */
function fillEmpty(existing: PdPerson, wanted: Record<string, unknown>): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(wanted)) {
    if (k === 'name' || k === 'custom_fields') continue;
    if (isEmpty((existing as unknown as Record<string, unknown>)[k])) patch[k] = v;
  }
  const custom = (wanted.custom_fields ?? {}) as Record<string, string>;
  const missing = Object.fromEntries(Object.entries(custom).filter(([k]) => isEmpty(existing.custom_fields?.[k])));
  if (Object.keys(missing).length > 0) patch.custom_fields = missing;
  return patch;
}

function oldest<T extends { id: number }>(list: T[]): T | undefined {
  return [...list].sort((a, b) => a.id - b.id)[0];
}

async function getOrNull<T>(client: PipedriveClient, path: string): Promise<T | null> {
  try {
    return (await client.get<T>(path)).data;
  } catch (err) {
    if (err instanceof ConnectorError && err.kind === 'not-found') return null;
    throw err;
  }
}

// ---------- contacts ----------

async function findPerson(client: PipedriveClient, c: Contact): Promise<PdPerson | null> {
  const email = normalizeEmail(c.emails[0]);
  if (email) {
    const items = await client.search<PdSearchItem>('persons', email, 'email');
    const hit = oldest(items.filter((i) => (i.emails ?? []).some((e) => normalizeEmail(e) === email)));
    return hit ? getOrNull<PdPerson>(client, `/api/v2/persons/${hit.id}`) : null;
  }
  const name = c.name?.trim();
  if (!name) return null;
  const items = await client.search<PdSearchItem>('persons', name, 'name');
  const hit = oldest(items.filter((i) => i.name.trim().toLowerCase() === name.toLowerCase() && (i.emails ?? []).length === 0));
  return hit ? getOrNull<PdPerson>(client, `/api/v2/persons/${hit.id}`) : null;
}

async function pushContact(client: PipedriveClient, ctx: ConnectorContext<PipedriveConfig>, item: PushItem, c: Contact): Promise<number> {
  const linkedOrg = c.companyId ? item.linked.companies[c.companyId] : undefined;
  const wanted = personBody(c, mappingOf(ctx), linkedOrg ? Number(linkedOrg) : undefined);
  let existing = item.remoteId ? await getOrNull<PdPerson>(client, `/api/v2/persons/${encodeURIComponent(item.remoteId)}`) : null;
  existing ??= await findPerson(client, c);
  if (!existing) return (await client.request<PdPerson>('POST', '/api/v2/persons', { body: wanted })).data.id;
  const patch = fillEmpty(existing, wanted);
  if (Object.keys(patch).length > 0) await client.request('PATCH', `/api/v2/persons/${existing.id}`, { body: patch });
  return existing.id;
}

// ---------- companies ----------

async function pushCompany(client: PipedriveClient, item: PushItem, co: Company): Promise<number> {
  const name = co.name.trim();
  if (!name) throw new ConnectorError('A Pipedrive organization needs a name', 'validation');
  let existing = item.remoteId ? await getOrNull<PdOrganization>(client, `/api/v2/organizations/${encodeURIComponent(item.remoteId)}`) : null;
  if (!existing) {
    const items = await client.search<PdOrganization>('organizations', name, 'name');
    existing = oldest(items.filter((o) => o.name.trim().toLowerCase() === name.toLowerCase())) ?? null;
  }
  const address = co.location?.trim();
  if (!existing) {
    return (await client.request<PdOrganization>('POST', '/api/v2/organizations', { body: { name, ...(address ? { address: { value: address } } : {}) } })).data.id;
  }
  if (address && !existing.address?.value) {
    await client.request('PATCH', `/api/v2/organizations/${existing.id}`, { body: { address: { value: address } } });
  }
  return existing.id;
}

// ---------- notes (logged emails and notes) ----------

function who(p: Participant): string {
  return p.name && p.email ? `${p.name} <${p.email}>` : (p.email ?? p.name ?? '');
}

function utc(iso: string): string {
  return new Date(iso).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

export function noteContent(a: Activity): string {
  const body = escapeHtml(a.body ?? a.snippet ?? '');
  const marker = `<p>${MARKER(a.id)}</p>`;
  if (a.type !== 'email') {
    return `${a.subject ? `<p><b>${escapeHtml(a.subject)}</b></p>` : ''}<p>${body}</p>${marker}`;
  }
  const ps = a.participants ?? [];
  const line = (label: string, role: Participant['role']) => {
    const list = ps.filter((p) => p.role === role).map(who).filter(Boolean);
    return list.length ? `${label}: ${escapeHtml(list.join(', '))}` : '';
  };
  const heading = a.direction === 'incoming' ? 'Email received' : 'Email sent';
  const meta = [line('From', 'from'), line('To', 'to'), line('Cc', 'cc'), `Date: ${utc(a.occurredAt)}`].filter(Boolean).join('<br>');
  return `<p><b>${heading}: ${escapeHtml(a.subject ?? '(no subject)')}</b></p><p>${meta}</p><p>${body}</p>${marker}`;
}

/** v1 add_time: "YYYY-MM-DD HH:MM:SS" in UTC. */
function v1Time(iso: string): string {
  return new Date(iso).toISOString().slice(0, 19).replace('T', ' ');
}

function firstLinked(ids: string[], linked: Record<string, string>): number | undefined {
  for (const id of ids) if (linked[id]) return Number(linked[id]);
  return undefined;
}

async function findNoteWithMarker(client: PipedriveClient, owner: { person_id?: number; org_id?: number }, marker: string): Promise<number | undefined> {
  let start = 0;
  for (let page = 0; page < SCAN_PAGES; page++) {
    const res = await client.get<PdNote[] | null>('/api/v1/notes', { ...owner, start, limit: 100, sort: 'id DESC' });
    const hit = (res.data ?? []).find((n) => n.content.includes(marker));
    if (hit) return hit.id;
    const pg = res.additional_data?.pagination;
    if (!pg?.more_items_in_collection || pg.next_start === undefined) return undefined;
    start = pg.next_start;
  }
  return undefined;
}

async function pushNote(client: PipedriveClient, item: PushItem, a: Activity): Promise<number> {
  const content = noteContent(a);
  if (item.remoteId) {
    const existing = await getOrNull<PdNote>(client, `/api/v1/notes/${encodeURIComponent(item.remoteId)}`);
    if (!existing) throw new ConnectorError(`Pipedrive note ${item.remoteId} no longer exists`, 'not-found', 404);
    if (existing.content !== content) await client.request('PUT', `/api/v1/notes/${existing.id}`, { body: { content } });
    return existing.id;
  }
  const personId = firstLinked(a.contactIds, item.linked.contacts);
  const orgId = firstLinked(a.companyIds ?? [], item.linked.companies);
  if (personId === undefined && orgId === undefined) {
    throw new ConnectorError('None of the contacts or companies of this record is synced to Pipedrive yet', 'not-found');
  }
  const owner = personId !== undefined ? { person_id: personId } : { org_id: orgId };
  // A first send cannot have been created before (PushItem.firstSend): no scan for the marker.
  const found = item.firstSend ? undefined : await findNoteWithMarker(client, owner, MARKER(a.id));
  if (found !== undefined) return found;
  const body = { content, ...(personId !== undefined ? { person_id: personId } : {}), ...(orgId !== undefined ? { org_id: orgId } : {}), add_time: v1Time(a.occurredAt) };
  return (await client.request<PdNote>('POST', '/api/v1/notes', { body })).data.id;
}

// ---------- tasks → activities ----------

function activityBody(t: Task, linked: PushItem['linked']): Record<string, unknown> {
  const due = t.dueAt ? new Date(t.dueAt).toISOString() : undefined;
  const people = [...new Set(t.contactIds.map((id) => linked.contacts[id]).filter(Boolean))];
  const orgId = t.companyId ? linked.companies[t.companyId] : undefined;
  return {
    subject: t.title,
    type: 'task',
    done: t.done,
    ...(due ? { due_date: due.slice(0, 10), due_time: due.slice(11, 16) } : {}),
    participants: people.map((id, i) => ({ person_id: Number(id), primary: i === 0 })),
    ...(orgId ? { org_id: Number(orgId) } : {}),
    note: `${t.notes ? `<p>${escapeHtml(t.notes)}</p>` : ''}<p>${MARKER(t.id)}</p>`,
  };
}

async function findActivityWithMarker(client: PipedriveClient, owner: { person_id?: number; org_id?: number }, marker: string): Promise<number | undefined> {
  let cursor: string | undefined;
  for (let page = 0; page < SCAN_PAGES; page++) {
    const res = await client.get<PdActivity[] | null>('/api/v2/activities', { ...owner, limit: 100, sort_by: 'id', sort_direction: 'desc', cursor });
    const hit = (res.data ?? []).find((act) => (act.note ?? '').includes(marker));
    if (hit) return hit.id;
    cursor = res.additional_data?.next_cursor ?? undefined;
    if (!cursor) return undefined;
  }
  return undefined;
}

async function pushTask(client: PipedriveClient, item: PushItem, t: Task): Promise<number> {
  const body = activityBody(t, item.linked);
  if (item.remoteId) {
    const existing = await getOrNull<PdActivity>(client, `/api/v2/activities/${encodeURIComponent(item.remoteId)}`);
    if (!existing) throw new ConnectorError(`Pipedrive activity ${item.remoteId} no longer exists`, 'not-found', 404);
    await client.request('PATCH', `/api/v2/activities/${existing.id}`, { body });
    return existing.id;
  }
  const people = body.participants as { person_id: number }[];
  const orgId = body.org_id as number | undefined;
  if (people.length === 0 && orgId === undefined) {
    throw new ConnectorError('None of the contacts or companies of this task is synced to Pipedrive yet', 'not-found');
  }
  const owner = people.length > 0 ? { person_id: people[0].person_id } : { org_id: orgId };
  const found = item.firstSend ? undefined : await findActivityWithMarker(client, owner, MARKER(t.id));
  if (found !== undefined) return found;
  return (await client.request<PdActivity>('POST', '/api/v2/activities', { body })).data.id;
}

// ---------- look-up and pull ----------

const stageCache = new Map<string, Promise<string | undefined>>();

function stageName(client: PipedriveClient, id: number): Promise<string | undefined> {
  const key = `${client.key}|${id}`;
  let p = stageCache.get(key);
  if (!p) {
    p = getOrNull<{ name: string }>(client, `/api/v2/stages/${id}`).then((s) => s?.name);
    p.catch(() => stageCache.delete(key));
    stageCache.set(key, p);
  }
  return p;
}

function personToContact(p: PdPerson, mapping: Record<string, string>): Partial<Contact> & { emails: string[] } {
  const sortPrimary = (list: PdLabeled[] | undefined) =>
    [...(list ?? [])].sort((a, b) => Number(Boolean(b.primary)) - Number(Boolean(a.primary))).map((e) => e.value).filter(Boolean);
  const out: Partial<Contact> & { emails: string[] } = {
    emails: [...new Set(sortPrimary(p.emails).map((e) => e.toLowerCase()))],
    name: p.name,
  };
  if (p.first_name) out.firstName = p.first_name;
  if (p.last_name) out.lastName = p.last_name;
  const phones = sortPrimary(p.phones);
  if (phones.length) out.phones = phones;
  for (const [field, target] of Object.entries(mapping)) {
    if (!target || ['name', 'emails', 'phones'].includes(field)) continue;
    const v = target === 'job_title' ? p.job_title : STANDARD.has(target) ? undefined : p.custom_fields?.[target];
    if (typeof v === 'string' && v) (out as Record<string, unknown>)[field] = v;
  }
  return out;
}

async function lookupByEmail(ctx: ConnectorContext<PipedriveConfig>, email: string): Promise<RemoteContact | null> {
  const client = new PipedriveClient(ctx);
  const value = normalizeEmail(email);
  if (!value) return null;
  const items = await client.search<PdSearchItem>('persons', value, 'email');
  const hit = oldest(items.filter((i) => (i.emails ?? []).some((e) => normalizeEmail(e) === value)));
  if (!hit) return null;
  const person = await getOrNull<PdPerson>(client, `/api/v2/persons/${hit.id}`);
  if (!person) return null;

  let owner: string | undefined;
  if (person.owner_id) owner = (await getOrNull<{ name?: string; email?: string }>(client, `/api/v1/users/${person.owner_id}`))?.name;

  const dealsRes = await client.get<{ title: string; value?: number; currency?: string; stage_id?: number }[] | null>('/api/v2/deals', {
    person_id: person.id,
    status: 'open',
    limit: 100,
  });
  const deals = await Promise.all(
    (dealsRes.data ?? []).map(async (d) => {
      const stage = d.stage_id ? await stageName(client, d.stage_id) : undefined;
      return {
        name: d.title,
        ...(stage ? { stage } : {}),
        ...(typeof d.value === 'number' ? { amount: d.value } : {}),
        ...(d.currency ? { currency: d.currency } : {}),
      };
    }),
  );

  const fields: Record<string, string> = { name: person.name };
  const emails = (person.emails ?? []).map((e) => e.value).filter(Boolean);
  const phones = (person.phones ?? []).map((e) => e.value).filter(Boolean);
  if (emails.length) fields.emails = emails.join(', ');
  if (phones.length) fields.phones = phones.join(', ');
  if (person.job_title) fields.job_title = person.job_title;
  if (hit.organization?.name) fields.organization = hit.organization.name;
  for (const [k, v] of Object.entries(person.custom_fields ?? {})) if (typeof v === 'string' && v) fields[k] = v;

  return {
    remoteId: String(person.id),
    url: `https://${ctx.config.companyDomain}.pipedrive.com/person/${person.id}`,
    ...(owner ? { owner } : {}),
    ...(deals.length ? { deals } : {}),
    fields,
  };
}

/**
 * Pull cursor `{s, x, c}`: `updated_since` (inclusive, second precision in v2), the ids already
 * returned with exactly that update_time, and Pipedrive's `next_cursor` used only while a whole
 * page shares one instant. Records sharing the boundary second are neither lost nor repeated.
 */
interface PullCursor {
  s?: string;
  x: number[];
  c?: string;
}

function decodeCursor(cursor: string | undefined): PullCursor {
  if (!cursor) return { x: [] };
  try {
    const v = JSON.parse(cursor) as Partial<PullCursor>;
    return { s: typeof v.s === 'string' ? v.s : undefined, x: Array.isArray(v.x) ? v.x.map(Number) : [], c: typeof v.c === 'string' ? v.c : undefined };
  } catch {
    return Number.isNaN(Date.parse(cursor)) ? { x: [] } : { s: cursor, x: [] };
  }
}

async function pull(ctx: ConnectorContext<PipedriveConfig>, cursor: string | undefined): Promise<PullResult> {
  const client = new PipedriveClient(ctx);
  const cur = decodeCursor(cursor);
  const res = await client.get<PdPerson[] | null>('/api/v2/persons', {
    updated_since: cur.s,
    sort_by: 'update_time',
    sort_direction: 'asc',
    limit: 100,
    cursor: cur.c,
  });
  const rows = res.data ?? [];
  const nextCursor = res.additional_data?.next_cursor ?? undefined;
  const at = (p: PdPerson) => (p.update_time ? Date.parse(p.update_time) : NaN);
  const sMs = cur.s ? Date.parse(cur.s) : undefined;
  const seen = new Set(cur.x);
  const fresh = rows.filter((p) => !(at(p) === sMs && seen.has(p.id)));

  let next: PullCursor = cur;
  let more = false;
  if (rows.length > 0) {
    const last = rows[rows.length - 1];
    if (at(last) === sMs) {
      next = { s: cur.s, x: [...new Set([...cur.x, ...rows.map((p) => p.id)])], ...(nextCursor ? { c: nextCursor } : {}) };
      more = Boolean(nextCursor);
    } else {
      next = { s: last.update_time, x: rows.filter((p) => at(p) === at(last)).map((p) => p.id) };
      more = Boolean(nextCursor);
    }
  }
  const mapping = mappingOf(ctx);
  return {
    contacts: fresh.map((p) => ({ remoteId: String(p.id), contact: personToContact(p, mapping) })),
    cursor: JSON.stringify(next),
    more,
  };
}

// ---------- the connector ----------

export const pipedriveConnector: Connector<PipedriveConfig> = {
  id: 'pipedrive',
  displayName: 'Pipedrive',
  authKind: 'token',
  configSchema: pipedriveConfigSchema,
  secretKeys: ['apiToken'],
  origins: (config) => [`${new URL(pipedriveBase(config)).origin}/*`],
  capabilities: { contacts: true, companies: true, emailLogging: true, notes: true, tasks: true, deals: false, pull: true },
  batchSize: { contact: 1, company: 1, email: 1, note: 1, task: 1 },
  maxInFlight: 8,
  rateLimit: { requests: PIPEDRIVE_PLANS.essential, intervalMs: 2000 },
  rateLimitFor: (config) => ({ requests: PIPEDRIVE_PLANS[config.plan] ?? PIPEDRIVE_PLANS.essential, intervalMs: 2000 }),
  defaultFieldMapping: PIPEDRIVE_DEFAULT_MAPPING,

  async testConnection(ctx) {
    const client = new PipedriveClient(ctx);
    const me = (await client.get<{ name?: string; email?: string; company_name?: string }>('/api/v1/users/me')).data;
    return { account: [me.company_name, me.email && `(${me.email})`].filter(Boolean).join(' ') || client.base };
  },

  async push(ctx, kind: SyncKind, items) {
    const client = new PipedriveClient(ctx);
    const outcomes: Outcomes = new Map();
    for (const item of items) {
      const { item: rec } = item;
      if (kind === 'contact' && rec.kind === 'contact') await perItem(outcomes, item, () => pushContact(client, ctx, item, rec.record));
      else if (kind === 'company' && rec.kind === 'company') await perItem(outcomes, item, () => pushCompany(client, item, rec.record));
      else if ((kind === 'email' || kind === 'note') && rec.kind === kind) await perItem(outcomes, item, () => pushNote(client, item, rec.record));
      else if (kind === 'task' && rec.kind === 'task') await perItem(outcomes, item, () => pushTask(client, item, rec.record));
      else fail(outcomes, item, new ConnectorError(`Pipedrive connector cannot push a ${rec.kind} as ${kind}`, 'validation'));
    }
    return items.map((i) => outcomes.get(i.entryId) as PushOutcome);
  },

  lookupByEmail,
  pull,
};
