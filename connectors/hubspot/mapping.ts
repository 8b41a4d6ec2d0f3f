// Local records ↔ HubSpot properties. Pure functions: tested through the contract tests.
import { emailKey, escapeHtml, participantLabel, splitName } from '../http';
import { normalizeEmail } from '../../storage/normalize';
import type { Activity, Company, Contact, Participant, Task } from '../../storage/schema';

/**
 * Local contact field → HubSpot contact property. Array fields use their first value; `firstName`
 * and `lastName` fall back to splitting `name`. A value of '' turns a field off. Any other string
 * field of Contact may be added (e.g. `headline: 'my_headline_property'`).
 */
export const HUBSPOT_DEFAULT_MAPPING: Record<string, string> = {
  firstName: 'firstname',
  lastName: 'lastname',
  emails: 'email',
  title: 'jobtitle',
  company: 'company',
  phones: 'phone',
  location: 'city',
  linkedinUrl: 'hs_linkedin_url',
  stage: 'lifecyclestage',
};

/** Local stage → HubSpot lifecycle stage (internal values). Unlisted stages are not sent. */
const STAGE_TO_LIFECYCLE: Record<string, string> = {
  lead: 'lead',
  contacted: 'lead',
  qualified: 'salesqualifiedlead',
  customer: 'customer',
  churned: 'other',
};
const LIFECYCLE_VALUES = [
  'subscriber',
  'lead',
  'marketingqualifiedlead',
  'salesqualifiedlead',
  'opportunity',
  'customer',
  'evangelist',
  'other',
];
const LIFECYCLE_TO_STAGE: Record<string, string> = {
  subscriber: 'lead',
  lead: 'lead',
  marketingqualifiedlead: 'qualified',
  salesqualifiedlead: 'qualified',
  opportunity: 'qualified',
  customer: 'customer',
  evangelist: 'customer',
};
export const LIFECYCLE_LABELS: Record<string, string> = {
  subscriber: 'Subscriber',
  lead: 'Lead',
  marketingqualifiedlead: 'Marketing Qualified Lead',
  salesqualifiedlead: 'Sales Qualified Lead',
  opportunity: 'Opportunity',
  customer: 'Customer',
  evangelist: 'Evangelist',
  other: 'Other',
};

export function effectiveMapping(mapping: Record<string, string> | undefined): Record<string, string> {
  return { ...HUBSPOT_DEFAULT_MAPPING, ...mapping };
}

/** The properties to read back when comparing with a local contact. */
export function mappedProperties(mapping: Record<string, string>): string[] {
  return [...new Set(Object.values(mapping).filter(Boolean))];
}

