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

/** A task as a v2 activity of type `task`, linked through `participants` (`person_id` is read-only in v2). */
export function activityBody(t: Task, linked: PushItem['linked']): Record<string, unknown> {
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
