// The engine against an in-memory CRM: dependency order, leases, error classes, user actions,
// crashes between the remote write and the local commit, and secrets kept out of logs.
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../connectors/types';
import { addActivities, addNote, updateContact, upsertContact, upsertContacts } from '../../../storage/repositories';
import { resumeConnector, saveConnectorInstance } from '../../../sync/connectors';
import {
  discardEntry,
  engineLease,
  listEntries,
  nextDueAt,
  releaseDeadLeases,
  retryEntry,
  runOnce,
  status,
  syncNow,
  type SyncLogEvent,
} from '../../../sync/engine';
import { ENGINE_KEY, NEVER } from '../../../storage/sync-rows';
import { entryKey } from '../../../storage/outbox';
import { deleteRecords, writeScope } from '../../../storage/records';
import { beforeFirstPush, closeDbs, fakeFetch, setup, src } from './helpers';

afterEach(closeDbs);

async function personWithEmail(db: Awaited<ReturnType<typeof setup>>['db'], i = 0) {
  const { contact } = await upsertContact({ name: `Person ${i}`, emails: [`p${i}@acme.com`], company: 'Acme' }, src, {}, db);
  const { added } = await addActivities(
    [
      {
        type: 'email',
        contactIds: [contact.id],
        subject: `Mail ${i}`,
        occurredAt: '2026-01-02T00:00:00Z',
        messageId: `m${i}`,
        direction: 'incoming',
      },
    ],
    src,
    db,
  );
  return { contact, email: added[0] };
}

