// Salesforce connector (REST API, sObject Collections, SOQL). The simulated org used by the contract tests,
// with the vendor documentation it follows, is tests/sims/salesforce.ts.
//
// What goes where
//   contact → Contact (or Lead, config objectForPeople): FirstName, LastName (required; derived from the
//             name or e-mail when missing), Email, Phone, Title, AccountId (the linked company) — Lead: Company
//             (required; "[not provided]" when unknown, Salesforce's own placeholder).
//   company → Account: Name, Website.
//   email   → Task, TaskSubtype 'Email', Status 'Completed', Subject "Email: <subject>", ActivityDate = day
//             sent, Description = From/To/Cc/Date header lines + body, WhoId = first linked contact/lead,
//             WhatId = linked account (never with a lead: Salesforce forbids WhatId when WhoId is a lead).
//   note    → Task, TaskSubtype 'Task', Subject 'Note', Status 'Completed', Description = the note. (A Task
//             rather than a ContentNote: ContentNote needs a second call (ContentDocumentLink) per note, is
//             not creatable through sObject Collections in one call with its link, and a Task shows in the
//             Activity timeline of the contact and the account like the logged e-mails.)
//   task    → Task, TaskSubtype 'Task', Subject = title, ActivityDate = due day, Status 'Not Started' or
//             'Completed', Description = notes.
//   An e-mail, note or task that names contacts/companies none of which is linked yet fails with
//   'not-found' (the engine retries after they sync) instead of creating a Task attached to nothing.
//
// Idempotency (DESIGN principle 4)
//   - An update when the engine knows the remote id.
//   - People and accounts: look-up-then-create on their natural key (Email; else first+last name with the
//     account/company; Account by Website domain or Name), which also links records the CRM already had.
//   - Tasks: the Description ends with a marker "[rapport:<local id>]". Salesforce cannot filter on a long
//     text area (Description) in SOQL, so candidates are selected by Subject and CreatedDate (≥ the local
//     record's creation minus a day) and the marker is matched on the returned Description.
//   - With `externalIdField` configured (a Text External ID, Unique field of that API name on Contact/Lead,
//     Account and Task), creates become upserts keyed by the local id:
//     PATCH /composite/sobjects/{Object}/{ExternalIdField} — native idempotency, no look-up query.
//
// Principle 6 (the CRM owns its values): updates of contacts, leads and accounts only fill fields that are
// empty in Salesforce; they never overwrite a value. Tasks Rapport created are Rapport's: a task update
// writes its subject and due date, and completes it when done locally (it never reopens one completed in
// Salesforce); a note update rewrites its text; a logged e-mail is never rewritten.
//
// Limits: Salesforce has no per-second API limit — calls count against the org's rolling 24-hour allocation
// (403 REQUEST_LIMIT_EXCEEDED when spent) and at most 25 long-running (≥ 20 s) requests run at once. The
// connector's own bucket of 25 requests per second keeps bursts polite; batches use the documented 200
// records per Collections call.
//
// Tokens: the access token is sent as a bearer token; a 401 INVALID_SESSION_ID is an 'auth' error. The
// OAuth helpers (oauth.ts) give a new token from the refresh token; storing it is the caller's job (the
// connector interface has no way to persist rotated tokens), so push/pull never refresh by themselves.
import { z } from 'zod';
import { normalizeDomain } from '../../storage/normalize';
import type { Activity, Company, Contact, Task } from '../../storage/schema';
import { ConnectorError, type Connector, type ConnectorContext, type PullResult, type PushItem, type PushOutcome, type RemoteContact, type SyncKind } from '../types';
import { COLLECTION_MAX, recordError, SfClient, soqlDateTime, soqlLike, soqlString, type SaveResult, type SfRecord } from './api';
import { DEFAULT_LOGIN_URL, buildAuthorizeUrl, exchangeCode, refreshAccessToken, type SalesforceTokens } from './oauth';

export { buildAuthorizeUrl, createPkcePair, createState, exchangeCode, pkceChallenge, refreshAccessToken, type SalesforceTokens } from './oauth';

