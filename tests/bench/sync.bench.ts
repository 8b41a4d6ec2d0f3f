// Sync benchmark: how close the engine gets to what the vendors' rate limits allow, in real time.
//
//   npm run bench:sync                       all three parts
//   BENCH_ONLY=hubspot|pipedrive|memory npm run bench:sync
//   BENCH_HS_N=10000 BENCH_PD_N=250 BENCH_MEM_N=100000   sizes (defaults shown)
//
// 1. HubSpot: N contacts + N logged emails, simulated API at its documented 100 requests / 10 s,
//    batch size 100. Prints wall time, requests, the floor implied by the limit and the batch size,
//    the ratios, and the 429s after the first window.
// 2. Pipedrive: the same at 20 requests / 2 s with no batch API (one record per request), with a
//    smaller N: 10,000 + 10,000 would need ≥ 20,000 requests, i.e. ≥ 33 minutes at that limit.
// 3. Memory: heapUsed of this Node process around syncing 100,000 contacts to a minimal echo CRM
//    over real HTTP, without a rate limit (the HubSpot simulator's look-ups scan every record, which
//    is quadratic at this size). An approximation of the worker's memory:
//    fake-indexeddb keeps the whole database in the JS heap, so the after-sync figure includes the
//    100,000 rows the links table gains; the peak-during-sync figure (live heap, sampled after a
//    forced GC every 2 s) is closer to the engine's working set.
//
// Floors: "brief" counts one request per batch of each kind (ceil(N/batch) × 2), as if a push were
// a single write. "connector" counts what the connectors' idempotency protocols need at minimum
// (look-up then write): HubSpot contacts = batch read by email + batch upsert, emails = search by
// rapport id + batch create (2 + 2 per 100 pairs); Pipedrive contact = search + create, email =
// list the person's notes + create (4 per pair). The engine's bucket counts every request,
// searches included (the vendors' search limits are separate and stricter, and the connectors
// pace them too), so the connector floor is the one it can reach. For HubSpot a third floor adds
// the client's own search pacing (4 searches / 1.25 s, one search per email batch), which bounds
// the emails phase whatever the engine does.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { hubspotConnector } from '../../connectors/hubspot';
import { startHubspotSim, type HubspotSim } from '../sims/hubspot';
import { pipedriveConnector } from '../../connectors/pipedrive';
import { startPipedriveSim, type PipedriveSim } from '../sims/pipedrive';
import { createRegistry, type AnyConnector } from '../../connectors/registry';
import { RapportDB } from '../../storage/db';
import { addActivities, upsertContacts } from '../../storage/repositories';
import type { Contact, Source } from '../../storage/schema';
import { saveConnectorInstance } from '../../sync/connectors';
import { connectorMemory } from '../../sync/connector-memory';
import { runOnce, status } from '../../sync/engine';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const only = process.env.BENCH_ONLY;
const HS_N = Number(process.env.BENCH_HS_N ?? 10_000);
const PD_N = Number(process.env.BENCH_PD_N ?? 250);
const MEM_N = Number(process.env.BENCH_MEM_N ?? 100_000);
const src: Source = { type: 'import', ref: 'bench', at: '2026-01-01T00:00:00.000Z' };

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of closers) await c();
});

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function freshDb(): Promise<RapportDB> {
  const db = new RapportDB(`bench-${Math.random().toString(36).slice(2)}`);
  await db.open();
  return db;
}

/** n contacts (no company) and one logged email each, written the way an import writes them. */
async function seed(db: RapportDB, n: number, withEmails: boolean): Promise<void> {
  const chunk = 1000;
  for (let start = 0; start < n; start += chunk) {
    const people = Array.from({ length: Math.min(chunk, n - start) }, (_, k) => {
      const i = start + k;
      return {
        name: `Bench Person ${i}`,
        firstName: 'Bench',
        lastName: `Person ${i}`,
        emails: [`bench${i}@example${i % 97}.test`],
        title: 'Buyer',
      };
    });
    const results = await upsertContacts(people, src, {}, db);
    if (!withEmails) continue;
    const contacts = results.map((r) => (r as { contact: Contact }).contact);
    await addActivities(
      contacts.map((c, k) => ({
        type: 'email' as const,
        contactIds: [c.id],
        subject: `Quote ${start + k}`,
        body: `Hello ${c.name},\nhere is the quote.`,
        occurredAt: new Date(Date.UTC(2026, 0, 1) + (start + k) * 1000).toISOString(),
        direction: 'outgoing' as const,
        messageId: `<bench${start + k}@rapport.test>`,
      })),
      src,
      db,
    );
  }
}