/** Canonical form of a LinkedIn profile URL for comparison (no scheme, www, query or trailing slash). */
export function normalizeLinkedin(url: string | undefined | null): string | undefined {
  if (!url) return undefined;
  const s = url
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/^www\./, '')
    .replace(/[?#].*$/, '')
    .replace(/\/+$/, '');
  return s || undefined;
}

/** Values HubSpot may hold for the same profile URL (the IN operator wants exact lowercase values). */
export function linkedinVariants(url: string): string[] {
  const core = normalizeLinkedin(url);
  if (!core) return [];
  return [...new Set([`https://www.${core}/`, `https://www.${core}`, `https://${core}/`, `https://${core}`, url.trim().toLowerCase()])];
}

export function contactProperties(c: Contact, mapping: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  const split = splitName(c.name ?? '');
  const set = (prop: string | undefined, value: string | undefined) => {
    const v = value?.trim();
    if (prop && v) out[prop] = v;
  };
  for (const [field, prop] of Object.entries(mapping)) {
    switch (field) {
      case 'firstName':
        set(prop, c.firstName ?? split.first);
        break;
      case 'lastName':
        set(prop, c.lastName ?? split.last);
        break;
      case 'emails':
        set(prop, emailKey(c.emails[0]));
        break;
      case 'phones':
        set(prop, c.phones[0]);
        break;
      case 'stage': {
        const stage = c.stage?.trim().toLowerCase();
        if (!stage) break;
        if (prop === 'lifecyclestage') set(prop, STAGE_TO_LIFECYCLE[stage] ?? (LIFECYCLE_VALUES.includes(stage) ? stage : undefined));
        else set(prop, c.stage);
        break;
      }
      default: {
        const value = (c as Record<string, unknown>)[field];
        if (typeof value === 'string') set(prop, value);
      }
    }
  }
  return out;
}

export function contactFromProperties(
  props: Record<string, string | null | undefined>,
  mapping: Record<string, string>,
): Partial<Contact> & { emails: string[] } {
  const get = (field: string) => {
    const prop = mapping[field];
    const v = prop ? props[prop] : undefined;
    return v == null || v === '' ? undefined : v;
  };
  const emails = [get('emails'), ...(props.hs_additional_emails ?? '').split(';')]
    .map((e) => normalizeEmail(e))
    .filter((e): e is string => !!e);
  const out: Partial<Contact> & { emails: string[] } = { emails: [...new Set(emails)] };
  const firstName = get('firstName');
  const lastName = get('lastName');
  if (firstName) out.firstName = firstName;
  if (lastName) out.lastName = lastName;
  const name = [firstName, lastName].filter(Boolean).join(' ');
  if (name) out.name = name;
  const phone = get('phones');
  if (phone) out.phones = [phone];
  const stage = get('stage');
  if (stage) {
    const local = mapping.stage === 'lifecyclestage' ? LIFECYCLE_TO_STAGE[stage] : stage;
    if (local) out.stage = local;
  }
  for (const field of Object.keys(mapping)) {
    if (['firstName', 'lastName', 'emails', 'phones', 'stage'].includes(field)) continue;
    const v = get(field);
    if (v) (out as Record<string, unknown>)[field] = v;
  }
  return out;
}

/** Only the properties the CRM does not hold yet (principle 6: the CRM owns what it has). */
export function fillEmpty(local: Record<string, string>, remote: Record<string, string | null | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(local)) {
    const r = remote[k];
    if (r == null || r === '') out[k] = v;
  }
  return out;
}