const tokenValues = (t: SalesforceTokens): Partial<SalesforceConfig> => ({
  accessToken: t.accessToken,
  instanceUrl: t.instanceUrl,
  ...(t.refreshToken ? { refreshToken: t.refreshToken } : {}),
});

export const SalesforceConfig = z.object({
  instanceUrl: z.url({ protocol: /^https?$/ }).describe('Your org, e.g. https://acme.my.salesforce.com'),
  accessToken: z.string().min(1).max(4000).describe('Access token (pasted, or from "Connect with Salesforce")'),
  refreshToken: z.string().max(4000).optional(),
  clientId: z.string().max(500).optional().describe('Consumer key of your External Client App (for OAuth)'),
  loginUrl: z.url({ protocol: /^https?$/ }).default(DEFAULT_LOGIN_URL).describe('https://login.salesforce.com, https://test.salesforce.com or your My Domain'),
  apiVersion: z.string().regex(/^v\d{2,3}\.\d$/, 'like v62.0').default('v62.0'),
  objectForPeople: z.enum(['Contact', 'Lead']).default('Contact'),
  externalIdField: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*__c$/, 'a custom field API name like Rapport_Id__c').optional().describe('External ID field (on Contact/Lead, Account and Task) for native upserts'),
});
export type SalesforceConfig = z.infer<typeof SalesforceConfig>;
type Ctx = ConnectorContext<SalesforceConfig>;

/** Local contact field → Salesforce field. '' turns a field off; custom fields (LinkedIn__c) may be added. */
export const DEFAULT_FIELD_MAPPING: Record<string, string> = {
  firstName: 'FirstName',
  lastName: 'LastName',
  email: 'Email',
  phone: 'Phone',
  title: 'Title',
  /** Lead only; a Contact's company is its Account (AccountId). */
  company: 'Company',
  location: '',
  linkedinUrl: '',
  headline: '',
};

const FIELD_LIMITS: Record<string, number> = { FirstName: 40, LastName: 80, Email: 80, Phone: 40, MobilePhone: 40, Title: 128, Company: 255, Name: 255, Website: 255, Subject: 255, Description: 32000, City: 40, MailingCity: 40 };
const NOT_PROVIDED = '[not provided]';
const MARKER = (localId: string) => `[rapport:${localId}]`;

function clamp(field: string, v: string | undefined | null): string | undefined {
  const s = v?.trim();
  if (!s) return undefined;
  const max = FIELD_LIMITS[field] ?? 255;
  return s.length > max ? s.slice(0, max) : s;
}

function client(ctx: Ctx): SfClient {
  return new SfClient(ctx.fetch, ctx.config.instanceUrl, ctx.config.accessToken, ctx.config.apiVersion);
}

function isEmpty(v: unknown): boolean {
  return v == null || v === '';
}

