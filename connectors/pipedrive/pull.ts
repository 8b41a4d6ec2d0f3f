// Pulling persons changed since the cursor, oldest change first; and (when asked) activities of type
// `task` with the persons they involve, and deals (pipeline items) where they stand now.
import type { ConnectorContext, PullOptions, PullResult, RemoteTask } from '../types';
import { PipedriveClient, type PdActivity, type PdPerson } from './client';
import type { PipedriveConfig } from './config';
import { remoteDeal, type PdDeal } from './deals';
import { mappingOf, personToContact } from './mapping';

/**
 * Cursor of one list `{s, x, c}`: `updated_since` (inclusive, second precision in v2), the ids already
 * returned with exactly that update_time, and Pipedrive's `next_cursor` used only while a whole page
 * shares one instant. Records sharing the boundary second are neither lost nor repeated. The pull
 * cursor is the persons' one, with the activities' one under `k` and the deals' under `d` (absent:
 * start from the beginning).
 */
interface ListCursor {
  s?: string;
  x: number[];
  c?: string;
}

function listCursor(v: Partial<ListCursor> | undefined): ListCursor {
  return {
    s: typeof v?.s === 'string' ? v.s : undefined,
    x: Array.isArray(v?.x) ? v.x.map(Number) : [],
    c: typeof v?.c === 'string' ? v.c : undefined,
  };
}

interface Cursors {
  persons: ListCursor;
  activities: ListCursor;
  deals: ListCursor;
}

function decodeCursor(cursor: string | undefined): Cursors {
  if (!cursor) return { persons: { x: [] }, activities: { x: [] }, deals: { x: [] } };
  try {
    const v = JSON.parse(cursor) as Partial<ListCursor> & { k?: Partial<ListCursor>; d?: Partial<ListCursor> };
    return { persons: listCursor(v), activities: listCursor(v.k), deals: listCursor(v.d) };
  } catch {
    return { persons: Number.isNaN(Date.parse(cursor)) ? { x: [] } : { s: cursor, x: [] }, activities: { x: [] }, deals: { x: [] } };
  }
}

/** The cursor string: the persons' list, the activities' (`k`) and deals' (`d`) when they were pulled or known. */
function encodeCursor(c: { persons: ListCursor; activities?: ListCursor; deals?: ListCursor }): string {
  const known = (l: ListCursor | undefined) => l && (l.s !== undefined || l.c !== undefined || l.x.length > 0);
  return JSON.stringify({ ...c.persons, ...(known(c.activities) ? { k: c.activities } : {}), ...(known(c.deals) ? { d: c.deals } : {}) });
}

interface Listed {
  id: number;
  update_time?: string;
}

/** One page of `path` changed since `cur`, with the cursor after it. */
async function changedSince<T extends Listed>(
  client: PipedriveClient,
  path: string,
  cur: ListCursor,
): Promise<{ rows: T[]; next: ListCursor; more: boolean }> {
  const res = await client.get<T[] | null>(path, {
    updated_since: cur.s,
    sort_by: 'update_time',
    sort_direction: 'asc',
    limit: 100,
    cursor: cur.c,
  });
  const rows = res.data ?? [];
  const nextCursor = res.additional_data?.next_cursor ?? undefined;
  const at = (p: T) => (p.update_time ? Date.parse(p.update_time) : NaN);
  const sMs = cur.s ? Date.parse(cur.s) : undefined;
  const seen = new Set(cur.x);
  const fresh = rows.filter((p) => !(at(p) === sMs && seen.has(p.id)));
  if (rows.length === 0) return { rows: fresh, next: cur, more: false };
  const last = rows[rows.length - 1];
  if (at(last) === sMs) {
    const next = { s: cur.s, x: [...new Set([...cur.x, ...rows.map((p) => p.id)])], ...(nextCursor ? { c: nextCursor } : {}) };
    return { rows: fresh, next, more: Boolean(nextCursor) };
  }
  return {
    rows: fresh,
    next: { s: last.update_time ?? cur.s, x: rows.filter((p) => at(p) === at(last)).map((p) => p.id) },
    more: Boolean(nextCursor),
  };
}

const MARKER_RE = /\[rapport:([A-Za-z0-9_]{1,100})\]/;

/** Visible text of the activity's HTML note, without Rapport's marker. */
function noteText(html: string | null | undefined): string {
  return (html ?? '')
    .replace(MARKER_RE, ' ')
    .replace(/<br\s*\/?>|<\/p>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+/g, ' ')
    .replace(/\s*\n\s*/g, '\n')
    .trim();
}

/** A Pipedrive task activity as the pull hands it over: due date and time are UTC; a date alone is due at 09:00 UTC. */
export function remoteTask(a: PdActivity): RemoteTask {
  const dueAt = a.due_date ? new Date(`${a.due_date}T${a.due_time ?? '09:00'}:00Z`).toISOString() : undefined;
  const people = [...new Set([...(a.participants ?? []).map((p) => p.person_id), ...(a.person_id ? [a.person_id] : [])])];
  const notes = noteText(a.note);
  const localId = MARKER_RE.exec(a.note ?? '')?.[1];
  const updatedAt = Date.parse(a.update_time ?? '');
  return {
    remoteId: String(a.id),
    title: a.subject?.trim() || 'Task',
    done: !!a.done,
    contactRemoteIds: people.map(String),
    ...(notes ? { notes } : {}),
    ...(dueAt && !Number.isNaN(Date.parse(dueAt)) ? { dueAt } : {}),
    ...(Number.isNaN(updatedAt) ? {} : { updatedAt: new Date(updatedAt).toISOString() }),
    ...(localId ? { localId } : {}),
  };
}

export async function pull(
  ctx: ConnectorContext<PipedriveConfig>,
  cursor: string | undefined,
  opts: PullOptions = {},
): Promise<PullResult> {
  const client = new PipedriveClient(ctx);
  const cur = decodeCursor(cursor);
  const persons = await changedSince<PdPerson>(client, '/api/v2/persons', cur.persons);
  const mapping = mappingOf(ctx.fieldMapping);
  const result: PullResult = {
    contacts: persons.rows.map((p) => ({ remoteId: String(p.id), contact: personToContact(p, mapping) })),
    cursor: '',
    more: persons.more,
  };
  const next: Cursors = { ...cur, persons: persons.next };
  if (opts.tasks) {
    // Activities of type `task` only: calls and meetings Rapport logs are activities too, of their own kinds.
    const activities = await changedSince<PdActivity>(client, '/api/v2/activities', cur.activities);
    result.tasks = activities.rows.filter((a) => a.type === 'task').map(remoteTask);
    next.activities = activities.next;
    result.more ||= activities.more;
  }
  if (opts.items?.includes('deal')) {
    // Deals of every status but deleted (the v2 list's default), won and lost ones included.
    const deals = await changedSince<PdDeal>(client, '/api/v2/deals', cur.deals);
    result.items = deals.rows.map(remoteDeal);
    next.deals = deals.next;
    result.more ||= deals.more;
  }
  result.cursor = encodeCursor(next);
  return result;
}
