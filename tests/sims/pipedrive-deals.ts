/**
 * Deals, pipelines and stages of the simulated Pipedrive API (tests/sims/pipedrive.ts routes here).
 *
 * Follows Pipedrive's public documentation:
 * - Deals v2: https://developers.pipedrive.com/docs/api/v2/Deals — `POST /api/v2/deals` (`title`
 *   required; `value`, `currency`, `person_id`, `org_id`, `pipeline_id`, `stage_id` — the pipeline
 *   follows the stage —, `status` open/won/lost, `lost_reason`, `expected_close_date` YYYY-MM-DD,
 *   `origin_id`), `PATCH /api/v2/deals/{id}`, `GET /api/v2/deals/{id}`, `DELETE /api/v2/deals/{id}`
 *   (marked deleted, `{success, data: {id}}`; restorable for 30 days, then purged), and the list
 *   `GET /api/v2/deals` (`person_id`, `org_id`, `pipeline_id`, `stage_id`, `status` — omitted: all
 *   but deleted —, `updated_since`, `sort_by` id/update_time/add_time, `sort_direction`, `cursor`).
 * - `origin`, `origin_id`, `channel`, `channel_id` (changelog "Introducing 4 new fields for Leads and
 *   Deals", May 2024): `origin_id` may be supplied in the POST payload and cannot be changed after.
 * - Pipelines v2 `GET /api/v2/pipelines` (`id`, `name`, `order_nr`, `is_deleted`,
 *   `is_deal_probability_enabled`) and stages v2 `GET /api/v2/stages` (`id`, `name`, `order_nr`,
 *   `pipeline_id`, `deal_probability` 0–100), `GET /api/v2/stages/{id}`.
 * Stricter than documented where the documentation is silent: a `stage_id` of another pipeline than
 * a `pipeline_id` sent with it is refused (400), and `lost_reason` is refused unless the deal is lost.
 */
import type { SimResponse } from './server';

export interface PdDeal {
  id: number;
  title: string;
  value: number;
  currency: string;
  pipeline_id: number;
  stage_id: number;
  status: 'open' | 'won' | 'lost';
  lost_reason: string | null;
  person_id: number | null;
  org_id: number | null;
  owner_id: number;
  expected_close_date: string | null;
  origin: string;
  origin_id: string | null;
  is_deleted: boolean;
  add_time: string;
  update_time: string;
  stage_change_time: string | null;
  won_time: string | null;
  lost_time: string | null;
  close_time: string | null;
}

export interface PdPipeline {
  id: number;
  name: string;
  order_nr: number;
  is_deleted: boolean;
  is_deal_probability_enabled: boolean;
  add_time: string;
  update_time: string;
}

export interface PdStage {
  id: number;
  name: string;
  order_nr: number;
  pipeline_id: number;
  deal_probability: number;
  is_deleted: boolean;
  add_time: string;
  update_time: string;
}

type Checked<T> = { value: T; error?: undefined } | { value?: undefined; error: SimResponse };

export interface DealDeps {
  deals: Map<number, PdDeal>;
  pipelines: Map<number, PdPipeline>;
  stages: Map<number, PdStage>;
  nextId(): number;
  now(): string;
  ok(data: unknown, additional?: Record<string, unknown>, status?: number): SimResponse;
  error(status: number, message: string, extra?: Record<string, unknown>): SimResponse;
  checkPerson(raw: unknown): Checked<number | null>;
  checkOrg(raw: unknown): Checked<number | null>;
  list<T extends { id: number; update_time: string; add_time: string; is_deleted: boolean }>(
    all: T[],
    q: URLSearchParams,
    filter: (t: T) => boolean,
    view: (t: T) => unknown,
  ): SimResponse;
  userOf(token: string): number;
}

