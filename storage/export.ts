// The export format of docs/architecture.md, written in pieces so a large database never becomes one string.
// Its restore is in restore.ts.
import { type RapportDB, getDb } from './db';
import { publicRecord } from './records';
import type { Activity, Company, Contact, Deal, Task } from './schema';
import { EXPORT_FORMAT, EXPORT_VERSION } from './schema';
import { getSettings } from './settings';

export const SECTIONS = ['contacts', 'companies', 'activities', 'tasks', 'deals'] as const;
export type Section = (typeof SECTIONS)[number];
const PAGE = 5000;

/** Yields the export file as string parts (for `new Blob(parts)`), a page of records at a time. */
export async function* exportParts(db: RapportDB = getDb(), exportedAt = new Date().toISOString()): AsyncGenerator<string> {
  yield `{"format":${JSON.stringify(EXPORT_FORMAT)},"version":${EXPORT_VERSION},"exportedAt":${JSON.stringify(exportedAt)}`;
  // Settings hold the rules and privacy lists, never a secret (tokens live in the secrets table, which
  // is not exported). Version 1 readers ignore the extra member.
  yield `,"settings":${JSON.stringify(await getSettings(db))}`;
  for (const section of SECTIONS) {
    yield `,${JSON.stringify(section)}:[`;
    const table = db.table(section);
    let first = true;
    let offset = 0;
    for (;;) {
      // Numbered tables page by their primary key order; tasks/deals by id.
      const rows = await table.orderBy(':id').offset(offset).limit(PAGE).toArray();
      if (!rows.length) break;
      offset += rows.length;
      const text = rows.map((r: { n?: number }) => JSON.stringify(publicRecord(r))).join(',');
      yield (first ? '' : ',') + text;
      first = false;
      if (rows.length < PAGE) break;
    }
    yield ']';
  }
  // Where merged-away people went (storage/merge.ts): an id in another file or tool still finds its
  // person. An extra member, like settings: readers that do not know it ignore it.
  const redirects = await db.redirects.toArray();
  yield `,"redirects":${JSON.stringify(redirects.map(({ from, to, at }) => ({ from, to, at })))}`;
  yield '}';
}

export function exportFileName(date = new Date()): string {
  return `rapport-export-${date.toISOString().slice(0, 10)}.json`;
}

export interface ValidatedExport {
  contacts: Contact[];
  companies: Company[];
  activities: Activity[];
  tasks: Task[];
  deals: Deal[];
}
