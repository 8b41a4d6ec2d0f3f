// The persisted search index: term postings and per-prefix top lists, kept in IndexedDB so a
// freshly opened popup answers from a couple of key lookups instead of building anything in memory.
//
// Layout (per kind: contact / company / activity):
//   postings [kind, term, chunk] → the docs (`n`) having that term in that chunk (n >> 16), as
//                                   16-bit offsets or a bitmap (posting-chunk.ts); and under
//                                   [kind, \u0001 + prefix, chunk] the union for every prefix of
//                                   1..MAX_PREFIX chars of those terms
//   prefixes [kind, prefix]      → for each prefix of 1..MAX_PREFIX chars: the TOP_K best-ranked
//                                   docs with a term of that prefix, and how many postings lie below.
// Single-word queries read one prefix entry; multi-word queries intersect postings unions of the
// most selective words with a bitmap and verify the rest on the loaded records.
import Dexie, { type Table } from 'dexie';
import type { IndexKind, PostingChunk, PrefixEntry, RapportDB, StoredActivity, StoredCompany, StoredContact } from './db';
import { KINDS } from './index-rows';
import { tokenize } from './normalize';
import {
  CHUNK_SHIFT,
  CHUNK_SIZE,
  chunkOf,
  decodeOffsets,
  markChunk,
  encodeOffsets,
  mergeOffsets,
  offsetOf,
  type ChunkDocs,
} from './posting-chunk';

export const MAX_PREFIX = 6;
export const TOP_K = 128;
const MAX_TERMS_PER_DOC = 96;

export interface IndexTables {
  postings: Table<PostingChunk, [IndexKind, string, number]>;
  prefixes: Table<PrefixEntry, [IndexKind, string]>;
}

type AnyRecord = StoredContact | StoredCompany | StoredActivity;

// ---------------------------------------------------------------- what a record contributes

/**
 * Terms of a record, most important fields first, deduplicated. `words`, when given, keeps each
 * field's words: the old and new versions of an edited record share most fields, which are then
 * tokenized once.
 */
export function docTerms(kind: IndexKind, rec: AnyRecord, words?: Map<string, string[]>): string[] {
  const parts: (string | undefined)[] = [];
  if (kind === 'contact') {
    const c = rec as StoredContact;
    parts.push(c.name, c.firstName, c.lastName, c.company, c.title, c.location, ...c.emails, ...c.tags);
  } else if (kind === 'company') {
    const c = rec as StoredCompany;
    parts.push(c.name, c.domain, ...(c.tags ?? []));
  } else {
    const a = rec as StoredActivity;
    parts.push(a.subject);
    // Participants by name and email domain: the address's local part is unique per person and
    // would add a posting row per person and chunk; people are found by address as contacts.
    for (const p of a.participants ?? []) parts.push(p.name, p.email?.slice(p.email.lastIndexOf('@') + 1));
    parts.push(a.snippet ?? a.body?.slice(0, 300));
  }
  const seen = new Set<string>();
  for (const p of parts) {
    let tokens = p && words?.get(p);
    if (!tokens) {
      tokens = tokenize(p);
      if (p && words) words.set(p, tokens);
    }
    for (const t of tokens) {
      if (seen.size >= MAX_TERMS_PER_DOC) break;
      seen.add(t);
    }
  }
  return [...seen];
}

/** Rank: minutes since the epoch of the record's latest activity (recent first). */
export function docRank(kind: IndexKind, rec: AnyRecord): number {
  let iso: string | undefined;
  if (kind === 'contact') iso = (rec as StoredContact).lastActivityAt ?? rec.updatedAt;
  else if (kind === 'activity') iso = (rec as StoredActivity).occurredAt;
  else iso = rec.updatedAt;
  const ms = iso ? Date.parse(iso) : 0;
  return Number.isFinite(ms) && ms > 0 ? Math.min(0xffffffff, Math.floor(ms / 60000)) : 0;
}

/**
 * Words of up to SHORT_PREFIX letters read one precomputed row per chunk: the union of every term
 * under that prefix. Without it a prefix read one row per term, and a prefix such as "nova" has
 * hundreds of terms in a CRM (every domain and name starting with it: novabau, novaanalytics…),
 * each read a request of its own (docs/decisions/0001-prefix-union-rows.md).
 */
