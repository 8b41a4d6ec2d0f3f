// Bulk actions of the workspace's People table: tags, stage, sync, delete and export for a list of
// people (a selection or "all N matching"). Writes go in chunks, each one transaction with its
// outbox entries (a change and its sync intent commit together), and the outbox coalesces: a person
// changed twice before a sync is one entry. A delete waits out an undo window before it commits.
import { type RapportDB, type StoredContact, getDb } from './db';
import { deleteContact, deleteScope } from './delete';
import { EXPORT_FORMAT, EXPORT_VERSION, type Contact, type Source, nowIso } from './schema';
import { enqueue, outboxScope, queuedEntries } from './outbox';
import { publicRecord, putRecords, writeScope } from './records';

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
 * A person to act on: the id, or the id with the person's internal number when the caller has it
 * (the tables' rows do), which reads the record by primary key rather than through the id index.
 */
export type PersonKey = string | { id: string; n: number };

export const personId = (k: PersonKey): string => (typeof k === 'string' ? k : k.id);

/**
 * The stored people of these ids: one get per id through the id index, all issued at once. (An
 * `anyOf` over the index walks a cursor from key to key, a round trip per key: several times slower
 * for a chunk of thousands.)
 */
async function contactsById(db: RapportDB, ids: readonly string[]): Promise<StoredContact[]> {
  const found = await Promise.all(ids.map((id) => db.contacts.where('id').equals(id).first()));
  return found.filter((c) => c !== undefined);
}

/**
 * The stored people of these keys: by number where given (one `bulkGet`), kept when the record
 * there still has that id (the last number is given again after its record was deleted); by id
 * otherwise.
 */
async function contactsByKey(db: RapportDB, keys: readonly PersonKey[]): Promise<StoredContact[]> {
  const numbered = keys.filter((k) => typeof k !== 'string');
  const ids = keys.filter((k) => typeof k === 'string');
  const [byNumber, found] = await Promise.all([
    db.contacts.bulkGet(numbered.map((k) => k.n)),
    ids.length ? contactsById(db, ids) : Promise.resolve<StoredContact[]>([]),
  ]);
  const stale: string[] = [];
  numbered.forEach((k, i) => {
    const rec = byNumber[i];
    if (rec?.id === k.id) found.push(rec);
    else stale.push(k.id);
  });
  if (stale.length) found.push(...(await contactsById(db, stale)));
  return found;
}

function applyEdit(c: Contact, edit: BulkEdit): Contact | undefined {
  let tags = c.tags;
  if (edit.addTags?.length || edit.removeTags?.length) {
    const drop = new Set(edit.removeTags ?? []);
    tags = [...new Set([...c.tags.filter((t) => !drop.has(t)), ...(edit.addTags ?? []).filter((t) => !drop.has(t))])];
  }
  const tagsChanged = tags.length !== c.tags.length || tags.some((t, i) => t !== c.tags[i]);
  const stage = edit.stage === undefined ? c.stage : edit.stage || undefined;
  if (!tagsChanged && stage === c.stage) return undefined;
  const next: Contact = { ...c, tags };
  if (stage) next.stage = stage;
  else delete next.stage;
  return next;
}

/** Cleans tag names as the repositories do (trimmed, spaces collapsed, no empties). */
export function cleanTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((t) => t.replace(/\s+/g, ' ').trim()).filter(Boolean))];
}

/**
 * Adds/removes tags and sets the stage of the given people. Returns how many changed (people the
 * edit leaves as they were are not written or queued).
 */