describe('runOnce', () => {
  it('pushes in dependency order and hands activities the remote ids of their people', async () => {
    const { db, crm, registry, engineOpts, inst } = await setup();
    // Created in the "wrong" order: the email is queued before anything else is pushed.
    const { contact, email } = await personWithEmail(db);
    const run = await runOnce(db, registry, engineOpts());
    expect(run.pushed).toBe(3);
    expect(crm.pushes.map((p) => p.kind)).toEqual(['company', 'contact', 'email']);
    const contactRemote = crm.records.get(`contact|${contact.id}`)!.remoteId;
    expect(crm.pushes[2].items[0].linked.contacts).toEqual({ [contact.id]: contactRemote });
    expect(crm.pushes[1].items[0].linked.companies[contact.companyId!]).toBe(crm.records.get(`company|${contact.companyId}`)!.remoteId);
    expect(await db.links.get([inst.id, 'email', email.id])).toMatchObject({ remoteId: crm.records.get(`email|${email.id}`)!.remoteId });
    expect(await status(db, inst.id)).toMatchObject({ pending: 0, failed: 0, dead: 0, paused: false });
  });

  it('holds an email back while its contact is still failing, then sends both', async () => {
    const { db, crm, registry, engineOpts, clock } = await setup();
    const { contact } = await personWithEmail(db);
    crm.scripts.push({ item: () => undefined }); // company ok
    crm.scripts.push({ throw: new ConnectorError('Service Unavailable', 'transient', 503) }); // contact fails
    const first = await runOnce(db, registry, engineOpts());
    expect(crm.pushes.map((p) => p.kind)).toEqual(['company', 'contact']);
    expect(first.failed).toBe(1);
    const contactEntry = (await db.outbox.toArray()).find((e) => e.kind === 'contact')!;
    const emailEntry = (await db.outbox.toArray()).find((e) => e.kind === 'email')!;
    expect(emailEntry.state).toBe('pending');
    expect(emailEntry.nextAt).toBeGreaterThanOrEqual(contactEntry.nextAt); // deferred behind its contact
    clock.advance(first.nextDueAt! - clock.now());
    while ((await db.outbox.count()) > 0) {
      const r = await runOnce(db, registry, engineOpts());
      if (r.nextDueAt) clock.advance(Math.max(0, r.nextDueAt - clock.now()));
    }
    expect(crm.pushes.map((p) => p.kind)).toEqual(['company', 'contact', 'contact', 'email']);
    expect(crm.records.get(`contact|${contact.id}`)!.writes).toBe(1);
    // Held back, never handed to the connector: still a first send (no look-up needed).
    expect(crm.pushes[3].items[0].firstSend).toBe(true);
  });

  it('drops an entry whose record is gone (deleted without its outbox entry) and sends the rest', async () => {
    const { db, crm, registry, engineOpts, inst } = await setup({ kinds: ['contact'] });
    await upsertContacts(
      [
        { name: 'Kept', emails: ['kept@x.io'] },
        { name: 'Gone', emails: ['gone@x.io'] },
      ],
      src,
      {},
      db,
    );
    const gone = (await db.contacts.toArray()).find((c) => c.name === 'Gone')!;
    // A low-level delete that leaves the outbox alone (as an older version or a repair could).
    await db.transaction('rw', writeScope(db, 'contact'), () => deleteRecords(db, 'contact', [gone.id]));
    expect(await db.outbox.count()).toBe(2);
    const run = await runOnce(db, registry, engineOpts());
    expect(run.pushed).toBe(1);
    expect(crm.pushes.flatMap((p) => p.items.map((i) => (i.item.record as { name: string }).name))).toEqual(['Kept']);
    expect(await db.outbox.count()).toBe(0);
    expect(await status(db, inst.id)).toMatchObject({ pending: 0, failed: 0, dead: 0 });
  });

  it('batches by the connector batch size', async () => {
    const { db, crm, registry, engineOpts } = await setup({ batchSize: 4, kinds: ['contact'] });
    await upsertContacts(
      Array.from({ length: 10 }, (_, i) => ({ name: `N${i}`, emails: [`n${i}@x.io`] })),
      src,
      {},
      db,
    );
    await runOnce(db, registry, engineOpts());
    expect(crm.pushes.map((p) => p.items.length)).toEqual([4, 4, 2]);
  });

  it('takes each batch after the last one, and still finds an entry that became due behind it during the run', async () => {
    const { db, crm, registry, engineOpts } = await setup({ batchSize: 2, kinds: ['contact'] });
    await upsertContacts(
      Array.from({ length: 7 }, (_, i) => ({ name: `N${i}`, emails: [`n${i}@x.io`] })),
      src,
      {},
      db,
    );
    const entries = await db.outbox.orderBy('id').toArray();
    const first = entries[0];
    await db.outbox.update(first.id, { state: 'dead', nextAt: NEVER, lastError: 'bad' });
    // Retried while the run is past it: due since long ago, before the run's position.
    beforeFirstPush(registry, async () => {
      await retryEntry(db, first.id, 0);
    });
    const r = await runOnce(db, registry, engineOpts());
    expect(r.pushed).toBe(7);
    expect(crm.pushes.flatMap((p) => p.items.map((i) => i.item.record.id)).sort()).toEqual(entries.map((e) => e.localId).sort());
    expect(crm.records.size).toBe(7);
    expect(await db.outbox.count()).toBe(0);
    expect(await db.syncState.where('key').startsWith('batch|').count()).toBe(0); // every lease row committed
  });

  it('waits for rate-limit tokens between requests (logical clock)', async () => {
    const { db, crm, registry, engineOpts, clock, fetch } = await setup({
      batchSize: 1,
      kinds: ['contact'],
      rateLimit: { requests: 3, intervalMs: 10_000 },
    });
    await upsertContacts(
      Array.from({ length: 7 }, (_, i) => ({ name: `N${i}`, emails: [`n${i}@x.io`] })),
      src,
      {},
      db,
    );
    const start = clock.now();
    await runOnce(db, registry, engineOpts());
    expect(crm.pushes).toHaveLength(7);
    expect(fetch.calls).toBe(7);
    // 3 at once, 3 after 10 s, 1 after 20 s.
    expect(clock.now() - start).toBeGreaterThanOrEqual(20_000);
    expect(clock.now() - start).toBeLessThan(21_000);
  });

  it('stops waiting for tokens beyond maxWaitMs and reports when to come back', async () => {
    const { db, crm, registry, engineOpts, clock } = await setup({
      batchSize: 1,
      kinds: ['contact'],
      rateLimit: { requests: 2, intervalMs: 60_000 },
    });
    await upsertContacts(
      Array.from({ length: 3 }, (_, i) => ({ name: `N${i}`, emails: [`n${i}@x.io`] })),
      src,
      {},
      db,
    );
    const r = await runOnce(db, registry, engineOpts({ maxWaitMs: 5_000 }));
    expect(r.pushed).toBe(2);
    expect(r.nextDueAt! - clock.now()).toBeGreaterThan(50_000);
    expect(await db.outbox.count()).toBe(1);
    // The third batch was leased ahead while the limit made it wait: given back, not sent.
    expect(await db.syncState.where('key').startsWith('batch|').count()).toBe(0);
    expect(crm.pushes).toHaveLength(2);
    clock.advance(r.nextDueAt! - clock.now());
    expect((await runOnce(db, registry, engineOpts({ maxWaitMs: 5_000 }))).pushed).toBe(1);
    expect(crm.records.size).toBe(3);
    expect([...crm.records.values()].map((x) => x.writes)).toEqual([1, 1, 1]);
  });

  it('a record edited while its batch waits for the rate limit (leased ahead) reaches the CRM as edited', async () => {
    const { db, crm, registry, engineOpts } = await setup({
      batchSize: 1,
      kinds: ['contact'],
      rateLimit: { requests: 1, intervalMs: 10_000 },
    });
    await upsertContacts(
      [
        { name: 'First', emails: ['first@x.io'] },
        { name: 'Second', emails: ['second@x.io'] },
      ],
      src,
      {},
      db,
    );
    const second = (await db.contacts.toArray()).find((c) => c.name === 'Second')!;
    // While the first request is out, the second batch is already leased and built.
    beforeFirstPush(registry, async () => {
      await updateContact(second.id, { title: 'Edited while queued' }, src, db);
    });
    await runOnce(db, registry, engineOpts());
    const sentSecond = crm.pushes.flatMap((p) => p.items).filter((i) => i.item.record.id === second.id);
    // Sent as leased (the change came after), then again as edited: its version changed in flight.
    expect(sentSecond.map((i) => (i.item.record as { title?: string }).title)).toEqual([undefined, 'Edited while queued']);
    expect(crm.records.size).toBe(2);
    expect(await db.outbox.count()).toBe(0);
  });

  it('a run that remembers fewer remote ids than it wrote still finds a journaled link (the association is kept)', async () => {
    const { db, crm, registry, engineOpts } = await setup({ kinds: ['contact', 'email'], batchSize: 2 });
    const { contact: first } = await upsertContact({ name: 'First', emails: ['first@x.io'] }, src, {}, db);
    for (let i = 0; i < 3; i++) await upsertContact({ name: `N${i}`, emails: [`n${i}@x.io`] }, src, {}, db);
    await addActivities([{ type: 'email', contactIds: [first.id], subject: 'Hello', occurredAt: '2026-01-02T00:00:00Z' }], src, db);
    // The run remembers 2 ids: the first contact's is forgotten before the email is built, and its
    // link is still in the run's journal (folded into `links` only when the run waits or ends).
    await runOnce(db, registry, engineOpts({ linkMemoMax: 2 }));
    const email = [...crm.records.values()].find((r) => r.kind === 'email')!;
    expect(email.linked.contacts).toEqual({ [first.id]: crm.records.get(`contact|${first.id}`)!.remoteId });
    expect(await db.outbox.count()).toBe(0);
  });

  it('outcomes held while the window goes out are committed at most 16 batches per transaction', async () => {
    const { db, crm, registry, engineOpts } = await setup({ kinds: ['contact'], batchSize: 1 });
    await upsertContacts(
      Array.from({ length: 60 }, (_, i) => ({ name: `N${i}`, emails: [`n${i}@x.io`] })),
      src,
      {},
      db,
    );
    // Batches per commit transaction (the hook runs inside it, once per batch).
    const perTx = new Map<unknown, number>();
    await runOnce(
      db,
      registry,
      engineOpts({ hooks: { inCommit: () => perTx.set(Dexie.currentTransaction, (perTx.get(Dexie.currentTransaction) ?? 0) + 1) } }),
    );
    const sizes = [...perTx.values()];
    expect(crm.records.size).toBe(60);
    expect(await db.outbox.count()).toBe(0);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(60);
    // Grouped (held while more could be leased and sent), never more than 16 in one transaction,
    // so a reader of the outbox (the popup) never waits behind one huge commit.
    expect(Math.max(...sizes)).toBeLessThanOrEqual(16);
    expect(Math.max(...sizes)).toBeGreaterThan(1);
  });
});

