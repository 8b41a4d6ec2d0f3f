// Pull (CRM → local): people changed in the CRM since the last cursor are merged into the local
// database, so the sidebar and popup know them offline; tasks too, for connections that sync tasks
// (pull-tasks.ts), and the stages of pipeline items (pull-items.ts).
//
// Merge rule (docs/architecture.md, principle 6, seen from the other side): a pulled person fills the empty local
// fields of the same person (same email or LinkedIn profile) or becomes a new local contact; a
// local value is never overwritten by a pull. The remote id is recorded in the links table, so a
// later local change updates that CRM record instead of searching for it. What a pull writes is
// queued for the *other* connections only: nothing echoes back to the CRM it came from.
//
// One page is one transaction: the merged people, their links and the advanced cursor commit
// together, so a worker killed mid-pull resumes from the last committed page and never skips one.
import type { ItemSyncKind, PullResult, RemotePipeline } from '../connectors/types';
import type { RapportDB } from '../storage/db';
import { rearmAwaiting } from '../storage/outbox';
import { upsertContacts } from '../storage/repositories';
import { nowIso } from '../storage/schema';
import { foldLinkJournal } from './link-journal';
import { type PulledItemsSummary, applyPulledItems } from './pull-items';
import { type PulledTasksSummary, applyPulledTasks } from './pull-tasks';
import { type LinkRow, type PipelineMapping, type SyncStateRow } from '../storage/sync-rows';

/** A complete pull is repeated this often (the engine wakes for it). */
export const PULL_INTERVAL_MS = 5 * 60_000;
/** Pages per engine run; the rest waits for the next run (the cursor is saved per page). */
export const PULL_PAGES_PER_RUN = 50;

export interface PullPageSummary {
  created: number;
  merged: number;
  unchanged: number;
  skipped: number;
  /** Pulled tasks (pull-tasks.ts): new local ones, local ones changed, ones left in the CRM. */
  tasks?: PulledTasksSummary;
  /** Pulled pipeline items (pull-items.ts): moved to another stage, otherwise changed, not linked here. */
  items?: PulledItemsSummary;
}

/** Applies one page and saves the cursor in the same transaction. */
export async function applyPullPage(
  db: RapportDB,
  connectorId: string,
  page: PullResult,
  stateKey: string,
  updateState: (row: SyncStateRow) => SyncStateRow,
  now: number = Date.now(),
  /** The connection's pipeline map, defaults filled in (pulled items' stages map back through it). */
  pipelineMapping?: PipelineMapping,
  /** The CRM's pipelines per kind of the pulled items, where read. */
  remotePipelines?: Partial<Record<ItemSyncKind, readonly RemotePipeline[]>>,
): Promise<PullPageSummary> {
  const summary: PullPageSummary = { created: 0, merged: 0, unchanged: 0, skipped: 0 };
  await db.transaction('rw', db.tables, async () => {
    const inputs = page.contacts.map((p) => ({ ...p.contact, emails: p.contact.emails ?? [] }));
    const results = inputs.length
      ? await upsertContacts(inputs, { type: 'crm', ref: connectorId, at: nowIso() }, { exceptConnector: connectorId }, db)
      : [];
    const links: LinkRow[] = [];
    const linkedLocal = new Set<string>();
    results.forEach((r, i) => {
      if (r instanceof Error) {
        summary.skipped++;
        return;
      }
      summary[r.status === 'created' ? 'created' : r.status === 'merged' ? 'merged' : 'unchanged']++;
      // Two CRM records can be one local person (same email): the first one keeps the link.
      if (linkedLocal.has(r.contact.id)) return;
      linkedLocal.add(r.contact.id);
      links.push({ connectorId, kind: 'contact', localId: r.contact.id, remoteId: page.contacts[i].remoteId, syncedAt: now });
    });
    if (links.length) {
      await foldLinkJournal(db, { connectorId }); // links the engine committed but has not folded yet
      const existing = await db.links.bulkGet(links.map((l) => [l.connectorId, l.kind, l.localId] as [string, 'contact', string]));
      // A person already linked (pushed from here, or pulled before) keeps its link.
      const added = links.filter((_, i) => !existing[i]);
      await db.links.bulkPut(added);
      // What was refused for want of these people's remote ids is due again.
      await rearmAwaiting(db, connectorId, new Set(added.map((l) => `contact|${l.localId}`)), now);
    }
    if (page.tasks?.length) {
      if (!links.length) await foldLinkJournal(db, { connectorId });
      summary.tasks = await applyPulledTasks(db, connectorId, page.tasks, now);
    }
    if (page.items?.length) {
      if (!links.length && !page.tasks?.length) await foldLinkJournal(db, { connectorId });
      summary.items = await applyPulledItems(db, connectorId, page.items, pipelineMapping, now, remotePipelines);
    }
    const row = (await db.syncState.get(stateKey)) ?? { key: stateKey };
    await db.syncState.put(updateState(row));
  });
  return summary;
}
