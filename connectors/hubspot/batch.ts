// One push batch, shared by contacts, companies and engagements: items grouped by record, the record an
// item carries, and the write of contacts and companies (update what HubSpot lacks, else create) with
// the settling of every item from the answers.
import { fail, ok, type Outcomes } from '../outcomes';
import type { PushItem } from '../types';
import type { HsObject, HsObjectType, HubspotClient, WriteInput } from './client';
import { fillEmpty } from './mapping';
import { existingIdOf } from './rapport-id';

/** Items sharing a key (same record pushed twice in one batch) are written once. */
export function groupBy<T>(list: T[], key: (t: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const t of list) groups.set(key(t), [...(groups.get(key(t)) ?? []), t]);
  return groups;
}

export function recordOf(item: PushItem, kinds: PushItem['item']['kind'][]): PushItem['item']['record'] | undefined {
  return kinds.includes(item.item.kind) ? item.item.record : undefined;
}

/** The items of one record, the properties Rapport would write, and the HubSpot record found for them. */
export interface RecordWork {
  items: PushItem[];
  props: Record<string, string>;
  remote?: HsObject;
}

/**
 * Writes each group: a batch/update of the properties its HubSpot record lacks (principle 6), else a
 * batch/upsert when `upsert` gives a unique key for it, else a batch/create (with `onCreate`'s extra
 * properties: the Rapport id). Every item is settled with the written (or found, when nothing needed
 * writing) record's id or its write error; a create refused because its unique Rapport id is taken
 * settles with the record holding it. The returned map gives each group's remote id.
 */
export async function writeAndSettle<W extends RecordWork>(
  client: HubspotClient,
  type: HsObjectType,
  work: W[],
  outcomes: Outcomes,
  upsert?: (w: W) => { idProperty: string; id: string } | undefined,
  onCreate?: (w: W) => Record<string, string>,
): Promise<Map<W, string | undefined>> {
  const updates: WriteInput[] = [];
  const upserts: WriteInput[] = [];
  const creates: WriteInput[] = [];
  const byTrace = new Map<string, W>();
  for (const w of work) {
    const trace = w.items[0].entryId;
    byTrace.set(trace, w);
    const key = w.remote ? undefined : upsert?.(w);
    if (w.remote) {
      const diff = fillEmpty(w.props, w.remote.properties);
      if (Object.keys(diff).length > 0) updates.push({ trace, body: { id: w.remote.id, properties: diff } });
    } else if (key) {
      upserts.push({ trace, body: { ...key, properties: w.props } });
    } else {
      creates.push({ trace, body: { properties: { ...w.props, ...onCreate?.(w) } } });
    }
  }
  const written = new Map([
    ...(updates.length ? await client.batchWrite(type, 'update', updates) : []),
    ...(upserts.length ? await client.batchWrite(type, 'upsert', upserts) : []),
    ...(creates.length ? await client.batchWrite(type, 'create', creates) : []),
  ]);

  const remoteIds = new Map<W, string | undefined>();
  for (const [trace, w] of byTrace) {
    const result = written.get(trace);
    const remoteId = result ? (result.ok ? result.object.id : existingIdOf(result.error)) : w.remote?.id;
    for (const item of w.items) {
      if (remoteId) ok(outcomes, item, remoteId);
      else if (result && !result.ok) fail(outcomes, item, result.error);
    }
    remoteIds.set(w, remoteId);
  }
  return remoteIds;
}
