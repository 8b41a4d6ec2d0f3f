// Pipedrive's search is eventually consistent: a person or organization created moments ago (by an
// attempt whose answer was lost) may not be found by it yet. A retry that search missed therefore also
// reads the newest records from the list endpoint (not the search index), back to a window that the
// search index is sure to have caught up with; a window it cannot cover leaves the record for later.
import { oldest } from '../outcomes';
import { ConnectorError } from '../types';
import type { PipedriveClient } from './client';

/** How far back a retry reads the newest records (Pipedrive documents no bound for its index: generous). */
export const recentWindow = { ms: 30_000 };
const PAGE = 100;
const MAX_PAGES = 10;

/** The oldest record created within the window that `matches`, or null; throws transient when the window is too full to read. */
export async function findAmongRecent<T extends { id: number; add_time?: string }>(
  client: PipedriveClient,
  kind: 'persons' | 'organizations',
  matches: (t: T) => boolean,
): Promise<T | null> {
  const found: T[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const { body, serverNow } = await client.getWithServerTime<T[] | null>(`/api/v2/${kind}`, {
      sort_by: 'add_time',
      sort_direction: 'desc',
      limit: PAGE,
      cursor,
    });
    const rows = body.data ?? [];
    found.push(...rows.filter(matches));
    const last = rows.at(-1);
    cursor = body.additional_data?.next_cursor ?? undefined;
    if (!last || !cursor || Date.parse(last.add_time ?? '') < serverNow - recentWindow.ms) return oldest(found) ?? null;
  }
  if (found.length > 0) return oldest(found) ?? null;
  throw new ConnectorError(
    `Pipedrive: too many ${kind} created in the last moments to check them all; trying again once its search has caught up`,
    'transient',
    undefined,
    recentWindow.ms,
  );
}
