// HubSpot's pipelines and stages (`GET /crm/v3/pipelines/{deals|tickets}`), for the mapping the user
// makes on connect and for items of a pipeline not mapped yet. Stage metadata comes as strings:
// deals `isClosed` "true"/"false" and `probability` "0.0"–"1.0" (closed won = closed with probability
// 1), tickets `ticketState` "OPEN"/"CLOSED". Kept per worker for a few minutes (one push batch asks once).
import type { ItemSyncKind, RemotePipeline, RemoteStage } from '../types';
import type { HubspotClient } from './client';

interface HsPipeline {
  id: string;
  label: string;
  displayOrder?: number;
  archived?: boolean;
  stages?: { id: string; label: string; displayOrder?: number; archived?: boolean; metadata?: Record<string, string> }[];
}

const KEEP_MS = 5 * 60_000;
const cache = new Map<string, { at: number; pipelines: Promise<RemotePipeline[]> }>();

export const pipelineObject = (kind: ItemSyncKind): 'deals' | 'tickets' => (kind === 'case' ? 'tickets' : 'deals');

function stageOf(kind: ItemSyncKind, s: NonNullable<HsPipeline['stages']>[number]): RemoteStage {
  const m = s.metadata ?? {};
  const probability = m.probability !== undefined && m.probability !== '' ? Number(m.probability) : undefined;
  const closed: RemoteStage['closed'] =
    kind === 'case'
      ? m.ticketState === 'CLOSED' || m.isClosed === 'true'
        ? 'resolved'
        : undefined
      : m.isClosed === 'true'
        ? (probability ?? 0) >= 1
          ? 'won'
          : 'lost'
        : undefined;
  return {
    id: s.id,
    label: s.label,
    ...(probability !== undefined && Number.isFinite(probability) ? { probability } : {}),
    ...(closed ? { closed } : {}),
  };
}

const byOrder = <T extends { displayOrder?: number }>(list: T[]) => [...list].sort((a, b) => (a.displayOrder ?? 0) - (b.displayOrder ?? 0));

async function fetchPipelines(client: HubspotClient, kind: ItemSyncKind): Promise<RemotePipeline[]> {
  const res = await client.request<{ results?: HsPipeline[] }>('GET', `/crm/v3/pipelines/${pipelineObject(kind)}`);
  return byOrder((res.results ?? []).filter((p) => !p.archived)).map((p) => ({
    id: String(p.id),
    label: p.label,
    stages: byOrder((p.stages ?? []).filter((s) => !s.archived)).map((s) => stageOf(kind, s)),
  }));
}

/** The portal's pipelines for items of `kind`, default first (`fresh`: ask HubSpot again). */
export function listPipelines(client: HubspotClient, kind: ItemSyncKind, fresh = false): Promise<RemotePipeline[]> {
  const key = `${client.key}|${pipelineObject(kind)}`;
  const hit = cache.get(key);
  if (!fresh && hit && Date.now() - hit.at < KEEP_MS) return hit.pipelines;
  const entry = { at: Date.now(), pipelines: fetchPipelines(client, kind) };
  cache.set(key, entry);
  entry.pipelines.catch(() => cache.delete(key));
  return entry.pipelines;
}