interface Tally {
  requests: number;
  byStatus: Record<string, number>;
  late429: number;
  start: number;
}

/** The real fetch, with a tally of statuses and of 429s seen after the first rate-limit window. */
function countingFetch(windowMs: number): { fetch: typeof fetch; tally: Tally } {
  const tally: Tally = { requests: 0, byStatus: {}, late429: 0, start: 0 };
  const f: typeof fetch = async (input, init) => {
    tally.requests++;
    const res = await fetch(input, init);
    tally.byStatus[res.status] = (tally.byStatus[res.status] ?? 0) + 1;
    if (res.status === 429 && performance.now() - tally.start > windowMs) tally.late429++;
    return res;
  };
  return { fetch: f, tally };
}

async function syncAll(
  db: RapportDB,
  registry: ReturnType<typeof createRegistry>,
  fetchFn: typeof fetch,
  maxInFlight?: number,
): Promise<number> {
  let runs = 0;
  while ((await db.outbox.count()) > 0) {
    runs++;
    const r = await runOnce(db, registry, { fetch: fetchFn, timeoutMs: 30_000, maxInFlight });
    if ((await db.outbox.count()) === 0) break;
    // What the background does between runs: wait for the next due entry (timer or alarm).
    const wait = r.nextDueAt !== undefined ? Math.max(0, r.nextDueAt - Date.now()) : 1000;
    await new Promise((res) => setTimeout(res, Math.min(wait, 60_000)));
    if (runs > 500) throw new Error('sync did not finish');
  }
  return runs;
}

function report(title: string, rows: [string, string | number][]): void {
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`\n${title}\n${rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n')}`);
}

function floor(requests: number, limit: { requests: number; intervalMs: number }): number {
  // The first `limit.requests` go at once; each further full bucket needs one more interval.
  return Math.max(0, Math.ceil(requests / limit.requests) - 1) * limit.intervalMs;
}

