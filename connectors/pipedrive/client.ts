// A thin Pipedrive API client over connectors/http.ts: `x-api-token` auth, the
// `{success, data, additional_data}` envelope, error classification for `{success:false, error}`,
// and pacing of the search endpoints (10 requests / 2 s per token, tighter than the burst limit the
// engine's bucket enforces).
import { Pacer, requestJson, sleep, type DescribeError, type JsonRequestOptions } from '../http';
import { ConnectorError, type ConnectorContext } from '../types';

export const PIPEDRIVE_PLANS = { essential: 20, advanced: 40, professional: 80, power: 100, enterprise: 120 } as const;
export type PipedrivePlan = keyof typeof PIPEDRIVE_PLANS;

export interface PipedriveConfig {
  apiToken: string;
  companyDomain: string;
  baseUrl?: string;
  plan: PipedrivePlan;
}

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
}

export interface PdNote {
  id: number;
  content: string;
}

export interface PdActivity {
  id: number;
  note?: string | null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
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

export function pipedriveBase(config: Pick<PipedriveConfig, 'baseUrl' | 'companyDomain'>): string {
  return (config.baseUrl || `https://${config.companyDomain}.pipedrive.com`).replace(/\/+$/, '');
}

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
    const url = new URL(this.base + path);
    for (const [k, v] of Object.entries(options.query ?? {})) {
      for (const item of Array.isArray(v) ? v : [v]) if (item !== undefined && item !== null) url.searchParams.append(k, String(item));
    }
    const res = await requestJson<PdEnvelope<T>>(this.ctx.fetch, url.toString(), {
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

  /** Exact-match search (case-insensitive at Pipedrive); callers still verify the field. */
  async search<T>(kind: 'persons' | 'organizations', term: string, fields: string): Promise<T[]> {
    for (let attempt = 0; ; attempt++) {
      const answered = await searchPacer.wait(this.key);
      let wait: number;
      try {
        const res = await this.get<{ items?: { item: T }[] }>(`/api/v2/${kind}/search`, { term, fields, exact_match: true, limit: 100 });
        return (res.data?.items ?? []).map((i) => i.item);
      } catch (err) {
        // Other clients share the token's search budget: wait out a short 429 here, twice at most.
        wait = err instanceof ConnectorError && err.kind === 'rate-limit' ? (err.retryAfterMs ?? 2000) : Infinity;
        if (attempt >= 2 || wait > 2500) throw err;
      } finally {
        answered();
      }
      await sleep(wait);
    }
  }
}
