// A small WebDAV/CardDAV client (RFC 4918, RFC 6352, RFC 6578, RFC 6764) over the engine's fetch:
// PROPFIND/REPORT/MKCOL/GET/PUT with Basic auth, multistatus parsing, and address-book discovery.
import { DEFAULT_TIMEOUT_MS, parseRetryAfter } from '../http';
import { ConnectorError } from '../types';
import { CARDDAV_NS, DAV_NS, child, childrenOf, escapeXml, find, parseXml, textOf, type XmlElement } from './xml';

export interface DavCredentials {
  url: string;
  username: string;
  password: string;
}

export interface DavPropstat {
  status: number;
  prop: XmlElement | undefined;
}

export interface DavResponse {
  /** Absolute URL of the resource. */
  url: string;
  /** Response-level status (sync-collection reports removed members this way), if any. */
  status?: number;
  propstats: DavPropstat[];
}

export interface Multistatus {
  responses: DavResponse[];
  syncToken?: string;
}

const XML_HEADERS = { 'Content-Type': 'application/xml; charset=utf-8' };

function parseStatusLine(s: string): number | undefined {
  const m = /HTTP\/\d(?:\.\d)?\s+(\d{3})/.exec(s);
  return m ? Number(m[1]) : undefined;
}

/** HTTP status → the engine's error kinds. */
export function statusError(status: number, what: string, detail = '', retryAfter?: number): ConnectorError {
  const msg = `${what}: HTTP ${status}${detail ? ` ${detail.slice(0, 300)}` : ''}`;
  if (status === 401 || status === 403) return new ConnectorError(msg, 'auth', status);
  if (status === 429) return new ConnectorError(msg, 'rate-limit', status, retryAfter);
  if (status === 408 || status === 423 || status >= 500) return new ConnectorError(msg, 'transient', status, retryAfter);
  if (status === 404 || status === 410) return new ConnectorError(msg, 'not-found', status);
  if (status === 409 || status === 412) return new ConnectorError(msg, 'conflict', status);
  return new ConnectorError(msg, 'validation', status);
}

export function networkError(e: unknown, what: string): ConnectorError {
  if (e instanceof ConnectorError) return e;
  const name = e instanceof Error ? e.name : '';
  const text = e instanceof Error ? e.message : String(e);
  const why = name === 'TimeoutError' || name === 'AbortError' ? 'timed out or aborted' : `network error (${text})`;
  return new ConnectorError(`${what}: ${why}`, 'transient');
}

function basicAuth(username: string, password: string): string {
  const bytes = new TextEncoder().encode(`${username}:${password}`);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return `Basic ${btoa(bin)}`;
}

export function parseMultistatus(body: string, baseUrl: string): Multistatus {
  const root = parseXml(body);
  if (root.ns !== DAV_NS || root.name !== 'multistatus') throw new Error(`expected DAV:multistatus, got ${root.name}`);
  const responses: DavResponse[] = [];
  for (const r of childrenOf(root, DAV_NS, 'response')) {
    const href = textOf(child(r, DAV_NS, 'href')).trim();
    if (!href) continue;
    const statusEl = child(r, DAV_NS, 'status');
    responses.push({
      url: new URL(href, baseUrl).href,
      status: statusEl ? parseStatusLine(textOf(statusEl)) : undefined,
      propstats: childrenOf(r, DAV_NS, 'propstat').map((ps) => ({
        status: parseStatusLine(textOf(child(ps, DAV_NS, 'status'))) ?? 200,
        prop: child(ps, DAV_NS, 'prop'),
      })),
    });
  }
  const token = child(root, DAV_NS, 'sync-token');
  return { responses, syncToken: token ? textOf(token).trim() : undefined };
}

/** A property from a 2xx propstat of this response. */
export function prop(r: DavResponse, ns: string, name: string): XmlElement | undefined {
  for (const ps of r.propstats) {
    if (ps.status < 200 || ps.status > 299) continue;
    const p = child(ps.prop, ns, name);
    if (p) return p;
  }
  return undefined;
}

function sameResource(a: string, b: string): boolean {
  const strip = (u: string) => decodeURIComponent(new URL(u).pathname).replace(/\/+$/, '');
  return strip(a) === strip(b);
}

