// The engine against the simulated HubSpot API (tests/sims/hubspot.ts), with the real
// HubSpot connector: faults, kills, an offline period and a revoked token. Time is logical
// (FakeClock): Retry-After and backoff are honoured through `now`, so the suite runs in seconds.
// The simulator's own limits run on real time, so they are raised here; the engine still paces
// itself by the connector's documented 100 requests / 10 s on the logical clock. What does take
// real time: the HubSpot client's own search pacing (260 ms per search, HubSpot's 4/s search
// limit, one search per email batch with rapportIdProperty) and request timeouts on hangs.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startHubspotSim, type HubspotSim } from '../../sims/hubspot';
import type { FaultOptions } from '../../sims/faults';
import { registry } from '../../../connectors/registry';
import type { RapportDB } from '../../../storage/db';
import { addActivities, addNote, updateContact, upsertContact, upsertContacts } from '../../../storage/repositories';
import { createTask } from '../../../storage/tasks';
import type { Contact } from '../../../storage/schema';
import { seededRandom } from '../../sims/random';
import { resumeConnector, saveConnectorInstance, type PublicConnectorInstance } from '../../../sync/connectors';
import { runOnce, status, syncNow, type EngineOptions, type RunSummary } from '../../../sync/engine';
import { FakeClock, closeDbs, freshDb, src } from './helpers';
import { removeContact } from '../../../storage/edit';
import { mergeContacts } from '../../../storage/merge';

const TOKEN = 'hs-test-token-0123456789';

const sims: HubspotSim[] = [];
afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
});
afterEach(closeDbs);

async function sim(faults: FaultOptions = {}): Promise<HubspotSim> {
  const s = await startHubspotSim({
    tokens: [TOKEN],
    rateLimit: { requests: 1_000_000, intervalMs: 10_000 },
    searchRateLimit: { requests: 1_000_000, intervalMs: 1_000 },
    customProperties: { emails: ['rapport_id'], notes: ['rapport_id'], tasks: ['rapport_id'] },
    faults,
  });
  sims.push(s);
  return s;
}

interface World {
  db: RapportDB;
  hs: HubspotSim;
  inst: PublicConnectorInstance;
  clock: FakeClock;
  contacts: Contact[];
  opts: (extra?: EngineOptions) => EngineOptions;
}

/** `n` people at `n/30` companies, each with one logged email, queued for HubSpot. */
async function world(n: number, faults: FaultOptions = {}, token = TOKEN): Promise<World> {
  const hs = await sim(faults);
  const db = await freshDb();
  const inst = await saveConnectorInstance(db, registry, {
    type: 'hubspot',
    values: { accessToken: token, baseUrl: hs.url, rapportIdProperty: 'rapport_id' },
    kinds: ['company', 'contact', 'email'],
  });
  const people = Array.from({ length: n }, (_, i) => ({
    name: `Person ${i} Test`,
    firstName: `Person${i}`,
    lastName: 'Test',
    emails: [`person${i}@company${i % Math.max(1, Math.floor(n / 30))}.example`],
    company: `Company ${i % Math.max(1, Math.floor(n / 30))}`,
    title: 'Buyer',
  }));
  const results = await upsertContacts(people, src, {}, db);
  const contacts = results.map((r) => {
    if (r instanceof Error) throw r;
    return r.contact;
  });
  await addActivities(
    contacts.map((c, i) => ({
      type: 'email' as const,
      contactIds: [c.id],
      subject: `Quote ${i}`,
      body: `Hello ${c.name}, here is the quote.`,
      occurredAt: new Date(Date.UTC(2026, 0, 1, 9, 0, i)).toISOString(),
      direction: 'outgoing' as const,
      threadId: `th${i}`,
      messageId: `<m${i}@rapport.test>`,
    })),
    src,
    db,
  );
  const clock = new FakeClock();
  const random = seededRandom(5);
  const opts = (extra: EngineOptions = {}): EngineOptions => ({ now: clock.now, sleep: clock.sleep, random, timeoutMs: 1_000, ...extra });
  return { db, hs, inst, clock, contacts, opts };
}

/** Runs the engine until the outbox is empty, jumping the logical clock to whatever is next due. */
async function untilDone(w: World, extra: EngineOptions = {}, maxRuns = 3000): Promise<RunSummary[]> {
  const runs: RunSummary[] = [];
  for (let i = 0; i < maxRuns; i++) {
    const r = await runOnce(w.db, registry, w.opts(extra));
    runs.push(r);
    if ((await w.db.outbox.count()) === 0) return runs;
    if (r.nextDueAt !== undefined) w.clock.advance(Math.max(0, r.nextDueAt - w.clock.now()));
  }
  throw new Error(`not done after ${maxRuns} runs: ${JSON.stringify(await status(w.db, w.inst.id))}`);
}

