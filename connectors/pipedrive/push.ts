// Pushing one record: a person, an organization, a note (logged emails and notes) or an activity (tasks,
// calls, meetings); deleting what was pushed.
// A known remote id is updated in place; otherwise what an earlier attempt or another client created
// is looked for first (persons by email or exact name, organizations by name, notes and activities by
// their marker), then created. Search lags creates: a retry it missed also reads the newest persons or
// organizations (recent.ts).
import type { Activity, Company, Contact, Task } from '../../storage/schema';
import { emailKey } from '../http';
import { oldest } from '../outcomes';
import { ConnectorError, type ConnectorContext, type PushItem } from '../types';
import type { PdActivity, PdNote, PdOrganization, PdPerson, PdSearchItem, PipedriveClient } from './client';
import type { PipedriveConfig } from './config';
import { MARKER, activityBody, fillEmpty, interactionBody, mappingOf, noteContent, personBody, v1Time } from './mapping';
import { findAmongRecent } from './recent';

/** Pages of notes or activities scanned for a marker (100 each, newest first). */
const SCAN_PAGES = 5;

// ---------- contacts ----------

async function findPerson(client: PipedriveClient, c: Contact, retry: boolean): Promise<PdPerson | null> {
  const email = emailKey(c.emails[0]);
  const name = c.name?.trim();
  if (!email && !name) return null;
  const items = email
    ? await client.search<PdSearchItem>('persons', email, 'email')
    : await client.search<PdSearchItem>('persons', name as string, 'name');
  const sameName = (n: string) => n.trim().toLowerCase() === (name ?? '').toLowerCase();
  const hit = oldest(
    items.filter((i) => (email ? (i.emails ?? []).some((e) => emailKey(e) === email) : sameName(i.name) && (i.emails ?? []).length === 0)),
  );
  if (hit) return client.getOrNull<PdPerson>(`/api/v2/persons/${hit.id}`);
  if (!retry) return null;
  const emailsOf = (p: PdPerson) => (p.emails ?? []).map((e) => emailKey(e.value)).filter(Boolean);
  return findAmongRecent<PdPerson>(client, 'persons', (p) =>
    email ? emailsOf(p).includes(email) : sameName(p.name ?? '') && emailsOf(p).length === 0,
  );
}

export async function pushContact(
  client: PipedriveClient,
  ctx: ConnectorContext<PipedriveConfig>,
  item: PushItem,
  c: Contact,
): Promise<number> {
  const linkedOrg = c.companyId ? item.linked.companies[c.companyId] : undefined;
  const wanted = personBody(c, mappingOf(ctx.fieldMapping), linkedOrg ? Number(linkedOrg) : undefined);
  let existing = item.remoteId ? await client.getOrNull<PdPerson>(`/api/v2/persons/${encodeURIComponent(item.remoteId)}`) : null;
  existing ??= await findPerson(client, c, !item.firstSend);
  if (!existing) return (await client.request<PdPerson>('POST', '/api/v2/persons', { body: wanted })).data.id;
  const patch = fillEmpty(existing, wanted);
  if (Object.keys(patch).length > 0) await client.request('PATCH', `/api/v2/persons/${existing.id}`, { body: patch });
  return existing.id;
}

// ---------- companies ----------

export async function pushCompany(client: PipedriveClient, item: PushItem, co: Company): Promise<number> {
  const name = co.name.trim();
  if (!name) throw new ConnectorError('A Pipedrive organization needs a name', 'validation');
  let existing = item.remoteId
    ? await client.getOrNull<PdOrganization>(`/api/v2/organizations/${encodeURIComponent(item.remoteId)}`)
    : null;
  const sameName = (o: PdOrganization) => o.name.trim().toLowerCase() === name.toLowerCase();
  if (!existing) {
    const items = await client.search<PdOrganization>('organizations', name, 'name');
    existing = oldest(items.filter(sameName)) ?? null;
  }
  if (!existing && !item.firstSend) existing = await findAmongRecent<PdOrganization>(client, 'organizations', sameName);
  const address = co.location?.trim();
  if (!existing) {
    return (
      await client.request<PdOrganization>('POST', '/api/v2/organizations', {
        body: { name, ...(address ? { address: { value: address } } : {}) },
      })
    ).data.id;
  }
  if (address && !existing.address?.value) {
    await client.request('PATCH', `/api/v2/organizations/${existing.id}`, { body: { address: { value: address } } });
  }
  return existing.id;
}

