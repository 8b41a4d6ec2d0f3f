// Pulling what changed since the cursor, oldest change first: contacts, and (when asked) tasks with
// the contacts they are associated with.
import type { Task } from '../../storage/schema';
import type { ConnectorContext, PullOptions, PullResult, RemoteItem, RemoteTask } from '../types';
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

interface Cursors {
  contacts: TypeCursor;
  tasks: TypeCursor;
  /** Deals (`d`) and tickets (`i`); absent: never pulled, start from the beginning. */
  deals?: TypeCursor;
  tickets?: TypeCursor;
}

function decodeCursor(cursor: string | undefined): Cursors {
  if (!cursor) return { contacts: { x: [] }, tasks: { x: [] } };
  try {
    const c = JSON.parse(cursor) as Partial<TypeCursor> & { k?: Partial<TypeCursor>; d?: Partial<TypeCursor>; i?: Partial<TypeCursor> };
    return {
      contacts: typeCursor(c),
      tasks: typeCursor(c.k),
      ...(c.d ? { deals: typeCursor(c.d) } : {}),
      ...(c.i ? { tickets: typeCursor(c.i) } : {}),
    };
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

const DEAL_PROPERTIES = ['dealname', 'pipeline', 'dealstage', 'amount', 'deal_currency_code', 'closedate'];
const TICKET_PROPERTIES = ['subject', 'hs_pipeline', 'hs_pipeline_stage'];

/** A HubSpot deal or ticket as the pull hands it over. */
export function remoteItem(kind: 'deal' | 'case', o: HsObject, idProperty: string): RemoteItem {
  const p = o.properties;
  const ms = (v: string | null | undefined) => {
    const t = toMs(v);
    return Number.isNaN(t) ? undefined : new Date(t).toISOString();
  };
  const amount = p.amount !== undefined && p.amount !== null && p.amount !== '' ? Number(p.amount) : undefined;
  const closeDate = ms(p.closedate);
  const updatedAt = ms(p.hs_lastmodifieddate);
  const pipelineId = kind === 'deal' ? p.pipeline : p.hs_pipeline;
  const title = (kind === 'deal' ? p.dealname : p.subject)?.trim();
  return {
    remoteId: o.id,
    kind,
    remoteStageId: String((kind === 'deal' ? p.dealstage : p.hs_pipeline_stage) ?? ''),
    ...(pipelineId ? { remotePipelineId: pipelineId } : {}),
    ...(title ? { title } : {}),
    ...(kind === 'deal' && amount !== undefined && Number.isFinite(amount) ? { amount } : {}),
    ...(kind === 'deal' && p.deal_currency_code ? { currency: p.deal_currency_code } : {}),
    ...(kind === 'deal' && closeDate ? { closeDate } : {}),
    ...(updatedAt ? { updatedAt } : {}),
    ...(p[idProperty] ? { localId: p[idProperty] } : {}),
  };
}

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
  const idProperty = ctx.config.rapportIdProperty || DEFAULT_RAPPORT_ID_PROPERTY;
  const next: Record<string, unknown> = { ...people.next };
  // Deals and tickets changed there, from the beginning on a first pull (only those linked here are
  // applied: sync/pull-items.ts; a change made there before the first pull is not missed).
  for (const kind of (opts.items ?? []).filter((k): k is 'deal' | 'case' => k === 'deal' || k === 'case')) {
    const type = kind === 'deal' ? 'deals' : 'tickets';
    const start = cur[type] ?? { x: [] };
    const page = await changedSince(client, type, 'hs_lastmodifieddate', start, [
      ...(kind === 'deal' ? DEAL_PROPERTIES : TICKET_PROPERTIES),
      idProperty,
    ]);
    result.items = [...(result.items ?? []), ...page.rows.map((o) => remoteItem(kind, o, idProperty))];
    next[kind === 'deal' ? 'd' : 'i'] = page.next;
    result.more ||= page.more;
  }
  result.cursor = JSON.stringify(next);
  if (!opts.tasks) return result;
  // Tasks changed since their own cursor; the Rapport id (when the portal has the property) names a
  // task Rapport itself created, so that it is linked, not pulled as a new one.
  const tasks = await changedSince(client, 'tasks', 'hs_lastmodifieddate', cur.tasks, [...TASK_PROPERTIES, idProperty]);
  const assoc = await associated(
    client,
    'tasks',
    'contacts',
    tasks.rows.map((o) => o.id),
  );
  result.tasks = tasks.rows.map((o) => remoteTask(o, [...(assoc.get(o.id) ?? [])], idProperty));
  result.cursor = JSON.stringify({ ...next, k: tasks.next });
  result.more ||= tasks.more;
  return result;
}