/** Pipedrive's default pipeline in a new company account. */
export function defaultPipelines(at: string): { pipelines: PdPipeline[]; stages: PdStage[] } {
  const pipeline: PdPipeline = {
    id: 1,
    name: 'Pipeline',
    order_nr: 0,
    is_deleted: false,
    is_deal_probability_enabled: true,
    add_time: at,
    update_time: at,
  };
  const names: [string, number][] = [
    ['Qualified', 10],
    ['Contact Made', 20],
    ['Proposal Made', 50],
    ['Negotiations Started', 80],
  ];
  return {
    pipelines: [pipeline],
    stages: names.map(([name, deal_probability], i) => ({
      id: i + 1,
      name,
      order_nr: i + 1,
      pipeline_id: 1,
      deal_probability,
      is_deleted: false,
      add_time: at,
      update_time: at,
    })),
  };
}

const bad = (d: DealDeps, msg: string) => d.error(400, `Validation failed: ${msg}`, { code: 'ERR_SCHEMA_VALIDATION_FAILED' });

function writeDeal(d: DealDeps, existing: PdDeal | undefined, body: unknown, token: string): SimResponse {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return bad(d, 'body: Expected object');
  const b = body as Record<string, unknown>;
  if (existing && b.origin_id !== undefined) return d.error(400, "'origin_id' cannot be changed", { code: 'ERR_BAD_REQUEST' });
  const title = b.title === undefined ? existing?.title : typeof b.title === 'string' ? b.title.trim() : '';
  if (!title) return bad(d, 'title: Title must be given');
  if (b.value !== undefined && (typeof b.value !== 'number' || !Number.isFinite(b.value))) return bad(d, 'value: Expected number');
  if (b.currency !== undefined && (typeof b.currency !== 'string' || !/^[A-Z]{3}$/.test(b.currency)))
    return bad(d, 'currency: Expected a 3-letter currency code');
  const status = b.status === undefined ? (existing?.status ?? 'open') : b.status;
  if (status !== 'open' && status !== 'won' && status !== 'lost') return bad(d, `status: Invalid enum value '${String(status)}'`);
  if (b.lost_reason !== undefined && b.lost_reason !== null && status !== 'lost')
    return bad(d, 'lost_reason: can only be set on a lost deal');
  if (
    b.expected_close_date !== undefined &&
    b.expected_close_date !== null &&
    (typeof b.expected_close_date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(b.expected_close_date))
  )
    return bad(d, 'expected_close_date: Invalid date, expected YYYY-MM-DD');
  const person = b.person_id === undefined ? { value: existing?.person_id ?? null } : d.checkPerson(b.person_id);
  if (person.error) return person.error;
  const org = b.org_id === undefined ? { value: existing?.org_id ?? null } : d.checkOrg(b.org_id);
  if (org.error) return org.error;
  let pipelineId = existing?.pipeline_id;
  if (b.pipeline_id !== undefined) {
    const p = d.pipelines.get(Number(b.pipeline_id));
    if (!p || p.is_deleted) return d.error(400, `Pipeline with id ${String(b.pipeline_id)} does not exist`);
    pipelineId = p.id;
  }
  let stageId = existing && (b.pipeline_id === undefined || pipelineId === existing.pipeline_id) ? existing.stage_id : undefined;
  if (b.stage_id !== undefined) {
    const s = d.stages.get(Number(b.stage_id));
    if (!s || s.is_deleted) return d.error(400, `Stage with id ${String(b.stage_id)} does not exist`);
    if (b.pipeline_id !== undefined && s.pipeline_id !== pipelineId)
      return d.error(400, `Stage ${s.id} does not belong to pipeline ${String(pipelineId)}`);
    stageId = s.id;
    pipelineId = s.pipeline_id;
  }
  pipelineId ??= [...d.pipelines.values()].filter((p) => !p.is_deleted).sort((x, y) => x.order_nr - y.order_nr)[0]?.id;
  if (pipelineId === undefined) return d.error(400, 'No pipeline to add the deal to');
  // A deal put into a pipeline without a stage lands in its first stage.
  stageId ??= [...d.stages.values()]
    .filter((s) => s.pipeline_id === pipelineId && !s.is_deleted)
    .sort((x, y) => x.order_nr - y.order_nr)[0]?.id;
  if (stageId === undefined) return d.error(400, `Pipeline ${pipelineId} has no stages`);
  const now = d.now();
  const deal: PdDeal = existing ?? {
    id: d.nextId(),
    title,
    value: 0,
    currency: 'EUR',
    pipeline_id: pipelineId,
    stage_id: stageId,
    status: 'open',
    lost_reason: null,
    person_id: null,
    org_id: null,
    owner_id: d.userOf(token),
    expected_close_date: null,
    origin: 'API',
    origin_id: typeof b.origin_id === 'string' ? b.origin_id : null,
    is_deleted: false,
    add_time: now,
    update_time: now,
    stage_change_time: null,
    won_time: null,
    lost_time: null,
    close_time: null,
  };
  if (existing && existing.stage_id !== stageId) deal.stage_change_time = now;
  if (deal.status !== status) {
    deal.won_time = status === 'won' ? now : deal.won_time;
    deal.lost_time = status === 'lost' ? now : deal.lost_time;
    deal.close_time = status === 'open' ? null : now;
  }
  deal.title = title;
  deal.pipeline_id = pipelineId;
  deal.stage_id = stageId;
  deal.status = status;
  if (status !== 'lost') deal.lost_reason = null;
  else if (b.lost_reason !== undefined) deal.lost_reason = b.lost_reason === null ? null : String(b.lost_reason);
  if (b.value !== undefined) deal.value = b.value as number;
  if (b.currency !== undefined) deal.currency = b.currency as string;
  if (b.expected_close_date !== undefined) deal.expected_close_date = b.expected_close_date as string | null;
  deal.person_id = person.value;
  deal.org_id = org.value;
  deal.update_time = now;
  d.deals.set(deal.id, deal);
  return d.ok(deal, undefined, existing ? 200 : 201);
}

