// Shared pieces of the sync unit tests: a fresh database, a fake clock, and an in-memory CRM
// connector whose push is a native upsert (by local id) made through ctx.fetch, so the engine's
// limiter, timeouts and fault handling apply to it.
import Dexie from 'dexie';
import { expect } from 'vitest';
import { z } from 'zod';
import { createRegistry, type ConnectorRegistry } from '../../../connectors/registry';
import { ConnectorError, type Connector, type PushItem, type SyncKind } from '../../../connectors/types';
import { RapportDB } from '../../../storage/db';
import type { Source } from '../../../storage/schema';
import { saveConnectorInstance } from '../../../sync/connectors';
import { runOnce, type EngineOptions } from '../../../sync/engine';
import { seededRandom } from '../../sims/random';

export const src: Source = { type: 'manual', at: '2026-01-01T00:00:00.000Z' };

const opened: { db: RapportDB; name: string }[] = [];

export async function freshDb(): Promise<RapportDB> {
  const name = `sync-${Math.random().toString(36).slice(2)}`;
  const db = new RapportDB(name);
  await db.open();
  opened.push({ db, name });
  return db;
}

export async function closeDbs(): Promise<void> {
  for (const { db, name } of opened.splice(0)) {
    db.close();
    await Dexie.delete(name);
  }
}

/**
 * A logical clock: real time plus an offset that sleeping and advance() grow instantly. It never
 * runs behind the real clock, which the repositories use to stamp outbox entries. Sleeps overlap
 * as in real time: two requests waiting 10 s at once wake 10 s later, not 20.
 */
export class FakeClock {
  offset = 0;
  now = (): number => Date.now() + this.offset;
  sleep = async (ms: number): Promise<void> => {
    const until = this.now() + Math.max(0, ms);
    // A few real milliseconds first: what was already under way (requests answered, commits)
    // finishes at the time it would have in real life, before the clock jumps.
    await new Promise((r) => setTimeout(r, 10));
    this.offset += Math.max(0, until - this.now());
  };
  advance(ms: number): void {
    this.offset += ms;
  }
}

export interface MemoryPush {
  kind: SyncKind;
  items: PushItem[];
}

/** Scripted failure for the next push of a kind (or of any kind). */
export type Script = { throw: ConnectorError } | { item: (item: PushItem) => ConnectorError | undefined };

/** An in-memory CRM: records keyed by (kind, local id); every push is one POST through ctx.fetch. */
export class MemoryCrm {
  readonly records = new Map<string, { remoteId: string; kind: SyncKind; localId: string; writes: number; linked: PushItem['linked'] }>();
  readonly pushes: MemoryPush[] = [];
  readonly scripts: Script[] = [];
  private seq = 0;

  get writes(): number {
    return [...this.records.values()].reduce((n, r) => n + r.writes, 0);
  }

  connector(
    opts: {
      id?: string;
      batchSize?: number;
      rateLimit?: { requests: number; intervalMs: number };
      capabilities?: Partial<Connector['capabilities']>;
    } = {},
  ): Connector<{ token: string; url: string }> {
    const records = this.records;
    const pushes = this.pushes;
    const scripts = this.scripts;
    const nextId = () => `r${++this.seq}`;
    const b = opts.batchSize ?? 10;
    return {
      id: opts.id ?? 'memory',
      displayName: 'Memory CRM',
      authKind: 'token',
      configSchema: z.object({ token: z.string().min(1), url: z.string().default('https://crm.test') }),
      secretKeys: ['token'],
      origins: () => ['https://crm.test/*'],
      capabilities: {
        contacts: true,
        companies: true,
        emailLogging: true,
        notes: true,
        tasks: true,
        calls: false,
        meetings: false,
        deals: false,
        cases: false,
        candidates: false,
        pull: false,
        ...opts.capabilities,
      },
      batchSize: { contact: b, company: b, email: b, note: b, task: b, deal: b },
      rateLimit: opts.rateLimit ?? { requests: 1000, intervalMs: 1000 },
      defaultFieldMapping: {},
      async testConnection() {
        return { account: 'memory' };
      },
      async push(ctx, kind, items) {
        const res = await ctx.fetch(`${ctx.config.url}/push`, { method: 'POST', headers: { authorization: `Bearer ${ctx.config.token}` } });
        if (!res.ok) {
          const text = await res.text();
          const kindOf = res.status === 401 ? 'auth' : res.status === 429 ? 'rate-limit' : res.status >= 500 ? 'transient' : 'validation';
          const ra = res.headers.get('retry-after');
          throw new ConnectorError(text || `HTTP ${res.status}`, kindOf, res.status, ra ? Number(ra) * 1000 : undefined);
        }
        pushes.push({ kind, items });
        const script = scripts.shift();
        if (script && 'throw' in script) throw script.throw;
        return items.map((it) => {
          const error = script && 'item' in script ? script.item(it) : undefined;
          if (error) return { entryId: it.entryId, ok: false as const, error };
          const key = `${kind}|${it.item.record.id}`;
          let rec = records.get(key);
          if (!rec) {
            rec = { remoteId: nextId(), kind, localId: it.item.record.id, writes: 0, linked: it.linked };
            records.set(key, rec);
          }
          rec.writes++;
          rec.linked = it.linked;
          return { entryId: it.entryId, ok: true as const, remoteId: rec.remoteId };
        });
      },
    };
  }
}