describe('errors', () => {
  it('auth: pauses the connector with the vendor message, keeps entries pending', async () => {
    const { db, crm, registry, engineOpts, inst, fetch } = await setup({ kinds: ['contact'] });
    await upsertContact({ name: 'A', emails: ['a@x.io'] }, src, {}, db);
    crm.scripts.push({ throw: new ConnectorError('Authentication credentials not found', 'auth', 401) });
    const r = await runOnce(db, registry, engineOpts());
    expect(r.paused).toEqual([inst.id]);
    const s = await status(db, inst.id);
    expect(s).toMatchObject({ paused: true, pausedReason: 'Authentication credentials not found', pending: 1, failed: 0, dead: 0 });
    // Paused: nothing is sent until the user reconnects.
    const calls = fetch.calls;
    await runOnce(db, registry, engineOpts());
    expect(fetch.calls).toBe(calls);
    // Reconnecting (a new token) resumes it.
    await saveConnectorInstance(db, registry, { id: inst.id, type: 'memory', values: { token: 'new-token-9999' } });
    expect((await status(db, inst.id)).paused).toBe(false);
    await runOnce(db, registry, engineOpts());
    expect(await db.outbox.count()).toBe(0);
  });

  it('403: pauses only the refused kind, with its reason; the other kinds go on; Resume sends it again', async () => {
    const { db, crm, registry, engineOpts, inst } = await setup({ kinds: ['contact', 'email', 'note'] });
    const { contact } = await upsertContact({ name: 'A', emails: ['a@x.io'] }, src, {}, db);
    await addActivities([{ type: 'email', contactIds: [contact.id], subject: 'Hello', occurredAt: '2026-01-02T00:00:00Z' }], src, db);
    await addNote([contact.id], 'a note', src, db);
    const missingScope = new ConnectorError("This app hasn't been granted all required scopes (sales-email-read)", 'auth', 403);
    // The contact's push goes through; the email's is refused; the note's goes through.
    crm.scripts.push({ item: () => undefined }, { throw: missingScope });
    const r = await runOnce(db, registry, engineOpts());
    expect(r.paused).toEqual([]);
    expect(r.pausedKinds).toEqual([`${inst.id}:email`]);
    expect([...crm.records.values()].map((x) => x.kind).sort()).toEqual(['contact', 'note']);
    const s = await status(db, inst.id);
    expect(s).toMatchObject({ paused: false, pending: 1, failed: 0, dead: 0 });
    expect(s.pausedKinds).toEqual([{ scope: 'email', reason: missingScope.message, at: expect.any(Number) }]);
    // Later runs leave the email alone and push the rest.
    await addNote([contact.id], 'another note', src, db);
    const pushesBefore = crm.pushes.length;
    await runOnce(db, registry, engineOpts());
    expect(crm.pushes.slice(pushesBefore).map((p) => p.kind)).toEqual(['note']);
    expect(await nextDueAt(db)).toBeUndefined();
    // The scope was granted: Resume.
    await resumeConnector(db, inst.id, 'email');
    expect((await status(db, inst.id)).pausedKinds).toEqual([]);
    await runOnce(db, registry, engineOpts());
    expect(await db.outbox.count()).toBe(0);
    expect([...crm.records.values()].filter((x) => x.kind === 'email')).toHaveLength(1);
  });

  it('auth: pauses at the first refusal, not after the rest of the window is spent on a revoked token', async () => {
    const { db, crm, registry, engineOpts, inst } = await setup({
      batchSize: 1,
      kinds: ['contact'],
      rateLimit: { requests: 100, intervalMs: 10_000 },
    });
    await upsertContacts(
      Array.from({ length: 40 }, (_, i) => ({ name: `N${i}`, emails: [`n${i}@x.io`] })),
      src,
      {},
      db,
    );
    for (let i = 0; i < 40; i++) crm.scripts.push({ throw: new ConnectorError('This oauth-token is expired', 'auth', 401) });
    const r = await runOnce(db, registry, engineOpts());
    expect(r.paused).toEqual([inst.id]);
    // Only what was already on the wire when the first refusal came back (4 in flight, a few more
    // started while its outcome was committed) — the limit's tokens alone would have let 40 go.
    expect(crm.pushes.length).toBeGreaterThan(0);
    expect(crm.pushes.length).toBeLessThanOrEqual(8);
    expect(await status(db, inst.id)).toMatchObject({ paused: true, pending: 40, failed: 0 });
  });

  it('rate-limit: retried after Retry-After, without counting an attempt', async () => {
    const { db, crm, registry, engineOpts, inst, clock } = await setup({ kinds: ['contact'] });
    const { contact } = await upsertContact({ name: 'A', emails: ['a@x.io'] }, src, {}, db);
    crm.scripts.push({ throw: new ConnectorError('You have reached your ten_secondly_rolling limit.', 'rate-limit', 429, 7_000) });
    const r = await runOnce(db, registry, engineOpts({ maxWaitMs: 1_000 }));
    const e = (await db.outbox.get(entryKey(inst.id, 'contact', contact.id)))!;
    expect(e).toMatchObject({ state: 'pending', attempts: 0, lastErrorKind: 'rate-limit' });
    expect(e.nextAt - e.updatedAt).toBe(7_000); // updatedAt: when the outcome was committed
    expect(e.nextAt).toBeGreaterThan(clock.now());
    expect(r.nextDueAt).toBe(e.nextAt);
  });

  it('a 429 response blocks the limiter for Retry-After before the next request', async () => {
    let n = 0;
    const { db, registry, engineOpts, clock } = await setup({ kinds: ['contact'], batchSize: 1 });
    await upsertContacts(
      Array.from({ length: 2 }, (_, i) => ({ name: `N${i}`, emails: [`n${i}@x.io`] })),
      src,
      {},
      db,
    );
    const f = fakeFetch(() => (++n === 1 ? new Response('slow down', { status: 429, headers: { 'retry-after': '3' } }) : undefined));
    const start = clock.now();
    // One batch at a time: with two in flight, the second one's wait (virtual time) can pass before
    // the first one commits its 429, leaving that entry for the next run (correct, but not this test).
    await runOnce(db, registry, engineOpts({ fetch: f, maxInFlight: 1 }));
    expect(await db.outbox.count()).toBe(0);
    expect(clock.now() - start).toBeGreaterThanOrEqual(3_000);
  });

  it('transient: attempts+1 and a backoff within the full-jitter bounds', async () => {
    const { db, crm, registry, engineOpts, inst, clock } = await setup({ kinds: ['contact'] });
    const { contact } = await upsertContact({ name: 'A', emails: ['a@x.io'] }, src, {}, db);
    const id = entryKey(inst.id, 'contact', contact.id);
    for (let attempt = 1; attempt <= 4; attempt++) {
      crm.scripts.push({ throw: new ConnectorError('HubSpot: network error (ECONNRESET)', 'transient') });
      await runOnce(db, registry, engineOpts({ random: () => 0.999 }));
      const e = (await db.outbox.get(id))!;
      expect(e.state).toBe('failed');
      expect(e.attempts).toBe(attempt);
      const delay = e.nextAt - e.updatedAt; // updatedAt: when the failure was committed
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(2_000 * 2 ** (attempt - 1));
      expect(delay).toBeGreaterThan(0.99 * 2_000 * 2 ** (attempt - 1));
      clock.advance(Math.max(0, e.nextAt - clock.now()));
    }
    expect(await status(db, inst.id)).toMatchObject({ failed: 1, pending: 0, lastError: 'HubSpot: network error (ECONNRESET)' });
    await runOnce(db, registry, engineOpts());
    expect(await status(db, inst.id)).toMatchObject({ failed: 0, pending: 0, lastError: undefined });
  });

  it('validation and not-found: dead-lettered with the vendor message; retry and discard', async () => {
    const { db, crm, registry, engineOpts, inst } = await setup({ kinds: ['contact'] });
    const { contact: a } = await upsertContact({ name: 'A', emails: ['a@x.io'] }, src, {}, db);
    const { contact: b } = await upsertContact({ name: 'B', emails: ['b@x.io'] }, src, {}, db);
    const msg = 'Property values were not valid: [{"isValid":false,"message":"Email address a@x.io is invalid"}]';
    crm.scripts.push({
      item: (it) =>
        it.item.record.id === a.id ? new ConnectorError(msg, 'validation', 400) : new ConnectorError('gone', 'not-found', 404),
    });
    const r = await runOnce(db, registry, engineOpts());
    expect(r.dead).toBe(2);
    const dead = await listEntries(db, inst.id);
    expect(dead.map((e) => [e.localId, e.state, e.nextAt])).toEqual(
      expect.arrayContaining([
        [a.id, 'dead', NEVER],
        [b.id, 'dead', NEVER],
      ]),
    );
    expect(dead.find((e) => e.localId === a.id)!.lastError).toBe(msg);
    expect(await status(db, inst.id)).toMatchObject({ dead: 2, pending: 0 });
    // Dead entries are not retried on their own.
    await runOnce(db, registry, engineOpts());
    expect(crm.pushes).toHaveLength(1);
    expect(await retryEntry(db, entryKey(inst.id, 'contact', a.id))).toBe(true);
    expect(await discardEntry(db, entryKey(inst.id, 'contact', b.id))).toBe(true);
    await runOnce(db, registry, engineOpts());
    expect(crm.records.has(`contact|${a.id}`)).toBe(true);
    expect(crm.records.has(`contact|${b.id}`)).toBe(false);
    expect(await status(db, inst.id)).toMatchObject({ dead: 0, pending: 0 });
  });

  it('a whole-batch throw applies to every item; an unexpected exception is transient', async () => {
    const { db, crm, registry, engineOpts, inst } = await setup({ kinds: ['contact'] });
    await upsertContacts(
      Array.from({ length: 3 }, (_, i) => ({ name: `N${i}`, emails: [`n${i}@x.io`] })),
      src,
      {},
      db,
    );
    crm.scripts.push({ throw: new TypeError("Cannot read properties of undefined (reading 'id')") as unknown as ConnectorError });
    const r = await runOnce(db, registry, engineOpts());
    expect(r.failed).toBe(3);
    expect((await status(db, inst.id)).failed).toBe(3);
  });

  it('syncNow ignores backoff waits (not the pause)', async () => {
    const { db, crm, registry, engineOpts } = await setup({ kinds: ['contact'] });
    await upsertContact({ name: 'A', emails: ['a@x.io'] }, src, {}, db);
    crm.scripts.push({ throw: new ConnectorError('502', 'transient', 502) });
    await runOnce(db, registry, engineOpts({ random: () => 0.9 }));
    expect(await db.outbox.count()).toBe(1);
    await runOnce(db, registry, engineOpts());
    expect(crm.pushes).toHaveLength(1); // still backing off
    await syncNow(db, registry, engineOpts());
    expect(await db.outbox.count()).toBe(0);
  });
});

