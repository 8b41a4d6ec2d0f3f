// Which outbox kind a pipeline item goes out as (decision 0054): sales and custom pipelines' items
// are deals, service items are cases, hiring items candidates. A change to an item (created, edited,
// moved, its people merged or deleted) queues it in the same transaction as the change.
import type { RapportDB } from './db';
import type { Change } from './outbox';
import type { Pipeline, PipelineItem } from './schema';
import type { ItemSyncKind } from './sync-rows';

export function itemSyncKind(kind: Pipeline['kind']): ItemSyncKind {
  return kind === 'service' ? 'case' : kind === 'hiring' ? 'candidate' : 'deal';
}

/** Outbox changes for these items, given their pipelines (items of a pipeline no longer there are skipped). */
export function itemChangesOf(items: Iterable<Pick<PipelineItem, 'id' | 'pipelineId'>>, pipelines: Iterable<Pipeline>): Change[] {
  const kindOf = new Map([...pipelines].map((p) => [p.id, itemSyncKind(p.kind)]));
  const out: Change[] = [];
  for (const item of items) {
    const kind = kindOf.get(item.pipelineId);
    if (kind) out.push({ kind, localId: item.id });
  }
  return out;
}

/** The same, reading the pipelines (inside the caller's transaction, which must include db.pipelines). */
export async function itemChanges(db: RapportDB, items: readonly Pick<PipelineItem, 'id' | 'pipelineId'>[]): Promise<Change[]> {
  if (items.length === 0) return [];
  return itemChangesOf(items, await db.pipelines.toArray());
}
