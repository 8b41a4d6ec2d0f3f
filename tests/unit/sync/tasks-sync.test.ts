// Tasks, calls and meetings through the engine (decision 0052): a task's life reaches the webhook as
// its own events and HubSpot as one record; a deleted task, call or un-logged e-mail is removed there;
// a CRM that cannot delete says to do it by hand; tasks pulled from HubSpot land on the linked people,
// and a completion there marks the local task done without echoing back.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { hubspotConnector } from '../../../connectors/hubspot';
import { createRegistry, registry as realRegistry, type AnyConnector } from '../../../connectors/registry';
import { webhookConnector } from '../../../connectors/webhook';
import { backfill } from '../../../storage/backfill';
import { deleteActivity } from '../../../storage/delete';
import { entryKey } from '../../../storage/outbox';
import { addActivities, upsertContact } from '../../../storage/repositories';
import { createTask, editTask, logInteraction, removeTask, setTaskDone } from '../../../storage/tasks';
import { saveConnectorInstance } from '../../../sync/connectors';
import { runOnce, syncNow, type EngineOptions } from '../../../sync/engine';
import { PULL_INTERVAL_MS } from '../../../sync/pull';
import { startHubspotSim, type HubspotSim } from '../../sims/hubspot';
import { startWebhookReceiver, type WebhookReceiver } from '../../sims/webhook-receiver';
import { FakeClock, MemoryCrm, closeDbs, freshDb, setup, src } from './helpers';

const SECRET = 'whsec_tasks-sync-0123456789';
const TOKEN = 'hs-tasks-sync-token';
const receivers: WebhookReceiver[] = [];
const sims: HubspotSim[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
  await closeDbs();
});
afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
});

const registry = createRegistry([hubspotConnector as AnyConnector, webhookConnector as AnyConnector]);

async function world(direction: 'push' | 'both' = 'push') {
  const receiver = await startWebhookReceiver(SECRET);
  receivers.push(receiver);
  const hs = await startHubspotSim({ tokens: [TOKEN] });
  sims.push(hs);
  const db = await freshDb();
  const hook = await saveConnectorInstance(db, registry, { type: 'webhook', values: { url: receiver.url, secret: SECRET } });
  const crm = await saveConnectorInstance(db, registry, { type: 'hubspot', values: { accessToken: TOKEN, baseUrl: hs.url }, direction });
  const clock = new FakeClock();
  const opts = (): EngineOptions => ({ now: clock.now, sleep: clock.sleep, random: () => 0.5, timeoutMs: 5_000 });
  const { contact } = await upsertContact({ name: 'Ann Lee', emails: ['ann.lee@acme.example'] }, src, {}, db);
  await syncNow(db, registry, opts());
  return { receiver, hs, db, clock, opts, contact, hook, crm };
}