/** Local calendar day (what the user sees) as YYYY-MM-DD. */
function day(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

// ---------------------------------------------------------------------------------------------------
// Mapping

export function splitName(c: Pick<Contact, 'name' | 'firstName' | 'lastName' | 'emails'>): { first?: string; last: string } {
  if (c.lastName?.trim()) return { first: c.firstName?.trim() || undefined, last: c.lastName.trim() };
  const words = c.name.trim().split(/\s+/).filter(Boolean);
  if (words.length > 1) return { first: c.firstName?.trim() || words.slice(0, -1).join(' '), last: words[words.length - 1] };
  if (words.length === 1) return { first: c.firstName?.trim() || undefined, last: words[0] };
  const local = c.emails[0]?.split('@')[0];
  return { first: c.firstName?.trim() || undefined, last: local || NOT_PROVIDED };
}

export function personFields(c: Contact, object: 'Contact' | 'Lead', mapping: Record<string, string>, linked: PushItem['linked']): Record<string, string> {
  const m = { ...DEFAULT_FIELD_MAPPING, ...mapping };
  const { first, last } = splitName(c);
  const local: Record<string, string | undefined> = {
    firstName: first,
    lastName: last,
    email: c.emails[0],
    phone: c.phones[0],
    title: c.title,
    company: c.company,
    location: c.location,
    linkedinUrl: c.linkedinUrl,
    headline: c.headline,
  };
  const out: Record<string, string> = {};
  for (const [key, field] of Object.entries(m)) {
    if (!field || !(key in local)) continue;
    if (object === 'Contact' && field === 'Company') continue;
    const v = clamp(field, local[key]);
    if (v !== undefined) out[field] = v;
  }
  out.LastName = clamp('LastName', last) ?? NOT_PROVIDED;
  if (object === 'Lead') out.Company ??= NOT_PROVIDED;
  if (object === 'Contact' && c.companyId && linked.companies[c.companyId]) out.AccountId = linked.companies[c.companyId];
  return out;
}

export function accountFields(co: Company): Record<string, string> {
  const out: Record<string, string> = { Name: clamp('Name', co.name) ?? NOT_PROVIDED };
  const website = clamp('Website', co.website ?? (co.domain ? `https://${co.domain}` : undefined));
  if (website) out.Website = website;
  return out;
}

function participantsText(a: Activity): string[] {
  const lines: string[] = [];
  const fmt = (p: { name?: string; email?: string }) => (p.name && p.email ? `${p.name} <${p.email}>` : (p.email ?? p.name ?? ''));
  for (const role of ['from', 'to', 'cc'] as const) {
    const ps = (a.participants ?? []).filter((p) => p.role === role).map(fmt).filter(Boolean);
    if (ps.length) lines.push(`${role === 'from' ? 'From' : role === 'to' ? 'To' : 'Cc'}: ${ps.join(', ')}`);
  }
  return lines;
}

/** Description with the idempotency marker last, clamped to 32,000 characters without losing the marker. */
function description(text: string, localId: string): string {
  const marker = `\n\n${MARKER(localId)}`;
  const room = FIELD_LIMITS.Description - marker.length;
  const body = text.length > room ? `${text.slice(0, room - 1)}…` : text;
  return `${body}${marker}`.replace(/^\n+/, '');
}

function whoWhat(contactIds: string[], companyIds: (string | undefined)[], linked: PushItem['linked']): { WhoId?: string; WhatId?: string } {
  const out: { WhoId?: string; WhatId?: string } = {};
  const who = contactIds.map((id) => linked.contacts[id]).find(Boolean);
  if (who) out.WhoId = who;
  const what = companyIds.map((id) => (id ? linked.companies[id] : undefined)).find(Boolean);
  // "If the WhoId refers to a lead, the WhatId field must be empty" (Task object reference). Lead ids start 00Q.
  if (what && !(who && who.startsWith('00Q'))) out.WhatId = what;
  return out;
}

export function taskFields(kind: 'email' | 'note' | 'task', rec: Activity | Task, linked: PushItem['linked']): Record<string, string> {
  if (kind === 'task') {
    const t = rec as Task;
    const out: Record<string, string> = {
      Subject: clamp('Subject', t.title) ?? 'Follow up',
      TaskSubtype: 'Task',
      Status: t.done ? 'Completed' : 'Not Started',
      Priority: 'Normal',
      Description: description(t.notes ?? '', t.id),
      ...whoWhat(t.contactIds, [t.companyId], linked),
    };
    if (t.dueAt) out.ActivityDate = day(t.dueAt);
    return out;
  }
  const a = rec as Activity;
  if (kind === 'note') {
    return {
      Subject: 'Note',
      TaskSubtype: 'Task',
      Status: 'Completed',
      Priority: 'Normal',
      ActivityDate: day(a.occurredAt),
      Description: description(a.body ?? a.snippet ?? '', a.id),
      ...whoWhat(a.contactIds, a.companyIds ?? [], linked),
    };
  }
  const head = [...participantsText(a), `Date: ${a.occurredAt}`, ...(a.direction ? [`Direction: ${a.direction}`] : [])];
  return {
    Subject: clamp('Subject', `Email: ${a.subject?.trim() || '(no subject)'}`)!,
    TaskSubtype: 'Email',
    Status: 'Completed',
    Priority: 'Normal',
    ActivityDate: day(a.occurredAt),
    Description: description(`${head.join('\n')}\n\n${a.body ?? a.snippet ?? ''}`.trim(), a.id),
    ...whoWhat(a.contactIds, a.companyIds ?? [], linked),
  };
}

// ---------------------------------------------------------------------------------------------------
// Push machinery

interface Plan {
  entryId: string;
  localId: string;
  desired: Record<string, string>;
  remoteId?: string;
  /** Known current values (from a look-up) of the remote record. */
  current?: SfRecord;
  /** Fields Rapport owns and rewrites on update (sent when they differ); undefined = fill-only from `desired`. */
  patch?: Record<string, string>;
  done?: PushOutcome;
}

/** The fields of `patch` whose value differs from the record's current one. */
function changedOnly(patch: Record<string, string>, current: SfRecord | undefined): Record<string, string> {
  if (!current) return patch;
  return Object.fromEntries(Object.entries(patch).filter(([k, v]) => String(current[k] ?? '') !== v));
}

function fillOnly(desired: Record<string, string>, current: SfRecord | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(desired)) if (!isEmpty(v) && (!current || isEmpty(current[k]))) out[k] = v;
  return out;
}