export async function bulkEditContacts(
  ids: readonly PersonKey[],
  edit: BulkEdit,
  source: Source,
  opts: { db?: RapportDB; chunkSize?: number; onProgress?: (p: BulkProgress) => void } = {},
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
    changed += await db.transaction('rw', [...writeScope(db, 'contact'), ...outboxScope(db)], async () => {
      const at = nowIso();
      // The people and their outbox entries read at once (most of them change): enqueue() would
      // read the entries only after the people were written.
      const [stored, queued] = await Promise.all([
        contactsByKey(db, chunk),
        queuedEntries(
          db,
          chunk.map((k) => ({ kind: 'contact' as const, localId: personId(k) })),
          Date.parse(at),
        ),
      ]);
      const next: Contact[] = [];
      const before: typeof stored = [];
      for (const s of stored) {
        const edited = applyEdit(publicRecord(s) as Contact, clean);
        if (!edited) continue;
        next.push({ ...edited, updatedAt: at, sources: [...edited.sources, source].slice(-MAX_SOURCES) });
        before.push(s);
      }
      const written = new Set(next.map((c) => c.id));
      const entries = queued.filter((e) => written.has(e.localId));
      await Promise.all([putRecords(db, 'contact', next, before), entries.length && db.outbox.bulkPut(entries)]);
      return next.length;
    });
    done += chunk.length;
    opts.onProgress?.({ done, total: ids.length });
  }
  return changed;
}

/** Queues the given people for every connected CRM (a push of their current record). Returns the entries written. */
export async function bulkQueueForSync(ids: readonly PersonKey[], opts: { db?: RapportDB; chunkSize?: number } = {}): Promise<number> {
  const db = opts.db ?? getDb();
  let queued = 0;
  for (const chunk of chunks(ids, opts.chunkSize ?? BULK_CHUNK)) {
    queued += await db.transaction('rw', [db.contacts, ...outboxScope(db)], async () => {
      const existing = await contactsByKey(db, chunk);
      return enqueue(
        db,
        existing.map((c) => ({ kind: 'contact' as const, localId: c.id })),
      );
    });
  }
  return queued;
}

/** Deletes the given people as deleteContact does, a chunk per transaction. Returns how many were deleted. */
export async function bulkDeleteContacts(ids: readonly string[], opts: { db?: RapportDB; chunkSize?: number } = {}): Promise<number> {
  const db = opts.db ?? getDb();
  let deleted = 0;
  for (const chunk of chunks(ids, opts.chunkSize ?? BULK_CHUNK)) {
    deleted += await db.transaction('rw', deleteScope(db), async () => {
      let n = 0;
      for (const id of chunk) if ((await deleteContact(id, db)).deleted) n++;
      return n;
    });
  }
  return deleted;
}

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
 * Deletes the given people once `windowMs` has passed, unless undone first. Nothing is written
 * before then, so an undo has nothing to restore, and closing the page inside the window deletes
 * nothing (decision 0042).
 */
export function deleteWithUndo(ids: readonly string[], windowMs: number, opts: { db?: RapportDB } = {}): PendingDelete {
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
    bulkDeleteContacts(ids, opts).then(settle, fail);
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

/**
 * The selected people (and the companies they work at) in the export format of
 * docs/architecture.md, as string parts for `new Blob(parts)`.
 */
export async function* exportSelectionParts(
  ids: readonly PersonKey[],
  db: RapportDB = getDb(),
  exportedAt = new Date().toISOString(),
): AsyncGenerator<string> {
  yield `{"format":${JSON.stringify(EXPORT_FORMAT)},"version":${EXPORT_VERSION},"exportedAt":${JSON.stringify(exportedAt)},"contacts":[`;
  const companyIds = new Set<string>();
  let first = true;
  for (const chunk of chunks(ids, 5000)) {
    const rows = await contactsByKey(db, chunk);
    if (!rows.length) continue;
    for (const r of rows) if (r.companyId) companyIds.add(r.companyId);
    yield (first ? '' : ',') + rows.map((r) => JSON.stringify(publicRecord(r))).join(',');
    first = false;
  }
  const companies = companyIds.size
    ? await db.companies
        .where('id')
        .anyOf([...companyIds])
        .toArray()
    : [];
  yield `],"companies":[${companies.map((c) => JSON.stringify(publicRecord(c))).join(',')}],"activities":[],"tasks":[],"deals":[]}`;
}
