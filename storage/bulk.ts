// Bulk actions of the workspace's People and Companies tables: tags, stage (people), sync and delete
// for a list of records (a selection or "all N matching"). Writes go in chunks, each one transaction
// with its outbox entries (a change and its sync intent commit together), and the outbox coalesces:
// a record changed twice before a sync is one entry. A delete waits out an undo window before it
// commits. The selection's export is importers/export-files.ts's.
import { type RapportDB, getDb } from './db';
import { deleteCompanies, deleteContact, deleteScope } from './delete';
import { type Company, type Contact, type Source, nowIso } from './schema';
import { enqueue, outboxScope, queuedEntries } from './outbox';
import { type StoredOf, publicRecord, putRecords, tableOf, writeScope } from './records';

/** The kinds of record the bulk actions work on. */
export type BulkKind = 'contact' | 'company';

/** People per transaction: large enough to amortise a transaction, small enough not to hold the database long. */
export const BULK_CHUNK = 2000;
const MAX_SOURCES = 50;

export interface BulkEdit {
  addTags?: string[];
  removeTags?: string[];
  /** A stage to set; '' clears it. */
  stage?: string;
}

export interface BulkProgress {
  done: number;
  total: number;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * A record to act on: the id, or the id with the record's internal number when the caller has it
 * (the tables' rows do), which reads the record by primary key rather than through the id index.
 */
export type RecordKey = string | { id: string; n: number };

export const recordId = (k: RecordKey): string => (typeof k === 'string' ? k : k.id);

/**
 * The stored records of these ids: one get per id through the id index, all issued at once. (An
 * `anyOf` over the index walks a cursor from key to key, a round trip per key: several times slower
 * for a chunk of thousands.)
 */
async function recordsById<K extends BulkKind>(db: RapportDB, kind: K, ids: readonly string[]) {
  const table = tableOf(db, kind);
  const found = await Promise.all(ids.map((id) => table.where('id').equals(id).first()));
  return found.filter((c) => c !== undefined);
}

/**
 * The stored records of these keys: by number where given (one `bulkGet`), kept when the record
 * there still has that id (the last number is given again after its record was deleted); by id
 * otherwise.
 */
async function recordsByKey<K extends BulkKind>(db: RapportDB, kind: K, keys: readonly RecordKey[]): Promise<StoredOf<K>[]> {
  const numbered = keys.filter((k) => typeof k !== 'string');
  const ids = keys.filter((k) => typeof k === 'string');
  const [byNumber, byId] = await Promise.all([
    tableOf(db, kind).bulkGet(numbered.map((k) => k.n)),
    ids.length ? recordsById(db, kind, ids) : Promise.resolve([]),
  ]);
  const found = [...byId] as StoredOf<K>[];
  const stale: string[] = [];
  numbered.forEach((k, i) => {
    const rec = byNumber[i];
    if (rec?.id === k.id) found.push(rec);
    else stale.push(k.id);
  });
  if (stale.length) found.push(...((await recordsById(db, kind, stale)) as StoredOf<K>[]));
  return found;
}

/** The record with the edit applied, or undefined when it leaves it as it was. A company has no stage. */
function applyEdit<T extends Contact | Company>(c: T, edit: BulkEdit, kind: BulkKind): T | undefined {
  let tags = c.tags;
  if (edit.addTags?.length || edit.removeTags?.length) {
    const drop = new Set(edit.removeTags ?? []);
    tags = [...new Set([...c.tags.filter((t) => !drop.has(t)), ...(edit.addTags ?? []).filter((t) => !drop.has(t))])];
  }
  const tagsChanged = tags.length !== c.tags.length || tags.some((t, i) => t !== c.tags[i]);
  const before = kind === 'contact' ? (c as Contact).stage : undefined;
  const stage = edit.stage === undefined || kind !== 'contact' ? before : edit.stage || undefined;
  if (!tagsChanged && stage === before) return undefined;
  const next = { ...c, tags };
  if (stage) (next as Contact).stage = stage;
  else delete (next as Contact).stage;
  return next;
}

/** Cleans tag names as the repositories do (trimmed, spaces collapsed, no empties). */
export function cleanTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((t) => t.replace(/\s+/g, ' ').trim()).filter(Boolean))];
}

type BulkOpts = { db?: RapportDB; chunkSize?: number; onProgress?: (p: BulkProgress) => void };

/**
 * Adds/removes tags (and, for people, sets the stage) of the given records. Returns how many
 * changed (records the edit leaves as they were are not written or queued).
 */
