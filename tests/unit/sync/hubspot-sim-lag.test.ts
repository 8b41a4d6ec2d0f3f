// The engine against the simulated HubSpot API with its search index lagging writes (HubSpot: "a few
// seconds"; scaled down here in real time, with the connector's settling wait scaled alike), in the
// default configuration (no Rapport-id property named), under faults and worker kills: every record
// reaches HubSpot exactly once, and identical "Follow up" tasks for different people stay apart. Once
// with the crm.schemas.* scopes (Rapport creates its unique property), once without (fallback matching).
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { searchIndex } from '../../../connectors/hubspot/rapport-id';
import { registry } from '../../../connectors/registry';
import type { RapportDB } from '../../../storage/db';
import { backfill } from '../../../storage/backfill';
import { addActivities, addNote, upsertContacts } from '../../../storage/repositories';
import { createTask } from '../../../storage/tasks';
import { saveConnectorInstance, type PublicConnectorInstance } from '../../../sync/connectors';
import { status, type EngineOptions } from '../../../sync/engine';
import { startHubspotSim, type HubspotSim, type HubspotSimOptions, type HsObjectType } from '../../sims/hubspot';
import { seededRandom } from '../../sims/random';
import { FakeClock, closeDbs, freshDb, src, syncWithKills } from './helpers';

const TOKEN = 'hs-lag-token-0123456789';
const LAG_MS = 1200;
const NO_SCHEMA_SCOPES: HubspotSimOptions['scopes'] = {
  [TOKEN]: ['crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.objects.companies.read', 'crm.objects.companies.write'],
};

const sims: HubspotSim[] = [];
afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
});
const defaultSettle = searchIndex.settleMs;
afterEach(async () => {
  searchIndex.settleMs = defaultSettle;
  await closeDbs();
});

interface World {
  db: RapportDB;
  hs: HubspotSim;
  inst: PublicConnectorInstance;
  clock: FakeClock;
  opts: (extra?: EngineOptions) => EngineOptions;
}

/**
 * 16 people at 3 companies (every fourth without an email), each with a logged email and a note, and a
 * "Follow up" task due at the same instant for every one of them. Half is saved before the connection
 * (a backfill: always looked up), half after (first sends).
 */
async function world(scopes: HubspotSimOptions['scopes']): Promise<World> {
  const hs = await startHubspotSim({
    tokens: [TOKEN],
    scopes,
    searchIndexLagMs: LAG_MS,
    rateLimit: { requests: 1_000_000, intervalMs: 10_000 },
    searchRateLimit: { requests: 1_000_000, intervalMs: 1_000 },
    faults: { lostResponse: 0.08, error500: 0.08, rate429: 0.05, retryAfterSeconds: 1, seed: 17 },
  });
  sims.push(hs);
  const db = await freshDb();
  const addPeople = async (from: number, to: number) => {
    const people = Array.from({ length: to - from }, (_, k) => {
      const i = from + k;
      return {
        name: `Person${i} Lag`,
        firstName: `Person${i}`,
        lastName: 'Lag',
        emails: i % 4 === 3 ? [] : [`person${i}@firm${i % 3}.example`],
        company: `Firm ${i % 3}`,
      };
    });
    const results = await upsertContacts(people, src, {}, db);
    const contacts = results.map((r) => {
      if (r instanceof Error) throw r;
      return r.contact;
    });
    await addActivities(
      contacts.map((c, k) => ({
        type: 'email' as const,
        contactIds: [c.id],
        subject: 'Quote',
        body: 'Here is the quote.',
        occurredAt: new Date(Date.UTC(2026, 0, 1, 9, 0, from + k)).toISOString(),
        direction: 'outgoing' as const,
      })),
      src,
      db,
    );
    for (const c of contacts) {
      await addNote([c.id], `Met ${c.name}`, src, db);
      await createTask({ title: 'Follow up', dueAt: '2026-02-02T09:00:00.000Z', contactIds: [c.id] }, src, db);
    }
  };
  await addPeople(0, 8);
  const inst = await saveConnectorInstance(db, registry, {
    type: 'hubspot',
    values: { accessToken: TOKEN, baseUrl: hs.url },
    kinds: ['company', 'contact', 'email', 'note', 'task'],
  });
  expect(await backfill(db, inst.id)).toBeGreaterThan(0);
  await addPeople(8, 16);
  const clock = new FakeClock();
  const random = seededRandom(23);
  const opts = (extra: EngineOptions = {}): EngineOptions => ({ now: clock.now, sleep: clock.sleep, random, timeoutMs: 3_000, ...extra });
  return { db, hs, inst, clock, opts };
}

async function expectExactlyOnce(w: World): Promise<void> {
  expect(await w.db.outbox.count()).toBe(0);
  const links = await w.db.links.toArray();
  const remoteOf = new Map(links.map((l) => [`${l.kind}|${l.localId}`, l.remoteId]));
  const local = {
    company: await w.db.companies.toArray(),
    contact: await w.db.contacts.toArray(),
    email: (await w.db.activities.toArray()).filter((a) => a.type === 'email'),
    note: (await w.db.activities.toArray()).filter((a) => a.type === 'note'),
    task: await w.db.tasks.toArray(),
  };
  const types: Record<keyof typeof local, HsObjectType> = {
    company: 'companies',
    contact: 'contacts',
    email: 'emails',
    note: 'notes',
    task: 'tasks',
  };
  for (const [kind, records] of Object.entries(local) as [keyof typeof local, { id: string }[]][]) {
    const remote = w.hs.list(types[kind]);
    // As many records in HubSpot as in Rapport, each local record linked to its own.
    expect(remote.length, `${kind}: ${remote.length} in HubSpot for ${records.length} local`).toBe(records.length);
    const ids = records.map((r) => remoteOf.get(`${kind}|${r.id}`));
    expect(ids.every((id) => id && w.hs.state[types[kind]].has(id))).toBe(true);
    expect(new Set(ids).size).toBe(records.length);
  }
  // Every engagement is on its own person: the identical "Follow up" tasks were not merged or swapped.
  for (const kind of ['email', 'note', 'task'] as const) {
    for (const r of local[kind]) {
      const assoc = w.hs.associationsOf(types[kind], remoteOf.get(`${kind}|${r.id}`)!, 'contacts').map((a) => a.toId);
      expect(assoc).toEqual([remoteOf.get(`contact|${r.contactIds[0]}`)]);
    }
  }
  const s = await status(w.db, w.inst.id);
  expect(s).toMatchObject({ pending: 0, failed: 0, dead: 0, paused: false });
}

describe('engine × simulated HubSpot with search lag, default configuration', { timeout: 60_000 }, () => {
  it.each([
    ['with the crm.schemas.* scopes (unique Rapport-id property)', undefined],
    ['without them (content + associations, settled searches)', NO_SCHEMA_SCOPES],
  ])('%s: faults and kills, every record exactly once', async (_, scopes) => {
    searchIndex.settleMs = LAG_MS + 300;
    const w = await world(scopes);
    const { kills, crashes } = await syncWithKills(w, registry);
    expect(kills + crashes).toBeGreaterThanOrEqual(3);
    const f = w.hs.counters.faults;
    expect(f.lostResponse).toBeGreaterThan(0);
    expect(f.error500 + f.rate429).toBeGreaterThan(0);
    await expectExactlyOnce(w);
  });
});
