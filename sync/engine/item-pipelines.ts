// Pipeline items (decision 0054) go out with their pipeline as it is now. An item whose pipeline the
// connection maps to `null` ("Don't sync"), or whose pipeline is gone or now of another sync kind
// (its own entry of that kind is queued), is not this entry's to push: it is dropped from `records`,
// and the entry goes away like that of a deleted record.
import type { SyncKind } from '../../connectors/types';
import type { RapportDB } from '../../storage/db';
import { itemSyncKind } from '../../storage/item-sync';
import type { Pipeline, PipelineItem } from '../../storage/schema';
import { type ConnectorInstance, isItemKind } from '../../storage/sync-rows';
import type { AnyRecord } from './tables';

/** Item id → its pipeline, for item kinds (undefined for other kinds); removes the items not to push. */
export async function itemPipelines(
  db: RapportDB,
  inst: Pick<ConnectorInstance, 'pipelineMapping'>,
  kind: SyncKind,
  records: Map<string, AnyRecord>,
): Promise<Map<string, Pipeline> | undefined> {
  if (!isItemKind(kind)) return undefined;
  const out = new Map<string, Pipeline>();
  if (records.size === 0) return out;
  const byId = new Map((await db.pipelines.toArray()).map((p) => [p.id, p]));
  for (const [id, rec] of records) {
    const pipeline = byId.get((rec as PipelineItem).pipelineId);
    if (!pipeline || itemSyncKind(pipeline.kind) !== kind || inst.pipelineMapping?.[pipeline.id] === null) records.delete(id);
    else out.set(id, pipeline);
  }
  return out;
}