/** A fetch that answers 200 to everything (or what `answer` says), counting calls. */
export function fakeFetch(answer?: () => Response | undefined): typeof fetch & { calls: number } {
  const f = Object.assign(
    async (): Promise<Response> => {
      f.calls++;
      return answer?.() ?? new Response('{}', { status: 200 });
    },
    { calls: 0 },
  );
  return f as unknown as typeof fetch & { calls: number };
}

export async function setup(
  opts: { kinds?: SyncKind[]; batchSize?: number; rateLimit?: { requests: number; intervalMs: number }; token?: string } = {},
) {
  const db = await freshDb();
  const crm = new MemoryCrm();
  const connector = crm.connector({ batchSize: opts.batchSize, rateLimit: opts.rateLimit });
  const registry: ConnectorRegistry = createRegistry([connector]);
  const inst = await saveConnectorInstance(db, registry, {
    type: 'memory',
    values: { token: opts.token ?? 'tok-secret-123456' },
    ...(opts.kinds ? { kinds: opts.kinds } : {}),
  });
  const clock = new FakeClock();
  const fetch = fakeFetch();
  const engineOpts = (extra: EngineOptions = {}): EngineOptions => ({
    now: clock.now,
    sleep: clock.sleep,
    fetch,
    random: () => 0.5,
    ...extra,
  });
  return { db, crm, connector, registry, inst, clock, fetch, engineOpts };
}

/** Runs `fn` once, when the in-memory connector is first asked to push (before that push goes out). */
export function beforeFirstPush(registry: ConnectorRegistry, fn: () => Promise<void>): void {
  const connector = registry.get('memory')!;
  const push = connector.push.bind(connector);
  let done = false;
  connector.push = async (ctx, kind, items) => {
    if (!done) {
      done = true;
      await fn();
    }
    return push(ctx, kind, items);
  };
}

/** Rounds that kill the worker (aborted mid-request, or dead inside the local commit), then runs to the end. */
export async function syncWithKills(
  w: { db: RapportDB; clock: FakeClock; opts: (extra?: EngineOptions) => EngineOptions },
  registry: ConnectorRegistry,
): Promise<{ kills: number; crashes: number }> {
  const rnd = seededRandom(41);
  let kills = 0;
  let crashes = 0;
  for (let round = 0; round < 12 && (await w.db.outbox.count()) > 0; round++) {
    if (round % 2 === 0) {
      let commits = 0;
      const at = 1 + Math.floor(rnd() * 3);
      const inCommit = () => {
        if (++commits !== at) return;
        crashes++;
        throw new Error('killed');
      };
      await runOnce(w.db, registry, w.opts({ hooks: { inCommit } })).catch((e: Error) => expect(e.message).toBe('killed'));
      w.clock.advance(61_000); // its leases expire
    } else {
      const ac = new AbortController();
      const stopAfter = 2 + Math.floor(rnd() * 6);
      let n = 0;
      const f: typeof fetch = (input, init) => {
        if (++n === stopAfter) setTimeout(() => ac.abort(), Math.floor(rnd() * 5));
        return fetch(input, init);
      };
      const r = await runOnce(w.db, registry, w.opts({ fetch: f, signal: ac.signal }));
      if (r.stopped === 'aborted') kills++;
      if (r.nextDueAt !== undefined) w.clock.advance(Math.max(0, r.nextDueAt - w.clock.now()));
    }
  }
  for (let i = 0; i < 2000 && (await w.db.outbox.count()) > 0; i++) {
    const r = await runOnce(w.db, registry, w.opts());
    if (r.nextDueAt !== undefined) w.clock.advance(Math.max(0, r.nextDueAt - w.clock.now()));
  }
  return { kills, crashes };
}
