// The query engine of the workspace's tables (people, companies): filter, sort and count over a
// compact in-memory projection of a whole table (one small row per record, list-source.ts keeps it
// current). Pure: rows in, row positions out. Sorting uses one permutation per column, computed
// once per version of the rows, so a filter is a single pass over it (decision 0042).

/** A column of a table: what it shows, and the value it sorts by. */
export interface ColumnDef<R> {
  key: string;
  label: string;
  /** Text shown in the cell. */
  cell(row: R): string;
  /** Sort value: numbers sort as numbers, strings as strings (folded by the caller). */
  sortValue(row: R): string | number;
}

export interface SortSpec {
  key: string;
  desc: boolean;
}

/** `-lastContact` → { key: 'lastContact', desc: true }. */
export function parseSort(text: string | null | undefined, fallback: SortSpec): SortSpec {
  if (!text) return fallback;
  const desc = text.startsWith('-');
  const key = desc ? text.slice(1) : text;
  return key ? { key, desc } : fallback;
}

export function formatSort(sort: SortSpec): string {
  return `${sort.desc ? '-' : ''}${sort.key}`;
}

/**
 * Row positions in ascending order of a column (ties by position: stable). Empty values sort
 * first, so a descending walk puts them last.
 */
export function sortPermutation<R>(rows: readonly R[], column: ColumnDef<R>): Uint32Array {
  const values = rows.map((r) => column.sortValue(r));
  const order = new Uint32Array(rows.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  const numeric = values.length > 0 && typeof values[0] === 'number';
  if (numeric) {
    const v = values as number[];
    order.sort((a, b) => v[a] - v[b] || a - b);
  } else {
    const v = values as string[];
    order.sort((a, b) => (v[a] < v[b] ? -1 : v[a] > v[b] ? 1 : a - b));
  }
  return order;
}

/** Sort permutations of one version of the rows, computed on first use. */
export class OrderCache<R> {
  private orders = new Map<string, Uint32Array>();
  constructor(
    private readonly rows: readonly R[],
    private readonly columns: readonly ColumnDef<R>[],
  ) {}

  order(key: string): Uint32Array {
    let o = this.orders.get(key);
    if (!o) {
      const column = this.columns.find((c) => c.key === key) ?? this.columns[0];
      o = sortPermutation(this.rows, column);
      this.orders.set(key, o);
    }
    return o;
  }
}

/**
 * The positions of the rows that pass `keep`, in the sort's order: the rows are tested in their
 * own order (sequential reads), then the column's permutation is walked once, keeping the marked
 * ones. No sort per query.
 */
export function runQuery<R>(
  rows: readonly R[],
  orders: OrderCache<R>,
  keep: ((row: R) => boolean) | undefined,
  sort: SortSpec,
): Uint32Array {
  const order = orders.order(sort.key);
  let marks: Uint8Array | undefined;
  let count = rows.length;
  if (keep) {
    marks = new Uint8Array(rows.length);
    count = 0;
    for (let p = 0; p < rows.length; p++) {
      if (keep(rows[p])) {
        marks[p] = 1;
        count++;
      }
    }
  }
  const out = new Uint32Array(count);
  let k = 0;
  const last = order.length - 1;
  for (let i = 0; i <= last && k < count; i++) {
    const p = order[sort.desc ? last - i : i];
    if (!marks || marks[p]) out[k++] = p;
  }
  return out;
}

/** Day `YYYY-MM-DD` → ms at its start (UTC), or undefined when not a date. */
export function dayStart(day: string | undefined): number | undefined {
  if (!day || !/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const ms = Date.parse(`${day}T00:00:00.000Z`);
  return Number.isFinite(ms) ? ms : undefined;
}

/** An ISO time as ms since the epoch; 0 when absent or not a time. */
export function timeOf(iso: string | undefined): number {
  const ms = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(ms) ? ms : 0;
}

/** A day for a cell: `2026-12-07`, or empty. */
export function dayOf(ms: number): string {
  return ms > 0 ? new Date(ms).toISOString().slice(0, 10) : '';
}
