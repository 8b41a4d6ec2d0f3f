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

/**
 * Per item, the e-mails logged from its threads that this connection has pushed (local id → remote
 * id): the CRM may associate them with the item. An e-mail not pushed yet does not hold the item up.
 */
export async function threadEmails(
  db: RapportDB,
  connectorId: string,
  records: Map<string, AnyRecord>,
  known: (localId: string) => string | undefined,
): Promise<Map<string, Record<string, string>>> {
  const byThread = new Map<string, string[]>();
  for (const rec of records.values()) for (const t of (rec as PipelineItem).threadIds ?? []) byThread.set(t, []);
  const out = new Map<string, Record<string, string>>();
  if (byThread.size === 0) return out;
  const mails = (
    await db.activities
      .where('threadId')
      .anyOf([...byThread.keys()])
      .toArray()
  ).filter((a) => a.type === 'email');
  const unknown = mails.filter((a) => known(a.id) === undefined);
  const rows = await db.links.bulkGet(unknown.map((a) => [connectorId, 'email', a.id] as [string, 'email', string]));
  const remote = new Map(unknown.map((a, i) => [a.id, rows[i]?.remoteId]));
  for (const a of mails) {
    const id = known(a.id) ?? remote.get(a.id);
    if (id && a.threadId) byThread.get(a.threadId)!.push(`${a.id}\u0000${id}`);
  }
  for (const [itemId, rec] of records) {
    const pairs = ((rec as PipelineItem).threadIds ?? []).flatMap((t) => byThread.get(t) ?? []);
    if (pairs.length) out.set(itemId, Object.fromEntries(pairs.map((p) => p.split('\u0000') as [string, string])));
  }
  return out;
}

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
