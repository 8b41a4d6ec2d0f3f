// The in-memory projection behind a workspace table: one compact row per record of a whole table,
// read a page at a time (newest first, so the first rows paint while the rest loads) and kept in
// step with every later write, from this page or any other, through Dexie's liveQuery (decision 0042).
import { liveQuery } from 'dexie';
import type { SyncStateFilter } from './contact-list';
import type { RapportDB, StoredCompany, StoredContact } from './db';

type TableName = 'contacts' | 'companies';
type RecordOf<T extends TableName> = T extends 'contacts' ? StoredContact : StoredCompany;

const PAGE = 5000;
const FIRST_PAGE = 200;

export class TableProjection<T extends TableName, R extends { n: number }> {
  rows: R[] = [];
  /** Bumped at every change of `rows` (new permutations are needed then). */
  version = 0;
  loaded = false;
  private maxUpdated = '';

  constructor(
    private readonly db: RapportDB,
    private readonly tableName: T,
    private readonly toRow: (rec: RecordOf<T>) => R,
  ) {}

  private table() {
    return this.db.table(this.tableName);
  }

  private note(rec: RecordOf<T>) {
    if (rec.updatedAt > this.maxUpdated) this.maxUpdated = rec.updatedAt;
  }

  /**
   * Reads the whole table, newest records first: a small first page (the first screen), then
   * pages of `pageSize`. The rows are published (and onPage called) after the first page and then
   * each time they have doubled, so the table is sorted a few times while it loads, not per page.
   */
  async load(onPage?: () => void, pageSize = PAGE, firstPage = FIRST_PAGE): Promise<void> {
    const rows: R[] = [];
    let below = Infinity;
    let published = 0;
    this.maxUpdated = '';
    for (let limit = firstPage; ; limit = pageSize) {
      const page = (await this.table().where(':id').below(below).reverse().limit(limit).toArray()) as RecordOf<T>[];
      for (const rec of page) {
        rows.push(this.toRow(rec));
        this.note(rec);
      }
      const last = page.length < limit;
      if (last) this.loaded = true;
      if (last || published === 0 || rows.length >= 2 * published) {
        this.rows = rows.slice();
        published = rows.length;
        this.version++;
        onPage?.();
      }
      if (last) break;
      below = page[page.length - 1].n;
    }
  }

  /**
   * Brings the rows in step after writes: records whose updatedAt is at or after the newest seen
   * (every repository write stamps it; contacts have it indexed) and records not seen yet are
   * read again, records gone are dropped. Without the index (companies) the table is read again.
   * Returns whether anything changed.
   */
  async refresh(): Promise<boolean> {
    if (this.tableName !== 'contacts') {
      const before = this.rows;
      await this.load();
      return before.length !== this.rows.length || before.some((r, i) => JSON.stringify(r) !== JSON.stringify(this.rows[i]));
    }
    const table = this.table();
    const { keys, changed } = await this.db.transaction('r', table, async () => ({
      keys: (await table.toCollection().primaryKeys()) as number[],
      changed: (this.maxUpdated ? await table.where('updatedAt').aboveOrEqual(this.maxUpdated).toArray() : []) as RecordOf<T>[],
    }));
    const present = new Set(keys);
    const byN = new Map(changed.map((r) => [r.n, r]));
    const known = new Set(this.rows.map((r) => r.n));
    const unseen = keys.filter((n) => !known.has(n) && !byN.has(n));
    if (unseen.length) for (const r of (await table.bulkGet(unseen)) as (RecordOf<T> | undefined)[]) if (r) byN.set(r.n, r);
    let dirty = false;
    const next: R[] = [];
    for (const row of this.rows) {
      if (!present.has(row.n)) {
        dirty = true;
        continue;
      }
      const rec = byN.get(row.n);
      if (rec) {
        byN.delete(row.n);
        const fresh = this.toRow(rec);
        this.note(rec);
        if (JSON.stringify(fresh) !== JSON.stringify(row)) dirty = true;
        next.push(fresh);
      } else next.push(row);
    }
    // New records: newest first, ahead of the older ones, as load() orders them.
    const added = [...byN.values()].sort((a, b) => b.n - a.n);
    for (const rec of added) this.note(rec);
    if (added.length) dirty = true;
    if (dirty) {
      this.rows = [...added.map((r) => this.toRow(r)), ...next];
      this.version++;
    }
    return dirty;
  }

  /**
   * Calls onChange after every write to the table (here or in another extension page or worker),
   * once the rows are in step with it. Returns the unsubscribe.
   */
  watch(onChange: () => void): () => void {
    let first = true;
    let running: Promise<unknown> = Promise.resolve();
    let waiting = false;
    const sub = liveQuery(() => this.table().count()).subscribe({
      next: () => {
        if (first) {
          first = false;
          return;
        }
        // One refresh waiting behind the running one is enough: it reads every write committed
        // before it starts (a bulk edit commits a chunk after another; a read of the whole table's
        // keys per chunk would fall behind).
        if (waiting) return;
        waiting = true;
        running = running.then(async () => {
          waiting = false;
          if (this.loaded && (await this.refresh())) onChange();
        });
      },
    });
    return () => sub.unsubscribe();
  }
}

/** Ids of people with a follow-up (a task) not done yet. */
export async function openFollowUps(db: RapportDB): Promise<Set<string>> {
  const open = new Set<string>();
  await db.tasks.each((t) => {
    if (!t.done) for (const id of t.contactIds) open.add(id);
  });
  return open;
}

/**
 * Each person's state with the connected CRMs: `failed` when a push was refused, `pending` while
 * one waits, `synced` when linked to a CRM record with nothing waiting; absent = `local`.
 */
export async function contactSyncStates(db: RapportDB): Promise<Map<string, SyncStateFilter>> {
  return db.transaction('r', db.outbox, db.links, async () => {
    const states = new Map<string, SyncStateFilter>();
    await db.links.each((l) => {
      if (l.kind === 'contact') states.set(l.localId, 'synced');
    });
    const entries = await db.outbox.where('[kind+localId]').between(['contact', ''], ['contact', '\uffff'], true, true).toArray();
    for (const e of entries) {
      if (e.state === 'dead') states.set(e.localId, 'failed');
      else if (states.get(e.localId) !== 'failed') states.set(e.localId, 'pending');
    }
    return states;
  });
}

/**
 * How many people each company has, by company id: a key-only walk of the contacts' companyId
 * index (people without a company are not in it).
 */
export async function companyPeopleCounts(db: RapportDB): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const id of (await db.contacts.orderBy('companyId').keys()) as string[]) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}
