// Pulling persons changed since the cursor, oldest change first.
import type { ConnectorContext, PullResult } from '../types';
import { PipedriveClient, type PdPerson } from './client';
import type { PipedriveConfig } from './config';
import { mappingOf, personToContact } from './mapping';

/**
 * Pull cursor `{s, x, c}`: `updated_since` (inclusive, second precision in v2), the ids already
 * returned with exactly that update_time, and Pipedrive's `next_cursor` used only while a whole
 * page shares one instant. Records sharing the boundary second are neither lost nor repeated.
 */
interface PullCursor {
  s?: string;
  x: number[];
  c?: string;
}

function decodeCursor(cursor: string | undefined): PullCursor {
  if (!cursor) return { x: [] };
  try {
    const v = JSON.parse(cursor) as Partial<PullCursor>;
    return {
      s: typeof v.s === 'string' ? v.s : undefined,
      x: Array.isArray(v.x) ? v.x.map(Number) : [],
      c: typeof v.c === 'string' ? v.c : undefined,
    };
  } catch {
    return Number.isNaN(Date.parse(cursor)) ? { x: [] } : { s: cursor, x: [] };
  }
}

export async function pull(ctx: ConnectorContext<PipedriveConfig>, cursor: string | undefined): Promise<PullResult> {
  const client = new PipedriveClient(ctx);
  const cur = decodeCursor(cursor);
  const res = await client.get<PdPerson[] | null>('/api/v2/persons', {
    updated_since: cur.s,
    sort_by: 'update_time',
    sort_direction: 'asc',
    limit: 100,
    cursor: cur.c,
  });
  const rows = res.data ?? [];
  const nextCursor = res.additional_data?.next_cursor ?? undefined;
  const at = (p: PdPerson) => (p.update_time ? Date.parse(p.update_time) : NaN);
  const sMs = cur.s ? Date.parse(cur.s) : undefined;
  const seen = new Set(cur.x);
  const fresh = rows.filter((p) => !(at(p) === sMs && seen.has(p.id)));

  let next: PullCursor = cur;
  let more = false;
  if (rows.length > 0) {
    const last = rows[rows.length - 1];
    if (at(last) === sMs) {
      next = { s: cur.s, x: [...new Set([...cur.x, ...rows.map((p) => p.id)])], ...(nextCursor ? { c: nextCursor } : {}) };
      more = Boolean(nextCursor);
    } else {
      next = { s: last.update_time, x: rows.filter((p) => at(p) === at(last)).map((p) => p.id) };
      more = Boolean(nextCursor);
    }
  }
  const mapping = mappingOf(ctx.fieldMapping);
  return {
    contacts: fresh.map((p) => ({ remoteId: String(p.id), contact: personToContact(p, mapping) })),
    cursor: JSON.stringify(next),
    more,
  };
}
