// Low-level writes of searchable records: assigns internal numbers and keeps the search index in
// step with the records, inside the caller's transaction (or one of its own).
import type { Table } from 'dexie';
import type { IndexKind, RapportDB, StoredActivity, StoredCompany, StoredContact } from './db';
import type { Activity, Company, Contact } from './schema';
import { aheadOfRebuild, rebuildState } from './index-rebuild';
import { type DocChange, IndexBuilder, docRank, docTerms, reindexDoc, reindexDocs } from './search-index';

export type RecordOf<K extends IndexKind> = K extends 'contact' ? Contact : K extends 'company' ? Company : Activity;
export type StoredOf<K extends IndexKind> = K extends 'contact' ? StoredContact : K extends 'company' ? StoredCompany : StoredActivity;

export const TABLE_OF = {
  contact: 'contacts',
  company: 'companies',
  activity: 'activities',
} as const satisfies Record<IndexKind, string>;

export function tableOf<K extends IndexKind>(db: RapportDB, kind: K): Table<StoredOf<K>, number> {
  return db.table(TABLE_OF[kind]) as unknown as Table<StoredOf<K>, number>;
}

/** Tables a transaction needs to write records of these kinds together with their index. */
export function writeScope(db: RapportDB, ...kinds: IndexKind[]): Table[] {
  return [...kinds.map((k) => db.table(TABLE_OF[k])), db.postings, db.prefixes, db.meta];
}

async function nextNumber(table: Table<{ n: number }, number>): Promise<number> {
  const last = await table.orderBy(':id').reverse().limit(1).primaryKeys();
  return last.length ? (last[0] as number) + 1 : 1;
}

/**
 * Inserts or replaces records (matched by `id`) and updates the index. Must run inside a rw
 * transaction covering writeScope(kind) — callers add their other tables to the same transaction.
 */
export async function putRecords<K extends IndexKind>(
  db: RapportDB,
  kind: K,
  records: RecordOf<K>[],
  /** Every stored record among `records`, when the caller has just read them in this transaction (a bulk edit). */
  stored?: StoredOf<K>[],
): Promise<StoredOf<K>[]> {
  if (!records.length) return [];
  // Within one call the last version of an id wins.
  records = [...new Map(records.map((r) => [r.id, r])).values()];
  const table = tableOf(db, kind);
  // Most bulk writes are new records: ask the id index which exist (keys only, cheap) and load
  // just those, whose old terms the index must forget.
  let existing = stored;
  if (!existing) {
    const existingIds = (await table
      .where('id')
      .anyOf(records.map((r) => r.id))
      .keys()) as string[];
    existing = existingIds.length ? await table.where('id').anyOf(existingIds).toArray() : [];
  }
  const byId = new Map(existing.map((r) => [r.id, r]));
  // During an index rebuild, docs it has not reached yet are left to it (index-rebuild.ts).
  const [rebuild, first] = await Promise.all([
    rebuildState(db),
    records.every((r) => byId.has(r.id)) ? 0 : nextNumber(table as unknown as Table<{ n: number }, number>),
  ]);
  let next = first;
  const out: StoredOf<K>[] = [];
  const fresh: StoredOf<K>[] = [];
  const replaced: { old: StoredOf<K>; stored: StoredOf<K> }[] = [];
  for (const rec of records) {
    const old = byId.get(rec.id);
    const stored = { ...rec, n: old ? old.n : next++ } as StoredOf<K>;
    if (old) replaced.push({ old, stored });
    else fresh.push(stored);
    byId.set(rec.id, stored);
    out.push(stored);
  }
  // The records' own writes go first: the backend stores them while the index move below is
  // computed.
  const writes: Promise<unknown>[] = [];
  if (replaced.length) writes.push(table.bulkPut(replaced.map((r) => r.stored)));
  if (fresh.length) writes.push(table.bulkAdd(fresh));
  // Replaced records move in the index all at once: each posting chunk and prefix entry they
  // touch is written once (a bulk edit of thousands), not once per record.
  const moved: DocChange[] = [];
  for (const { old, stored } of replaced) {
    if (aheadOfRebuild(rebuild, kind, old.n)) continue;
    const words = new Map<string, string[]>();
    moved.push({
      n: old.n,
      oldTerms: docTerms(kind, old, words),
      newTerms: docTerms(kind, stored, words),
      oldRank: docRank(kind, old),
      rank: docRank(kind, stored),
    });
  }
  const builder = new IndexBuilder();
  for (const r of fresh) if (!aheadOfRebuild(rebuild, kind, r.n)) builder.add(kind, r.n, docTerms(kind, r), docRank(kind, r));
  // The two index updates one after the other: both may read and write the same prefix entries.
  if (moved.length) await reindexDocs(db, kind, moved);
  await builder.flush(db);
  await Promise.all(writes);
  return out;
}

/** Deletes records by id and removes them from the index (inside a rw transaction on writeScope). */
export async function deleteRecords(db: RapportDB, kind: IndexKind, ids: string[]): Promise<number> {
  const table = tableOf(db, kind);
  const recs = await table.where('id').anyOf(ids).toArray();
  const rebuild = await rebuildState(db);
  for (const rec of recs) {
    if (!aheadOfRebuild(rebuild, kind, rec.n)) await reindexDoc(db, kind, rec.n, docTerms(kind, rec), [], 0);
  }
  await table.bulkDelete(recs.map((r) => r.n));
  return recs.length;
}

/** Strips the internal number: what leaves the database (exports, messages, UI). */
export function publicRecord<T extends { n?: number }>(rec: T): Omit<T, 'n'> {
  const { n: _n, ...rest } = rec;
  return rest;
}