export const SHORT_PREFIX = MAX_PREFIX;
const SHORT_MARK = '\u0001';

/** Keys of the prefix-union postings a doc belongs to (one per distinct prefix of its terms). */
function shortKeysOf(terms: string[]): string[] {
  const keys = new Set<string>();
  for (const t of terms) {
    const max = Math.min(SHORT_PREFIX, t.length);
    for (let i = 1; i <= max; i++) keys.add(SHORT_MARK + t.slice(0, i));
  }
  return [...keys];
}

/** The distinct prefixes of 1..SHORT_PREFIX chars of these terms. */
function shortPrefixesOf(terms: string[]): Set<string> {
  const out = new Set<string>();
  for (const t of terms) for (let i = Math.min(SHORT_PREFIX, t.length); i >= 1; i--) out.add(t.slice(0, i));
  return out;
}

function prefixesOf(term: string): string[] {
  const out: string[] = [];
  const max = Math.min(MAX_PREFIX, term.length);
  for (let i = 1; i <= max; i++) out.push(term.slice(0, i));
  return out;
}

// ---------------------------------------------------------------- small typed-array helpers

class U32List {
  a = new Uint32Array(4);
  len = 0;
  push(v: number) {
    if (this.len === this.a.length) {
      const b = new Uint32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.len++] = v;
  }
  view(): Uint32Array {
    return this.a.subarray(0, this.len);
  }
}

/** Merges ranked lists (ids with ranks, best first) into the TOP_K best, without duplicates. */
function mergeTop(lists: { ids: ArrayLike<number>; ranks: ArrayLike<number> }[]): {
  ids: Uint32Array;
  ranks: Uint32Array;
  truncated: boolean;
} {
  if (lists.length === 1 && lists[0].ids.length <= TOP_K) {
    return { ids: Uint32Array.from(lists[0].ids), ranks: Uint32Array.from(lists[0].ranks), truncated: false };
  }
  const pos = new Array<number>(lists.length).fill(0);
  const ids: number[] = [];
  const ranks: number[] = [];
  const seen = new Set<number>();
  let total = 0;
  for (const l of lists) total += l.ids.length;
  while (ids.length < TOP_K) {
    let best = -1;
    let bestRank = -1;
    let bestId = -1;
    for (let i = 0; i < lists.length; i++) {
      const p = pos[i];
      if (p >= lists[i].ids.length) continue;
      const r = lists[i].ranks[p];
      const id = lists[i].ids[p];
      if (r > bestRank || (r === bestRank && id > bestId)) {
        best = i;
        bestRank = r;
        bestId = id;
      }
    }
    if (best < 0) break;
    pos[best]++;
    if (seen.has(bestId)) continue;
    seen.add(bestId);
    ids.push(bestId);
    ranks.push(bestRank);
  }
  let consumed = 0;
  for (const p of pos) consumed += p;
  return { ids: Uint32Array.from(ids), ranks: Uint32Array.from(ranks), truncated: consumed < total };
}

// ---------------------------------------------------------------- bulk building

/**
 * Many rows wanted from one chunk (an import's words, mostly new to the index: each person's
 * address) are found by reading the chunk's keys first, one range read of keys only, and then only
 * the rows that exist: a read of a missing row costs a request like any other. Only when the chunk
 * holds at most KEY_SCAN_RATIO times as many rows as are wanted, so the keys read stay few.
 */
const KEY_SCAN_MIN = 1024;
const KEY_SCAN_RATIO = 8;

