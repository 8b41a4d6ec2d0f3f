// A thin HubSpot CRM v3/v4 client over connectors/http.ts: error classification for HubSpot's
// error body, pacing for the search API (4 requests/s per token, a limit the engine's bucket does
// not see), and batch writes that turn 207s and whole-batch 400s into per-input outcomes.
import {
  Pacer,
  buildUrl,
  chunk,
  isRecord,
  pacedCall,
  requestJson,
  type DescribeError,
  type ErrorKind,
  type JsonRequestOptions,
} from '../http';
import { isPermanent } from '../outcomes';
import { ConnectorError, type ConnectorContext } from '../types';
import { HUBSPOT_BASE_URL, type HubspotConfig } from './config';

export const BATCH_LIMIT = 100;
/** Search returns at most 200 per page and 10,000 per query. */
export const SEARCH_PAGE = 100;
const SEARCH_MAX_RESULTS = 10_000;

export type HsObjectType = 'contacts' | 'companies' | 'deals' | 'tickets' | 'emails' | 'notes' | 'tasks' | 'calls' | 'meetings';

export interface HsObject {
  id: string;
  properties: Record<string, string | null | undefined>;
  createdAt?: string;
  updatedAt?: string;
  objectWriteTraceId?: string;
  new?: boolean;
}

interface HsBatchError {
  status?: string;
  category?: string;
  message?: string;
  context?: Record<string, unknown>;
}

interface HsBatchResponse {
  status?: string;
  results?: HsObject[];
  errors?: HsBatchError[];
}

export interface HsSearchResponse {
  total?: number;
  results?: HsObject[];
  paging?: { next?: { after?: string } };
}

export interface HsFilter {
  propertyName: string;
  operator: string;
  value?: string;
  highValue?: string;
  values?: string[];
}

export interface HsSearchRequest {
  filterGroups: { filters: HsFilter[] }[];
  properties: string[];
  sorts?: { propertyName: string; direction: 'ASCENDING' | 'DESCENDING' }[];
  limit?: number;
  after?: string;
}

export type WriteResult = { ok: true; object: HsObject } | { ok: false; error: ConnectorError };

export interface WriteInput {
  /** Our key for the input; sent as objectWriteTraceId so results can be matched back. */
  trace: string;
  body: Record<string, unknown>;
}

function msToNextUtcMidnight(now = Date.now()): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1) - now;
}

function kindForCategory(category: unknown, status: number): ErrorKind | undefined {
  switch (category) {
    case 'INVALID_AUTHENTICATION':
    case 'MISSING_SCOPES':
    case 'EXPIRED_AUTHENTICATION':
      return 'auth';
    case 'RATE_LIMITS':
      return 'rate-limit';
    case 'VALIDATION_ERROR':
      return status >= 500 ? undefined : 'validation';
    case 'OBJECT_NOT_FOUND':
      return 'not-found';
    case 'CONFLICT':
    case 'OBJECT_ALREADY_EXISTS':
      return 'conflict';
    default:
      return undefined;
  }
}

/** Reads HubSpot's `{status:"error", message, category, errorType, policyName}` body. */
export const describeHubspotError: DescribeError = (status, body, headers) => {
  if (!isRecord(body)) return {};
  const message = typeof body.message === 'string' ? body.message : undefined;
  if (status === 429 || body.errorType === 'RATE_LIMIT') {
    const policy = String(body.policyName ?? '');
    const interval = Number(headers.get('x-hubspot-ratelimit-interval-milliseconds'));
    const retryAfterMs =
      policy === 'SECONDLY'
        ? 1000
        : policy === 'DAILY'
          ? msToNextUtcMidnight()
          : Number.isFinite(interval) && interval > 0
            ? interval
            : 10_000;
    return { message, kind: 'rate-limit', retryAfterMs };
  }
  return { message, kind: status === 401 || status === 403 ? 'auth' : kindForCategory(body.category, status) };
};

/** Per-worker pacing of the search API, keyed by token: 4 requests / s (+25% margin). */
const searchPacer = new Pacer(4, 1250);

export class HubspotClient {
  readonly base: string;

  constructor(private readonly ctx: ConnectorContext<HubspotConfig>) {
    this.base = (ctx.config.baseUrl || HUBSPOT_BASE_URL).replace(/\/+$/, '');
  }

  get key(): string {
    return `${this.base}|${this.ctx.config.accessToken}`;
  }

  async request<T>(
    method: NonNullable<JsonRequestOptions['method']>,
    path: string,
    body?: unknown,
    query?: JsonRequestOptions['query'],
  ): Promise<T> {
    const res = await requestJson<T>(this.ctx.fetch, buildUrl(this.base, path, query), {
      method,
      body,
      headers: { authorization: `Bearer ${this.ctx.config.accessToken}` },
      vendor: 'HubSpot',
      describeError: describeHubspotError,
    });
    return res.body;
  }

  /**
   * Paced search. A SECONDLY 429 (other clients share the token's search budget) is waited out
   * here, twice at most, rather than failing the whole batch.
   */
  search(type: HsObjectType, request: HsSearchRequest): Promise<HsSearchResponse> {
    return pacedCall(searchPacer, this.key, () => this.request<HsSearchResponse>('POST', `/crm/v3/objects/${type}/search`, request), {
      defaultWaitMs: 1000,
      maxWaitMs: 2000,
    });
  }