// ---------- notes (logged emails and notes) ----------

function firstLinked(ids: string[], linked: Record<string, string>): number | undefined {
  for (const id of ids) if (linked[id]) return Number(linked[id]);
  return undefined;
}

async function findNoteWithMarker(
  client: PipedriveClient,
  owner: { person_id?: number; org_id?: number },
  marker: string,
): Promise<number | undefined> {
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

export async function pushNote(client: PipedriveClient, item: PushItem, a: Activity): Promise<number> {
  const content = noteContent(a);
  if (item.remoteId) {
    const existing = await client.getOrNull<PdNote>(`/api/v1/notes/${encodeURIComponent(item.remoteId)}`);
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
  const body = {
    content,
    ...(personId !== undefined ? { person_id: personId } : {}),
    ...(orgId !== undefined ? { org_id: orgId } : {}),
    add_time: v1Time(a.occurredAt),
  };
  return (await client.request<PdNote>('POST', '/api/v1/notes', { body })).data.id;
}

// ---------- tasks → activities ----------

async function findActivityWithMarker(
  client: PipedriveClient,
  owner: { person_id?: number; org_id?: number },
  marker: string,
): Promise<number | undefined> {
  let cursor: string | undefined;
  for (let page = 0; page < SCAN_PAGES; page++) {
    const res = await client.get<PdActivity[] | null>('/api/v2/activities', {
      ...owner,
      limit: 100,
      sort_by: 'id',
      sort_direction: 'desc',
      cursor,
    });
    const hit = (res.data ?? []).find((act) => (act.note ?? '').includes(marker));
    if (hit) return hit.id;
    cursor = res.additional_data?.next_cursor ?? undefined;
    if (!cursor) return undefined;
  }
  return undefined;
}

/** A task, call or meeting as an activity (see mapping.ts): updated in place, found by its marker, or created. */
export async function pushActivity(client: PipedriveClient, item: PushItem, rec: Task | Activity): Promise<number> {
  const body = 'title' in rec ? activityBody(rec, item.linked) : interactionBody(rec, item.linked);
  if (item.remoteId) {
    const existing = await client.getOrNull<PdActivity>(`/api/v2/activities/${encodeURIComponent(item.remoteId)}`);
    if (!existing) throw new ConnectorError(`Pipedrive activity ${item.remoteId} no longer exists`, 'not-found', 404);
    await client.request('PATCH', `/api/v2/activities/${existing.id}`, { body });
    return existing.id;
  }
  const people = body.participants as { person_id: number }[];
  const orgId = body.org_id as number | undefined;
  if (people.length === 0 && orgId === undefined) {
    throw new ConnectorError('None of the contacts or companies of this record is synced to Pipedrive yet', 'not-found');
  }
  const owner = people.length > 0 ? { person_id: people[0].person_id } : { org_id: orgId };
  const found = item.firstSend ? undefined : await findActivityWithMarker(client, owner, MARKER(rec.id));
  if (found !== undefined) return found;
  return (await client.request<PdActivity>('POST', '/api/v2/activities', { body })).data.id;
}

/**
 * Deletes what Rapport wrote for a record deleted here: a note (a logged e-mail or a note) through
 * v1, an activity (task, call, meeting) through v2 (Pipedrive keeps deleted activities 30 days). A
 * record already gone counts as deleted.
 */
export async function deleteRemote(
  client: PipedriveClient,
  kind: 'email' | 'note' | 'call' | 'meeting' | 'task',
  remoteId: string,
): Promise<void> {
  const path =
    kind === 'email' || kind === 'note'
      ? `/api/v1/notes/${encodeURIComponent(remoteId)}`
      : `/api/v2/activities/${encodeURIComponent(remoteId)}`;
  try {
    await client.request('DELETE', path);
  } catch (err) {
    if (!(err instanceof ConnectorError && err.kind === 'not-found')) throw err;
  }
}