/** Fetches the current values of records known by id; missing ones become not-found outcomes. */
async function loadCurrent(sf: SfClient, object: string, plans: Plan[], fields: string[]): Promise<void> {
  const known = plans.filter((p) => p.remoteId && !p.done && !p.current);
  if (!known.length) return;
  const select = `SELECT ${['Id', ...new Set(fields)].join(', ')} FROM ${object}`;
  const rows = await sf.queryChunked(select, [...new Set(known.map((p) => p.remoteId!))], (ids) => `Id IN (${ids.map(soqlString).join(', ')})`);
  const byId = new Map(rows.map((r) => [r.Id.slice(0, 15), r]));
  for (const p of known) {
    const r = byId.get(p.remoteId!.slice(0, 15));
    if (r) p.current = r;
    else p.done = { entryId: p.entryId, ok: false, error: new ConnectorError(`Salesforce: ${object} ${p.remoteId} no longer exists (deleted or merged)`, 'not-found', 404) };
  }
}

/** Sends creates/upserts/updates for the plans still open and records the outcomes. */
async function execute(sf: SfClient, object: string, plans: Plan[], externalIdField: string | undefined): Promise<void> {
  const outcome = (p: Plan, r: SaveResult | undefined) => {
    if (r?.success && r.id) p.done = { entryId: p.entryId, ok: true, remoteId: r.id };
    else p.done = { entryId: p.entryId, ok: false, error: recordError(r?.errors ?? [{ message: 'no result for this record' }]) };
  };
  const updates: { p: Plan; fields: Record<string, string> }[] = [];
  for (const p of plans) {
    if (p.done || !p.remoteId) continue;
    const fields = p.patch ? changedOnly(p.patch, p.current) : fillOnly(p.desired, p.current);
    if (!Object.keys(fields).length) p.done = { entryId: p.entryId, ok: true, remoteId: p.remoteId };
    else updates.push({ p, fields });
  }
  if (updates.length) {
    const res = await sf.collection('PATCH', updates.map((u) => ({ attributes: { type: object }, id: u.p.remoteId, ...u.fields })));
    updates.forEach((u, i) => outcome(u.p, res[i]));
  }
  const creates = plans.filter((p) => !p.done && !p.remoteId);
  if (!creates.length) return;
  if (externalIdField) {
    const res = await sf.collection(
      'PATCH',
      creates.map((p) => ({ attributes: { type: object }, ...p.desired, [externalIdField]: p.localId })),
      { object, field: externalIdField },
    );
    creates.forEach((p, i) => outcome(p, res[i]));
  } else {
    const res = await sf.collection('POST', creates.map((p) => ({ attributes: { type: object }, ...p.desired })));
    creates.forEach((p, i) => outcome(p, res[i]));
  }
}

const lower = (s: unknown) => String(s ?? '').trim().toLowerCase();