/** Answers the deal, pipeline and stage routes; undefined for any other path. */
export function routeDeals(
  d: DealDeps,
  req: { method: string; path: string; query: URLSearchParams; body: unknown },
  token: string,
): SimResponse | undefined {
  const { method, path, query: q, body } = req;
  let m: RegExpMatchArray | null;
  if (path === '/api/v2/deals') {
    if (method === 'POST') return writeDeal(d, undefined, body, token);
    if (method === 'GET') {
      const num = (k: string) => (q.get(k) === null ? undefined : Number(q.get(k)));
      const status = q.get('status');
      if (status && !['open', 'won', 'lost', 'deleted'].includes(status)) return bad(d, `status: Invalid enum value '${status}'`);
      // list() leaves deleted records out: the deleted ones are listed as live copies when asked for.
      const all =
        status === 'deleted'
          ? [...d.deals.values()].filter((x) => x.is_deleted).map((x) => ({ ...x, is_deleted: false }))
          : [...d.deals.values()];
      return d.list(
        all,
        q,
        (x) =>
          (num('person_id') === undefined || x.person_id === num('person_id')) &&
          (num('org_id') === undefined || x.org_id === num('org_id')) &&
          (num('pipeline_id') === undefined || x.pipeline_id === num('pipeline_id')) &&
          (num('stage_id') === undefined || x.stage_id === num('stage_id')) &&
          (!status || status === 'deleted' || x.status === status),
        (x) => x,
      );
    }
  }
  if ((m = path.match(/^\/api\/v2\/deals\/(\d+)$/))) {
    const deal = d.deals.get(Number(m[1]));
    if (!deal || deal.is_deleted) return d.error(404, 'Deal not found');
    if (method === 'GET') return d.ok(deal);
    if (method === 'PATCH') return writeDeal(d, deal, body, token);
    if (method === 'DELETE') {
      deal.is_deleted = true;
      deal.update_time = d.now();
      return d.ok({ id: deal.id });
    }
  }
  if (method === 'GET' && path === '/api/v2/pipelines') {
    return d.list(
      [...d.pipelines.values()],
      q,
      () => true,
      (p) => p,
    );
  }
  if (method === 'GET' && path === '/api/v2/stages') {
    const pid = q.get('pipeline_id');
    return d.list(
      [...d.stages.values()],
      q,
      (s) => !pid || s.pipeline_id === Number(pid),
      (s) => s,
    );
  }
  if (method === 'GET' && (m = path.match(/^\/api\/v2\/stages\/(\d+)$/))) {
    const s = d.stages.get(Number(m[1]));
    return s && !s.is_deleted ? d.ok(s) : d.error(404, 'Stage not found');
  }
  return undefined;
}