/** What the vendor holds: each record exactly once, each email on its contact. */
async function expectExactlyOnce(w: World): Promise<void> {
  const contacts = w.hs.list('contacts');
  const emails = w.hs.list('emails');
  const companies = w.hs.list('companies');
  const contactEmails = contacts.map((c) => c.properties.email);
  expect(new Set(contactEmails).size).toBe(contacts.length);
  expect(contacts.length).toBe(w.contacts.length);
  expect(new Set(contactEmails)).toEqual(new Set(w.contacts.map((c) => c.emails[0])));
  const rapportIds = emails.map((e) => e.properties.rapport_id);
  expect(new Set(rapportIds).size).toBe(emails.length);
  expect(emails.length).toBe(w.contacts.length);
  const domains = companies.map((c) => c.properties.domain);
  expect(new Set(domains).size).toBe(companies.length);
  expect(companies.length).toBe(new Set(w.contacts.map((c) => c.companyId)).size);

  // Locally: nothing lost, every record linked, each email associated with its person.
  const links = await w.db.links.toArray();
  const byLocal = new Map(links.map((l) => [`${l.kind}|${l.localId}`, l.remoteId]));
  const activities = await w.db.activities.toArray();
  for (const a of activities) {
    const remoteEmail = byLocal.get(`email|${a.id}`);
    expect(remoteEmail).toBeTruthy();
    const assoc = w.hs.associationsOf('emails', remoteEmail!, 'contacts').map((x) => x.toId);
    expect(assoc).toEqual([byLocal.get(`contact|${a.contactIds[0]}`)]);
  }
  for (const c of w.contacts) expect(w.hs.state.contacts.has(byLocal.get(`contact|${c.id}`)!)).toBe(true);
  expect(await w.db.outbox.count()).toBe(0);
  const s = await status(w.db, w.inst.id);
  expect(s).toMatchObject({ pending: 0, failed: 0, dead: 0, paused: false, lastError: undefined });
  expect(s.lastSuccessAt).toBeGreaterThan(0);
}

