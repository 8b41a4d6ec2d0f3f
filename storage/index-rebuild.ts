// Rebuilding the search index outside a schema upgrade: a page of records per transaction, its
// progress saved in the same transaction, so it can stop anywhere (a service worker killed, a
// closed page) and resume. A rebuild inside the upgrade itself holds the database closed for as
// long as it takes (docs/decisions/0003-index-rebuild-after-upgrade.md), and an upgrade cut off
// half-way starts again from nothing.
//
// While it runs, writes index only the docs the rebuild has already passed; docs ahead of it are
// indexed by the rebuild when it gets there, with whatever they hold then. So nothing is indexed
// twice and nothing is missed. Search answers from what is indexed so far (the popup says so).
import type { RapportDB } from './db';
import { type IndexKind, KINDS, REBUILD_KEY, type RebuildState } from './index-rows';
import { IndexBuilder, TABLE_OF, docRank, docTerms } from './search-index';

export { REBUILD_KEY, startIndexRebuild, type RebuildState } from './index-rows';

/** The rebuild in progress, if any (call inside a transaction covering `meta`, or outside one). */
export async function rebuildState(db: RapportDB): Promise<RebuildState | undefined> {
  return (await db.meta.get(REBUILD_KEY))?.value as RebuildState | undefined;
}

/** True when the rebuild has not reached this doc yet: it will index it, writes must not. */
export function aheadOfRebuild(state: RebuildState | undefined, kind: IndexKind, n: number): boolean {
  if (!state) return false;
  const k = KINDS.indexOf(kind);
  const at = KINDS.indexOf(state.kind);
  return k > at || (k === at && n > state.after);
}

/** Indexes the next page of records. Resolves to true when the rebuild is finished (or none runs). */
export async function rebuildIndexStep(db: RapportDB, pageSize = 2000): Promise<boolean> {
  return db.transaction('rw', [db.meta, db.postings, db.prefixes, db.contacts, db.companies, db.activities], async () => {
    const state = await rebuildState(db);
    if (!state) return true;
    const page = await db.table(TABLE_OF[state.kind]).where(':id').above(state.after).limit(pageSize).toArray();
    if (!page.length) {
      const next = KINDS[KINDS.indexOf(state.kind) + 1];
      if (next) await db.meta.put({ key: REBUILD_KEY, value: { ...state, kind: next, after: -1 } satisfies RebuildState });
      else await db.meta.delete(REBUILD_KEY);
      return !next;
    }
    const builder = new IndexBuilder();
    for (const rec of page) builder.add(state.kind, rec.n, docTerms(state.kind, rec), docRank(state.kind, rec));
    await builder.flush(db);
    await db.meta.put({ key: REBUILD_KEY, value: { ...state, after: page[page.length - 1].n } satisfies RebuildState });
    return false;
  });
}

/** Runs rebuild steps for up to `budgetMs`. Resolves to true when the rebuild is finished. */
export async function continueIndexRebuild(db: RapportDB, budgetMs = Infinity, pageSize?: number): Promise<boolean> {
  const until = Date.now() + budgetMs;
  for (;;) {
    if (await rebuildIndexStep(db, pageSize)) return true;
    if (Date.now() >= until) return false;
  }
}

/** How far a running rebuild is, 0–1, by doc numbers (cheap: the last key of each table). */
export async function rebuildProgress(db: RapportDB, state: RebuildState): Promise<number> {
  const last = await Promise.all(
    KINDS.map(async (k) => ((await db.table(TABLE_OF[k]).orderBy(':id').reverse().limit(1).primaryKeys())[0] as number | undefined) ?? 0),
  );
  const total = last.reduce((a, b) => a + b, 0);
  if (!total) return 1;
  const at = KINDS.indexOf(state.kind);
  const done = last.slice(0, at).reduce((a, b) => a + b, 0) + Math.max(0, Math.min(state.after, last[at]));
  return done / total;
}