/** The stored posting rows of these keys (undefined where there is none), in the same order. */
async function storedRows(
  postings: IndexTables['postings'],
  kind: IndexKind,
  keys: [IndexKind, string, number][],
): Promise<(PostingChunk | undefined)[]> {
  const wanted = new Map<number, number>();
  for (const [, , c] of keys) wanted.set(c, (wanted.get(c) ?? 0) + 1);
  const inChunk = (c: number) => postings.where('[k+c+t]').between([kind, c, Dexie.minKey], [kind, c, Dexie.maxKey], true, true);
  const scanned = new Set<number>();
  const present = new Set<string>();
  await Promise.all(
    [...wanted].map(async ([c, count]) => {
      if (count < KEY_SCAN_MIN || (await inChunk(c).count()) > KEY_SCAN_RATIO * count) return;
      for (const key of await inChunk(c).primaryKeys()) present.add(`${key[1]}\u0000${c}`);
      scanned.add(c);
    }),
  );
  if (!scanned.size) return postings.bulkGet(keys);
  const toRead = keys.filter(([, t, c]) => !scanned.has(c) || present.has(`${t}\u0000${c}`));
  const rows = toRead.length ? await postings.bulkGet(toRead) : [];
  const byKey = new Map<string, PostingChunk | undefined>();
  toRead.forEach(([, t, c], i) => byKey.set(`${t}\u0000${c}`, rows[i]));
  return keys.map(([, t, c]) => byKey.get(`${t}\u0000${c}`));
}

/**
 * Accumulates the index contribution of many new docs in memory and merges it into the stored
 * index in one pass. Docs added must have doc numbers above every doc already indexed for that
 * kind (true for bulk inserts, which allocate fresh numbers).
 */
export class IndexBuilder {
  private terms = new Map<IndexKind, Map<string, { ids: U32List; top: { ids: number[]; ranks: number[] } }>>();
  private short = new Map<IndexKind, Map<string, U32List>>();

  add(kind: IndexKind, n: number, terms: string[], rank: number): void {
    let byTerm = this.terms.get(kind);
    if (!byTerm) this.terms.set(kind, (byTerm = new Map()));
    let byShort = this.short.get(kind);
    if (!byShort) this.short.set(kind, (byShort = new Map()));
    for (const key of shortKeysOf(terms)) {
      let l = byShort.get(key);
      if (!l) byShort.set(key, (l = new U32List()));
      l.push(n);
    }
    for (const t of terms) {
      let e = byTerm.get(t);
      if (!e) byTerm.set(t, (e = { ids: new U32List(), top: { ids: [], ranks: [] } }));
      e.ids.push(n);
      // Keep the term's own best TOP_K by rank (insertion into a small sorted array).
      const top = e.top;
      if (top.ids.length < TOP_K || rank > top.ranks[top.ranks.length - 1]) {
        let i = top.ranks.length;
        while (i > 0 && top.ranks[i - 1] < rank) i--;
        top.ids.splice(i, 0, n);
        top.ranks.splice(i, 0, rank);
        if (top.ids.length > TOP_K) {
          top.ids.pop();
          top.ranks.pop();
        }
      }
    }
  }

  get size(): number {
    let s = 0;
    for (const m of this.terms.values()) s += m.size;
    return s;
  }

  /** Writes everything into the stored index (call inside a rw transaction on both tables). */
  async flush(tables: IndexTables): Promise<void> {
    for (const [kind, byTerm] of this.terms) {
      // Postings: append to each term's chunks.
      const chunkUpdates = new Map<string, { t: string; c: number; ids: Uint32Array }>();
      const lists: [string, Uint32Array][] = [...byTerm].map(([t, e]) => [t, e.ids.view()]);
      for (const [key, l] of this.short.get(kind) ?? []) lists.push([key, l.view()]);
      for (const [t, ids] of lists) {
        let start = 0;
        while (start < ids.length) {
          const c = chunkOf(ids[start]);
          let end = start;
          while (end < ids.length && chunkOf(ids[end]) === c) end++;
          chunkUpdates.set(`${t}\u0000${c}`, { t, c, ids: ids.subarray(start, end) });
          start = end;
        }
      }
      const chunkKeys = [...chunkUpdates.values()].map((u) => [kind, u.t, u.c] as [IndexKind, string, number]);
      const existing = await storedRows(tables.postings, kind, chunkKeys);
      const chunkRows: PostingChunk[] = [];
      let i = 0;
      for (const u of chunkUpdates.values()) {
        const old = existing[i++];
        const add = new Uint16Array(u.ids.length);
        for (let x = 0; x < add.length; x++) add[x] = offsetOf(u.ids[x]);
        chunkRows.push({ k: kind, t: u.t, c: u.c, ...mergeOffsets(old, add) });
      }
      await tables.postings.bulkPut(chunkRows);

      // Prefixes: merge the terms' top lists per prefix, then with what is stored.
      const perPrefix = new Map<string, { count: number; lists: { ids: number[]; ranks: number[] }[] }>();
      for (const [t, e] of byTerm) {
        for (const p of prefixesOf(t)) {
          let pe = perPrefix.get(p);
          if (!pe) perPrefix.set(p, (pe = { count: 0, lists: [] }));
          pe.count += e.ids.len;
          pe.lists.push(e.top);
        }
      }
      const prefixKeys = [...perPrefix.keys()].map((p) => [kind, p] as [IndexKind, string]);
      const stored = await tables.prefixes.bulkGet(prefixKeys);
      const prefixRows: PrefixEntry[] = [];
      let j = 0;
      for (const [p, pe] of perPrefix) {
        const old = stored[j++];
        const lists: { ids: ArrayLike<number>; ranks: ArrayLike<number> }[] = [...pe.lists];
        if (old) lists.push(old);
        const merged = mergeTop(lists);
        prefixRows.push({
          k: kind,
          p,
          count: (old?.count ?? 0) + pe.count,
          ids: merged.ids,
          ranks: merged.ranks,
          truncated: merged.truncated || !!old?.truncated || pe.count > TOP_K,
        });
      }
      await tables.prefixes.bulkPut(prefixRows);
    }
    this.terms.clear();
    this.short.clear();
  }
}

