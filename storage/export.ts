// The export format of docs/architecture.md, written in pieces so a large database never becomes one string,
// and its restore: batch by batch, each batch one transaction with its outbox entries.
import { type IndexKind, type RapportDB, getDb } from './db';
import { normalizeEmail } from './normalize';
import { activityChanges, enqueue, outboxScope, type Change } from './outbox';
import { publicRecord, putRecords, writeScope } from './records';
import { Activity, Company, Contact, Deal, EXPORT_FORMAT, EXPORT_VERSION, Task } from './schema';
import { getSettings } from './settings';

const SECTIONS = ['contacts', 'companies', 'activities', 'tasks', 'deals'] as const;
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

type RecordOf<S extends Section> = ValidatedExport[S][number];

/** What restoring one batch did. */
export interface RestoreResult {
  /** Records that were not here. */
  created: number;
  /** Records here that the file's copy replaced (the file's `updatedAt` is later). */
  replaced: number;
  /** Records kept as they are here: this copy is as new as the file's, or newer. */
  kept: number;
}

const KIND_OF = { contacts: 'contact', companies: 'company', activities: 'activity' } as const;
const SYNC_KIND = { contacts: 'contact', companies: 'company', tasks: 'task', deals: 'deal' } as const;

function withNormalizedEmails(c: Contact): Contact {
  const emails = [...new Set(c.emails.map(normalizeEmail).filter((e): e is string => !!e))];
  return emails.length === c.emails.length && emails.every((e, i) => e === c.emails[i]) ? c : { ...c, emails };
}

/** Later `updatedAt` wins; equal (the same export twice) keeps what is here. */
function newer(file: { updatedAt: string }, local: { updatedAt: string }): boolean {
  return Date.parse(file.updatedAt) > Date.parse(local.updatedAt);
}

/**
 * Restores one batch of validated records of one section in one transaction: a record is added when its
 * id is not here, replaces the local one only when the file's `updatedAt` is later (a newer local edit is
 * never overwritten), contacts' e-mails go through normalizeEmail, and every written record is queued for
 * the connected CRMs in the same transaction (as an edit would be). A failure (QuotaExceededError…) rolls
 * the whole batch back.
 */
export async function restoreRecords<S extends Section>(
  section: S,
  records: RecordOf<S>[],
  db: RapportDB = getDb(),
): Promise<RestoreResult> {
  const result: RestoreResult = { created: 0, replaced: 0, kept: 0 };
  if (!records.length) return result;
  const kind: IndexKind | undefined = (KIND_OF as Partial<Record<Section, IndexKind>>)[section];
  const table = db.table(section);
  const scope = kind ? writeScope(db, kind) : [table];
  return db.transaction('rw', [...scope, ...outboxScope(db)], async () => {
    const local = (await table
      .where('id')
      .anyOf(records.map((r) => r.id))
      .toArray()) as (RecordOf<S> & { n?: number })[];
    const current = new Map<string, { updatedAt: string }>(local.map((r) => [r.id, r]));
    const toWrite = new Map<string, RecordOf<S>>();
    for (const rec of records) {
      const next = (section === 'contacts' ? withNormalizedEmails(rec as Contact) : rec) as RecordOf<S>;
      const here = current.get(next.id);
      if (here && !newer(next, here)) {
        result.kept++;
        continue;
      }
      if (here && !toWrite.has(next.id)) result.replaced++;
      else if (!here) result.created++;
      toWrite.set(next.id, next);
      current.set(next.id, next);
    }
    const written = [...toWrite.values()];
    if (kind) await putRecords(db, kind, written as never);
    else await table.bulkPut(written.map((r) => publicRecord(r as RecordOf<S> & { n?: number })));
    const changes: Change[] =
      section === 'activities'
        ? activityChanges(written as Activity[])
        : written.map((r) => ({ kind: SYNC_KIND[section as Exclude<Section, 'activities'>], localId: r.id }));
    await enqueue(db, changes);
    return result;
  });
}

/**
 * Restores validated export records held in memory (small exports, tests), in batches through
 * restoreRecords: importing the same export twice changes nothing. Returns the number of records written.
 */
export async function restoreExport(
  data: ValidatedExport,
  onProgress?: (done: number, total: number) => void,
  db: RapportDB = getDb(),
): Promise<number> {
  const total = SECTIONS.reduce((s, k) => s + data[k].length, 0);
  let done = 0;
  let written = 0;
  const BATCH = 2000;
  for (const section of SECTIONS) {
    const rows = data[section] as RecordOf<typeof section>[];
    for (let i = 0; i < rows.length; i += BATCH) {
      const slice = rows.slice(i, i + BATCH);
      const r = await restoreRecords(section, slice, db);
      written += r.created + r.replaced;
      done += slice.length;
      onProgress?.(done, total);
    }
  }
  return written;
}