export function withSlash(u: string): string {
  const url = new URL(u);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url.href;
}

/** Redirects followed for one request (all on the configured origin). */
const MAX_REDIRECTS = 5;

export class DavClient {
  private readonly auth: string;
  /** The only origin the credentials are sent to: the configured URL's. */
  readonly origin: string;

  constructor(
    private readonly fetchFn: typeof fetch,
    readonly creds: DavCredentials,
  ) {
    this.auth = basicAuth(creds.username, creds.password);
    this.origin = new URL(creds.url).origin;
  }

  /**
   * Refuses a URL on another origin than the configured one, before anything is sent: a server's
   * href or redirect must not make Rapport hand the password (or a card) to someone else.
   */
  private checkOrigin(url: string, via: string): void {
    const origin = new URL(url).origin;
    if (origin === this.origin) return;
    throw new ConnectorError(
      `CardDAV: ${via} points to ${origin}, another address than ${this.origin}; Rapport sends your CardDAV credentials only to the address you configured. If that server is yours, set the URL to it.`,
      'auth',
    );
  }

  /**
   * One request, Basic auth, redirects followed by hand on the configured origin only (fetch's
   * own following would re-send the request, body included, wherever the server points).
   */
  async request(method: string, url: string, init: { body?: string; headers?: Record<string, string> } = {}): Promise<Response> {
    let target = url;
    let via = `the URL ${url}`;
    for (let hop = 0; ; hop++) {
      this.checkOrigin(target, via);
      const send = (extra: RequestInit) =>
        this.fetchFn(target, {
          method,
          cache: 'no-store',
          credentials: 'omit',
          signal: AbortSignal.timeout(DEFAULT_TIMEOUT_MS),
          ...extra,
        });
      let res: Response;
      try {
        res = await send({ body: init.body, headers: { Authorization: this.auth, ...init.headers }, redirect: 'manual' });
      } catch (e) {
        throw networkError(e, `CardDAV ${method} ${new URL(target).pathname}`);
      }
      let next: string | undefined;
      if (res.type === 'opaqueredirect') {
        // A browser hides where a manual redirect goes: ask again without credentials or body,
        // letting it follow, to learn the address; the request itself is only re-sent there if
        // it is on the configured origin.
        const probe = await send({ headers: init.headers, redirect: 'follow' }).catch((e: unknown) => {
          throw networkError(e, `CardDAV ${method} ${new URL(target).pathname}`);
        });
        await probe.body?.cancel().catch(() => undefined);
        if (!probe.redirected || !probe.url)
          throw new ConnectorError(`CardDAV ${method}: a redirect Rapport could not follow`, 'transient');
        next = probe.url;
      } else if (res.status >= 300 && res.status < 400 && res.status !== 304 && res.headers.get('location')) {
        next = new URL(res.headers.get('location')!, target).href;
        await res.body?.cancel().catch(() => undefined);
      }
      if (next === undefined) return res;
      if (hop >= MAX_REDIRECTS) throw new ConnectorError(`CardDAV ${method}: too many redirects from ${url}`, 'validation');
      via = `a redirect from ${new URL(target).pathname}`;
      target = next;
    }
  }

  /** Throws the classified error for a non-2xx answer. */
  async fail(res: Response, what: string): Promise<never> {
    const detail = await res.text().catch(() => '');
    throw statusError(res.status, what, detail.replace(/\s+/g, ' ').trim(), parseRetryAfter(res.headers.get('Retry-After')));
  }

  async multistatus(method: 'PROPFIND' | 'REPORT', url: string, body: string, depth: '0' | '1'): Promise<Multistatus> {
    const res = await this.request(method, url, { body, headers: { ...XML_HEADERS, Depth: depth } });
    if (res.status !== 207) await this.fail(res, `CardDAV ${method} ${new URL(url).pathname}`);
    const text = await res.text();
    try {
      return parseMultistatus(text, res.url || url);
    } catch (e) {
      throw new ConnectorError(
        `CardDAV ${method}: unreadable answer (${e instanceof Error ? e.message : String(e)})`,
        'transient',
        res.status,
      );
    }
  }

  propfind(url: string, props: string, depth: '0' | '1'): Promise<Multistatus> {
    return this.multistatus(
      'PROPFIND',
      url,
      `<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:" xmlns:card="${CARDDAV_NS}"><d:prop>${props}</d:prop></d:propfind>`,
      depth,
    );
  }
}