// ---------------------------------------------------------------- single-record maintenance

/** One doc moving from its old terms and rank to its new ones (reindexDocs). */
export interface DocChange {
  n: number;
  oldTerms: string[];
  newTerms: string[];
  /** Its rank before the change; NaN when unknown (every prefix entry of its terms is then rewritten). */
  oldRank: number;
  rank: number;
}

/**
 * Moves one doc from its old terms/rank to its new ones. Call inside the transaction that writes
 * the record, so record and index never disagree.
 */
export function reindexDoc(
  tables: IndexTables,
  kind: IndexKind,
  n: number,
  oldTerms: string[],
  newTerms: string[],
  rank: number,
): Promise<void> {
  // Returned, not awaited: one async frame less between the caller's transaction and its requests.
  return reindexDocs(tables, kind, [{ n, oldTerms, newTerms, oldRank: NaN, rank }]);
}

/** Best rank first, then the higher doc number (the order of the prefix entries' top lists). */
const before = (ra: number, na: number, rb: number, nb: number) => ra > rb || (ra === rb && na > nb);

/**
 * Moves many docs (distinct `n`) from their old terms/ranks to their new ones: each posting chunk
 * and each prefix entry they touch is read and written once for all of them, not once per doc (a
 * bulk edit of thousands of people). A prefix whose term count and rank did not change for a doc
 * leaves its entry alone. Call inside the transaction that writes the records.
 */
