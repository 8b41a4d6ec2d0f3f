// Pipeline items of sales and custom pipelines as Pipedrive deals (API v2): the stage chosen by the
// user's mapping or by name (../item-stages.ts), won and lost as the deal's status, the first linked
// person and the linked organization, and `origin_id` = "rapport:<local id>" — a value Pipedrive
// takes on create only and never changes, which finds an earlier attempt's deal on a retry.
// Pipedrive's won and lost are statuses, not stages: the pipelines listed for the mapping carry two
// stages of their own, "won" and "lost", beside the real ones.
import type { Pipeline, PipelineItem } from '../../storage/schema';
import { targetStage, mappedIds } from '../item-stages';
import { ConnectorError, type ConnectorContext, type PushItem, type RemoteItem, type RemotePipeline } from '../types';
import type { PipedriveClient } from './client';
import type { PipedriveConfig } from './config';

export interface PdDeal {
  id: number;
  title: string;
  value?: number | null;
  currency?: string | null;
  pipeline_id: number;
  stage_id: number;
  status: 'open' | 'won' | 'lost';
  lost_reason?: string | null;
  person_id?: number | null;
  org_id?: number | null;
  expected_close_date?: string | null;
  origin_id?: string | null;
  update_time?: string;
}

interface PdPipeline {
  id: number;
  name: string;
  order_nr: number;
}

interface PdStage {
  id: number;
  name: string;
  order_nr: number;
  pipeline_id: number;
  deal_probability?: number | null;
}

/** The stage ids the mapping uses for Pipedrive's won and lost statuses. */
export const WON = 'won';
export const LOST = 'lost';
export const ORIGIN = (localId: string) => `rapport:${localId}`;
const ORIGIN_RE = /^rapport:([A-Za-z0-9_]{1,100})$/;

/** Pages of a person's (organization's) deals scanned for the origin id, 100 each, newest first. */
const SCAN_PAGES = 5;
/** The pipelines listed once per connector context (one engine run) for the pushes that map by name. */
const pipelineCache = new WeakMap<object, Promise<RemotePipeline[]>>();

async function listAll<T>(client: PipedriveClient, path: string): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 20; page++) {
    const res = await client.get<T[] | null>(path, { limit: 500, cursor });
    out.push(...(res.data ?? []));
    cursor = res.additional_data?.next_cursor ?? undefined;
    if (!cursor) break;
  }
  return out;
}

/** Pipedrive's pipelines in their order, each with its stages in order, then "Won" and "Lost". */
export async function dealPipelines(client: PipedriveClient): Promise<RemotePipeline[]> {
  const [pipelines, stages] = await Promise.all([
    listAll<PdPipeline>(client, '/api/v2/pipelines'),
    listAll<PdStage>(client, '/api/v2/stages'),
  ]);
  return [...pipelines]
    .sort((a, b) => a.order_nr - b.order_nr || a.id - b.id)
    .map((p) => ({
      id: String(p.id),
      label: p.name,
      stages: [
        ...stages
          .filter((s) => s.pipeline_id === p.id)
          .sort((a, b) => a.order_nr - b.order_nr || a.id - b.id)
          .map((s) => ({
            id: String(s.id),
            label: s.name,
            ...(typeof s.deal_probability === 'number' ? { probability: s.deal_probability / 100 } : {}),
          })),
        { id: WON, label: 'Won', probability: 1, closed: 'won' as const },
        { id: LOST, label: 'Lost', probability: 0, closed: 'lost' as const },
      ],
    }));
}

function cachedPipelines(client: PipedriveClient, ctx: object): Promise<RemotePipeline[]> {
  let list = pipelineCache.get(ctx);
  if (!list) {
    list = dealPipelines(client);
    list.catch(() => pipelineCache.delete(ctx));
    pipelineCache.set(ctx, list);
  }
  return list;
}

/** Pipeline, stage and status of the deal for the item's stage. */
async function placeOf(
  client: PipedriveClient,
  ctx: ConnectorContext<PipedriveConfig>,
  rec: PipelineItem,
  pipeline: Pipeline,
): Promise<{ pipeline_id: number } | { stage_id: number } | { status: 'won' | 'lost'; pipeline_id: number }> {
  let ids = mappedIds(pipeline, rec.stageId, ctx.pipelineMapping);
  if (!ids) {
    const target = targetStage(pipeline, rec.stageId, ctx.pipelineMapping, await cachedPipelines(client, ctx));
    if (target) ids = { pipelineId: target.pipeline.id, stageId: target.stage.id };
  }
  if (!ids) {
    const stageName = pipeline.stages.find((s) => s.id === rec.stageId)?.name ?? rec.stageId;
    throw new ConnectorError(
      `No Pipedrive stage fits "${stageName}" of the pipeline "${pipeline.name}": map it in the connection's settings`,
      'validation',
    );
  }
  if (ids.stageId === WON || ids.stageId === LOST) return { status: ids.stageId, pipeline_id: Number(ids.pipelineId) };
  return { stage_id: Number(ids.stageId) };
}

