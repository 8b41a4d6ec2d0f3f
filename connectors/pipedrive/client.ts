// A thin Pipedrive API client over connectors/http.ts: `x-api-token` auth, the
// `{success, data, additional_data}` envelope, error classification for `{success:false, error}`,
// and pacing of the search endpoints (10 requests / 2 s per token, tighter than the burst limit the
// engine's bucket enforces).
import { Pacer, buildUrl, isRecord, pacedCall, requestJson, type DescribeError, type JsonRequestOptions } from '../http';
import { ConnectorError, type ConnectorContext } from '../types';
import { pipedriveBase, type PipedriveConfig } from './config';

export interface PdEnvelope<T> {
  success: boolean;
  data: T;
  additional_data?: {
    next_cursor?: string | null;
    pagination?: { start: number; limit: number; more_items_in_collection: boolean; next_start?: number };
  } | null;
}

export interface PdLabeled {
  value: string;
  primary?: boolean;
  label?: string;
}

export interface PdPerson {
  id: number;
  name: string;
  first_name?: string | null;
  last_name?: string | null;
  owner_id?: number | null;
  org_id?: number | null;
  emails?: PdLabeled[];
  phones?: PdLabeled[];
  job_title?: string | null;
  custom_fields?: Record<string, unknown>;
  add_time?: string;
  update_time?: string;
}

export interface PdSearchItem {
  id: number;
  name: string;
  emails?: string[];
  organization?: { id: number; name: string } | null;
}

export interface PdOrganization {
  id: number;
  name: string;
  address?: { value?: string | null } | null;
  add_time?: string;
}

export interface PdNote {
  id: number;
  content: string;
}

export interface PdActivity {
  id: number;
  note?: string | null;
  subject?: string;
  type?: string;
  done?: boolean;
  due_date?: string | null;
  due_time?: string | null;
  participants?: { person_id: number; primary?: boolean }[];
  person_id?: number | null;
  update_time?: string;
}

/** Reads `{success:false, error, error_info}`; Retry-After falls back to x-ratelimit-reset. */
export const describePipedriveError: DescribeError = (status, body, headers) => {
  const message = isRecord(body) && typeof body.error === 'string' ? body.error : undefined;
  if (status === 429) {
    const reset = Number(headers.get('x-ratelimit-reset'));
    return { message, kind: 'rate-limit', retryAfterMs: Number.isFinite(reset) && reset > 0 ? reset * 1000 : 2000 };
  }
  return { message };
};

/** Per-worker pacing of search, keyed by token: 10 requests / 2 s (+25% margin). */
const searchPacer = new Pacer(10, 2500);

export class PipedriveClient {
  readonly base: string;

  constructor(private readonly ctx: ConnectorContext<PipedriveConfig>) {
    this.base = pipedriveBase(ctx.config);
  }

  get key(): string {
    return `${this.base}|${this.ctx.config.apiToken}`;
  }

  async request<T>(
    method: NonNullable<JsonRequestOptions['method']>,
    path: string,
    options: { body?: unknown; query?: JsonRequestOptions['query'] } = {},
  ): Promise<PdEnvelope<T>> {
    const res = await requestJson<PdEnvelope<T>>(this.ctx.fetch, buildUrl(this.base, path, options.query), {
      method,
      body: options.body,
      headers: { 'x-api-token': this.ctx.config.apiToken },
      vendor: 'Pipedrive',
      describeError: describePipedriveError,
    });
    return res.body;
  }

  get<T>(path: string, query?: JsonRequestOptions['query']): Promise<PdEnvelope<T>> {
    return this.request<T>('GET', path, { query });
  }

  /** A GET with the server's clock (its Date header; ours when absent), for comparing with its timestamps. */
  async getWithServerTime<T>(path: string, query?: JsonRequestOptions['query']): Promise<{ body: PdEnvelope<T>; serverNow: number }> {
    const res = await requestJson<PdEnvelope<T>>(this.ctx.fetch, buildUrl(this.base, path, query), {
      headers: { 'x-api-token': this.ctx.config.apiToken },
      vendor: 'Pipedrive',
      describeError: describePipedriveError,
    });
    const date = Date.parse(res.headers.get('date') ?? '');
    return { body: res.body, serverNow: Number.isFinite(date) ? date : Date.now() };
  }

  /** GET of one record; null when Pipedrive answers that it does not exist. */
  async getOrNull<T>(path: string): Promise<T | null> {
    try {
      return (await this.get<T>(path)).data;
    } catch (err) {
      if (err instanceof ConnectorError && err.kind === 'not-found') return null;
      throw err;
    }
  }

  /**
   * Exact-match search (case-insensitive at Pipedrive); callers still verify the field. Other clients
   * share the token's search budget: a short 429 is waited out here, twice at most.
   */
  search<T>(kind: 'persons' | 'organizations', term: string, fields: string): Promise<T[]> {
    return pacedCall(
      searchPacer,
      this.key,
      async () => {
        const res = await this.get<{ items?: { item: T }[] }>(`/api/v2/${kind}/search`, { term, fields, exact_match: true, limit: 100 });
        return (res.data?.items ?? []).map((i) => i.item);
      },
      { defaultWaitMs: 2000, maxWaitMs: 2500 },
    );
  }
}