export async function bulkEdit(
  kind: BulkKind,
  ids: readonly RecordKey[],
  edit: BulkEdit,
  source: Source,
  opts: BulkOpts = {},
): Promise<number> {
  const db = opts.db ?? getDb();
  const clean: BulkEdit = {
    ...edit,
    addTags: edit.addTags && cleanTags(edit.addTags),
    removeTags: edit.removeTags && cleanTags(edit.removeTags),
    stage: edit.stage?.trim(),
  };
  let changed = 0;
  let done = 0;
  for (const chunk of chunks(ids, opts.chunkSize ?? BULK_CHUNK)) {
    changed += await db.transaction('rw', [...writeScope(db, kind), ...outboxScope(db)], async () => {
      const at = nowIso();
      // The records and their outbox entries read at once (most of them change): enqueue() would
      // read the entries only after the records were written.
      const [stored, queued] = await Promise.all([
        recordsByKey(db, kind, chunk),
        queuedEntries(
          db,
          chunk.map((k) => ({ kind, localId: recordId(k) })),
          Date.parse(at),
        ),
      ]);
      const next: (Contact | Company)[] = [];
      const before: typeof stored = [];
      for (const s of stored) {
        const edited = applyEdit(publicRecord(s) as Contact | Company, clean, kind);
        if (!edited) continue;
        next.push({ ...edited, updatedAt: at, sources: [...edited.sources, source].slice(-MAX_SOURCES) });
        before.push(s);
      }
      const written = new Set(next.map((c) => c.id));
      const entries = queued.filter((e) => written.has(e.localId));
      await Promise.all([putRecords(db, kind, next as never[], before as never[]), entries.length && db.outbox.bulkPut(entries)]);
      return next.length;
    });
    done += chunk.length;
    opts.onProgress?.({ done, total: ids.length });
  }
  return changed;
}

/** bulkEdit for people. */
export const bulkEditContacts = (ids: readonly RecordKey[], edit: BulkEdit, source: Source, opts: BulkOpts = {}) =>
  bulkEdit('contact', ids, edit, source, opts);

/** Queues the given records for every connected CRM (a push of their current record). Returns the entries written. */
export async function bulkQueue(
  kind: BulkKind,
  ids: readonly RecordKey[],
  opts: { db?: RapportDB; chunkSize?: number } = {},
): Promise<number> {
  const db = opts.db ?? getDb();
  let queued = 0;
  for (const chunk of chunks(ids, opts.chunkSize ?? BULK_CHUNK)) {
    queued += await db.transaction('rw', [tableOf(db, kind), ...outboxScope(db)], async () => {
      const existing = await recordsByKey(db, kind, chunk);
      return enqueue(
        db,
        existing.map((c) => ({ kind, localId: c.id })),
      );
    });
  }
  return queued;
}

/** bulkQueue for people. */
export const bulkQueueForSync = (ids: readonly RecordKey[], opts: { db?: RapportDB; chunkSize?: number } = {}) =>
  bulkQueue('contact', ids, opts);

/**
 * Deletes the given records as deleteContact/deleteCompanies do (a company's people stay), a chunk
 * per transaction. Returns how many were deleted.
 */
export async function bulkDelete(
  kind: BulkKind,
  ids: readonly string[],
  opts: { db?: RapportDB; chunkSize?: number } = {},
): Promise<number> {
  const db = opts.db ?? getDb();
  let deleted = 0;
  for (const chunk of chunks(ids, opts.chunkSize ?? BULK_CHUNK)) {
    deleted +=
      kind === 'company'
        ? await deleteCompanies(chunk, db)
        : await db.transaction('rw', deleteScope(db), async () => {
            let n = 0;
            for (const id of chunk) if ((await deleteContact(id, db)).deleted) n++;
            return n;
          });
  }
  return deleted;
}

/** bulkDelete for people. */
export const bulkDeleteContacts = (ids: readonly string[], opts: { db?: RapportDB; chunkSize?: number } = {}) =>
  bulkDelete('contact', ids, opts);

/** A delete waiting out its undo window. */
export interface PendingDelete {
  ids: readonly string[];
  /** Cancels it while the window is open; false once it has started. */
  undo(): boolean;
  /** Starts it now (leaving the page, say). */
  commitNow(): Promise<number>;
  /** How many were deleted (0 when undone). */
  done: Promise<number>;
}

/**
 * Deletes the given records (people unless `kind` says otherwise) once `windowMs` has passed,
 * unless undone first. Nothing is written before then, so an undo has nothing to restore, and
 * closing the page inside the window deletes nothing (decision 0042).
 */
export function deleteWithUndo(ids: readonly string[], windowMs: number, opts: { db?: RapportDB; kind?: BulkKind } = {}): PendingDelete {
  let state: 'waiting' | 'undone' | 'started' = 'waiting';
  let settle!: (n: number) => void;
  let fail!: (e: unknown) => void;
  const done = new Promise<number>((res, rej) => {
    settle = res;
    fail = rej;
  });
  const start = () => {
    if (state !== 'waiting') return done;
    state = 'started';
    clearTimeout(timer);
    bulkDelete(opts.kind ?? 'contact', ids, opts).then(settle, fail);
    return done;
  };
  const timer = setTimeout(start, windowMs);
  return {
    ids,
    done,
    commitNow: start,
    undo() {
      if (state !== 'waiting') return false;
      state = 'undone';
      clearTimeout(timer);
      settle(0);
      return true;
    },
  };
}