async function pushPeople(ctx: Ctx, items: PushItem[]): Promise<PushOutcome[]> {
  const sf = client(ctx);
  const object = ctx.config.objectForPeople;
  const plans: Plan[] = [];
  for (const it of items) {
    if (it.item.kind !== 'contact') throw new ConnectorError(`Salesforce: expected contacts, got ${it.item.kind}`, 'validation');
    const c = it.item.record;
    plans.push({ entryId: it.entryId, localId: c.id, desired: personFields(c, object, ctx.fieldMapping, it.linked), remoteId: it.remoteId });
  }
  const fields = ['FirstName', 'LastName', 'Email', ...(object === 'Lead' ? ['Company'] : ['AccountId']), ...plans.flatMap((p) => Object.keys(p.desired))];
  const selectFields = [...new Set(['Id', ...fields])].join(', ');
  await loadCurrent(sf, object, plans, fields);

  // Natural keys first (also links people the CRM already had): Email, else name (+ account/company).
  const open = plans.filter((p) => !p.remoteId);
  const withEmail = open.filter((p) => p.desired.Email);
  const notConverted = object === 'Lead' ? ' AND IsConverted = false' : '';
  if (withEmail.length) {
    const rows = await sf.queryChunked(
      `SELECT ${selectFields} FROM ${object}`,
      [...new Set(withEmail.map((p) => p.desired.Email.toLowerCase()))],
      (emails) => `Email IN (${emails.map(soqlString).join(', ')})${notConverted}`,
      ' ORDER BY LastModifiedDate DESC',
    );
    for (const p of withEmail) {
      const hit = rows.find((r) => lower(r.Email) === lower(p.desired.Email));
      if (hit) {
        p.remoteId = hit.Id;
        p.current = hit;
      }
    }
  }
  const byName = open.filter((p) => !p.desired.Email && !ctx.config.externalIdField);
  if (byName.length) {
    const extra = object === 'Lead' ? 'Company' : 'AccountId';
    const clause = (p: Plan) =>
      `(FirstName = ${p.desired.FirstName ? soqlString(p.desired.FirstName) : 'null'} AND LastName = ${soqlString(p.desired.LastName)} AND ${extra} = ${p.desired[extra] ? soqlString(p.desired[extra]) : 'null'})`;
    const rows = await sf.queryChunked(`SELECT ${selectFields} FROM ${object}`, byName, (chunk) => `(${chunk.map(clause).join(' OR ')})${notConverted}`);
    for (const p of byName) {
      const hit = rows.find((r) => lower(r.FirstName) === lower(p.desired.FirstName) && lower(r.LastName) === lower(p.desired.LastName) && lower(r[extra]) === lower(p.desired[extra]));
      if (hit) {
        p.remoteId = hit.Id;
        p.current = hit;
      }
    }
  }
  await execute(sf, object, plans, ctx.config.externalIdField);
  return plans.map((p) => p.done!);
}

async function pushAccounts(ctx: Ctx, items: PushItem[]): Promise<PushOutcome[]> {
  const sf = client(ctx);
  const plans: Plan[] = [];
  const companies = new Map<string, Company>();
  for (const it of items) {
    if (it.item.kind !== 'company') throw new ConnectorError(`Salesforce: expected companies, got ${it.item.kind}`, 'validation');
    companies.set(it.entryId, it.item.record);
    plans.push({ entryId: it.entryId, localId: it.item.record.id, desired: accountFields(it.item.record), remoteId: it.remoteId });
  }
  await loadCurrent(sf, 'Account', plans, ['Name', 'Website']);
  const open = plans.filter((p) => !p.remoteId);
  if (open.length) {
    const domainOf = (p: Plan) => normalizeDomain(companies.get(p.entryId)!.domain ?? p.desired.Website);
    const rows = await sf.queryChunked('SELECT Id, Name, Website FROM Account', open, (chunk) =>
      chunk
        .map((p) => {
          const d = domainOf(p);
          return `Name = ${soqlString(p.desired.Name)}${d ? ` OR Website LIKE ${soqlLike(d)}` : ''}`;
        })
        .join(' OR '),
      ' ORDER BY CreatedDate ASC',
    );
    for (const p of open) {
      const d = domainOf(p);
      const hit = (d && rows.find((r) => normalizeDomain(String(r.Website ?? '')) === d)) || rows.find((r) => lower(r.Name) === lower(p.desired.Name));
      if (hit) {
        p.remoteId = hit.Id;
        p.current = hit;
      }
    }
  }
  await execute(sf, 'Account', plans, ctx.config.externalIdField);
  return plans.map((p) => p.done!);
}

