// Reading and deleting many rows by key with few IndexedDB requests.
//
// In Chromium every get, put and delete is its own request to the browser process, while one
// getAll over a key range or one range delete of 100 rows costs about as much as a dozen single
// requests (`npm run bench:idb`, docs/decisions/0009-sync-rows-per-batch.md). Ids here are time-ordered
// (storage/schema.ts `newId`: creation time, then random), so the records of one sync batch —
// picked in id order — usually sit next to each other: one range read finds them all. Where they
// do not, what the range read did not reach is read key by key, so the answer never depends on
// how the keys are spread; only the request count does.
import { cmp, type IndexableType, type Table } from 'dexie';

/** How many rows a range read may return per key asked for before the rest is read key by key. */
const SPREAD = 2;
const SLACK = 16;

export interface RangeRead<T> {
  /** Rows found, by key. */
  found: Map<string, T>;
  /** Keys of every row the range read returned, in key order (wanted or not): a complete prefix of the range. */
  scanned: string[];
}

/**
 * Rows whose `field` (the primary key, or a unique index) is one of `keys`, in one read of the key
 * range they span (at most 2 × keys + 16 rows) plus a get per key that read did not reach. Must run
 * inside a transaction that includes `table` (all reads see one state). Keys absent from the table
 * are absent from the answer.
 */
export async function getManyInRange<T, K, I>(table: Table<T, K, I>, field: string, keys: readonly string[]): Promise<RangeRead<T>> {
  const rows = await rowsInRange(table, field, keys, (r) => (r as Record<string, unknown>)[field] as string);
  const found = new Map<string, T>();
  const wanted = new Set(keys);
  for (const [k, r] of rows.byKey) if (wanted.has(k as string)) found.set(k as string, r);
  return { found, scanned: rows.scanned as string[] };
}

/**
 * The same for a compound key (`index` is Dexie's name of it, e.g. `[connectorId+kind+localId]`,
 * `keyOf` builds a row's key): the rows found, in key order.
 */
export async function getManyInCompoundRange<T, K, I>(
  table: Table<T, K, I>,
  index: string,
  keys: readonly IndexableType[],
  keyOf: (row: T) => IndexableType,
): Promise<T[]> {
  const wanted = keys.map((k) => JSON.stringify(k));
  const want = new Set(wanted);
  const { byKey } = await rowsInRange(table, index, keys, keyOf);
  return [...byKey].filter(([k]) => want.has(JSON.stringify(k))).map(([, r]) => r);
}

async function rowsInRange<T, K, I>(
  table: Table<T, K, I>,
  index: string,
  keys: readonly IndexableType[],
  keyOf: (row: T) => IndexableType,
): Promise<{ byKey: [IndexableType, T][]; scanned: IndexableType[] }> {
  const sorted = dedupeSorted(keys);
  if (sorted.length === 0) return { byKey: [], scanned: [] };
  const cap = sorted.length * SPREAD + SLACK;
  const rows = await table
    .where(index)
    .between(sorted[0], sorted[sorted.length - 1], true, true)
    .limit(cap)
    .toArray();
  const scanned = rows.map(keyOf);
  const byKey: [IndexableType, T][] = rows.map((r, i) => [scanned[i], r]);
  if (rows.length < cap) return { byKey, scanned }; // the whole range was read: what is missing does not exist
  // Stopped at the cap: keys past the last row read are still unknown.
  const last = scanned[scanned.length - 1];
  const rest = sorted.filter((k) => cmp(k, last) > 0);
  const primary = index === ':id' || table.schema.primKey.keyPath === index || table.schema.primKey.name === index;
  const more = await Promise.all(
    rest.map((k) => (primary ? table.get(k as K) : table.where(index).equals(k).first()) as Promise<T | undefined>),
  );
  more.forEach((r) => {
    if (r) byKey.push([keyOf(r), r]);
  });
  return { byKey, scanned };
}

/** Distinct keys in IndexedDB order. */
function dedupeSorted(keys: readonly IndexableType[]): IndexableType[] {
  const sorted = [...keys].sort(cmp);
  return sorted.filter((k, i) => i === 0 || cmp(sorted[i - 1], k) !== 0);
}

/**
 * Deletes the rows with primary keys `doomed` from `table`, given `scanned`: the primary keys of
 * every row of a key range read earlier in the same transaction, in key order (getManyInRange on
 * the primary key). Neighbouring doomed rows with no other row between them go in one range
 * delete; rows kept in between split the ranges. Doomed keys outside `scanned` are deleted one by
 * one. The transaction must not have added rows inside the range since the read.
 */
export async function deleteInRuns<T, I>(
  table: Table<T, string, I>,
  scanned: readonly string[],
  doomed: ReadonlySet<string>,
): Promise<void> {
  if (doomed.size === 0) return;
  const runs: [string, string][] = [];
  let start: string | undefined;
  let end: string | undefined;
  const covered = new Set<string>();
  for (const k of scanned) {
    if (doomed.has(k)) {
      start ??= k;
      end = k;
      covered.add(k);
    } else if (start !== undefined) {
      runs.push([start, end!]);
      start = end = undefined;
    }
  }
  if (start !== undefined) runs.push([start, end!]);
  const ops: Promise<unknown>[] = runs.map(([a, b]) => (a === b ? table.delete(a) : table.where(':id').between(a, b, true, true).delete()));
  const strays = [...doomed].filter((k) => !covered.has(k));
  if (strays.length) ops.push(table.bulkDelete(strays));
  await Promise.all(ops);
}
