// The export format of docs/architecture.md, written in pieces so a large database never becomes one string.
import { type RapportDB, getDb } from './db';
import { emailKeys } from './email-keys';
import { publicRecord, putRecords, writeScope } from './records';
import { Activity, Company, Contact, Deal, EXPORT_FORMAT, EXPORT_VERSION, Task } from './schema';

const SECTIONS = ['contacts', 'companies', 'activities', 'tasks', 'deals'] as const;
export type Section = (typeof SECTIONS)[number];
const PAGE = 5000;

/** Yields the export file as string parts (for `new Blob(parts)`), a page of records at a time. */
export async function* exportParts(db: RapportDB = getDb(), exportedAt = new Date().toISOString()): AsyncGenerator<string> {
  yield `{"format":${JSON.stringify(EXPORT_FORMAT)},"version":${EXPORT_VERSION},"exportedAt":${JSON.stringify(exportedAt)}`;
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

/**
 * Restores validated export records: records are matched by id (replaced when present, added
 * otherwise), so importing the same export twice changes nothing.
 */
export async function restoreExport(
  data: ValidatedExport,
  onProgress?: (done: number, total: number) => void,
  db: RapportDB = getDb(),
): Promise<number> {
  const total = SECTIONS.reduce((s, k) => s + data[k].length, 0);
  let done = 0;
  const BATCH = 10_000;
  for (const [kind, section] of [
    ['company', 'companies'],
    ['contact', 'contacts'],
    ['activity', 'activities'],
  ] as const) {
    // Addresses as identity keys, as every other write stores them (a file may hold any form).
    const rows =
      section === 'contacts'
        ? data.contacts.map((c) => ({ ...c, emails: emailKeys(c.emails) }))
        : (data[section] as (Contact | Company | Activity)[]);
    for (let i = 0; i < rows.length; i += BATCH) {
      const slice = rows.slice(i, i + BATCH);
      await db.transaction('rw', writeScope(db, kind), () => putRecords(db, kind, slice as never));
      done += slice.length;
      onProgress?.(done, total);
    }
  }
  await db.transaction('rw', db.tasks, db.deals, async () => {
    await db.tasks.bulkPut(data.tasks);
    await db.deals.bulkPut(data.deals);
  });
  done += data.tasks.length + data.deals.length;
  onProgress?.(done, total);
  return done;
}
