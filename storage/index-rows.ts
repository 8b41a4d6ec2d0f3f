// The search index's rows, and the start of a rebuild (called from a schema upgrade in db.ts).
// Kept apart from db.ts and search-index.ts so the database class and the index code do not
// import each other.
import type { Transaction } from 'dexie';
import type { ChunkDocs } from './posting-chunk';

/** Postings of one term within one chunk of 65,536 doc numbers (storage/posting-chunk.ts). */
export interface PostingChunk extends ChunkDocs {
  k: IndexKind;
  t: string;
  c: number;
}

/** For one prefix of one kind: the highest-ranked docs having a term with that prefix. */
export interface PrefixEntry {
  k: IndexKind;
  p: string;
  /** How many (doc, term) postings lie under this prefix: an upper bound on matching docs. */
  count: number;
  /** Doc numbers, best rank first. */
  ids: Uint32Array;
  /** Rank of each doc in `ids` (minutes since epoch of its last activity). */
  ranks: Uint32Array;
  /** True when some docs under this prefix are not in `ids` (the list is a top, not the whole). */
  truncated: boolean;
}

export interface MetaEntry {
  key: string;
  value: unknown;
}

export type IndexKind = 'contact' | 'company' | 'activity';

export const KINDS: IndexKind[] = ['contact', 'company', 'activity'];

export const REBUILD_KEY = 'indexRebuild';

/** Where a rebuild stands: every kind before `kind` is done; of `kind`, docs up to `after`. */
export interface RebuildState {
  kind: IndexKind;
  after: number;
  startedAt: string;
}

/** Starts a rebuild (inside an upgrade transaction): empties the index and records the start. */
export async function startIndexRebuild(tx: Transaction): Promise<void> {
  await tx.table('postings').clear();
  await tx.table('prefixes').clear();
  const state: RebuildState = { kind: KINDS[0], after: -1, startedAt: new Date().toISOString() };
  await tx.table('meta').put({ key: REBUILD_KEY, value: state });
}
