// Salesforce REST client pieces: requests with the bearer token, error classification, SOQL quoting,
// query paging, and sObject Collections calls.
// REST API Developer Guide: https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/
import { requestJson, type VendorErrorInfo } from '../http';
import { ConnectorError } from '../types';
import type { Ctx } from './config';

export interface SfRecord {
  attributes?: { type: string; url?: string };
  Id: string;
  [field: string]: unknown;
}

export interface SfError {
  message?: string;
  errorCode?: string;
  statusCode?: string;
  fields?: string[];
}

export interface SaveResult {
  id?: string;
  success: boolean;
  errors: SfError[];
  created?: boolean;
}

/** Records per sObject Collections call (documented maximum). */
export const COLLECTION_MAX = 200;
/** Keep GET /query URLs well under Salesforce's 16,384-character URI limit. */
const MAX_QUERY_URL = 12_000;

/** A string inside single quotes in SOQL: backslash and quote escaped, control characters spelled out. */
export function soqlString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}'`;
}

/** A LIKE pattern: like soqlString, and the wildcards % and _ in the value matched literally. */
export function soqlLike(s: string, prefix = '%', suffix = '%'): string {
  const inner = soqlString(s).slice(1, -1).replace(/%/g, '\\%').replace(/_/g, '\\_');
  return `'${prefix}${inner}${suffix}'`;
}

