// Local records → Salesforce fields: Contact/Lead, Account, the Task that carries a logged email, a
// note, a call (TaskSubtype Call) or a task, and the Event of a meeting (with the idempotency marker at the end of its Description).
import type { Activity, Company, Contact, Task } from '../../storage/schema';
import { participantLabel } from '../http';
import type { PushItem } from '../types';

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

const FIELD_LIMITS: Record<string, number> = {
  FirstName: 40,
  LastName: 80,
  Email: 80,
  Phone: 40,
  MobilePhone: 40,
  Title: 128,
  Company: 255,
  Name: 255,
  Website: 255,
  Subject: 255,
  Description: 32000,
  City: 40,
  MailingCity: 40,
};
export const NOT_PROVIDED = '[not provided]';
export const MARKER = (localId: string) => `[rapport:${localId}]`;

function clamp(field: string, v: string | undefined | null): string | undefined {
  const s = v?.trim();
  if (!s) return undefined;
  const max = FIELD_LIMITS[field] ?? 255;
  return s.length > max ? s.slice(0, max) : s;
}

/** Local calendar day (what the user sees) as YYYY-MM-DD. */
function day(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export function splitName(c: Pick<Contact, 'name' | 'firstName' | 'lastName' | 'emails'>): { first?: string; last: string } {
  if (c.lastName?.trim()) return { first: c.firstName?.trim() || undefined, last: c.lastName.trim() };
  const words = c.name.trim().split(/\s+/).filter(Boolean);
  if (words.length > 1) return { first: c.firstName?.trim() || words.slice(0, -1).join(' '), last: words[words.length - 1] };
  if (words.length === 1) return { first: c.firstName?.trim() || undefined, last: words[0] };
  const local = c.emails[0]?.split('@')[0];
  return { first: c.firstName?.trim() || undefined, last: local || NOT_PROVIDED };
}

export function personFields(
  c: Contact,
  object: 'Contact' | 'Lead',
  mapping: Record<string, string>,
  linked: PushItem['linked'],
): Record<string, string> {
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
  for (const role of ['from', 'to', 'cc'] as const) {
    const ps = (a.participants ?? [])
      .filter((p) => p.role === role)
      .map(participantLabel)
      .filter(Boolean);
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

function whoWhat(
  contactIds: string[],
  companyIds: (string | undefined)[],
  linked: PushItem['linked'],
): { WhoId?: string; WhatId?: string } {
  const out: { WhoId?: string; WhatId?: string } = {};
  const who = contactIds.map((id) => linked.contacts[id]).find(Boolean);
  if (who) out.WhoId = who;
  const what = companyIds.map((id) => (id ? linked.companies[id] : undefined)).find(Boolean);
  // "If the WhoId refers to a lead, the WhatId field must be empty" (Task object reference). Lead ids start 00Q.
  if (what && !(who && who.startsWith('00Q'))) out.WhatId = what;
  return out;
}

const PRIORITY: Record<NonNullable<Task['priority']>, string> = { low: 'Low', normal: 'Normal', high: 'High' };

export type ActivityKind = 'email' | 'note' | 'call' | 'meeting' | 'task';

/** The sObject a kind is written to: meetings are Events, the rest Tasks. */
export const objectOf = (kind: ActivityKind): 'Task' | 'Event' => (kind === 'meeting' ? 'Event' : 'Task');

/** Fields set on create only (a later update leaves them as they are in Salesforce). */
export const CREATE_ONLY = new Set(['TaskSubtype', 'WhoId', 'WhatId']);

export function taskFields(kind: ActivityKind, rec: Activity | Task, linked: PushItem['linked']): Record<string, string> {
  if (kind === 'task') {
    const t = rec as Task;
    const out: Record<string, string> = {
      Subject: clamp('Subject', t.title) ?? 'Follow up',
      TaskSubtype: 'Task',
      Status: t.done ? 'Completed' : 'Not Started',
      Priority: PRIORITY[t.priority ?? 'normal'],
      Description: description(t.notes ?? '', t.id),
      ...whoWhat(t.contactIds, [t.companyId], linked),
    };
    if (t.dueAt) out.ActivityDate = day(t.dueAt);
    return out;
  }
  if (kind === 'call') {
    const a = rec as Activity;
    return {
      Subject: clamp('Subject', a.subject) ?? 'Call',
      TaskSubtype: 'Call',
      Status: 'Completed',
      Priority: 'Normal',
      ActivityDate: day(a.occurredAt),
      ...(a.durationMinutes !== undefined ? { CallDurationInSeconds: String(a.durationMinutes * 60) } : {}),
      ...(a.outcome ? { CallDisposition: a.outcome.slice(0, 255) } : {}),
      ...(a.direction === 'incoming' ? { CallType: 'Inbound' } : a.direction === 'outgoing' ? { CallType: 'Outbound' } : {}),
      Description: description(`Date: ${a.occurredAt}\n\n${a.body ?? a.snippet ?? ''}`.trim(), a.id),
      ...whoWhat(a.contactIds, a.companyIds ?? [], linked),
    };
  }
  if (kind === 'meeting') {
    const a = rec as Activity;
    const start = new Date(a.occurredAt).getTime();
    const attendees = (a.participants ?? []).map(participantLabel).filter(Boolean);
    const text = [attendees.length ? `Attendees: ${attendees.join(', ')}` : '', a.body ?? a.snippet ?? ''].filter(Boolean).join('\n\n');
    return {
      Subject: clamp('Subject', a.subject) ?? 'Meeting',
      StartDateTime: new Date(start).toISOString(),
      EndDateTime: new Date(start + (a.durationMinutes ?? 0) * 60_000).toISOString(),
      Description: description(text, a.id),
      ...whoWhat(a.contactIds, a.companyIds ?? [], linked),
    };
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
