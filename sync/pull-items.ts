// Pulled pipeline items (CRM → local, decision 0054), applied inside the pull page's transaction
// (pull.ts). Only items linked to this connection (pushed from here; a Rapport id written on the CRM's
// record links one whose link was lost) are touched; the CRM's other deals and tickets stay there.
// - The CRM's stage, mapped back through the connection's pipeline map, moves the local item (a stage
//   change recorded, as a move on the board would) unless the item's stage already maps to it (several
//   local stages may share one CRM stage), or a local change to it is still waiting to go to that CRM
//   (the local change wins and goes out next), or its pipeline is not synced there (mapped to null).
// - A deal's amount and expected close date changed there are taken too (same conditions).
// What a pull changes is queued for the other connections only (exceptConnector): nothing echoes.
import type { ItemSyncKind, RemoteItem, RemotePipeline } from '../connectors/types';
import { localStageOf } from '../connectors/pipeline-map';
import type { RapportDB } from '../storage/db';
import { type Change, enqueue, entryKey } from '../storage/outbox';
import { moveItem, withItemDerived } from '../storage/pipeline-logic';
import { type Pipeline, type PipelineItem, type StageChange, newId } from '../storage/schema';
import type { LinkRow, PipelineMapping } from '../storage/sync-rows';

export interface PulledItemsSummary {
  moved: number;
  updated: number;
  skipped: number;
}

/** The local item after the CRM's state of it (undefined: nothing to change), with the stage change when it moved. */
export function mergePulledItem(
  local: PipelineItem,
  pipeline: Pipeline,
  remote: RemoteItem,
  map: PipelineMapping[string] | undefined,
  at: string,
  remotePipeline?: RemotePipeline,
): { item: PipelineItem; change?: StageChange } | undefined {
  let next = local;
  let change: StageChange | undefined;
  const samePipeline = !map || !remote.remotePipelineId || remote.remotePipelineId === map.remotePipelineId;
  const current = map?.stages[local.stageId];
  if (samePipeline && remote.remoteStageId && current !== remote.remoteStageId) {
    const to = localStageOf(pipeline, map, remote.remoteStageId, remotePipeline);
    const moved = to ? moveItem(local, to, pipeline, at, newId('sc')) : undefined;
    if (moved) ({ item: next, change } = moved);
  }
  const fields: Partial<PipelineItem> = {};
  if (remote.kind === 'deal') {
    if (remote.amount !== undefined && remote.amount !== local.amount && remote.amount >= 0 && remote.amount <= 1e15)
      fields.amount = remote.amount;
    if (remote.closeDate && (!local.closeDate || Date.parse(remote.closeDate) !== Date.parse(local.closeDate)))
      fields.closeDate = remote.closeDate;
  }
  if (!change && Object.keys(fields).length === 0) return undefined;
  const item = withItemDerived({ ...next, ...fields, updatedAt: at }, pipeline);
  // A stage change is the item's latest change (receivers tell a move from an edit so).
  if (change) item.stageEnteredAt = at;
  return { item, ...(change ? { change } : {}) };
}

/** Applies pulled items inside the caller's transaction (which spans every table). */
export async function applyPulledItems(
  db: RapportDB,
  connectorId: string,
  items: RemoteItem[],
  mapping: PipelineMapping | undefined,
  now: number,
  /** The CRM's pipelines per kind, where known: a CRM stage no local stage maps to is placed by them. */
  remotes: Partial<Record<ItemSyncKind, readonly RemotePipeline[]>> = {},
): Promise<PulledItemsSummary> {
  const summary: PulledItemsSummary = { moved: 0, updated: 0, skipped: 0 };
  if (items.length === 0) return summary;
  const at = new Date(now).toISOString();
  const linkRows = await db.links
    .where('[connectorId+kind+remoteId]')
    .anyOf(items.map((r) => [connectorId, r.kind, r.remoteId]))
    .toArray();
  const linked = new Map(linkRows.map((l) => [`${l.kind}|${l.remoteId}`, l.localId]));
  const pipelines = new Map((await db.pipelines.toArray()).map((p) => [p.id, p]));
  const links: LinkRow[] = [];
  const changed: Change[] = [];
  for (const remote of items) {
    let localId = linked.get(`${remote.kind}|${remote.remoteId}`);
    if (!localId && remote.localId && (await db.items.get(remote.localId))) {
      // Created there by Rapport (its link was lost, or not folded yet): link it.
      localId = remote.localId;
      links.push({ connectorId, kind: remote.kind, localId, remoteId: remote.remoteId, syncedAt: now });
    }
    const local = localId ? await db.items.get(localId) : undefined;
    const pipeline = local && pipelines.get(local.pipelineId);
    if (!local || !pipeline || mapping?.[pipeline.id] === null) {
      summary.skipped++;
      continue;
    }
    const waiting = await db.outbox.get(entryKey(connectorId, remote.kind, local.id));
    if (waiting && waiting.state !== 'dead') continue;
    const map = mapping?.[pipeline.id] ?? undefined;
    const remotePipeline = remotes[remote.kind]?.find((r) => r.id === (remote.remotePipelineId ?? map?.remotePipelineId));
    const merged = mergePulledItem(local, pipeline, remote, map, at, remotePipeline);
    if (!merged) continue;
    await db.items.put(merged.item);
    if (merged.change) {
      await db.stageChanges.add(merged.change);
      summary.moved++;
    } else summary.updated++;
    changed.push({ kind: remote.kind, localId: local.id });
  }
  if (links.length) await db.links.bulkPut(links);
  await enqueue(db, changed, now, { exceptConnector: connectorId });
  return summary;
}