describe('sync benchmark', () => {
  // Local server (no latency) in both contact modes; then a 150 ms round trip, as to HubSpot's API
  // from Europe, with one batch in flight (the previous engine) and with the connector's default (8 for HubSpot).
  const variants = [
    { mode: 'fill-empty', latencyMs: 0, maxInFlight: undefined },
    { mode: 'overwrite', latencyMs: 0, maxInFlight: undefined },
    { mode: 'overwrite', latencyMs: 150, maxInFlight: 1 },
    { mode: 'overwrite', latencyMs: 150, maxInFlight: undefined },
  ] as const;
  for (const { mode, latencyMs, maxInFlight } of variants) {
    const label = `${mode}${latencyMs ? `, ${latencyMs} ms round trip, ${maxInFlight ?? "the connector's"} in flight` : ''}`;
    it.skipIf(only && only !== 'hubspot')(`HubSpot (${label}): ${HS_N} contacts + ${HS_N} emails at 100 requests / 10 s`, async () => {
      const sim: HubspotSim = await startHubspotSim({
        tokens: ['hs-bench-token'],
        customProperties: { emails: ['rapport_id'] },
        latencyMs,
      });
      closers.push(() => sim.close());
      const db = await freshDb();
      const registry = createRegistry([hubspotConnector as AnyConnector]);
      const values = { accessToken: 'hs-bench-token', baseUrl: sim.url, rapportIdProperty: 'rapport_id', existingContacts: mode };
      const inst = await saveConnectorInstance(db, registry, { type: 'hubspot', values, kinds: ['contact', 'email'] });
      // As the options page does after a save: the connection test sets the account up (decision 0026)
      // and the connection remembers it; the sync is measured after, with those requests out of the window.
      const config = hubspotConnector.configSchema.parse(values);
      await hubspotConnector.testConnection({ config, fetch, fieldMapping: {}, memory: connectorMemory(db, inst.id) });
      await new Promise((r) => setTimeout(r, hubspotConnector.rateLimit.intervalMs + 500));
      const seedStart = performance.now();
      await seed(db, HS_N, true);
      const seedMs = performance.now() - seedStart;
      const queued = await db.outbox.count();
      const limit = hubspotConnector.rateLimit;
      const { fetch: f, tally } = countingFetch(limit.intervalMs);
      tally.start = performance.now();
      const runs = await syncAll(db, registry, f, maxInFlight);
      const wall = performance.now() - tally.start;

      const batches = Math.ceil(HS_N / 100);
      const briefMin = batches * 2;
      // fill-empty reads contacts before writing (principle 6); emails on their first send are
      // created directly (no look-up can be needed for a record never sent before).
      const connectorMin = mode === 'overwrite' ? batches * 2 : batches * 3;
      const briefFloor = floor(briefMin, limit);
      const connectorFloor = floor(connectorMin, limit);
      const routes = sim.counters.routes;
      report(
        `HubSpot (${label}) — ${HS_N} contacts + ${HS_N} logged emails, limit ${limit.requests} / ${limit.intervalMs / 1000} s, batch 100`,
        [
          ['seeding (import path, outbox entries)', `${s(seedMs)}, ${queued} entries`],
          ['wall time (sync)', s(wall)],
          ['engine runs', runs],
          ['requests sent', tally.requests],
          [
            '  of which searches (HubSpot search limit, 4/s)',
            Object.entries(routes)
              .filter(([k]) => k.endsWith('/search'))
              .reduce((n, [, v]) => n + v, 0),
          ],
          ['  by route', JSON.stringify(routes)],
          ['statuses', JSON.stringify(tally.byStatus)],
          ['429s after the first window', `${tally.late429} (target 0)`],
          ['min requests, brief (ceil(N/100) × 2)', briefMin],
          ['floor, brief', `${s(briefFloor)} + processing`],
          ['wall / floor, brief (target ≤ 1.2)', (wall / briefFloor).toFixed(2)],
          ['requests / min, brief (target ≤ 1.1)', (tally.requests / briefMin).toFixed(2)],
          [`min requests, connector in ${mode} mode`, connectorMin],
          ['floor, connector', `${s(connectorFloor)} + processing`],
          ['wall / floor, connector', (wall / connectorFloor).toFixed(2)],
          ['requests / min, connector', (tally.requests / connectorMin).toFixed(2)],
        ],
      );
      expect(await db.outbox.count()).toBe(0);
      expect(sim.list('contacts')).toHaveLength(HS_N);
      expect(sim.list('emails')).toHaveLength(HS_N);
      db.close();
    });
  }

  it.skipIf(only && only !== 'pipedrive')(`Pipedrive: ${PD_N} contacts + ${PD_N} emails at 20 requests / 2 s, no batch API`, async () => {
    const sim: PipedriveSim = await startPipedriveSim({ tokens: ['pd-bench-token'] });
    closers.push(() => sim.close());
    const db = await freshDb();
    const registry = createRegistry([pipedriveConnector as AnyConnector]);
    const inst = await saveConnectorInstance(db, registry, {
      type: 'pipedrive',
      values: { apiToken: 'pd-bench-token', companyDomain: 'rapport-test', baseUrl: sim.url, plan: 'essential' },
      kinds: ['contact', 'email'],
    });
    await seed(db, PD_N, true);
    const limit = pipedriveConnector.rateLimitFor?.({ plan: 'essential' } as never) ?? pipedriveConnector.rateLimit;
    const { fetch: f, tally } = countingFetch(limit.intervalMs);
    tally.start = performance.now();
    const runs = await syncAll(db, registry, f);
    const wall = performance.now() - tally.start;

    const briefMin = PD_N * 2;
    const connectorMin = PD_N * 4;
    const briefFloor = floor(briefMin, limit);
    const connectorFloor = floor(connectorMin, limit);
    report(
      `Pipedrive — ${PD_N} contacts + ${PD_N} logged emails (N scaled down from 10,000), limit ${limit.requests} / ${limit.intervalMs / 1000} s, batch 1`,
      [
        ['wall time (sync)', s(wall)],
        ['engine runs', runs],
        ['requests sent', tally.requests],
        ['  by route', JSON.stringify(sim.counters.routes)],
        ['statuses', JSON.stringify(tally.byStatus)],
        ['429s after the first window', `${tally.late429} (target 0)`],
        ['min requests, brief (one per record)', briefMin],
        ['floor, brief', `${s(briefFloor)} + processing`],
        ['wall / floor, brief', (wall / briefFloor).toFixed(2)],
        ['requests / min, brief', (tally.requests / briefMin).toFixed(2)],
        ['min requests, connector (look-up + write per record)', connectorMin],
        ['floor, connector', `${s(connectorFloor)} + processing`],
        ['wall / floor, connector (target ≤ 1.2)', (wall / connectorFloor).toFixed(2)],
        ['requests / min, connector (target ≤ 1.1)', (tally.requests / connectorMin).toFixed(2)],
        ['final status', JSON.stringify(await status(db, inst.id))],
      ],
    );
    expect(await db.outbox.count()).toBe(0);
    db.close();
  });

  it.skipIf(only && only !== 'memory')(`memory: syncing ${MEM_N} contacts`, async () => {
    // A minimal CRM over real HTTP (every batch one POST, answered with remote ids): the HubSpot
    // simulator looks records up by linear scans, which makes 100,000 records an O(N²) hour.
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c));
      req.on('end', () => {
        const { ids } = JSON.parse(body) as { ids: string[] };
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ remote: ids.map((id) => `r-${id}`) }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const echo: AnyConnector = {
      id: 'echo',
      displayName: 'Echo CRM',
      authKind: 'token',
      configSchema: z.object({ token: z.string(), url: z.string() }),
      secretKeys: ['token'],
      origins: () => [],
      capabilities: {
        contacts: true,
        companies: false,
        emailLogging: false,
        notes: false,
        tasks: false,
        calls: false,
        meetings: false,
        deals: false,
        cases: false,
        candidates: false,
        pull: false,
      },
      batchSize: { contact: 100 },
      rateLimit: { requests: 1_000_000, intervalMs: 10_000 },
      defaultFieldMapping: {},
      testConnection: async () => ({ account: 'echo' }),
      async push(ctx, _kind, items) {
        const res = await ctx.fetch(`${ctx.config.url}/push`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ctx.config.token}` },
          body: JSON.stringify({ ids: items.map((i) => i.item.record.id), records: items.map((i) => i.item.record) }),
        });
        const { remote } = (await res.json()) as { remote: string[] };
        return items.map((i, k) => ({ entryId: i.entryId, ok: true as const, remoteId: remote[k] }));
      },
    };
    const db = await freshDb();
    const registry = createRegistry([echo]);
    await saveConnectorInstance(db, registry, { type: 'echo', values: { token: 'echo-secret-token', url }, kinds: ['contact'] });
    const seedStart = performance.now();
    await seed(db, MEM_N, false);
    const seedMs = performance.now() - seedStart;
    console.log(`memory: seeded ${MEM_N} contacts in ${s(seedMs)}`);
    gc();
    const before = process.memoryUsage().heapUsed;
    // Live (retained) heap during the sync: collect, then read, every 2 s (heapUsed without a
    // collection mostly measures garbage not yet collected).
    let peak = before;
    const sampler = setInterval(() => {
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }, 2000);
    const t0 = performance.now();
    let requests = 0;
    await syncAll(db, registry, (input, init) => {
      requests++;
      return fetch(input, init);
    });
    const wall = performance.now() - t0;
    clearInterval(sampler);
    gc();
    const after = process.memoryUsage().heapUsed;
    const links = await db.links.count();
    report(`Memory — ${MEM_N} contacts synced (Node heapUsed as an approximation of the worker)`, [
      ['seeding', s(seedMs)],
      ['sync wall time (echo CRM, no limit)', `${s(wall)} (${((wall / MEM_N) * 100).toFixed(0)} ms per batch of 100)`],
      ['requests', requests],
      ['heapUsed before sync (after GC; DB in heap)', mb(before)],
      ['peak live heap during sync − before (sampled after GC every 2 s)', mb(peak - before)],
      ['after sync (after GC) − before', `${mb(after - before)} (includes ${links} new links rows held by fake-indexeddb)`],
    ]);
    expect(await db.outbox.count()).toBe(0);
    expect(links).toBe(MEM_N);
    db.close();
  });
});
