// Local records ↔ Pipedrive bodies: persons (with the field mapping), notes (logged emails and notes)
// and task activities, each note and activity ending with the marker that finds it again.
import type { Activity, Contact, Participant, Task } from '../../storage/schema';
import { emailKey, escapeHtml, participantLabel } from '../http';
import type { PushItem } from '../types';
import type { PdLabeled, PdPerson } from './client';

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

/** The idempotency marker at the end of every note and activity Rapport writes. */
export const MARKER = (id: string) => `[rapport:${id}]`;

export function mappingOf(fieldMapping: Record<string, string>): Record<string, string> {
  return { ...PIPEDRIVE_DEFAULT_MAPPING, ...fieldMapping };
}

function labeled(values: string[]): PdLabeled[] {
  return values.map((value, i) => ({ value, primary: i === 0, label: 'work' }));
}

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

/** The body of a person as Rapport would write it. */
export function personBody(c: Contact, mapping: Record<string, string>, orgId: number | undefined): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const custom: Record<string, string> = {};
  const name = c.name?.trim() || [c.firstName, c.lastName].filter(Boolean).join(' ') || c.emails[0] || 'Unknown';
  for (const [field, target] of Object.entries(mapping)) {
    if (!target) continue;
    let value: unknown;
    if (field === 'name') value = name;
    else if (field === 'emails')
      value = c.emails.length ? labeled([...new Set(c.emails.map(emailKey).filter((e): e is string => !!e))]) : undefined;
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
export function fillEmpty(existing: PdPerson, wanted: Record<string, unknown>): Record<string, unknown> {
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

export function personToContact(p: PdPerson, mapping: Record<string, string>): Partial<Contact> & { emails: string[] } {
  const sortPrimary = (list: PdLabeled[] | undefined) =>
    [...(list ?? [])]
      .sort((a, b) => Number(Boolean(b.primary)) - Number(Boolean(a.primary)))
      .map((e) => e.value)
      .filter(Boolean);
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
    const list = ps
      .filter((p) => p.role === role)
      .map(participantLabel)
      .filter(Boolean);
    return list.length ? `${label}: ${escapeHtml(list.join(', '))}` : '';
  };
  const heading = a.direction === 'incoming' ? 'Email received' : 'Email sent';
  const meta = [line('From', 'from'), line('To', 'to'), line('Cc', 'cc'), `Date: ${utc(a.occurredAt)}`].filter(Boolean).join('<br>');
  return `<p><b>${heading}: ${escapeHtml(a.subject ?? '(no subject)')}</b></p><p>${meta}</p><p>${body}</p>${marker}`;
}

/** v1 add_time: "YYYY-MM-DD HH:MM:SS" in UTC. */
export function v1Time(iso: string): string {
  return new Date(iso).toISOString().slice(0, 19).replace('T', ' ');
}

/** "HH:MM" of a number of minutes (Pipedrive's activity `duration`). */
export function hhmm(minutes: number): string {
  const m = Math.max(0, Math.min(minutes, 24 * 60 - 1));
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** due_date / due_time: Pipedrive keeps an activity's time in UTC. */
function dueFields(iso: string | undefined): Record<string, string> {
  if (!iso) return {};
  const due = new Date(iso).toISOString();
  return { due_date: due.slice(0, 10), due_time: due.slice(11, 16) };
}

function participantsOf(contactIds: string[], linked: PushItem['linked']): { person_id: number; primary: boolean }[] {
  const people = [...new Set(contactIds.map((id) => linked.contacts[id]).filter(Boolean))];
  return people.map((id, i) => ({ person_id: Number(id), primary: i === 0 }));
}

function orgOf(companyIds: (string | undefined)[], linked: PushItem['linked']): { org_id?: number } {
  const org = companyIds.map((id) => (id ? linked.companies[id] : undefined)).find(Boolean);
  return org ? { org_id: Number(org) } : {};
}

const paragraphs = (lines: (string | undefined)[]) =>
  lines
    .filter((l): l is string => !!l)
    .map((l) => `<p>${escapeHtml(l)}</p>`)
    .join('');

/**
 * A task as a v2 activity of type `task`, linked through `participants` (`person_id` is read-only in
 * v2). Priority is not sent: Pipedrive's activity priorities are a list each company defines.
 */
export function activityBody(t: Task, linked: PushItem['linked']): Record<string, unknown> {
  return {
    subject: t.title,
    type: 'task',
    done: t.done,
    ...dueFields(t.dueAt),
    participants: participantsOf(t.contactIds, linked),
    ...orgOf([t.companyId], linked),
    note: `${paragraphs([t.notes])}<p>${MARKER(t.id)}</p>`,
  };
}

/** A logged call or meeting as a done activity of type `call` / `meeting`, at its time, with its duration. */
export function interactionBody(a: Activity, linked: PushItem['linked']): Record<string, unknown> {
  const attendees = (a.participants ?? []).map(participantLabel).filter(Boolean);
  return {
    subject: a.subject ?? (a.type === 'call' ? 'Call' : 'Meeting'),
    type: a.type === 'call' ? 'call' : 'meeting',
    done: true,
    ...dueFields(a.occurredAt),
    ...(a.durationMinutes !== undefined ? { duration: hhmm(a.durationMinutes) } : {}),
    participants: participantsOf(a.contactIds, linked),
    ...orgOf(a.companyIds ?? [], linked),
    note: `${paragraphs([
      a.outcome && `Outcome: ${a.outcome}`,
      attendees.length ? `Attendees: ${attendees.join(', ')}` : undefined,
      a.body ?? a.snippet,
    ])}<p>${MARKER(a.id)}</p>`,
  };
}