describe('tasks, calls and meetings reach every connection that takes them', () => {
  it('create, edit, complete, reopen, delete: webhook events of their own, one HubSpot task that ends archived', async () => {
    const { receiver, hs, db, opts, contact } = await world();
    const sync = () => syncNow(db, registry, opts());
    const task = await createTask(
      { title: 'Send quote', contactIds: [contact.id], dueAt: '2026-03-02T09:00:00.000Z', priority: 'high' },
      src,
      db,
    );
    await sync();
    await editTask(task.id, { notes: 'With the discount' }, db);
    await sync();
    await setTaskDone(task.id, true, db);
    await sync();
    const remote = () => hs.list('tasks')[0]?.properties;
    expect(remote()).toMatchObject({ hs_task_status: 'COMPLETED', hs_task_body: 'With the discount', hs_task_priority: 'HIGH' });
    await setTaskDone(task.id, false, db);
    await sync();
    expect(remote().hs_task_status).toBe('NOT_STARTED');
    expect(hs.list('tasks')).toHaveLength(1);
    await removeTask(task.id, { archiveInCrms: true }, db);
    await sync();

    const taskEvents = receiver.attempts.map((a) => a.event!).filter((e) => e.type.startsWith('task.'));
    expect(taskEvents.map((e) => e.type)).toEqual(['task.created', 'task.updated', 'task.completed', 'task.updated', 'task.deleted']);
    expect(new Set(taskEvents.map((e) => e.id)).size).toBe(5);
    expect(taskEvents.at(-1)!.data).toEqual({ id: task.id });
    expect(hs.list('tasks')).toHaveLength(0);
    expect(await db.outbox.count()).toBe(0);
  });

  it('a logged call and meeting go to HubSpot calls and meetings and to the webhook; un-logging an e-mail archives it there', async () => {
    const { receiver, hs, db, opts, contact } = await world();
    await logInteraction(
      { type: 'call', contactIds: [contact.id], occurredAt: '2026-03-02T10:00:00.000Z', durationMinutes: 5, outcome: 'left-voicemail' },
      src,
      db,
    );
    await logInteraction(
      { type: 'meeting', contactIds: [contact.id], occurredAt: '2026-03-03T10:00:00.000Z', durationMinutes: 30 },
      src,
      db,
    );
    const {
      added: [email],
    } = await addActivities(
      [{ type: 'email', contactIds: [contact.id], subject: 'Hello', occurredAt: '2026-03-01T09:00:00.000Z', direction: 'outgoing' }],
      src,
      db,
    );
    await syncNow(db, registry, opts());
    expect(hs.list('calls').map((c) => c.properties.hs_call_duration)).toEqual(['300000']);
    expect(hs.list('meetings').map((m) => m.properties.hs_meeting_end_time)).toEqual(['2026-03-03T10:30:00.000Z']);
    expect(hs.list('emails')).toHaveLength(1);
    await deleteActivity(email.id, db, { archiveRemote: true });
    await syncNow(db, registry, opts());
    expect(hs.list('emails')).toHaveLength(0);
    expect(receiver.attempts.map((a) => a.event!.type).filter((t) => t !== 'contact.upserted')).toEqual(
      expect.arrayContaining(['call.logged', 'meeting.logged', 'activity.logged', 'activity.deleted']),
    );
    expect(await db.outbox.count()).toBe(0);
  });

  it('a connection that cannot delete tasks: the entry fails for good, saying to remove it there by hand', async () => {
    const { db, crm, registry: memory, inst, engineOpts } = await setup();
    const { contact } = await upsertContact({ name: 'Bo', emails: ['bo@x.io'] }, src, {}, db);
    const task = await createTask({ title: 'Call Bo', contactIds: [contact.id] }, src, db);
    await runOnce(db, memory, engineOpts());
    const remote = crm.records.get(`task|${task.id}`)!.remoteId;
    await removeTask(task.id, { archiveInCrms: true }, db);
    await runOnce(db, memory, engineOpts());
    expect(await db.outbox.get(entryKey(inst.id, 'task', task.id))).toMatchObject({
      state: 'dead',
      lastError: `Memory CRM cannot delete a task from Rapport: remove it there by hand (its id there: ${remote})`,
    });
  });

  it('keep-in-touch items are never sent, not even by a backfill', async () => {
    const db = await freshDb();
    const memory = createRegistry([new MemoryCrm().connector()]);
    await db.tasks.add({
      id: 'tk_cadence',
      title: 'Reconnect with Bo',
      done: false,
      origin: 'cadence',
      contactIds: [],
      createdAt: src.at,
      updatedAt: src.at,
      sources: [src],
    });
    const inst = await saveConnectorInstance(db, memory, { type: 'memory', values: { token: 't' } });
    await backfill(db, inst.id);
    expect(await db.outbox.get(entryKey(inst.id, 'task', 'tk_cadence'))).toBeUndefined();
  });
});

