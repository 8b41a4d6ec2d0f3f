// Shared HTTP helpers for connectors: one JSON request function that applies a timeout, reads the
// body once, and turns every failure into a classified ConnectorError (principle 4: the engine
// decides retries from the kind, never from raw statuses). Browser-safe: no Node imports.
import { ConnectorError } from './types';

export type ErrorKind = ConnectorError['kind'];

/** Default per-request timeout; the engine's own signal (in ctx.fetch) may be shorter. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Parses a `Retry-After` value: delta-seconds (`"7"`, tolerated `"1.5"`) or an HTTP date
 * (`"Wed, 21 Oct 2015 07:28:00 GMT"`). Returns milliseconds from `now`, never negative.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value == null) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** The default classification of an HTTP status. Vendors may refine it (see describeError). */
export function kindForStatus(status: number): ErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 429) return 'rate-limit';
  if (status === 404 || status === 410) return 'not-found';
  if (status === 409) return 'conflict';
  if (status === 408 || status === 425 || status >= 500) return 'transient';
  return 'validation';
}

/** What a vendor-specific parser makes of an error response. */
export interface VendorErrorInfo {
  message?: string;
  kind?: ErrorKind;
  /** Used when the response carries no Retry-After header. */
  retryAfterMs?: number;
}

export type DescribeError = (status: number, body: unknown, headers: Headers) => VendorErrorInfo;

export type QueryValue = string | number | boolean | undefined | null;

export interface JsonRequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  headers?: Record<string, string>;
  query?: Record<string, QueryValue | QueryValue[]>;
  /** Serialized as JSON when defined. */
  body?: unknown;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Vendor name used in messages about network failures ("HubSpot: request timed out…"). */
  vendor?: string;
  describeError?: DescribeError;
  /** Non-2xx statuses this call handles itself (returned instead of thrown), e.g. 404 on a look-up. */
  acceptStatuses?: number[];
}

export interface JsonResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

export function buildUrl(base: string, path: string, query?: JsonRequestOptions['query']): string {
  const url = new URL(base.replace(/\/+$/, '') + path);
  for (const [key, value] of Object.entries(query ?? {})) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) if (v !== undefined && v !== null) url.searchParams.append(key, String(v));
  }
  return url.toString();
}

/**
 * AbortSignal.any where available (Chrome 116+, Firefox 124+, Node 20.3+), else a manual union. Also
 * the sync engine's (sync/ may import connectors/).
 */