describe('engine × simulated HubSpot', { timeout: 400_000 }, () => {
  it('under faults (20 % 500, 10 % 429, 5 % hangs, 5 % resets, 3 % lost responses) delivers 300 contacts + 300 emails exactly once', async () => {
    const w = await world(300, {
      error500: 0.2,
      rate429: 0.1,
      hang: 0.05,
      reset: 0.05,
      lostResponse: 0.03,
      hangMs: 1_500,
      retryAfterSeconds: 3,
      seed: 11,
    });
    const runs = await untilDone(w);
    const c = w.hs.counters;
    // The faults really happened, and 429s were answered by waiting, not by giving up.
    expect(c.faults.error500).toBeGreaterThan(0);
    expect(c.faults.rate429).toBeGreaterThan(0);
    expect(c.faults.hang).toBeGreaterThan(0);
    expect(c.faults.reset).toBeGreaterThan(0);
    expect(c.faults.lostResponse).toBeGreaterThan(0);
    expect(runs.reduce((n, r) => n + r.rateLimited, 0)).toBeGreaterThan(0);
    await expectExactlyOnce(w);
  });

  it('killed at random points (aborted mid-request, or dead between the remote write and the local commit) still delivers exactly once', async () => {
    const w = await world(300, { lostResponse: 0.05, error500: 0.05, seed: 3 });
    const rnd = seededRandom(99);
    let kills = 0;
    let crashes = 0;
    // Rounds 0–1 crash at the first commit and rounds 2–3 are stopped early, while the outbox is
    // still full, so both kinds of death certainly happen; later rounds mix them at random.
    for (let round = 0; round < 40 && (await w.db.outbox.count()) > 0; round++) {
      const crashRound = round < 2 || (round >= 4 && rnd() < 1 / 3);
      if (crashRound) {
        // The process dies after the vendor answered, inside the local commit.
        const at = round < 2 ? 1 : 1 + Math.floor(rnd() * 3);
        let commits = 0;
        const r = runOnce(
          w.db,
          registry,
          w.opts({
            hooks: {
              inCommit: () => {
                if (++commits === at) throw new Error('killed');
              },
            },
          }),
        );
        await r.then(
          () => undefined,
          (e: Error) => {
            expect(e.message).toBe('killed');
            crashes++;
          },
        );
        w.clock.advance(61_000); // its leases expire
      } else {
        // The worker is stopped after a random number of requests (one may be on the wire).
        const ac = new AbortController();
        const stopAfter = round < 4 ? 1 + Math.floor(rnd() * 2) : 1 + Math.floor(rnd() * 6);
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
    await untilDone(w);
    // Both kinds of death happened (the first rounds make sure of it).
    expect(kills).toBeGreaterThanOrEqual(2);
    expect(crashes).toBeGreaterThanOrEqual(2);
    await expectExactlyOnce(w);
  });

  it('offline for a while: entries back off (nothing lost), then everything goes through once', async () => {
    const w = await world(60);
    let offline = true;
    // While offline, requests go to a closed port (connection refused), like a stopped server.
    const f: typeof fetch = (input, init) => fetch(offline ? String(input).replace(w.hs.url, 'http://127.0.0.1:9') : input, init);
    const queued = await w.db.outbox.count();
    let lastDelay = 0;
    const attempts = async () => Math.max(...(await w.db.outbox.toArray()).map((e) => e.attempts));
    for (let i = 0; i < 30 && (await attempts()) < 6; i++) {
      const r = await runOnce(w.db, registry, w.opts({ fetch: f }));
      expect(r.pushed).toBe(0);
      expect(await w.db.outbox.count()).toBe(queued);
      lastDelay = r.nextDueAt! - w.clock.now();
      w.clock.advance(Math.max(0, lastDelay));
    }
    // Contacts and emails wait behind their company instead of failing too: one request per retry.
    expect(w.hs.counters.total).toBe(0);
    const s = await status(w.db, w.inst.id);
    expect(s.failed).toBeGreaterThan(0);
    expect(s.lastError).toMatch(/network error|fetch failed|ECONNREFUSED/i);
    expect(lastDelay).toBeLessThanOrEqual(15 * 60_000);
    expect(await attempts()).toBeGreaterThanOrEqual(6);
    offline = false;
    await syncNow(w.db, registry, w.opts({ fetch: f }));
    await untilDone(w, { fetch: f });
    await expectExactlyOnce(w);
  });

  it('401: pauses the connector with HubSpot’s message; reconnecting with a valid token resumes', async () => {
    const w = await world(30, {}, 'revoked-token-123456');
    const r = await runOnce(w.db, registry, w.opts());
    expect(r.paused).toEqual([w.inst.id]);
    const s = await status(w.db, w.inst.id);
    expect(s.paused).toBe(true);
    expect(s.pausedReason).toMatch(/Authentication credentials not found/);
    expect(s.pending).toBe(await w.db.outbox.count());
    expect(s.pending).toBeGreaterThan(0);
    expect(s.dead + s.failed).toBe(0);
    const before = w.hs.counters.total;
    await runOnce(w.db, registry, w.opts());
    expect(w.hs.counters.total).toBe(before); // paused: no requests
    await saveConnectorInstance(w.db, registry, { id: w.inst.id, type: 'hubspot', values: { accessToken: TOKEN } });
    await untilDone(w);
    await expectExactlyOnce(w);
  });

  it('403 missing scope: only the logged emails wait (with HubSpot’s message); Resume once the scope is granted', async () => {
    const w = await world(30);
    w.hs.missingScopes.add('emails');
    const r = await runOnce(w.db, registry, w.opts());
    expect(r.paused).toEqual([]);
    expect(r.pausedKinds).toEqual([`${w.inst.id}:email`]);
    expect(w.hs.list('contacts')).toHaveLength(30);
    expect(w.hs.list('emails')).toHaveLength(0);
    const s = await status(w.db, w.inst.id);
    expect(s).toMatchObject({ paused: false, pending: 30, failed: 0, dead: 0 });
    expect(s.pausedKinds).toEqual([
      { scope: 'email', reason: expect.stringMatching(/granted all required scopes/), at: expect.any(Number) },
    ]);
    // Until the user resumes, the emails are not sent again.
    const before = w.hs.counters.total;
    await runOnce(w.db, registry, w.opts());
    expect(w.hs.counters.total).toBe(before);
    w.hs.missingScopes.delete('emails');
    await resumeConnector(w.db, w.inst.id, 'email');
    await untilDone(w);
    await expectExactlyOnce(w);
  });

  it('an email, note and task refused because their contact failed come back once the contact syncs, each sent once', async () => {
    const hs = await sim();
    const db = await freshDb();
    const inst = await saveConnectorInstance(db, registry, {
      type: 'hubspot',
      values: { accessToken: TOKEN, baseUrl: hs.url, rapportIdProperty: 'rapport_id' },
      kinds: ['contact', 'email', 'note', 'task'],
    });
    // Rapport takes a one-letter top-level domain; HubSpot refuses it (INVALID_EMAIL): the contact is dead.
    const { contact } = await upsertContact({ name: 'Ann Lee', emails: ['ann.lee@acme.x'] }, src, {}, db);
    await addActivities(
      [
        {
          type: 'email',
          contactIds: [contact.id],
          subject: 'Quote',
          body: 'Here is the quote.',
          occurredAt: '2026-01-02T09:00:00.000Z',
          direction: 'outgoing',
          messageId: '<q1@rapport.test>',
        },
      ],
      src,
      db,
    );
    await addNote([contact.id], 'Wants 40 seats', src, db);
    await createTask({ title: 'Send the contract', contactIds: [contact.id] }, src, db);
    const clock = new FakeClock();
    const opts: EngineOptions = { now: clock.now, sleep: clock.sleep, random: seededRandom(3), timeoutMs: 2_000 };
    const settle = async () => {
      for (let i = 0; i < 20; i++) {
        const r = await runOnce(db, registry, opts);
        if (r.nextDueAt === undefined) return;
        clock.advance(Math.max(0, r.nextDueAt - clock.now()));
      }
      throw new Error('the outbox did not settle');
    };
    await settle();
    const dead = await db.outbox.where('[connectorId+state]').equals([inst.id, 'dead']).toArray();
    expect(dead.map((e) => e.kind).sort()).toEqual(['contact', 'email', 'note', 'task']);
    expect(dead.find((e) => e.kind === 'contact')!.lastError).toMatch(/INVALID_EMAIL|invalid/i);
    expect(hs.list('emails').length + hs.list('notes').length + hs.list('tasks').length).toBe(0);

    // The user corrects the address: the contact syncs, and what waited for it follows.
    await updateContact(contact.id, { emails: ['ann.lee@acme.example'] }, src, db);
    await settle();
    expect(await db.outbox.count()).toBe(0);
    const remoteContact = (await db.links.get([inst.id, 'contact', contact.id]))?.remoteId;
    expect(hs.list('contacts').map((c) => c.properties.email)).toEqual(['ann.lee@acme.example']);
    for (const type of ['emails', 'notes', 'tasks'] as const) {
      const [one, ...more] = hs.list(type);
      expect(more).toHaveLength(0);
      expect(hs.associationsOf(type, one.id, 'contacts').map((a) => a.toId)).toEqual([remoteContact]);
    }
    expect(await status(db, inst.id)).toMatchObject({ pending: 0, failed: 0, dead: 0 });
  });

  it('a person deleted with "archive in the CRM" is archived in HubSpot (batch/archive), once', async () => {
    const w = await world(3);
    await untilDone(w);
    const [gone, ...kept] = w.contacts;
    const remote = (await w.db.links.get([w.inst.id, 'contact', gone.id]))!.remoteId;
    await removeContact(gone.id, { archiveInCrms: true }, w.db);
    await untilDone(w);
    expect(w.hs.state.contacts.get(remote)?.archived).toBe(true);
    expect(
      w.hs
        .list('contacts')
        .map((c) => c.properties.email)
        .sort(),
    ).toEqual(kept.map((c) => c.emails[0]).sort());
    expect(w.hs.server.log.filter((e) => e.path === '/crm/v3/objects/contacts/batch/archive')).toHaveLength(1);
  });

  it('two people merged in Rapport, both in HubSpot: HubSpot merges its two records (its own merge), once', async () => {
    const w = await world(3);
    await untilDone(w);
    const [kept, merged] = w.contacts;
    const keptRemote = (await w.db.links.get([w.inst.id, 'contact', kept.id]))!.remoteId;
    const mergedRemote = (await w.db.links.get([w.inst.id, 'contact', merged.id]))!.remoteId;
    const report = await mergeContacts(kept.id, merged.id, {}, w.db, { mergeInCrms: new Set(['hubspot']) });
    expect(report.crmRecordsToMerge).toEqual([
      expect.objectContaining({ keptRemoteId: keptRemote, otherRemoteId: mergedRemote, queued: true }),
    ]);
    await untilDone(w);
    expect(w.hs.state.contacts.get(mergedRemote)?.mergedInto).toBe(keptRemote);
    expect(
      w.hs
        .list('contacts')
        .map((c) => c.id)
        .sort(),
    ).toEqual([keptRemote, (await w.db.links.get([w.inst.id, 'contact', w.contacts[2].id]))!.remoteId].sort());
    expect(w.hs.server.log.filter((e) => e.path === '/crm/v3/objects/contacts/merge')).toHaveLength(1);
    expect((await w.db.links.get([w.inst.id, 'contact', kept.id]))!.remoteId).toBe(keptRemote);
  });
});
