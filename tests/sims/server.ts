// The HTTP harness shared by the simulated vendor servers (tests only; never bundled): a Node
// server on 127.0.0.1 with an ephemeral port, JSON in and out, request counters, and the fault
// injection of ./faults applied before (or, for lostResponse, after) the vendor's handler.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { FAULT_KINDS, FaultInjector, type FaultKind, type FaultOptions } from './faults';

export interface SimRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON body (undefined when empty). */
  body: unknown;
  /** Set when the body was not valid JSON. */
  bodyError?: string;
}

export interface SimResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface SimCounters {
  /** Every request received, faults included. */
  total: number;
  /** Responses with status 429 (limits hit and injected). */
  rateLimited: number;
  byStatus: Record<string, number>;
  /** Faults injected, per kind. */
  faults: Record<FaultKind, number>;
  /** Requests per "METHOD /path" (ids kept: tests look up what they need). */
  routes: Record<string, number>;
  /** Time spent parsing and answering requests (benchmarks: is the simulator the bottleneck?). */
  busyMs: number;
}

export interface SimLogEntry {
  method: string;
  path: string;
  status: number | 'dropped';
  fault?: FaultKind;
  /** When the request arrived (epoch ms). */
  at: number;
}

export interface SimHttpServer {
  url: string;
  port: number;
  counters: SimCounters;
  faults: FaultInjector;
  /** Requests in arrival order. */
  log: SimLogEntry[];
  resetCounters(): void;
  close(): Promise<void>;
}

export interface SimServerOptions {
  handler: (req: SimRequest) => SimResponse | Promise<SimResponse>;
  /** The vendor's shape for an injected fault (error500 or rate429). */
  faultResponse: (kind: 'error500' | 'rate429', retryAfterSeconds: number) => SimResponse;
  faults?: FaultOptions;
  maxBodyBytes?: number;
  /** Network round trip to simulate: each answer leaves this long after the request arrived. */
  latencyMs?: number;
}

function emptyCounters(): SimCounters {
  return {
    total: 0,
    rateLimited: 0,
    byStatus: {},
    faults: Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>,
    routes: {},
    busyMs: 0,
  };
}

function readBody(req: http.IncomingMessage, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      parts.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startSimServer(options: SimServerOptions): Promise<SimHttpServer> {
  const faults = new FaultInjector(options.faults);
  const sockets = new Set<Socket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const maxBody = options.maxBodyBytes ?? 10 * 1024 * 1024;
  let counters = emptyCounters();
  const log: SimLogEntry[] = [];

  const send = (res: http.ServerResponse, r: SimResponse) => {
    const payload = r.body === undefined ? '' : JSON.stringify(r.body);
    res.writeHead(r.status, {
      ...(payload ? { 'content-type': 'application/json; charset=utf-8' } : {}),
      ...r.headers,
    });
    res.end(payload);
  };

  const server = http.createServer(async (req, res) => {
    counters.total++;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const routeKey = `${method} ${url.pathname}`;
    counters.routes[routeKey] = (counters.routes[routeKey] ?? 0) + 1;
    const entry: SimLogEntry = { method, path: url.pathname + url.search, status: 'dropped', at: Date.now() };
    log.push(entry);

    let raw: string;
    try {
      raw = await readBody(req, maxBody);
    } catch {
      return;
    }

    const fault = faults.next(routeKey);
    if (fault) {
      counters.faults[fault]++;
      entry.fault = fault;
    }
    if (fault === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault === 'hang') {
      const t = setTimeout(() => {
        timers.delete(t);
        req.socket.destroy();
      }, faults.hangMs);
      timers.add(t);
      return;
    }

    const busyFrom = performance.now();
    let result: SimResponse;
    if (fault === 'error500' || fault === 'rate429') {
      result = options.faultResponse(fault, faults.retryAfterSeconds);
    } else {
      let body: unknown;
      let bodyError: string | undefined;
      if (raw.length > 0) {
        try {
          body = JSON.parse(raw);
        } catch (e) {
          bodyError = e instanceof Error ? e.message : String(e);
        }
      }
      try {
        result = await options.handler({ method, path: url.pathname, query: url.searchParams, headers: req.headers, body, bodyError });
      } catch (e) {
        result = { status: 500, body: { message: `simulator bug: ${e instanceof Error ? e.stack : String(e)}` } };
      }
    }

    counters.busyMs += performance.now() - busyFrom;
    if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
    if (fault === 'lostResponse') {
      req.socket.destroy();
      return;
    }
    entry.status = result.status;
    counters.byStatus[result.status] = (counters.byStatus[result.status] ?? 0) + 1;
    if (result.status === 429) counters.rateLimited++;
    send(res, result);
  });
  server.keepAliveTimeout = 1000;
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get counters() {
      return counters;
    },
    faults,
    log,
    resetCounters() {
      counters = emptyCounters();
      log.length = 0;
    },
    close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
