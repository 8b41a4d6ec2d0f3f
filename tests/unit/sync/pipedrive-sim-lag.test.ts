// The engine against the simulated Pipedrive API with its search index lagging creates (scaled down in
// real time), under faults and worker kills: every person, organization, note and activity reaches
// Pipedrive exactly once, and identical "Follow up" tasks for different people stay apart. Persons and
// organizations are found through search, which lags: a retry it missed reads the newest records.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { registry } from '../../../connectors/registry';
import type { RapportDB } from '../../../storage/db';
import { backfill } from '../../../storage/backfill';
import { addActivities, addNote, upsertContacts } from '../../../storage/repositories';
import { createTask } from '../../../storage/tasks';
import { saveConnectorInstance, type PublicConnectorInstance } from '../../../sync/connectors';
import { status, type EngineOptions } from '../../../sync/engine';
import { startPipedriveSim, type PipedriveSim } from '../../sims/pipedrive';
import { seededRandom } from '../../sims/random';
import { FakeClock, closeDbs, freshDb, src, syncWithKills } from './helpers';

const TOKEN = 'pd-lag-token-0123456789abcdef0123';

const sims: PipedriveSim[] = [];
afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
});
afterEach(closeDbs);

interface World {
  db: RapportDB;
  pd: PipedriveSim;
  inst: PublicConnectorInstance;
  clock: FakeClock;
  opts: (extra?: EngineOptions) => EngineOptions;
}

/** 12 people at 3 organizations (every fourth without an email), each with a logged email, a note and a "Follow up" task due at the same instant; half backfilled. */
async function world(): Promise<World> {
  const pd = await startPipedriveSim({
    tokens: [TOKEN],
    searchIndexLagMs: 1500,
    rateLimit: { requests: 1_000_000, intervalMs: 2000 },
    searchRateLimit: { requests: 1_000_000, intervalMs: 2000 },
    faults: { lostResponse: 0.08, error500: 0.08, rate429: 0.05, retryAfterSeconds: 1, seed: 29 },
  });
  sims.push(pd);
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
  await addPeople(0, 6);
  const inst = await saveConnectorInstance(db, registry, {
    type: 'pipedrive',
    values: { apiToken: TOKEN, companyDomain: 'rapport-test', baseUrl: pd.url, plan: 'enterprise' },
    kinds: ['company', 'contact', 'email', 'note', 'task'],
  });
  expect(await backfill(db, inst.id)).toBeGreaterThan(0);
  await addPeople(6, 12);
  const clock = new FakeClock();
  const random = seededRandom(31);
  const opts = (extra: EngineOptions = {}): EngineOptions => ({ now: clock.now, sleep: clock.sleep, random, timeoutMs: 3_000, ...extra });
  return { db, pd, inst, clock, opts };
}

async function expectExactlyOnce(w: World): Promise<void> {
  expect(await w.db.outbox.count()).toBe(0);
  const links = await w.db.links.toArray();
  const remoteOf = new Map(links.map((l) => [`${l.kind}|${l.localId}`, Number(l.remoteId)]));
  const companies = await w.db.companies.toArray();
  const contacts = await w.db.contacts.toArray();
  const activities = await w.db.activities.toArray();
  const tasks = await w.db.tasks.toArray();
  const distinct = (kind: string, ids: { id: string }[]) => new Set(ids.map((r) => remoteOf.get(`${kind}|${r.id}`))).size;
  expect(w.pd.organizations()).toHaveLength(companies.length);
  expect(distinct('company', companies)).toBe(companies.length);
  expect(w.pd.persons()).toHaveLength(contacts.length);
  expect(distinct('contact', contacts)).toBe(contacts.length);
  // Logged emails and notes are both Pipedrive notes.
  expect(w.pd.notes()).toHaveLength(activities.length);
  expect(w.pd.activities()).toHaveLength(tasks.length);
  for (const t of tasks) {
    const act = w.pd.activities().find((a) => a.id === remoteOf.get(`task|${t.id}`));
    expect(act?.participants.map((p) => p.person_id)).toEqual([remoteOf.get(`contact|${t.contactIds[0]}`)]);
  }
  for (const a of activities) {
    const note = w.pd.notes().find((n) => n.id === remoteOf.get(`${a.type}|${a.id}`));
    expect(note?.person_id).toBe(remoteOf.get(`contact|${a.contactIds[0]}`));
  }
  expect(await status(w.db, w.inst.id)).toMatchObject({ pending: 0, failed: 0, dead: 0, paused: false });
}

describe('engine × simulated Pipedrive with search lag', { timeout: 60_000 }, () => {
  it('faults and kills: every record exactly once', async () => {
    const w = await world();
    const { kills, crashes } = await syncWithKills(w, registry);
    expect(kills + crashes).toBeGreaterThanOrEqual(3);
    expect(w.pd.counters.faults.lostResponse).toBeGreaterThan(0);
    await expectExactlyOnce(w);
  });
});