export function domainOf(company: Company): string | undefined {
  const raw = company.domain || company.website;
  if (!raw) return undefined;
  const host = raw
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/[/?#].*$/, '')
    .replace(/^www\./, '');
  return host || undefined;
}

export function companyProperties(c: Company): Record<string, string> {
  const out: Record<string, string> = {};
  const set = (k: string, v: string | undefined) => {
    if (v?.trim()) out[k] = v.trim();
  };
  set('name', c.name);
  set('domain', domainOf(c));
  set('website', c.website);
  set('city', c.location);
  set('linkedin_company_page', c.linkedinUrl);
  return out;
}

/** A HubSpot timestamp (epoch milliseconds or ISO 8601) in milliseconds; NaN when absent or unreadable. */
export function toMs(value: string | null | undefined): number {
  if (!value) return NaN;
  return /^-?\d+$/.test(value) ? Number(value) : Date.parse(value);
}

export function isoTimestamp(value: string): string {
  return new Date(value).toISOString();
}

function personHeader(p: Participant): { email: string; firstName?: string; lastName?: string } {
  const { first, last } = splitName(p.name ?? '');
  return { email: p.email ?? '', ...(first ? { firstName: first } : {}), ...(last ? { lastName: last } : {}) };
}

/** hs_email_headers: `{"from":{…},"to":[…],"cc":[…],"bcc":[…]}` as HubSpot documents it. */
export function emailHeaders(a: Activity): string {
  const ps = a.participants ?? [];
  const from = ps.find((p) => p.role === 'from');
  const by = (role: Participant['role']) => ps.filter((p) => p.role === role && p.email).map(personHeader);
  return JSON.stringify({ from: from ? personHeader(from) : {}, to: by('to'), cc: by('cc'), bcc: by('bcc') });
}

export function emailProperties(a: Activity): Record<string, string> {
  return {
    hs_timestamp: isoTimestamp(a.occurredAt),
    hs_email_direction: a.direction === 'incoming' ? 'INCOMING_EMAIL' : 'EMAIL',
    hs_email_status: 'SENT',
    hs_email_subject: a.subject ?? '',
    hs_email_text: a.body ?? a.snippet ?? '',
    hs_email_headers: emailHeaders(a),
  };
}

export function noteProperties(a: Activity): Record<string, string> {
  const text = a.body ?? a.snippet ?? '';
  const body = a.subject ? `<strong>${escapeHtml(a.subject)}</strong><br>${escapeHtml(text)}` : escapeHtml(text);
  return { hs_timestamp: isoTimestamp(a.occurredAt), hs_note_body: body };
}

const TASK_PRIORITY: Record<NonNullable<Task['priority']>, string> = { low: 'LOW', normal: 'MEDIUM', high: 'HIGH' };

/**
 * A task: hs_timestamp is its due time (HubSpot's "due date"), done ↔ COMPLETED (HubSpot stamps
 * hs_task_completion_date itself), priority low/normal/high ↔ LOW/MEDIUM/HIGH (none: NONE).
 */
export function taskProperties(t: Task): Record<string, string> {
  return {
    hs_timestamp: isoTimestamp(t.dueAt ?? t.createdAt),
    hs_task_subject: t.title,
    hs_task_body: t.notes ?? '',
    hs_task_status: t.done ? 'COMPLETED' : 'NOT_STARTED',
    hs_task_priority: t.priority ? TASK_PRIORITY[t.priority] : 'NONE',
    hs_task_type: 'TODO',
  };
}

/**
 * Call outcomes Rapport offers → the GUIDs of HubSpot's default call outcomes (the same in every
 * portal). Another outcome (the user's words) is written into the call's notes instead.
 */
export const CALL_DISPOSITION: Record<string, string> = {
  connected: 'f240bbac-87c9-4f6e-bf70-924b57d47db7',
  busy: '9d9162e7-6cf3-4944-bf63-4dff82258764',
  'no-answer': '73a0d17f-1163-4015-bdd5-ec830791da20',
  'left-voicemail': 'b2cf5968-551e-4856-9783-52b3da59a7d0',
  'left-live-message': 'a4c4c377-d246-4b32-a13b-75a56a4cd0ff',
  'wrong-number': '17b47fee-58de-441e-a44c-c6300d46f273',
};

/** A logged call: hs_call_duration in milliseconds, the outcome as a disposition GUID when it is one of HubSpot's. */
export function callProperties(a: Activity): Record<string, string> {
  const disposition = a.outcome ? CALL_DISPOSITION[a.outcome] : undefined;
  const notes = [a.outcome && !disposition ? `Outcome: ${a.outcome}` : '', a.body ?? a.snippet ?? ''].filter(Boolean).join('\n\n');
  return {
    hs_timestamp: isoTimestamp(a.occurredAt),
    hs_call_title: a.subject ?? 'Call',
    hs_call_body: escapeHtml(notes).replace(/\n/g, '<br>'),
    hs_call_status: 'COMPLETED',
    ...(a.durationMinutes !== undefined ? { hs_call_duration: String(a.durationMinutes * 60_000) } : {}),
    ...(disposition ? { hs_call_disposition: disposition } : {}),
    ...(a.direction === 'incoming'
      ? { hs_call_direction: 'INBOUND' }
      : a.direction === 'outgoing'
        ? { hs_call_direction: 'OUTBOUND' }
        : {}),
  };
}

/** A logged meeting: start at its date, end after its duration; attendees listed in the body. */
export function meetingProperties(a: Activity): Record<string, string> {
  const start = new Date(a.occurredAt).getTime();
  const end = start + (a.durationMinutes ?? 0) * 60_000;
  const attendees = (a.participants ?? []).map(participantLabel).filter(Boolean);
  const notes = [attendees.length ? `Attendees: ${attendees.join(', ')}` : '', a.body ?? a.snippet ?? ''].filter(Boolean).join('\n\n');
  return {
    hs_timestamp: isoTimestamp(a.occurredAt),
    hs_meeting_title: a.subject ?? 'Meeting',
    hs_meeting_body: escapeHtml(notes).replace(/\n/g, '<br>'),
    hs_meeting_start_time: new Date(start).toISOString(),
    hs_meeting_end_time: new Date(end).toISOString(),
    hs_meeting_outcome: 'COMPLETED',
  };
}

/** Visible text of an HTML fragment, whitespace collapsed (HubSpot may re-format note HTML). */
export function htmlText(html: string | null | undefined): string {
  return (html ?? '')
    .replace(/<br\s*\/?>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}