/** SOQL datetime literal (no quotes; second precision, UTC). */
export function soqlDateTime(iso: string | number): string {
  return new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A whole-request error answer → ConnectorError. */
export function classify(status: number, errors: SfError[], retryAfter?: number): ConnectorError {
  const first = errors[0] ?? {};
  const code = first.errorCode ?? first.statusCode ?? '';
  const msg = `Salesforce ${status}${code ? ` ${code}` : ''}: ${first.message ?? 'request failed'}`.slice(0, 500);
  if (status === 401 || code === 'INVALID_SESSION_ID' || code === 'INVALID_AUTH_HEADER') return new ConnectorError(msg, 'auth', status);
  if (code === 'REQUEST_LIMIT_EXCEEDED' || code === 'TOO_MANY_REQUESTS' || status === 429)
    return new ConnectorError(msg, 'rate-limit', status, retryAfter);
  if (status === 403) return new ConnectorError(msg, 'auth', status); // API_DISABLED_FOR_ORG, INSUFFICIENT_ACCESS…: reconnect/fix permissions
  if (status >= 500 || status === 408 || code === 'UNABLE_TO_LOCK_ROW' || code === 'SERVER_UNAVAILABLE')
    return new ConnectorError(msg, 'transient', status, retryAfter);
  if (status === 404) return new ConnectorError(msg, 'not-found', status);
  if (
    status === 300 ||
    status === 409 ||
    status === 412 ||
    code === 'DUPLICATES_DETECTED' ||
    code === 'DUPLICATE_VALUE' ||
    code === 'DUPLICATE_EXTERNAL_ID'
  ) {
    return new ConnectorError(msg, 'conflict', status);
  }
  return new ConnectorError(msg, 'validation', status);
}

/** One record's errors from a Collections answer → ConnectorError. */
export function recordError(errors: SfError[]): ConnectorError {
  const first = errors[0] ?? {};
  const code = first.statusCode ?? first.errorCode ?? 'UNKNOWN';
  const fields = first.fields?.length ? ` [${first.fields.join(', ')}]` : '';
  const msg = `Salesforce ${code}: ${first.message ?? 'record rejected'}${fields}`.slice(0, 500);
  switch (code) {
    case 'DUPLICATES_DETECTED':
    case 'DUPLICATE_VALUE':
    case 'DUPLICATE_EXTERNAL_ID':
      return new ConnectorError(msg, 'conflict');
    case 'ENTITY_IS_DELETED':
    case 'INVALID_ID_FIELD':
      return new ConnectorError(msg, 'not-found');
    case 'UNABLE_TO_LOCK_ROW':
    case 'ALL_OR_NONE_OPERATION_ROLLED_BACK':
      return new ConnectorError(msg, 'transient');
    case 'REQUEST_LIMIT_EXCEEDED':
      return new ConnectorError(msg, 'rate-limit');
    default:
      return new ConnectorError(msg, 'validation');
  }
}

/** Salesforce's error bodies (JSON array, or an OAuth-style object) → message and kind, for connectors/http.ts. */
export function describeSfError(status: number, body: unknown): VendorErrorInfo {
  let errors: SfError[];
  if (Array.isArray(body)) errors = body as SfError[];
  else if (body && typeof body === 'object') {
    const o = body as { error?: string; error_description?: string; message?: string; errorCode?: string };
    errors = [{ message: o.error_description ?? o.message, errorCode: o.errorCode ?? o.error }];
  } else errors = [{ message: typeof body === 'string' && body ? body.slice(0, 300) : undefined }];
  const e = classify(status, errors);
  return { message: e.message, kind: e.kind };
}

export class SfClient {
  readonly base: string;

  constructor(
    private readonly fetchFn: typeof fetch,
    readonly instanceUrl: string,
    private readonly accessToken: string,
    readonly apiVersion: string,
  ) {
    this.instanceUrl = instanceUrl.replace(/\/+$/, '');
    this.base = `${this.instanceUrl}/services/data/${apiVersion}`;
  }

  /** `path` is relative to /services/data/vXX.X, or absolute from the instance root when it starts with /services/. */
  async request<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const url = path.startsWith('/services/') ? `${this.instanceUrl}${path}` : `${this.base}${path}`;
    const res = await requestJson<T>(this.fetchFn, url, {
      method,
      headers: { Authorization: `Bearer ${this.accessToken}` },
      body,
      vendor: 'Salesforce',
      describeError: describeSfError,
    });
    return res.body;
  }

  /** Runs a SOQL query and follows nextRecordsUrl up to `maxRecords`. */
  async query<T extends SfRecord = SfRecord>(soql: string, maxRecords = 10_000): Promise<T[]> {
    type Page = { records: T[]; done: boolean; nextRecordsUrl?: string };
    let page = await this.request<Page>('GET', `/query?q=${encodeURIComponent(soql)}`);
    const out = [...page.records];
    while (!page.done && page.nextRecordsUrl && out.length < maxRecords) {
      page = await this.request<Page>('GET', page.nextRecordsUrl);
      out.push(...page.records);
    }
    return out;
  }

  /**
   * Runs `SELECT … WHERE <clause built from a chunk of values>` for as many chunks as keep each URL short.
   * `clause(values)` builds the WHERE condition for one chunk.
   */
  async queryChunked<T extends SfRecord, V>(head: string, values: V[], clause: (chunk: V[]) => string, tail = ''): Promise<T[]> {
    const out: T[] = [];
    let chunk: V[] = [];
    const flush = async () => {
      if (!chunk.length) return;
      out.push(...(await this.query<T>(`${head} WHERE ${clause(chunk)}${tail}`)));
      chunk = [];
    };
    for (const v of values) {
      const next = [...chunk, v];
      if (chunk.length && encodeURIComponent(`${head} WHERE ${clause(next)}${tail}`).length + this.base.length > MAX_QUERY_URL)
        await flush();
      chunk.push(v);
    }
    await flush();
    return out;
  }

  /** sObject Collections: create (POST), update (PATCH) or upsert by external id; ≤ 200 records per call. */
  async collection(
    method: 'POST' | 'PATCH',
    records: Record<string, unknown>[],
    upsert?: { object: string; field: string },
  ): Promise<SaveResult[]> {
    const out: SaveResult[] = [];
    for (let i = 0; i < records.length; i += COLLECTION_MAX) {
      const chunk = records.slice(i, i + COLLECTION_MAX);
      const path = upsert ? `/composite/sobjects/${upsert.object}/${upsert.field}` : '/composite/sobjects';
      const res = await this.request<SaveResult[]>(method, path, { allOrNone: false, records: chunk });
      if (!Array.isArray(res) || res.length !== chunk.length) {
        throw new ConnectorError(
          `Salesforce ${method} ${path}: expected ${chunk.length} results, got ${Array.isArray(res) ? res.length : typeof res}`,
          'transient',
        );
      }
      out.push(...res);
    }
    return out;
  }

  /** sObject Collections delete (`DELETE /composite/sobjects?ids=…`, ≤ 200 ids per call): one result per id, in order. */
  async deleteCollection(ids: string[]): Promise<SaveResult[]> {
    const out: SaveResult[] = [];
    for (let i = 0; i < ids.length; i += COLLECTION_MAX) {
      const chunk = ids.slice(i, i + COLLECTION_MAX);
      const path = `/composite/sobjects?ids=${chunk.map(encodeURIComponent).join(',')}&allOrNone=false`;
      const res = await this.request<SaveResult[]>('DELETE', path);
      if (!Array.isArray(res) || res.length !== chunk.length)
        throw new ConnectorError(`Salesforce DELETE /composite/sobjects: expected ${chunk.length} results`, 'transient');
      out.push(...res);
    }
    return out;
  }
}

/** The client for a connection's org, token and API version. */
export function sfClient(ctx: Ctx): SfClient {
  return new SfClient(ctx.fetch, ctx.config.instanceUrl, ctx.config.accessToken, ctx.config.apiVersion);
}
