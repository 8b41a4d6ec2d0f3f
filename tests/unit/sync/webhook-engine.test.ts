// The engine with the real webhook connector against a real local HTTP receiver that de-duplicates
// on the event id, as connectors/webhook/SCHEMA.md tells receivers to: every change of a record
// must arrive under an id of its own, and a retry of one change under the same id — also when the
// retry is made by a new worker (a new database connection) after a failure.
import { afterEach, describe, expect, it } from 'vitest';
import { registry } from '../../../connectors/registry';
import type { WebhookEvent } from '../../../connectors/webhook';
import { RapportDB } from '../../../storage/db';
import { updateContact, upsertContact } from '../../../storage/repositories';
import type { Contact } from '../../../storage/schema';
import { saveConnectorInstance } from '../../../sync/connectors';
import { runOnce, type EngineOptions } from '../../../sync/engine';
import { startWebhookReceiver, type WebhookReceiver } from '../../sims/webhook-receiver';
import { FakeClock, closeDbs, freshDb, src } from './helpers';

const SECRET = 'whsec_engine-test-0123456789';

const receivers: WebhookReceiver[] = [];
const extraDbs: RapportDB[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
  for (const db of extraDbs.splice(0)) db.close();
  await closeDbs();
});

async function world() {
  const receiver = await startWebhookReceiver(SECRET);
  receivers.push(receiver);
  const db = await freshDb();
  await saveConnectorInstance(db, registry, { type: 'webhook', values: { url: receiver.url, secret: SECRET }, kinds: ['contact'] });
  const clock = new FakeClock();
  const opts = (): EngineOptions => ({ now: clock.now, sleep: clock.sleep, random: () => 0.5, timeoutMs: 5_000 });
  const { contact } = await upsertContact({ name: 'Ann Lee', emails: ['ann.lee@acme.example'] }, src, {}, db);
  return { receiver, db, clock, opts, contact };
}

const names = (events: Iterable<WebhookEvent>) => [...events].map((e) => (e.data as Contact).name);

describe('webhook event ids through the engine', () => {
  it('a record edited three times with a sync after each: four events with four ids; a retry of one change keeps its id', async () => {
    const { receiver, db, clock, opts, contact } = await world();
    expect((await runOnce(db, registry, opts())).pushed).toBe(1);
    for (const name of ['Ann Lee-Smith', 'Ann Smith', 'Ann B. Smith']) {
      await updateContact(contact.id, { name }, src, db);
      expect((await runOnce(db, registry, opts())).pushed).toBe(1);
    }
    expect(receiver.attempts.map((a) => a.answered)).toEqual([200, 200, 200, 200]);
    const ids = receiver.attempts.map((a) => a.event!.id);
    expect(new Set(ids).size).toBe(4);
    // The receiver kept every change, not only the first.
    expect(names(receiver.events.values())).toEqual(['Ann Lee', 'Ann Lee-Smith', 'Ann Smith', 'Ann B. Smith']);
    expect(ids.every((id, i) => receiver.attempts[i].headers['x-rapport-event-id'] === id)).toBe(true);

    // One more change: the receiver stores it, then answers 500. The retry comes from a new worker
    // (a new connection to the database) and carries the same id and the same bytes.
    await updateContact(contact.id, { name: 'Ann Retry' }, src, db);
    receiver.script.push({ status: 500, commit: true });
    const failed = await runOnce(db, registry, opts());
    expect(failed.failed).toBe(1);
    db.close();
    const restarted = new RapportDB(db.name);
    await restarted.open();
    extraDbs.push(restarted);
    clock.advance(Math.max(0, failed.nextDueAt! - clock.now()));
    expect((await runOnce(restarted, registry, opts())).pushed).toBe(1);
    const [first, retry] = receiver.attempts.slice(4);
    expect(retry.event!.id).toBe(first.event!.id);
    expect(retry.raw.equals(first.raw)).toBe(true);
    expect(new Set(ids).has(first.event!.id)).toBe(false);
    expect(receiver.events.size).toBe(5);
    expect(names(receiver.events.values()).at(-1)).toBe('Ann Retry');
    expect(await restarted.outbox.count()).toBe(0);
  });

  it('edits before a sync are one event; an edit made while its event is in flight is the next event, under a new id', async () => {
    const { receiver, db, opts, contact } = await world();
    await updateContact(contact.id, { name: 'Ann Two' }, src, db);
    await updateContact(contact.id, { name: 'Ann Three' }, src, db);
    let editedInFlight = false;
    receiver.onEvent = async () => {
      if (editedInFlight) return;
      editedInFlight = true;
      await updateContact(contact.id, { name: 'Ann In Flight' }, src, db);
    };
    for (let i = 0; i < 5 && (await db.outbox.count()) > 0; i++) await runOnce(db, registry, opts());
    expect(await db.outbox.count()).toBe(0);
    expect(receiver.attempts.map((a) => (a.event!.data as Contact).name)).toEqual(['Ann Three', 'Ann In Flight']);
    expect(new Set(receiver.attempts.map((a) => a.event!.id)).size).toBe(2);
    expect(names(receiver.events.values())).toEqual(['Ann Three', 'Ann In Flight']);
  });
});