async function pushTasks(ctx: Ctx, kind: 'email' | 'note' | 'task', items: PushItem[]): Promise<PushOutcome[]> {
  const sf = client(ctx);
  const plans: Plan[] = [];
  const created = new Map<string, string>();
  for (const it of items) {
    const rec = it.item.record as Activity | Task;
    if (it.item.kind !== kind) throw new ConnectorError(`Salesforce: expected ${kind}, got ${it.item.kind}`, 'validation');
    const desired = taskFields(kind, rec, it.linked);
    const p: Plan = { entryId: it.entryId, localId: rec.id, desired, remoteId: it.remoteId };
    created.set(it.entryId, rec.createdAt);
    const refs = [...rec.contactIds, ...('companyIds' in rec ? (rec.companyIds ?? []) : []), ...('companyId' in rec && rec.companyId ? [rec.companyId] : [])];
    if (!it.remoteId && refs.length && !desired.WhoId && !desired.WhatId) {
      // Its people/companies are not in Salesforce yet: wait for them rather than create an orphan Task.
      p.done = { entryId: it.entryId, ok: false, error: new ConnectorError(`Salesforce: none of the contacts or companies of ${kind} ${rec.id} is synced yet`, 'not-found') };
      plans.push(p);
      continue;
    }
    if (it.remoteId) {
      if (kind === 'email') p.done = { entryId: it.entryId, ok: true, remoteId: it.remoteId };
      else if (kind === 'note') p.patch = { Description: desired.Description };
      else {
        p.patch = { Subject: desired.Subject };
        if (desired.ActivityDate) p.patch.ActivityDate = desired.ActivityDate;
        if (desired.Status === 'Completed') p.patch.Status = 'Completed';
      }
    }
    plans.push(p);
  }
  await loadCurrent(sf, 'Task', plans, ['Subject', 'Description', 'ActivityDate', 'Status']);
  // A first send (PushItem.firstSend) cannot have an earlier attempt to find.
  const firstSends = new Set(items.filter((i) => i.firstSend).map((i) => i.entryId));
  const open = plans.filter((p) => !p.remoteId && !p.done && !firstSends.has(p.entryId));
  if (open.length && !ctx.config.externalIdField) {
    // Look for an earlier attempt's Task by its marker (Description can be read, not filtered).
    const since = Math.min(...open.map((p) => Date.parse(created.get(p.entryId)!))) - 24 * 3600_000;
    const subjects = [...new Set(open.map((p) => p.desired.Subject))];
    const rows = await sf.queryChunked(
      'SELECT Id, Subject, Description FROM Task',
      subjects,
      (chunk) => `Subject IN (${chunk.map(soqlString).join(', ')}) AND CreatedDate >= ${soqlDateTime(Number.isFinite(since) ? since : 0)}`,
    );
    for (const p of open) {
      const marker = MARKER(p.localId);
      const hit = rows.find((r) => typeof r.Description === 'string' && r.Description.includes(marker));
      if (hit) p.done = { entryId: p.entryId, ok: true, remoteId: hit.Id };
    }
  }
  await execute(sf, 'Task', plans, ctx.config.externalIdField);
  return plans.map((p) => p.done!);
}

// ---------------------------------------------------------------------------------------------------
// Look-up and pull

type PersonRow = SfRecord & {
  Name?: string;
  FirstName?: string | null;
  LastName?: string | null;
  Email?: string | null;
  Title?: string | null;
  Phone?: string | null;
  MobilePhone?: string | null;
  LeadSource?: string | null;
  Status?: string | null;
  Company?: string | null;
  Owner?: { Name?: string } | null;
  Account?: { Name?: string } | null;
  LastModifiedDate?: string;
};

function personSelect(object: 'Contact' | 'Lead'): string {
  const common = 'Id, Name, FirstName, LastName, Email, Title, Phone, MobilePhone, LeadSource, Owner.Name, LastModifiedDate';
  return object === 'Lead' ? `${common}, Company, Status` : `${common}, AccountId, Account.Name`;
}