describe('tasks come back from HubSpot (both ways)', () => {
  it('a task assigned there lands on the linked person; its completion there marks it done here, sent on to the webhook only', async () => {
    const { receiver, hs, db, clock, opts, contact, crm } = await world('both');
    // An undated task of ours: HubSpot is given its creation time as hs_timestamp; it stays undated here.
    const undated = await createTask({ title: 'Someday', contactIds: [contact.id] }, src, db);
    await syncNow(db, registry, opts());
    const ann = hs.list('contacts').find((c) => c.properties.email === 'ann.lee@acme.example')!;
    const t = hs.create('tasks', {
      hs_task_subject: 'Prepare the renewal',
      hs_task_status: 'NOT_STARTED',
      hs_timestamp: '2026-03-05T08:00:00.000Z',
    });
    hs.associate('tasks', t.id, 'contacts', ann.id);
    // With no person Rapport knows: left in HubSpot.
    hs.create('tasks', { hs_task_subject: 'Nobody here', hs_timestamp: '2026-03-05T08:00:00.000Z' });
    clock.advance(PULL_INTERVAL_MS + 1);
    await runOnce(db, registry, opts());

    expect((await db.tasks.get(undated.id))!.dueAt).toBeUndefined();
    const local = (await db.tasks.toArray()).filter((x) => x.title === 'Prepare the renewal');
    expect(local).toHaveLength(1);
    expect(local[0]).toMatchObject({
      contactIds: [contact.id],
      done: false,
      dueAt: '2026-03-05T08:00:00.000Z',
      openDueAt: '2026-03-05T08:00:00.000Z',
    });
    expect(await db.links.get([crm.id, 'task', local[0].id])).toMatchObject({ remoteId: t.id });
    expect((await db.tasks.toArray()).map((x) => x.title).sort()).toEqual(['Prepare the renewal', 'Someday']);
    // Sent on to the webhook, never back to HubSpot.
    expect((await db.outbox.toArray()).map((e) => e.connectorId)).not.toContain(crm.id);
    await syncNow(db, registry, opts());
    expect(hs.list('tasks')).toHaveLength(3);

    hs.update('tasks', t.id, { hs_task_status: 'COMPLETED' });
    clock.advance(PULL_INTERVAL_MS + 1);
    const writesBefore = hs.server.log.filter((l) => l.path.includes('/batch/') && !l.path.endsWith('/read')).length;
    await runOnce(db, registry, opts());
    const done = await db.tasks.get(local[0].id);
    expect(done).toMatchObject({ done: true });
    expect(done!.completedAt).toBeTruthy();
    expect(done!.openDueAt).toBeUndefined();
    expect((await db.outbox.toArray()).map((e) => e.connectorId)).not.toContain(crm.id);
    await syncNow(db, registry, opts());
    expect(hs.server.log.filter((l) => l.path.includes('/batch/') && !l.path.endsWith('/read')).length).toBe(writesBefore);
    const completed = receiver.attempts.map((a) => a.event!).filter((e) => e.type === 'task.completed');
    expect(completed.map((e) => (e.data as { id: string }).id)).toEqual([local[0].id]);
  });

  it('a local change still waiting for HubSpot wins over the CRM’s older state; a task Rapport made there is linked, not pulled again', async () => {
    const { hs, db, clock, opts, contact, crm } = await world('both');
    const task = await createTask({ title: 'Mine', contactIds: [contact.id] }, src, db);
    await syncNow(db, registry, opts());
    expect(hs.list('tasks')).toHaveLength(1);
    // Its link is lost (a crash between the create and the commit, say): the pull recognises it by its Rapport id.
    await db.links.delete([crm.id, 'task', task.id]);
    hs.update('tasks', hs.list('tasks')[0].id, { rapport_id: task.id });
    // Done here, not pushed yet (its entry waits for a backoff); HubSpot still says NOT_STARTED.
    await setTaskDone(task.id, true, db);
    await db.outbox.update(entryKey(crm.id, 'task', task.id), { state: 'failed', nextAt: clock.now() + 10 * PULL_INTERVAL_MS });
    clock.advance(PULL_INTERVAL_MS + 1);
    await runOnce(db, registry, opts());
    expect(await db.tasks.count()).toBe(1);
    expect((await db.tasks.get(task.id))!.done).toBe(true);
    expect(await db.links.get([crm.id, 'task', task.id])).toMatchObject({ remoteId: hs.list('tasks')[0].id });
  });
});

// The real registry lists the same connectors: the options form offers calls and meetings for them.
it('calls and meetings are offered by HubSpot, Pipedrive, Salesforce and the webhook, not CardDAV', () => {
  const offer = (id: string) => realRegistry.get(id)!.capabilities;
  for (const id of ['hubspot', 'pipedrive', 'salesforce', 'webhook'])
    expect(offer(id)).toMatchObject({ calls: true, meetings: true, tasks: true });
  expect(offer('carddav')).toMatchObject({ calls: false, meetings: false, tasks: false });
});