export async function reindexDocs(tables: IndexTables, kind: IndexKind, docs: DocChange[]): Promise<void> {
  const chunkOps = new Map<string, { t: string; c: number; add: number[]; remove: Set<number> }>();
  const prefixOps = new Map<string, { delta: number; remove: Set<number>; insert: { n: number; rank: number }[] }>();
  for (const d of docs) {
    const oldSet = new Set(d.oldTerms);
    const newSet = new Set(d.newTerms);
    const removed = d.oldTerms.filter((t) => !newSet.has(t));
    const added = d.newTerms.filter((t) => !oldSet.has(t));
    const sameRank = d.oldRank === d.rank;
    if (!removed.length && !added.length && sameRank) continue;
    const c = chunkOf(d.n);
    const off = offsetOf(d.n);
    const chunkOp = (t: string) => {
      const key = `${t}\u0000${c}`;
      let op = chunkOps.get(key);
      if (!op) chunkOps.set(key, (op = { t, c, add: [], remove: new Set() }));
      return op;
    };
    // Posting rows: only the terms that came or went, and the prefix unions whose first term under
    // them came or whose last one went (the terms both versions hold cancel out).
    for (const t of removed) chunkOp(t).remove.add(off);
    for (const t of added) chunkOp(t).add.push(off);
    for (const p of shortPrefixesOf(removed)) if (!d.newTerms.some((t) => t.startsWith(p))) chunkOp(SHORT_MARK + p).remove.add(off);
    for (const p of shortPrefixesOf(added)) if (!d.oldTerms.some((t) => t.startsWith(p))) chunkOp(SHORT_MARK + p).add.push(off);

    // Prefix entries: count changes by the number of the doc's terms under each prefix; the doc
    // sits in (or leaves) each entry's top list at its new rank. At the same rank only the
    // prefixes whose count changed are touched, which only the terms that came or went can do.
    const delta = new Map<string, number>();
    for (const t of sameRank ? removed : d.oldTerms) for (const p of prefixesOf(t)) delta.set(p, (delta.get(p) ?? 0) - 1);
    for (const t of sameRank ? added : d.newTerms) for (const p of prefixesOf(t)) delta.set(p, (delta.get(p) ?? 0) + 1);
    const newPrefixes = sameRank ? undefined : new Set(d.newTerms.flatMap(prefixesOf));
    for (const [p, dl] of delta) {
      if (sameRank && dl === 0) continue;
      let op = prefixOps.get(p);
      if (!op) prefixOps.set(p, (op = { delta: 0, remove: new Set(), insert: [] }));
      op.delta += dl;
      op.remove.add(d.n);
      if (newPrefixes ? newPrefixes.has(p) : dl > 0 || d.newTerms.some((t) => t.startsWith(p))) op.insert.push({ n: d.n, rank: d.rank });
    }
  }

  if (chunkOps.size) {
    const ops = [...chunkOps.values()];
    const rows = await tables.postings.bulkGet(ops.map((op) => [kind, op.t, op.c] as [IndexKind, string, number]));
    const puts: PostingChunk[] = [];
    const dels: [IndexKind, string, number][] = [];
    ops.forEach((op, i) => {
      let row: ChunkDocs | undefined = rows[i];
      if (row && op.remove.size) {
        const left = decodeOffsets(row).filter((o) => !op.remove.has(o));
        row = left.length ? encodeOffsets(left) : undefined;
      }
      if (op.add.length) row = mergeOffsets(row, Uint16Array.from(op.add).sort());
      if (row) puts.push({ k: kind, t: op.t, c: op.c, ...row });
      else if (rows[i]) dels.push([kind, op.t, op.c]);
    });
    if (puts.length) await tables.postings.bulkPut(puts);
    if (dels.length) await tables.postings.bulkDelete(dels);
  }

  if (!prefixOps.size) return;
  const prefixList = [...prefixOps.keys()];
  const entries = await tables.prefixes.bulkGet(prefixList.map((p) => [kind, p] as [IndexKind, string]));
  const puts: PrefixEntry[] = [];
  const dels: [IndexKind, string][] = [];
  prefixList.forEach((p, i) => {
    const op = prefixOps.get(p)!;
    const e = entries[i] ?? { k: kind, p, count: 0, ids: new Uint32Array(0), ranks: new Uint32Array(0), truncated: false };
    const count = Math.max(0, e.count + op.delta);
    const ids: number[] = [];
    const ranks: number[] = [];
    const inserts = op.insert.sort((a, b) => (before(a.rank, a.n, b.rank, b.n) ? -1 : 1));
    let x = 0;
    let y = 0;
    let kept = 0;
    while (x < e.ids.length || y < inserts.length) {
      if (x < e.ids.length && op.remove.has(e.ids[x])) {
        x++;
        continue;
      }
      const takeOld = y >= inserts.length || (x < e.ids.length && before(e.ranks[x], e.ids[x], inserts[y].rank, inserts[y].n));
      const n = takeOld ? e.ids[x] : inserts[y].n;
      const r = takeOld ? e.ranks[x++] : inserts[y++].rank;
      kept++;
      if (ids.length < TOP_K) {
        ids.push(n);
        ranks.push(r);
      }
    }
    const truncated = e.truncated || kept > TOP_K;
    if (count === 0 && !ids.length) dels.push([kind, p]);
    else puts.push({ k: kind, p, count, ids: Uint32Array.from(ids), ranks: Uint32Array.from(ranks), truncated });
  });
  if (puts.length) await tables.prefixes.bulkPut(puts);
  if (dels.length) await tables.prefixes.bulkDelete(dels);
}

