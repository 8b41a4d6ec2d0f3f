// The links a batch's commit records, as one journal row instead of one `links` row per record.
//
// In Chromium each put is its own request: writing a batch's 100 links one by one was most of its
// commit, and commits sit on the path of the next requests (docs/decisions/0009). The commit writes one journal
// row in the same transaction that deletes the batch's entries (so a pushed record is never
// without its remote id), and the engine folds journal rows into `links` when it waits for the
// rate limit and before its run ends. Everything that reads `links` outside a running engine folds
// first (pull, removal) — and the engine itself folds what earlier runs left before it starts, and
// remembers what it journals (LinkMemo), so no reader sees a link missing.
import type { RapportDB } from '../storage/db';
import type { LinkJournal, LinkRow, SyncStateRow } from '../storage/sync-rows';

export type { LinkJournal };

export const LINK_JOURNAL_PREFIX = 'links|';

/** A journal row's key: sorts by connector, then time, then the writing run's counter. */
export function linkJournalKey(connectorId: string, at: number, owner: string, n: number): string {
  return `${LINK_JOURNAL_PREFIX}${connectorId}|${at.toString(36).padStart(10, '0')}|${owner}|${n.toString(36).padStart(8, '0')}`;
}

function range(connectorId?: string): [string, string] {
  const p = connectorId ? `${LINK_JOURNAL_PREFIX}${connectorId}|` : LINK_JOURNAL_PREFIX;
  return [p, `${p}\uffff`];
}

/**
 * Moves up to `maxRows` journal rows (all by default; of one connector if given) into `links`, oldest
 * first, so a later link of a record replaces an earlier one. Joins the caller's transaction if it
 * includes `links` and `syncState`. Returns how many rows were folded.
 */
export async function foldLinkJournal(db: RapportDB, opts: { connectorId?: string; maxRows?: number } = {}): Promise<number> {
  return db.transaction('rw', db.links, db.syncState, async () => {
    const [lo, hi] = range(opts.connectorId);
    let query = db.syncState.where('key').between(lo, hi);
    if (opts.maxRows !== undefined) query = query.limit(opts.maxRows);
    const rows = (await query.toArray()).filter((r): r is SyncStateRow & { linkJournal: LinkJournal } => !!r.linkJournal);
    if (rows.length === 0) return 0;
    const links: LinkRow[] = [];
    for (const { linkJournal: j } of rows) {
      for (const [localId, remoteId] of j.links)
        links.push({ connectorId: j.connectorId, kind: j.kind, localId, remoteId, syncedAt: j.syncedAt });
    }
    await db.links.bulkPut(links);
    await db.syncState
      .where('key')
      .between(rows[0].key, rows[rows.length - 1].key, true, true)
      .delete();
    return rows.length;
  });
}

/** Drops a connector's journal (the instance is being removed). */
export async function dropLinkJournal(db: RapportDB, connectorId: string): Promise<void> {
  const [lo, hi] = range(connectorId);
  await db.syncState.where('key').between(lo, hi).delete();
}