describe('killed at any instruction', () => {
  it('a second engine does not run while the lease is held, and takes over an expired one', async () => {
    const { db, crm, registry, engineOpts, inst, clock } = await setup({ kinds: ['contact'] });
    const { contact } = await upsertContact({ name: 'A', emails: ['a@x.io'] }, src, {}, db);
    // A worker that died mid-push: it holds the engine lease and the entry.
    const until = clock.now() + 60_000;
    await db.syncState.put({ key: ENGINE_KEY, lease: { owner: 'dead-worker', until } });
    await db.outbox.update(entryKey(inst.id, 'contact', contact.id), {
      state: 'leased',
      leaseOwner: 'dead-worker',
      leaseUntil: until,
      nextAt: until,
    });
    const busy = await runOnce(db, registry, engineOpts({ owner: 'w2' }));
    expect(busy.ran).toBe(false);
    expect(crm.pushes).toHaveLength(0);
    clock.advance(60_001);
    const r = await runOnce(db, registry, engineOpts({ owner: 'w2' }));
    expect(r.ran).toBe(true);
    expect(r.pushed).toBe(1);
    expect(await engineLease(db)).toBeUndefined(); // released at the end
  });

  it('at worker start-up, a dead worker’s leases are released at once', async () => {
    const { db, crm, registry, engineOpts, inst, clock } = await setup({ kinds: ['contact'] });
    const { contact } = await upsertContact({ name: 'A', emails: ['a@x.io'] }, src, {}, db);
    const until = clock.now() + 60_000;
    await db.syncState.put({ key: ENGINE_KEY, lease: { owner: 'dead-worker', until } });
    await db.outbox.update(entryKey(inst.id, 'contact', contact.id), {
      state: 'leased',
      leaseOwner: 'dead-worker',
      leaseUntil: until,
      nextAt: until,
      attempts: 2,
    });
    expect(await releaseDeadLeases(db, clock.now())).toBe(1);
    expect(await engineLease(db)).toBeUndefined();
    const e = (await db.outbox.get(entryKey(inst.id, 'contact', contact.id)))!;
    expect(e).toMatchObject({ state: 'failed', attempts: 2 });
    expect(e.leaseOwner).toBeUndefined();
    const r = await runOnce(db, registry, engineOpts());
    expect(r.pushed).toBe(1);
    expect(crm.writes).toBe(1);
  });

  it('two engines started together: only one runs', async () => {
    const { db, crm, registry, engineOpts } = await setup({ kinds: ['contact'] });
    await upsertContacts(
      Array.from({ length: 5 }, (_, i) => ({ name: `N${i}`, emails: [`n${i}@x.io`] })),
      src,
      {},
      db,
    );
    const [a, b] = await Promise.all([
      runOnce(db, registry, engineOpts({ owner: 'a' })),
      runOnce(db, registry, engineOpts({ owner: 'b' })),
    ]);
    expect([a.ran, b.ran].filter(Boolean)).toHaveLength(1);
    expect(crm.writes).toBe(5);
  });

  it('dies between the remote write and the local commit: the retry finds the record (no duplicate)', async () => {
    const { db, crm, registry, engineOpts, inst, clock } = await setup({ kinds: ['contact', 'note'] });
    const { contact } = await upsertContact({ name: 'A', emails: ['a@x.io'] }, src, {}, db);
    await addNote([contact.id], 'hello', src, db);
    await expect(
      runOnce(
        db,
        registry,
        engineOpts({
          hooks: {
            inCommit: () => {
              throw new Error('killed');
            },
          },
        }),
      ),
    ).rejects.toThrow('killed');
    // The remote write happened, the local commit did not: no link, the entry is still queued and
    // the batch's lease row still names it.
    expect(crm.writes).toBe(1);
    expect(await db.links.count()).toBe(0);
    expect(await db.outbox.get(entryKey(inst.id, 'contact', contact.id))).toBeDefined();
    const leases = await db.syncState.where('key').startsWith('batch|').toArray();
    expect(leases.map((r) => [r.batch!.connectorId, r.batch!.kind, r.batch!.localIds])).toContainEqual([inst.id, 'contact', [contact.id]]);
    // Not due before its lease expires…
    await runOnce(db, registry, engineOpts());
    expect(crm.writes).toBe(1);
    clock.advance(61_000);
    await runOnce(db, registry, engineOpts());
    expect(await db.outbox.count()).toBe(0);
    expect(crm.records.size).toBe(2); // one contact, one note
    expect(crm.records.get(`contact|${contact.id}`)!.writes).toBe(2); // written twice, stored once
  });

  it('firstSend: only a brand-new record never handed out before; a retry after a crash looks up', async () => {
    const { db, crm, registry, engineOpts, clock } = await setup({ kinds: ['contact', 'note', 'email'] });
    const { contact } = await upsertContact({ name: 'A', emails: ['a@x.io'] }, src, {}, db);
    // Imported with its own id (it may have reached this CRM from another install): not fresh.
    await addActivities(
      [{ id: 'ac_imported', type: 'email', contactIds: [contact.id], subject: 'Old', occurredAt: '2025-01-01T00:00:00Z' }],
      src,
      db,
    );
    await addNote([contact.id], 'hello', src, db);
    // Killed right after the note reached the CRM, before the local commit.
    const killAtNote = {
      inCommit: (info: { kind: string }) => {
        if (info.kind === 'note') throw new Error('killed');
      },
    };
    await expect(runOnce(db, registry, engineOpts({ hooks: killAtNote }))).rejects.toThrow('killed');
    clock.advance(61_000);
    while ((await db.outbox.count()) > 0) {
      const r = await runOnce(db, registry, engineOpts());
      if (r.nextDueAt) clock.advance(Math.max(0, r.nextDueAt - clock.now()));
    }
    const sends = crm.pushes.map((p) => `${p.kind}:${p.items.map((i) => (i.firstSend ? 'first' : 'retry')).join()}`);
    // A contact upsert merges (never "fresh"); the imported email is not; the note is first sent
    // fresh, and after the crash it is sent again flagged for a look-up.
    expect(sends).toEqual(['contact:retry', 'email:retry', 'note:first', 'note:retry']);
    expect(crm.records.get(`note|${(await db.activities.toArray()).find((a) => a.type === 'note')!.id}`)!.writes).toBe(2);
  });

  it('a lease row of the earlier format ([id, version, createdAt] per entry) left by a dead run is settled', async () => {
    const { db, crm, registry, engineOpts, inst, clock } = await setup({ kinds: ['contact', 'note'] });
    const { contact } = await upsertContact({ name: 'A', emails: ['a@x.io'] }, src, {}, db);
    await addNote([contact.id], 'hello', src, db);
    const note = (await db.activities.toArray()).find((a) => a.type === 'note')!;
    const noteEntry = (await db.outbox.get(entryKey(inst.id, 'note', note.id)))!;
    expect(noteEntry.fresh).toBe(true);
    // A run of the previous version died with the note's batch on the wire.
    await db.syncState.put({
      key: 'batch|dead-run|0',
      batch: {
        owner: 'dead-run',
        connectorId: inst.id,
        kind: 'note',
        until: clock.now() + 60_000,
        entries: [[noteEntry.id, noteEntry.version, noteEntry.createdAt]],
      },
    });
    clock.advance(61_000);
    while ((await db.outbox.count()) > 0) {
      const r = await runOnce(db, registry, engineOpts());
      if (r.nextDueAt) clock.advance(Math.max(0, r.nextDueAt - clock.now()));
    }
    // The request may have gone out: the note is sent flagged for a look-up, not as brand new.
    expect(crm.pushes.filter((p) => p.kind === 'note').flatMap((p) => p.items.map((i) => !!i.firstSend))).toEqual([false]);
    expect(await db.syncState.where('key').startsWith('batch|').count()).toBe(0);
  });

  it('aborted mid-run: leased entries are released and a new run finishes the job', async () => {
    const { db, crm, registry, engineOpts } = await setup({ kinds: ['contact'], batchSize: 2 });
    await upsertContacts(
      Array.from({ length: 6 }, (_, i) => ({ name: `N${i}`, emails: [`n${i}@x.io`] })),
      src,
      {},
      db,
    );
    const ac = new AbortController();
    let n = 0;
    // The worker is stopped while the second request is on the wire.
    const f: typeof fetch = async (_input, init) => {
      if (init?.signal?.aborted) throw init.signal.reason; // as fetch does
      if (++n === 2) {
        ac.abort();
        throw init?.signal?.reason ?? new DOMException('aborted', 'AbortError');
      }
      return new Response('{}');
    };
    const r = await runOnce(db, registry, engineOpts({ fetch: f, signal: ac.signal }));
    expect(r.stopped).toBe('aborted');
    expect(crm.records.size).toBe(2);
    const left = await db.outbox.toArray();
    expect(left).toHaveLength(4); // the batch in flight was given back, not left leased
    expect(left.every((e) => e.state === 'pending')).toBe(true);
    await runOnce(db, registry, engineOpts());
    expect(await db.outbox.count()).toBe(0);
    expect(crm.records.size).toBe(6);
  });
});

describe('secrets', () => {
  it('are stored apart from the config, and never appear in errors, status or logs', async () => {
    const token = 'pat-na1-0123456789abcdef';
    const { db, crm, registry, engineOpts, inst } = await setup({ kinds: ['contact'], token });
    expect(JSON.stringify(await db.connectors.toArray())).not.toContain(token);
    expect((await db.secrets.get(inst.id))!.values.token).toBe(token);
    await upsertContact({ name: 'A', emails: ['a@x.io'] }, src, {}, db);
    crm.scripts.push({ throw: new ConnectorError(`invalid token ${token} (Authorization: Bearer ${token})`, 'auth', 401) });
    const logs: SyncLogEvent[] = [];
    await runOnce(db, registry, engineOpts({ log: (e) => logs.push(e) }));
    const everything = JSON.stringify({
      logs,
      connectors: await db.connectors.toArray(),
      outbox: await db.outbox.toArray(),
      status: await status(db, inst.id),
    });
    expect(everything).not.toContain(token);
    expect(everything).toContain('[redacted]');
    await resumeConnector(db, inst.id);
    expect((await status(db, inst.id)).paused).toBe(false);
  });
});