// ---------------------------------------------------------------- querying

export interface SearchHit<T> {
  kind: IndexKind;
  record: T;
  score: number;
  /** Terms of the record that matched, for highlighting "matched on". */
  matched: string[];
}

export interface SearchResults {
  contacts: SearchHit<StoredContact>[];
  companies: SearchHit<StoredCompany>[];
  activities: SearchHit<StoredActivity>[];
  tookMs: number;
}

export interface SearchOptions {
  limit?: number;
  kinds?: IndexKind[];
}

export const TABLE_OF: Record<IndexKind, 'contacts' | 'companies' | 'activities'> = {
  contact: 'contacts',
  company: 'companies',
  activity: 'activities',
};

export async function search(db: RapportDB, query: string, opts: SearchOptions = {}): Promise<SearchResults> {
  const t0 = performance.now();
  const words = [...new Set(tokenize(query))].sort((a, b) => b.length - a.length);
  const limit = opts.limit ?? 10;
  const kinds = opts.kinds ?? KINDS;
  const empty: SearchResults = { contacts: [], companies: [], activities: [], tookMs: 0 };
  if (!words.length) return { ...empty, tookMs: performance.now() - t0 };
  // One read-only transaction for every read of the query: creating a transaction is a large
  // part of a read's cost in Chromium, and Dexie would otherwise open one per read.
  // (Inside a caller's transaction, its own is used.)
  const all = () =>
    Promise.all(
      KINDS.map((k) => (kinds.includes(k) ? searchKind(db, k, words, k === 'company' ? Math.min(limit, 5) : limit) : Promise.resolve([]))),
    );
  const per = Dexie.currentTransaction
    ? await all()
    : await db.transaction('r', [db.prefixes, db.postings, db.contacts, db.companies, db.activities], all);
  return {
    contacts: per[0] as SearchHit<StoredContact>[],
    companies: per[1] as SearchHit<StoredCompany>[],
    activities: per[2] as SearchHit<StoredActivity>[],
    tookMs: performance.now() - t0,
  };
}

/**
 * Adds to `candidates` up to `limit` of the newest docs holding exactly the term `word` (its two
 * newest posting chunks, not its whole postings), so an exact match is never crowded out by more
 * recent prefix matches.
 */
async function addExactTermDocs(db: RapportDB, kind: IndexKind, word: string, candidates: number[], limit: number): Promise<void> {
  const exact = (
    await db.postings.where(':id').between([kind, word, 0], [kind, word, Infinity], true, true).reverse().limit(2).toArray()
  ).reverse();
  const seen = new Set(candidates);
  let added = 0;
  for (let ci = exact.length - 1; ci >= 0 && added < limit; ci--) {
    const offs = decodeOffsets(exact[ci]);
    const base = exact[ci].c << CHUNK_SHIFT;
    for (let x = offs.length - 1; x >= 0 && added < limit; x--) {
      const n = base + offs[x];
      if (!seen.has(n)) {
        candidates.push(n);
        added++;
      }
    }
  }
}

/** Largest prefix-entry count for which a word's postings are read across all chunks at once. */
const DRIVER_PREFETCH_MAX = 20_000;

/** Chunks visited one read per word before the remaining chunks are read ahead in bulk. */
const READ_AHEAD_AFTER = 2;

function byChunk(rows: PostingChunk[]): Map<number, PostingChunk[]> {
  const map = new Map<number, PostingChunk[]>();
  for (const row of rows) {
    const list = map.get(row.c);
    if (list) list.push(row);
    else map.set(row.c, [row]);
  }
  return map;
}

/** Postings of every chunk for every term that starts with `word` (one range read). */
function wordPostingsAllChunks(db: RapportDB, kind: IndexKind, word: string, upToChunk = Infinity): Promise<PostingChunk[]> {
  const t = word.length <= SHORT_PREFIX ? SHORT_MARK + word : word;
  const end = word.length <= SHORT_PREFIX ? t : word + '\uffff';
  return db.postings.where(':id').between([kind, t, 0], [kind, end, upToChunk], true, true).toArray();
}