async function lookup(ctx: Ctx, email: string): Promise<RemoteContact | null> {
  const sf = client(ctx);
  const order: ('Contact' | 'Lead')[] = ctx.config.objectForPeople === 'Lead' ? ['Lead', 'Contact'] : ['Contact', 'Lead'];
  for (const object of order) {
    const rows = await sf.query<PersonRow>(
      `SELECT ${personSelect(object)} FROM ${object} WHERE Email = ${soqlString(email.trim())}${object === 'Lead' ? ' AND IsConverted = false' : ''} ORDER BY LastModifiedDate DESC LIMIT 1`,
    );
    const r = rows[0];
    if (!r) continue;
    const fields: Record<string, string> = { object };
    for (const k of ['Name', 'FirstName', 'LastName', 'Email', 'Title', 'Phone', 'MobilePhone', 'LeadSource', 'Status', 'Company'] as const) {
      const v = r[k];
      if (typeof v === 'string' && v) fields[k] = v;
    }
    if (r.Account?.Name) fields.Account = r.Account.Name;
    const out: RemoteContact = { remoteId: r.Id, url: `${sf.instanceUrl}/${r.Id}`, fields };
    if (r.Owner?.Name) out.owner = r.Owner.Name;
    if (object === 'Lead' && r.Status) out.stage = r.Status;
    if (object === 'Contact') {
      type Role = SfRecord & { Opportunity?: { Name?: string; StageName?: string; Amount?: number | null; IsClosed?: boolean } | null };
      const roles = await sf.query<Role>(
        `SELECT Id, Opportunity.Name, Opportunity.StageName, Opportunity.Amount, Opportunity.IsClosed FROM OpportunityContactRole WHERE ContactId = ${soqlString(r.Id)} LIMIT 50`,
      );
      out.deals = roles
        .filter((x) => x.Opportunity?.Name)
        .map((x) => ({ name: x.Opportunity!.Name!, stage: x.Opportunity!.StageName ?? undefined, ...(typeof x.Opportunity!.Amount === 'number' ? { amount: x.Opportunity!.Amount } : {}) }));
      const open = roles.find((x) => x.Opportunity && !x.Opportunity.IsClosed);
      if (open?.Opportunity?.StageName) out.stage = open.Opportunity.StageName;
    }
    return out;
  }
  return null;
}

const PULL_PAGE = 200;

async function pullPeople(ctx: Ctx, cursor: string | undefined): Promise<PullResult> {
  const sf = client(ctx);
  const object = ctx.config.objectForPeople;
  const [since, lastId] = (cursor ?? '').split('|');
  const conds: string[] = [];
  if (since) {
    const t = soqlDateTime(since);
    conds.push(lastId ? `(LastModifiedDate > ${t} OR (LastModifiedDate = ${t} AND Id > ${soqlString(lastId)}))` : `LastModifiedDate > ${t}`);
  }
  if (object === 'Lead') conds.push('IsConverted = false');
  const rows = await sf.query<PersonRow>(
    `SELECT ${personSelect(object)} FROM ${object}${conds.length ? ` WHERE ${conds.join(' AND ')}` : ''} ORDER BY LastModifiedDate ASC, Id ASC LIMIT ${PULL_PAGE}`,
    PULL_PAGE,
  );
  const contacts: PullResult['contacts'] = rows.map((r) => {
    const c: PullResult['contacts'][number]['contact'] = {
      name: r.Name || [r.FirstName, r.LastName].filter(Boolean).join(' ') || r.Email || '',
      emails: r.Email ? [r.Email.toLowerCase()] : [],
      phones: [r.Phone, r.MobilePhone].filter((x): x is string => !!x),
    };
    if (r.FirstName) c.firstName = r.FirstName;
    if (r.LastName) c.lastName = r.LastName;
    if (r.Title) c.title = r.Title;
    const company = object === 'Lead' ? r.Company : r.Account?.Name;
    if (company && company !== NOT_PROVIDED) c.company = company;
    if (r.Status) c.stage = r.Status;
    return { remoteId: r.Id, contact: c };
  });
  const last = rows[rows.length - 1];
  const next = last?.LastModifiedDate ? `${new Date(last.LastModifiedDate.replace(/\+0000$/, 'Z')).toISOString()}|${last.Id}` : (cursor ?? '');
  return { contacts, cursor: next, more: rows.length === PULL_PAGE };
}