export function anySignal(signals: AbortSignal[]): AbortSignal {
  const native = (AbortSignal as unknown as { any?: (s: AbortSignal[]) => AbortSignal }).any;
  if (native) return native.call(AbortSignal, signals);
  const controller = new AbortController();
  for (const s of signals) {
    if (s.aborted) {
      controller.abort(s.reason);
      break;
    }
    s.addEventListener('abort', () => controller.abort(s.reason), { once: true });
  }
  return controller.signal;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function errorName(err: unknown): string {
  return err && typeof err === 'object' && 'name' in err ? String((err as { name: unknown }).name) : '';
}

function causeCode(err: unknown): string | undefined {
  const cause = err && typeof err === 'object' && 'cause' in err ? (err as { cause: unknown }).cause : undefined;
  return cause && typeof cause === 'object' && 'code' in cause ? String((cause as { code: unknown }).code) : undefined;
}

/** Classifies a thrown fetch/body-read error: every network-level failure is transient. */
export function networkError(err: unknown, vendor: string, timedOut: boolean, timeoutMs: number): ConnectorError {
  if (err instanceof ConnectorError) return err;
  if (timedOut || errorName(err) === 'TimeoutError') {
    return new ConnectorError(`${vendor}: no answer within ${timeoutMs} ms (timed out)`, 'transient');
  }
  if (errorName(err) === 'AbortError') return new ConnectorError(`${vendor}: request aborted`, 'transient');
  const code = causeCode(err);
  const detail = err instanceof Error ? err.message : String(err);
  return new ConnectorError(`${vendor}: network error (${code ?? detail})`, 'transient');
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Builds the ConnectorError for a non-2xx response. */
export function responseError(
  status: number,
  body: unknown,
  headers: Headers,
  vendor: string,
  describeError?: DescribeError,
): ConnectorError {
  const info = describeError?.(status, body, headers) ?? {};
  const kind = info.kind ?? kindForStatus(status);
  const fallbackText = typeof body === 'string' && body.length > 0 ? body.slice(0, 500) : `HTTP ${status}`;
  const message = info.message ?? `${vendor}: ${fallbackText}`;
  const retryAfterMs = parseRetryAfter(headers.get('retry-after')) ?? info.retryAfterMs;
  return new ConnectorError(message, kind, status, kind === 'rate-limit' || kind === 'transient' ? retryAfterMs : undefined);
}

/**
 * One JSON request. Resolves with the parsed body for 2xx (and `acceptStatuses`); throws a
 * classified ConnectorError for everything else, including timeouts and network failures.
 */
export async function requestJson<T = unknown>(
  fetchFn: typeof fetch,
  url: string,
  options: JsonRequestOptions = {},
): Promise<JsonResponse<T>> {
  const vendor = options.vendor ?? 'CRM';
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new DOMException('timed out', 'TimeoutError')), timeoutMs);
  const signal = options.signal ? anySignal([options.signal, timeout.signal]) : timeout.signal;
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  try {
    const res = await fetchFn(url, {
      method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal,
    });
    const text = await res.text();
    const body = parseBody(text);
    if (res.ok || options.acceptStatuses?.includes(res.status)) {
      if (res.ok && typeof body === 'string') {
        throw new ConnectorError(`${vendor}: expected JSON, got ${body.slice(0, 80)}`, 'transient', res.status);
      }
      return { status: res.status, headers: res.headers, body: body as T };
    }
    throw responseError(res.status, body, res.headers, vendor, options.describeError);
  } catch (err) {
    throw networkError(err, vendor, timeout.signal.aborted, timeoutMs);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves after `ms` (used to pace search endpoints with their own, tighter limits). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Keeps calls that share a key (e.g. a token's search budget) to at most `requests` per
 * `intervalMs` within this worker (a rolling window). The engine's token bucket covers the
 * vendor's main limit; this covers the endpoint-specific ones it cannot see. A call counts from
 * when its answer arrived, not from when it started: the vendor counts arrivals, and a call that
 * started on time can arrive late (a busy machine, a slow network) and land in the same window
 * as the next ones. `wait` resolves to the function that marks the call answered.
 */
export class Pacer {
  /** Per key: when each recent call was answered (Infinity while it is in flight). */
  private readonly calls = new Map<string, number[]>();

  constructor(
    private readonly requests: number,
    private readonly intervalMs: number,
  ) {}

  async wait(key: string): Promise<() => void> {
    for (;;) {
      const now = Date.now();
      const log = (this.calls.get(key) ?? []).filter((t) => t > now - this.intervalMs);
      this.calls.set(key, log);
      if (log.length < this.requests) {
        log.push(Infinity);
        let done = false;
        return () => {
          if (done) return;
          done = true;
          // In-flight calls are alike: whichever slot is marked, the window counts the same.
          const calls = this.calls.get(key) ?? [];
          const i = calls.indexOf(Infinity);
          if (i >= 0) calls[i] = Date.now();
        };
      }
      const oldest = Math.min(...log);
      // All in flight: look again shortly (an answer frees a slot one window later at the earliest).
      await sleep(Number.isFinite(oldest) ? oldest + this.intervalMs - now + 1 : 25);
    }
  }
}

/**
 * One call paced by `pacer` under `key` (e.g. a token's search budget, shared with other clients). A
 * rate-limit answer asking for at most `maxWaitMs` (`defaultWaitMs` when it names no wait) is waited out
 * here, twice at most, rather than failing the whole batch; any other failure is thrown.
 */
export async function pacedCall<T>(
  pacer: Pacer,
  key: string,
  call: () => Promise<T>,
  retry: { defaultWaitMs: number; maxWaitMs: number },
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const answered = await pacer.wait(key);
    let wait: number;
    try {
      return await call();
    } catch (err) {
      wait = err instanceof ConnectorError && err.kind === 'rate-limit' ? (err.retryAfterMs ?? retry.defaultWaitMs) : Infinity;
      if (attempt >= 2 || wait > retry.maxWaitMs) throw err;
    } finally {
      answered();
    }
    await sleep(wait);
  }
}

/** Escapes text for HTML bodies (notes are HTML in HubSpot and Pipedrive). Newlines become <br>. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/\r?\n/g, '<br>');
}

/** Splits an array into chunks of at most `size`. */
export function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * An address as a CRM keys it (look-ups, upserts, unions): trimmed and lowercased, as the record holds
 * it. Not storage/normalize's normalizeEmail, which also drops what does not look like an address: a
 * push sends what the record holds (an invalid address is the CRM's to reject), so it looks it up by
 * the same value.
 */
export function emailKey(email: string | null | undefined): string | undefined {
  const e = email?.trim().toLowerCase();
  return e ? e : undefined;
}

/** A mail participant as mail clients show one: `Name <address>`, or whichever of the two is known. */
export function participantLabel(p: { name?: string; email?: string }): string {
  return p.name && p.email ? `${p.name} <${p.email}>` : (p.email ?? p.name ?? '');
}

/** Splits a display name into first and last name at the first space ("Jean-Luc de la Tour"). */
export function splitName(name: string): { first: string; last: string } {
  const trimmed = name.trim().replace(/\s+/g, ' ');
  const at = trimmed.indexOf(' ');
  return at < 0 ? { first: trimmed, last: '' } : { first: trimmed.slice(0, at), last: trimmed.slice(at + 1) };
}