/** Postings of one chunk for every term that starts with `word`. */
async function wordPostingsInChunk(db: RapportDB, kind: IndexKind, word: string, c: number): Promise<PostingChunk[]> {
  if (word.length <= SHORT_PREFIX) {
    const row = await db.postings.get([kind, SHORT_MARK + word, c]);
    return row ? [row] : [];
  }
  return db.postings
    .where('[k+c+t]')
    .between([kind, c, word], [kind, c, word + '\uffff'], true, true)
    .toArray();
}

async function searchKind(db: RapportDB, kind: IndexKind, words: string[], limit: number): Promise<SearchHit<AnyRecord>[]> {
  const entries = await db.prefixes.bulkGet(words.map((w) => [kind, w.slice(0, MAX_PREFIX)] as [IndexKind, string]));
  if (entries.some((e) => !e || (!e.ids.length && !e.count))) return [];
  const table = db.table(TABLE_OF[kind]) as Table<AnyRecord, number>;

  // A prefix entry answers a word completely when the word fits in it and it holds every doc.
  const complete = (i: number) => words[i].length <= MAX_PREFIX && !entries[i]!.truncated;

  let candidates: number[];
  if (words.length === 1 && words[0].length <= MAX_PREFIX && (complete(0) || entries[0]!.ids.length >= Math.min(TOP_K, limit))) {
    // One word: the stored top list is the answer (best rank first), plus the exact term's newest
    // docs so an exact match is never crowded out by more recent prefix matches.
    candidates = Array.from(entries[0]!.ids.subarray(0, limit + (limit >> 1)));
    if (entries[0]!.truncated) await addExactTermDocs(db, kind, words[0], candidates, limit);
  } else {
    // Several words (or one long or depleted one): intersect the words' postings one chunk (a
    // range of 65,536 doc numbers) at a time, newest chunk first, until enough docs match. Each
    // read is bounded by the chunk, and most queries stop in the first chunk.
    const order = words.map((_, i) => i).sort((a, b) => entries[a]!.count - entries[b]!.count);
    const driver = order[0];
    if (complete(driver) && entries[driver]!.count <= 32) {
      // A rare word: its stored list is every doc; the other words are checked on the records.
      candidates = Array.from(entries[driver]!.ids);
    } else {
      const selective = order.slice(0, 8);
      const want = limit + (limit >> 1); // every candidate from the bitmap matches every word it covers
      candidates = [];
      // A fairly rare word (few postings, by its prefix entry's count) is read across all chunks in
      // one range read: only the chunks where it occurs are visited, instead of every chunk with a
      // read per word (a three-word query over 1M activities visited 16 chunks × 3 reads).
      const driverRows =
        entries[driver]!.count <= DRIVER_PREFETCH_MAX ? byChunk(await wordPostingsAllChunks(db, kind, words[driver])) : undefined;
      let chunks: number[];
      if (driverRows) chunks = [...driverRows.keys()].sort((a, b) => b - a);
      else {
        const last = await table.orderBy(':id').reverse().limit(1).primaryKeys();
        chunks = [];
        for (let c = last.length ? chunkOf(last[0] as number) : -1; c >= 0; c--) chunks.push(c);
      }
      // Rows read ahead for a word: chunk → rows (a chunk missing from the map has none).
      const ahead = new Map<number, Map<number, PostingChunk[]>>();
      if (driverRows) ahead.set(driver, driverRows);
      const flags = new Uint8Array(CHUNK_SIZE);
      const all = (1 << selective.length) - 1;
      let visited = 0;
      for (const c of chunks) {
        if (candidates.length >= want) break;
        if (visited++ === READ_AHEAD_AFTER) {
          // Still short after the newest chunks (rare words together): read the remaining chunks
          // of every word that has a prefix-union row in one range read each (≤ 8 KiB per chunk),
          // instead of a read per word per chunk.
          await Promise.all(
            selective
              .filter((i) => !ahead.has(i) && words[i].length <= SHORT_PREFIX)
              .map(async (i) => ahead.set(i, byChunk(await wordPostingsAllChunks(db, kind, words[i], c)))),
          );
        }
        if (selective.some((i) => ahead.has(i) && !ahead.get(i)!.has(c))) continue;
        const perWord = await Promise.all(
          selective.map((i) => (ahead.has(i) ? Promise.resolve(ahead.get(i)!.get(c)!) : wordPostingsInChunk(db, kind, words[i], c))),
        );
        if (perWord.some((rows) => !rows.length)) continue;
        flags.fill(0);
        const base = c << CHUNK_SHIFT;
        perWord.forEach((rows, w) => {
          for (const row of rows) markChunk(row, flags, 1 << w);
        });
        // Newest doc numbers first: recent records tend to matter more.
        for (let off = flags.length - 1; off >= 0 && candidates.length < want; off--) {
          if (flags[off] === all) candidates.push(base + off);
        }
      }
    }
    // One long word ("person17"): newer records that merely start with it (Person1700…) must not
    // crowd out the ones that are it.
    if (words.length === 1 && words[0].length > SHORT_PREFIX) await addExactTermDocs(db, kind, words[0], candidates, limit);
  }

  // Candidates are few (bounded above): load them once and keep those matching every word.
  const hits: SearchHit<AnyRecord>[] = [];
  for (const rec of await table.bulkGet(candidates)) {
    const hit = rec && scoreRecord(kind, rec, words);
    if (hit) hits.push(hit);
  }
  // Equal match quality: people with recent activity first, then recently changed records.
  const activityTime = (r: AnyRecord) => (kind === 'contact' ? Date.parse((r as StoredContact).lastActivityAt ?? '') || 0 : 0);
  hits.sort(
    (a, b) => b.score - a.score || activityTime(b.record) - activityTime(a.record) || docRank(kind, b.record) - docRank(kind, a.record),
  );
  return hits.slice(0, limit);
}

