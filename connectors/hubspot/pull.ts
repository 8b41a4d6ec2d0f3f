// Pulling contacts changed since the cursor, oldest change first.
import type { ConnectorContext, PullResult } from '../types';
import { HubspotClient, type HsObject } from './client';
import type { HubspotConfig } from './config';
import { contactFromProperties, effectiveMapping, mappedProperties, toMs } from './mapping';

/**
 * Pull cursor: `{t, x, a}` = last seen lastmodifieddate (ms), the ids already returned at exactly
 * that instant, and an offset used only when a whole page shares one instant. The query is
 * `lastmodifieddate GTE t` minus `x`, so records sharing the boundary millisecond are neither lost
 * (as with GT) nor returned twice.
 */
interface PullCursor {
  t?: number;
  x: string[];
  a?: number;
}

function decodeCursor(cursor: string | undefined): PullCursor {
  if (!cursor) return { x: [] };
  try {
    const c = JSON.parse(cursor) as Partial<PullCursor>;
    return {
      t: typeof c.t === 'number' ? c.t : undefined,
      x: Array.isArray(c.x) ? c.x.map(String) : [],
      a: typeof c.a === 'number' ? c.a : undefined,
    };
  } catch {
    const t = toMs(cursor);
    return Number.isNaN(t) ? { x: [] } : { t, x: [] };
  }
}

export async function pull(ctx: ConnectorContext<HubspotConfig>, cursor: string | undefined): Promise<PullResult> {
  const client = new HubspotClient(ctx);
  const mapping = effectiveMapping(ctx.fieldMapping);
  const cur = decodeCursor(cursor);
  const res = await client.search('contacts', {
    filterGroups: cur.t === undefined ? [] : [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: String(cur.t) }] }],
    sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
    properties: [...new Set([...mappedProperties(mapping), 'lastmodifieddate', 'hs_additional_emails'])],
    limit: 100,
    ...(cur.a ? { after: String(cur.a) } : {}),
  });
  const rows = res.results ?? [];
  const ts = (o: HsObject) => toMs(o.properties.lastmodifieddate ?? o.updatedAt);
  const seen = new Set(cur.x);
  const fresh = rows.filter((o) => !(ts(o) === cur.t && seen.has(o.id)));
  const full = Boolean(res.paging?.next?.after);

  let next: PullCursor = cur;
  let more = false;
  if (rows.length > 0) {
    const lastTs = ts(rows[rows.length - 1]);
    if (lastTs === cur.t) {
      // The whole page shares the boundary instant: page through it by offset.
      const offset = (cur.a ?? 0) + rows.length;
      next = { t: cur.t, x: [...new Set([...cur.x, ...rows.map((o) => o.id)])], ...(full && offset < 9_900 ? { a: offset } : {}) };
      more = full && offset < 9_900;
    } else {
      next = { t: lastTs, x: rows.filter((o) => ts(o) === lastTs).map((o) => o.id) };
      more = full;
    }
  }
  return {
    contacts: fresh.map((o) => ({ remoteId: o.id, contact: contactFromProperties(o.properties, mapping) })),
    cursor: JSON.stringify(next),
    more,
  };
}
