/**
 * Local fixture server for end-to-end tests.
 *
 * HTTPS mode (default): a self-signed certificate valid for the real sites' hostnames is made with
 * `openssl` at startup, so the browser (launched with `--host-resolver-rules=MAP mail.google.com
 * 127.0.0.1:PORT, …` and `--ignore-certificate-errors`) loads https://mail.google.com/… from here and
 * the extension's content scripts run as on the real site.
 *
 * HTTP mode (`protocol: 'http'`): plain server on 127.0.0.1, for simulated CRM/webhook peers.
 *
 * Routes are matched on the Host header (port stripped) and the request path. The URL fragment
 * (`#inbox`) is never sent by the browser, so route Gmail as `/mail/u/0/`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { missingToolMessage } from '../../../scripts/lib/system-deps.mjs';

/** Hostnames the certificate covers (and that `launchWithExtension` maps to the server). */
export const FIXTURE_HOSTS = [
  'mail.google.com',
  'outlook.office.com',
  'outlook.office365.com',
  'outlook.live.com',
  'www.linkedin.com',
  // Country hosts of LinkedIn's logged-out public profiles and company pages.
  'de.linkedin.com',
  'uk.linkedin.com',
  'localhost',
] as const;

export type RouteHandler = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => void | Promise<void>;

interface StaticOptions {
  status?: number;
  headers?: Record<string, string>;
}

export type RouteTarget =
  | RouteHandler
  | ({ file: string; contentType?: string } & StaticOptions)
  | ({ html: string } & StaticOptions)
  | ({ json: unknown } & StaticOptions);

export interface LoggedRequest {
  method: string;
  host: string;
  /** Path plus query string, e.g. `/mail/u/0/?ui=2`. */
  path: string;
  headers: http.IncomingHttpHeaders;
  /** False when no route matched (answered 404). */
  matched: boolean;
}

export interface FixtureServer {
  readonly protocol: 'https' | 'http';
  readonly port: number;
  /** `https://127.0.0.1:PORT` (or http://) — reach the server directly, without the host mapping. */
  readonly origin: string;
  /** PEM of the self-signed certificate (HTTPS mode only), e.g. for Node clients' `ca` option. */
  readonly certPem: string | null;
  /** Every request received, in order. */
  readonly requests: LoggedRequest[];
  /**
   * Registers a route. `host` is a hostname (`'mail.google.com'`) or `'*'` for any host.
   * A string `path` is a prefix of the URL path (query excluded); a RegExp is tested against
   * path + query. Routes registered later take precedence. Returns a function removing the route.
   */
  route(host: string, path: string | RegExp, target: RouteTarget): () => void;
  /** Removes all routes and clears the request log. */
  reset(): void;
  close(): Promise<void>;
}

export interface FixtureServerOptions {
  /** Default 'https'. */
  protocol?: 'https' | 'http';
  /** Default 0 (a free port). */
  port?: number;
}

interface Route {
  host: string;
  path: string | RegExp;
  target: RouteTarget;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.vcf': 'text/vcard; charset=utf-8',
  '.ics': 'text/calendar; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
};

function makeCertificate(): { dir: string; key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'rapport-cert-'));
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  const san = FIXTURE_HOSTS.map((h) => `DNS:${h}`).join(',') + ',IP:127.0.0.1';
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=rapport-test',
        '-addext',
        `subjectAltName=${san}`,
        '-keyout',
        keyPath,
        '-out',
        certPath,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer };
    if (e.code === 'ENOENT') {
      throw new Error(`The e2e fixture server makes its test certificate with openssl: ${missingToolMessage('openssl')}`, {
        cause: err,
      });
    }
    throw new Error(`openssl failed to make the test certificate: ${e.stderr?.toString() || e.message}`, {
      cause: err,
    });
  }
  return { dir, key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8') };
}

function hostOf(req: http.IncomingMessage): string {
  const raw = (req.headers.host ?? '').toLowerCase();
  // "[::1]:443" / "mail.google.com:443" / "mail.google.com"
  if (raw.startsWith('[')) return raw.slice(0, raw.indexOf(']') + 1);
  const colon = raw.lastIndexOf(':');
  return colon >= 0 ? raw.slice(0, colon) : raw;
}

function matches(route: Route, host: string, url: URL): boolean {
  if (route.host !== '*' && route.host.toLowerCase() !== host) return false;
  if (typeof route.path === 'string') return url.pathname.startsWith(route.path);
  route.path.lastIndex = 0;
  return route.path.test(url.pathname + url.search);
}

async function serve(target: RouteTarget, req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
  if (typeof target === 'function') {
    await target(req, res, url);
    return;
  }
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  let body: string | Buffer;
  if ('file' in target) {
    body = await readFile(target.file);
    headers['content-type'] = target.contentType ?? CONTENT_TYPES[extname(target.file).toLowerCase()] ?? 'application/octet-stream';
  } else if ('html' in target) {
    body = target.html;
    headers['content-type'] = 'text/html; charset=utf-8';
  } else {
    body = JSON.stringify(target.json);
    headers['content-type'] = 'application/json; charset=utf-8';
  }
  res.writeHead(target.status ?? 200, { ...headers, ...target.headers });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Reads a request body as text (for handlers of POST/PUT requests). */
export async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startFixtureServer(options: FixtureServerOptions = {}): Promise<FixtureServer> {
  const protocol = options.protocol ?? 'https';
  const routes: Route[] = [];
  const requests: LoggedRequest[] = [];

  const listener: http.RequestListener = (req, res) => {
    const host = hostOf(req);
    const url = new URL(req.url ?? '/', `${protocol}://${host || '127.0.0.1'}`);
    let route: Route | undefined;
    for (let i = routes.length - 1; i >= 0; i--) {
      if (matches(routes[i], host, url)) {
        route = routes[i];
        break;
      }
    }
    requests.push({
      method: req.method ?? 'GET',
      host,
      path: url.pathname + url.search,
      headers: req.headers,
      matched: Boolean(route),
    });
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`No fixture route for ${host}${url.pathname}`);
      return;
    }
    serve(route.target, req, res, url).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`Fixture handler failed: ${err instanceof Error ? err.stack : String(err)}`);
    });
  };

  let certDir: string | null = null;
  let certPem: string | null = null;
  let server: http.Server;
  if (protocol === 'https') {
    const made = makeCertificate();
    certDir = made.dir;
    certPem = made.cert;
    server = https.createServer({ key: made.key, cert: made.cert }, listener);
  } else {
    server = http.createServer(listener);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  let closed = false;
  return {
    protocol,
    port,
    origin: `${protocol}://127.0.0.1:${port}`,
    certPem,
    requests,
    route(host, path, target) {
      const r: Route = { host, path, target };
      routes.push(r);
      return () => {
        const i = routes.indexOf(r);
        if (i >= 0) routes.splice(i, 1);
      };
    },
    reset() {
      routes.length = 0;
      requests.length = 0;
    },
    async close() {
      if (closed) return;
      closed = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (certDir) rmSync(certDir, { recursive: true, force: true });
    },
  };
}