/** Match quality: every word must prefix-match a term; exact terms and name fields score higher. */
export function scoreRecord(kind: IndexKind, rec: AnyRecord, words: string[]): SearchHit<AnyRecord> | undefined {
  const terms = docTerms(kind, rec);
  const primary = new Set(tokenize(kind === 'activity' ? (rec as StoredActivity).subject : (rec as StoredContact).name));
  let score = 0;
  const matched: string[] = [];
  for (const w of words) {
    let best = 0;
    let bestTerm = '';
    for (const t of terms) {
      if (!t.startsWith(w)) continue;
      let s = t.length === w.length ? 4 : 2;
      if (primary.has(t)) s += 1;
      if (s > best) {
        best = s;
        bestTerm = t;
      }
    }
    if (!best) return undefined;
    score += best;
    matched.push(bestTerm);
  }
  return { kind, record: rec, score, matched };
}

/**
 * Every doc of a kind having, for each word of the query, a term that starts with it: the same
 * match as search() without its limit or ranking (the workspace's tables filter a whole table by
 * text). One range read per word across all chunks: a word of up to MAX_PREFIX letters reads its
 * prefix-union rows, a longer one the rows of every term it begins. Undefined for a query without
 * words (no text filter).
 */
export async function matchingDocs(db: RapportDB, kind: IndexKind, query: string): Promise<Set<number> | undefined> {
  const words = [...new Set(tokenize(query))];
  if (!words.length) return undefined;
  const run = async () => {
    // Rarest word first (by its prefix entry's count): later words only test its docs.
    const entries = await db.prefixes.bulkGet(words.map((w) => [kind, w.slice(0, MAX_PREFIX)] as [IndexKind, string]));
    if (entries.some((e) => !e)) return new Set<number>();
    const order = words.map((_, i) => i).sort((a, b) => entries[a]!.count - entries[b]!.count);
    let docs: Set<number> | undefined;
    for (const i of order) {
      const next = new Set<number>();
      for (const row of await wordPostingsAllChunks(db, kind, words[i])) {
        const base = row.c << CHUNK_SHIFT;
        const offs = decodeOffsets(row);
        for (let x = 0; x < offs.length; x++) {
          const n = base + offs[x];
          if (!docs || docs.has(n)) next.add(n);
        }
      }
      docs = next;
      if (!docs.size) break;
    }
    return docs ?? new Set<number>();
  };
  return Dexie.currentTransaction ? run() : db.transaction('r', [db.prefixes, db.postings], run);
}
