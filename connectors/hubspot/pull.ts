// Pulling what changed since the cursor, oldest change first: contacts, and (when asked) tasks with
// the contacts they are associated with.
import type { Task } from '../../storage/schema';
import type { ConnectorContext, PullOptions, PullResult, RemoteTask } from '../types';
import { HubspotClient, type HsObject, type HsObjectType } from './client';
import type { HubspotConfig } from './config';
import { associated } from './earlier-creates';
import { contactFromProperties, effectiveMapping, htmlText, mappedProperties, toMs } from './mapping';
import { DEFAULT_RAPPORT_ID_PROPERTY } from './rapport-id';

/**
 * Cursor of one object type: `{t, x, a}` = last seen modification date (ms), the ids already
 * returned at exactly that instant, and an offset used only when a whole page shares one instant.
 * The query is `modified GTE t` minus `x`, so records sharing the boundary millisecond are neither
 * lost (as with GT) nor returned twice. The pull cursor is the contacts' one, with the tasks' one
 * under `k` (absent: tasks were never pulled, start from the beginning).
 */
interface TypeCursor {
  t?: number;
  x: string[];
  a?: number;
}

function typeCursor(c: Partial<TypeCursor> | undefined): TypeCursor {
  return {
    t: typeof c?.t === 'number' ? c.t : undefined,
    x: Array.isArray(c?.x) ? c.x.map(String) : [],
    a: typeof c?.a === 'number' ? c.a : undefined,
  };
}

function decodeCursor(cursor: string | undefined): { contacts: TypeCursor; tasks: TypeCursor } {
  if (!cursor) return { contacts: { x: [] }, tasks: { x: [] } };
  try {
    const c = JSON.parse(cursor) as Partial<TypeCursor> & { k?: Partial<TypeCursor> };
    return { contacts: typeCursor(c), tasks: typeCursor(c.k) };
  } catch {
    const t = toMs(cursor);
    return { contacts: Number.isNaN(t) ? { x: [] } : { t, x: [] }, tasks: { x: [] } };
  }
}

/** One page of `type` changed since `cur` (see TypeCursor), with the cursor after it. */
async function changedSince(
  client: HubspotClient,
  type: HsObjectType,
  modified: string,
  cur: TypeCursor,
  properties: string[],
): Promise<{ rows: HsObject[]; next: TypeCursor; more: boolean }> {
  const res = await client.search(type, {
    filterGroups: cur.t === undefined ? [] : [{ filters: [{ propertyName: modified, operator: 'GTE', value: String(cur.t) }] }],
    sorts: [{ propertyName: modified, direction: 'ASCENDING' }],
    properties: [...new Set([...properties, modified])],
    limit: 100,
    ...(cur.a ? { after: String(cur.a) } : {}),
  });
  const rows = res.results ?? [];
  const ts = (o: HsObject) => toMs(o.properties[modified] ?? o.updatedAt);
  const seen = new Set(cur.x);
  const fresh = rows.filter((o) => !(ts(o) === cur.t && seen.has(o.id)));
  const full = Boolean(res.paging?.next?.after);
  if (rows.length === 0) return { rows: fresh, next: cur, more: false };
  const lastTs = ts(rows[rows.length - 1]);
  if (lastTs === cur.t) {
    // The whole page shares the boundary instant: page through it by offset.
    const offset = (cur.a ?? 0) + rows.length;
    const more = full && offset < 9_900;
    return { rows: fresh, next: { t: cur.t, x: [...new Set([...cur.x, ...rows.map((o) => o.id)])], ...(more ? { a: offset } : {}) }, more };
  }
  return { rows: fresh, next: { t: lastTs, x: rows.filter((o) => ts(o) === lastTs).map((o) => o.id) }, more: full };
}

const PRIORITY: Record<string, Task['priority']> = { LOW: 'low', MEDIUM: 'normal', HIGH: 'high' };

/** A HubSpot task as the pull hands it over (its people by their HubSpot ids). */
export function remoteTask(o: HsObject, contactIds: string[], idProperty: string): RemoteTask {
  const p = o.properties;
  const iso = (v: string | null | undefined) => {
    const ms = toMs(v);
    return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
  };
  const notes = htmlText(p.hs_task_body);
  const priority = p.hs_task_priority ? PRIORITY[p.hs_task_priority] : undefined;
  const done = p.hs_task_status === 'COMPLETED';
  const dueAt = iso(p.hs_timestamp);
  const completedAt = done ? iso(p.hs_task_completion_date) : undefined;
  const updatedAt = iso(p.hs_lastmodifieddate);
  return {
    remoteId: o.id,
    title: (p.hs_task_subject ?? '').trim() || 'Task',
    done,
    contactRemoteIds: contactIds,
    ...(notes ? { notes } : {}),
    ...(dueAt ? { dueAt } : {}),
    ...(completedAt ? { completedAt } : {}),
    ...(priority ? { priority } : {}),
    ...(updatedAt ? { updatedAt } : {}),
    ...(p[idProperty] ? { localId: p[idProperty] } : {}),
  };
}

const TASK_PROPERTIES = [
  'hs_task_subject',
  'hs_task_body',
  'hs_task_status',
  'hs_task_priority',
  'hs_timestamp',
  'hs_task_completion_date',
];

export async function pull(ctx: ConnectorContext<HubspotConfig>, cursor: string | undefined, opts: PullOptions = {}): Promise<PullResult> {
  const client = new HubspotClient(ctx);
  const mapping = effectiveMapping(ctx.fieldMapping);
  const cur = decodeCursor(cursor);
  const people = await changedSince(client, 'contacts', 'lastmodifieddate', cur.contacts, [
    ...mappedProperties(mapping),
    'hs_additional_emails',
  ]);
  const result: PullResult = {
    contacts: people.rows.map((o) => ({ remoteId: o.id, contact: contactFromProperties(o.properties, mapping) })),
    cursor: JSON.stringify(people.next),
    more: people.more,
  };
  if (!opts.tasks) return result;
  // Tasks changed since their own cursor; the Rapport id (when the portal has the property) names a
  // task Rapport itself created, so that it is linked, not pulled as a new one.
  const idProperty = ctx.config.rapportIdProperty || DEFAULT_RAPPORT_ID_PROPERTY;
  const tasks = await changedSince(client, 'tasks', 'hs_lastmodifieddate', cur.tasks, [...TASK_PROPERTIES, idProperty]);
  const assoc = await associated(
    client,
    'tasks',
    'contacts',
    tasks.rows.map((o) => o.id),
  );
  result.tasks = tasks.rows.map((o) => remoteTask(o, [...(assoc.get(o.id) ?? [])], idProperty));
  result.cursor = JSON.stringify({ ...people.next, k: tasks.next });
  result.more = people.more || tasks.more;
  return result;
}