// ---------------------------------------------------------------------------------------------------

function originPattern(u: string): string {
  return `${new URL(u).origin}/*`;
}

export const salesforceConnector: Connector<SalesforceConfig> = {
  id: 'salesforce',
  displayName: 'Salesforce',
  authKind: 'oauth',
  configSchema: SalesforceConfig,
  secretKeys: ['accessToken', 'refreshToken'],
  origins: (config) => [...new Set([originPattern(config.instanceUrl), originPattern(config.loginUrl ?? DEFAULT_LOGIN_URL)])],
  capabilities: { contacts: true, companies: true, emailLogging: true, notes: true, tasks: true, deals: false, pull: true },
  batchSize: { contact: COLLECTION_MAX, company: COLLECTION_MAX, email: COLLECTION_MAX, note: COLLECTION_MAX, task: COLLECTION_MAX },
  maxInFlight: 8,
  rateLimit: { requests: 25, intervalMs: 1000 },
  defaultFieldMapping: DEFAULT_FIELD_MAPPING,

  async testConnection(ctx) {
    const sf = client(ctx);
    await sf.request('GET', '/'); // token and API version
    const me = await sf.request<{ preferred_username?: string; name?: string; organization_id?: string }>('GET', '/services/oauth2/userinfo');
    return { account: `${me.preferred_username ?? me.name ?? 'Salesforce user'}${me.organization_id ? ` (org ${me.organization_id})` : ''}` };
  },

  async push(ctx, kind: SyncKind, items: PushItem[]): Promise<PushOutcome[]> {
    if (!items.length) return [];
    // Whole-request errors (401, 403 REQUEST_LIMIT_EXCEEDED, 5xx, or a 400 such as a mapped field that does
    // not exist) are thrown for the engine to classify; per-record errors come back per item.
    switch (kind) {
      case 'contact':
        return pushPeople(ctx, items);
      case 'company':
        return pushAccounts(ctx, items);
      case 'email':
      case 'note':
      case 'task':
        return pushTasks(ctx, kind, items);
      default:
        throw new ConnectorError(`Salesforce connector does not sync ${kind}`, 'validation');
    }
  },

  lookupByEmail: (ctx, email) => lookup(ctx, email),
  pull: (ctx, cursor) => pullPeople(ctx, cursor),

  // "Connect with Salesforce": web-server flow with PKCE; the token answer names the org's instance.
  oauth: {
    requiredKeys: ['clientId'],
    // The token endpoint, and (signing in at Salesforce) every Salesforce host an org's instance
    // URL can be on: it is only known from the token answer. A login URL elsewhere (a proxy, a
    // test server) serves the API itself.
    origins: (config) => {
      const login = new URL(config.loginUrl ?? DEFAULT_LOGIN_URL);
      const atSalesforce = login.protocol === 'https:' && /(^|\.)salesforce\.com$/i.test(login.hostname);
      return [originPattern(login.href), ...(atSalesforce ? ['https://*.salesforce.com/*'] : [])];
    },
    authorizeUrl: (config, p) =>
      buildAuthorizeUrl({ clientId: config.clientId ?? '', redirectUri: p.redirectUri, codeChallenge: p.codeChallenge, state: p.state, loginUrl: config.loginUrl }),
    exchange: async (fetchFn, config, p) =>
      tokenValues(await exchangeCode(fetchFn, { clientId: config.clientId ?? '', redirectUri: p.redirectUri, code: p.code, codeVerifier: p.codeVerifier, loginUrl: config.loginUrl })),
    refresh: async (fetchFn, config) => {
      if (!config.refreshToken || !config.clientId) return null;
      return tokenValues(await refreshAccessToken(fetchFn, { clientId: config.clientId, refreshToken: config.refreshToken, loginUrl: config.loginUrl }));
    },
  },
};

export default salesforceConnector;