  /** All pages of a search (bounded by the API's 10,000-result window and `maxResults`). */
  async searchAll(type: HsObjectType, request: Omit<HsSearchRequest, 'after' | 'limit'>, maxResults = 2000): Promise<HsObject[]> {
    const out: HsObject[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await this.search(type, { ...request, limit: SEARCH_PAGE, after });
      out.push(...(page.results ?? []));
      after = page.paging?.next?.after;
      if (!after || out.length >= maxResults || Number(after) + SEARCH_PAGE > SEARCH_MAX_RESULTS) return out;
    }
  }

  /** Batch read by id or by a unique property; missing ids are simply absent from the result. */
  async batchRead(type: HsObjectType, ids: string[], properties: string[], idProperty?: string): Promise<HsObject[]> {
    const out: HsObject[] = [];
    for (const part of chunk([...new Set(ids)], BATCH_LIMIT)) {
      const res = await this.request<HsBatchResponse>('POST', `/crm/v3/objects/${type}/batch/read`, {
        inputs: part.map((id) => ({ id })),
        properties,
        ...(idProperty ? { idProperty } : {}),
      });
      out.push(...(res.results ?? []));
    }
    return out;
  }

  /**
   * Batch create/update/upsert with per-input results. A whole-batch validation rejection is
   * bisected until the offending inputs are isolated; 207 errors are matched back through
   * objectWriteTraceId (or ids); auth, rate-limit and transient failures throw for the batch.
   */
  async batchWrite(type: HsObjectType, op: 'create' | 'update' | 'upsert', inputs: WriteInput[]): Promise<Map<string, WriteResult>> {
    const results = new Map<string, WriteResult>();
    for (const part of chunk(inputs, BATCH_LIMIT)) await this.writeChunk(type, op, part, results);
    return results;
  }

  private async writeChunk(
    type: HsObjectType,
    op: 'create' | 'update' | 'upsert',
    inputs: WriteInput[],
    results: Map<string, WriteResult>,
  ): Promise<void> {
    let res: HsBatchResponse;
    try {
      res = await this.request<HsBatchResponse>('POST', `/crm/v3/objects/${type}/batch/${op}`, {
        inputs: inputs.map((i) => ({ ...i.body, objectWriteTraceId: i.trace })),
      });
    } catch (err) {
      if (!isPermanent(err)) throw err;
      if (inputs.length === 1) {
        results.set(inputs[0].trace, { ok: false, error: err });
        return;
      }
      const half = Math.ceil(inputs.length / 2);
      await this.writeChunk(type, op, inputs.slice(0, half), results);
      await this.writeChunk(type, op, inputs.slice(half), results);
      return;
    }

    const byTrace = new Map(inputs.map((i) => [i.trace, i]));
    const byId = new Map(inputs.filter((i) => typeof i.body.id === 'string').map((i) => [String(i.body.id).toLowerCase(), i]));
    for (const obj of res.results ?? []) {
      const input =
        (obj.objectWriteTraceId && byTrace.get(obj.objectWriteTraceId)) ||
        byId.get(obj.id) ||
        this.matchUpsert(obj, inputs) ||
        (inputs.length === 1 ? inputs[0] : undefined);
      if (input) results.set(input.trace, { ok: true, object: obj });
    }
    for (const e of res.errors ?? []) {
      const ctx = isRecord(e.context) ? e.context : {};
      const traces = Array.isArray(ctx.objectWriteTraceId) ? ctx.objectWriteTraceId.map(String) : [];
      const ids = Array.isArray(ctx.ids) ? ctx.ids.map((id) => String(id).toLowerCase()) : [];
      const error = new ConnectorError(e.message ?? 'HubSpot rejected this input', kindForCategory(e.category, 400) ?? 'validation', 207);
      for (const t of traces) if (byTrace.has(t)) results.set(t, { ok: false, error });
      for (const id of ids) {
        const input = byId.get(id);
        if (input && !results.has(input.trace)) results.set(input.trace, { ok: false, error });
      }
    }
    for (const i of inputs) {
      if (!results.has(i.trace)) {
        results.set(i.trace, { ok: false, error: new ConnectorError('HubSpot returned no result for this input', 'transient', 207) });
      }
    }
  }

  private matchUpsert(obj: HsObject, inputs: WriteInput[]): WriteInput | undefined {
    return inputs.find((i) => {
      const prop = typeof i.body.idProperty === 'string' ? i.body.idProperty : undefined;
      return prop !== undefined && String(obj.properties[prop] ?? '').toLowerCase() === String(i.body.id).toLowerCase();
    });
  }

  /** v4 default associations, many at once; failures for single pairs are ignored. */
  async associateDefault(from: HsObjectType, to: HsObjectType, pairs: { from: string; to: string }[]): Promise<void> {
    const unique = [...new Map(pairs.map((p) => [`${p.from}>${p.to}`, p])).values()];
    for (const part of chunk(unique, BATCH_LIMIT)) {
      try {
        await this.request('POST', `/crm/v4/associations/${from}/${to}/batch/associate/default`, {
          inputs: part.map((p) => ({ from: { id: p.from }, to: { id: p.to } })),
        });
      } catch (err) {
        if (err instanceof ConnectorError && (err.kind === 'validation' || err.kind === 'not-found')) continue;
        throw err;
      }
    }
  }
}