// ---------------------------------------------------------------------------------------------------
// Discovery (RFC 6764 §6, RFC 6352 §7)

export interface AddressBook {
  url: string;
  displayName?: string;
  /** The book did not exist and was created by discovery (MKCOL). */
  created?: boolean;
}

function isAddressBook(r: DavResponse): boolean {
  const rt = prop(r, DAV_NS, 'resourcetype');
  return !!rt && !!child(rt, CARDDAV_NS, 'addressbook');
}

function hrefProp(r: DavResponse | undefined, ns: string, name: string, base: string): string | undefined {
  if (!r) return undefined;
  const el = prop(r, ns, name);
  const href = el && textOf(find(el, DAV_NS, 'href') ?? el).trim();
  return href ? new URL(href, base).href : undefined;
}

/** Depth-0 PROPFIND that answers undefined for "not here" statuses (but throws auth/rate/transient errors). */
async function probe(dav: DavClient, url: string, props: string): Promise<{ r?: DavResponse; base: string } | undefined> {
  try {
    const ms = await dav.propfind(url, props, '0');
    return { r: ms.responses.find((x) => sameResource(x.url, url)) ?? ms.responses[0], base: url };
  } catch (e) {
    if (e instanceof ConnectorError && (e.kind === 'not-found' || e.kind === 'validation' || e.kind === 'conflict')) return undefined;
    throw e;
  }
}

const PROBE_PROPS = '<d:resourcetype/><d:displayname/><d:current-user-principal/><card:addressbook-home-set/>';

/**
 * Finds the address book to write to: the configured URL if it is one; else its principal's
 * addressbook-home-set (via the URL itself or /.well-known/carddav), first address book in it; if the
 * home holds none, one named "Rapport" is created with an extended MKCOL.
 */
export async function discoverAddressBook(dav: DavClient): Promise<AddressBook> {
  const start = dav.creds.url;
  const first = await probe(dav, start, PROBE_PROPS);
  if (first?.r && isAddressBook(first.r)) {
    return { url: withSlash(first.r.url), displayName: textOf(prop(first.r, DAV_NS, 'displayname')).trim() || undefined };
  }
  let home = hrefProp(first?.r, CARDDAV_NS, 'addressbook-home-set', start);
  let principal = hrefProp(first?.r, DAV_NS, 'current-user-principal', start);
  if (!home && !principal) {
    for (const path of ['/.well-known/carddav', '/']) {
      const u = new URL(path, start).href;
      const p = await probe(dav, u, '<d:current-user-principal/>');
      principal = hrefProp(p?.r, DAV_NS, 'current-user-principal', p?.r?.url ?? u);
      if (principal) break;
    }
  }
  if (!home && principal) {
    const p = await probe(dav, principal, '<card:addressbook-home-set/>');
    home = hrefProp(p?.r, CARDDAV_NS, 'addressbook-home-set', principal);
  }
  if (!home) throw new ConnectorError(`CardDAV: no address book found at ${start} (no addressbook-home-set)`, 'validation');
  home = withSlash(home);

  const list = await dav.propfind(home, '<d:resourcetype/><d:displayname/>', '1');
  const book = list.responses.find((r) => !sameResource(r.url, home) && isAddressBook(r));
  if (book) return { url: withSlash(book.url), displayName: textOf(prop(book, DAV_NS, 'displayname')).trim() || undefined };

  const url = new URL('rapport/', home).href;
  const res = await dav.request('MKCOL', url, {
    headers: XML_HEADERS,
    body:
      `<?xml version="1.0" encoding="utf-8"?><d:mkcol xmlns:d="DAV:" xmlns:card="${CARDDAV_NS}"><d:set><d:prop>` +
      `<d:resourcetype><d:collection/><card:addressbook/></d:resourcetype><d:displayname>${escapeXml('Rapport')}</d:displayname>` +
      `</d:prop></d:set></d:mkcol>`,
  });
  if (res.status !== 201 && res.status !== 405) await dav.fail(res, `CardDAV MKCOL ${new URL(url).pathname}`);
  return { url, displayName: 'Rapport', created: res.status === 201 };
}