function firstLinked(ids: string[], linked: Record<string, string>): number | undefined {
  for (const id of ids) if (linked[id]) return Number(linked[id]);
  return undefined;
}

/** The deal's fields as Rapport writes them (all but origin_id, which is set on create only). */
async function dealBody(
  client: PipedriveClient,
  ctx: ConnectorContext<PipedriveConfig>,
  item: PushItem,
  rec: PipelineItem,
  pipeline: Pipeline,
): Promise<Record<string, unknown>> {
  const place = await placeOf(client, ctx, rec, pipeline);
  const status = 'status' in place ? place.status : 'open';
  const currency = rec.currency ?? pipeline.currency;
  const personId = firstLinked(rec.contactIds, item.linked.contacts);
  const orgId = rec.companyId ? firstLinked([rec.companyId], item.linked.companies) : undefined;
  return {
    title: rec.title.trim().slice(0, 255) || 'Deal',
    ...('stage_id' in place ? { stage_id: place.stage_id } : { pipeline_id: place.pipeline_id }),
    status,
    ...(status === 'lost' && rec.lostReason ? { lost_reason: rec.lostReason.slice(0, 255) } : {}),
    ...(rec.amount !== undefined ? { value: rec.amount } : {}),
    ...(currency ? { currency } : {}),
    ...(rec.closeDate ? { expected_close_date: rec.closeDate.slice(0, 10) } : {}),
    ...(personId !== undefined ? { person_id: personId } : {}),
    ...(orgId !== undefined ? { org_id: orgId } : {}),
  };
}

/** An earlier attempt's deal: the person's (else the organization's, else the newest) deals carrying the origin id. */
async function findDealByOrigin(client: PipedriveClient, body: Record<string, unknown>, origin: string): Promise<PdDeal | undefined> {
  const owner =
    body.person_id !== undefined
      ? { person_id: body.person_id as number }
      : body.org_id !== undefined
        ? { org_id: body.org_id as number }
        : {};
  let cursor: string | undefined;
  for (let page = 0; page < SCAN_PAGES; page++) {
    const res = await client.get<PdDeal[] | null>('/api/v2/deals', { ...owner, limit: 100, sort_by: 'id', sort_direction: 'desc', cursor });
    const hit = (res.data ?? []).find((d) => d.origin_id === origin);
    if (hit) return hit;
    cursor = res.additional_data?.next_cursor ?? undefined;
    if (!cursor) return undefined;
  }
  return undefined;
}

/** Updated in place, found by its origin id (then updated), or created. */
export async function pushDeal(
  client: PipedriveClient,
  ctx: ConnectorContext<PipedriveConfig>,
  item: PushItem,
  rec: PipelineItem,
  pipeline: Pipeline,
): Promise<number> {
  const body = await dealBody(client, ctx, item, rec, pipeline);
  if (item.remoteId) {
    const existing = await client.getOrNull<PdDeal>(`/api/v2/deals/${encodeURIComponent(item.remoteId)}`);
    if (!existing) throw new ConnectorError(`Pipedrive deal ${item.remoteId} no longer exists`, 'not-found', 404);
    await client.request('PATCH', `/api/v2/deals/${existing.id}`, { body });
    return existing.id;
  }
  if (rec.contactIds.length + (rec.companyId ? 1 : 0) > 0 && body.person_id === undefined && body.org_id === undefined) {
    throw new ConnectorError('None of the contacts or companies of this deal is synced to Pipedrive yet', 'not-found');
  }
  const origin = ORIGIN(rec.id);
  const found = item.firstSend ? undefined : await findDealByOrigin(client, body, origin);
  if (found) {
    await client.request('PATCH', `/api/v2/deals/${found.id}`, { body });
    return found.id;
  }
  return (await client.request<PdDeal>('POST', '/api/v2/deals', { body: { ...body, origin_id: origin } })).data.id;
}

/** A deal as the pull hands it over: won and lost deals stand at the "won" / "lost" stage of their pipeline. */
export function remoteDeal(d: PdDeal): RemoteItem {
  const localId = ORIGIN_RE.exec(d.origin_id ?? '')?.[1];
  const updatedAt = Date.parse(d.update_time ?? '');
  return {
    remoteId: String(d.id),
    kind: 'deal',
    remotePipelineId: String(d.pipeline_id),
    remoteStageId: d.status === 'won' ? WON : d.status === 'lost' ? LOST : String(d.stage_id),
    title: d.title,
    ...(typeof d.value === 'number' ? { amount: d.value } : {}),
    ...(d.currency ? { currency: d.currency } : {}),
    ...(d.expected_close_date ? { closeDate: d.expected_close_date } : {}),
    ...(Number.isNaN(updatedAt) ? {} : { updatedAt: new Date(updatedAt).toISOString() }),
    ...(localId ? { localId } : {}),
  };
}
