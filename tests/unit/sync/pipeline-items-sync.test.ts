// Pipeline items through the engine (decision 0054): a deal reaches HubSpot once, after its contact
// and company, with its pipeline and stage; a pipeline mapped to "Don't sync" never leaves; a
// deletion archives it there; a stage change made in HubSpot comes back by pull (both ways) with a
// stage change recorded, goes on to the webhook, and does not echo — unless a local change waits.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { hubspotConnector } from '../../../connectors/hubspot';
import { createRegistry, type AnyConnector } from '../../../connectors/registry';
import { webhookConnector } from '../../../connectors/webhook';
import { createItem, deleteItem, listPipelines, moveItemTo, stageHistory } from '../../../storage/pipelines';
import { addActivities, upsertCompany, upsertContact } from '../../../storage/repositories';
import { saveConnectorInstance } from '../../../sync/connectors';
import { syncNow, type EngineOptions } from '../../../sync/engine';
import { PULL_INTERVAL_MS, applyPullPage } from '../../../sync/pull';
import { withDefaults } from '../../../sync/pipeline-mapping';
import { startHubspotSim, type HubspotSim } from '../../sims/hubspot';
import { startWebhookReceiver, type WebhookReceiver } from '../../sims/webhook-receiver';
import { FakeClock, closeDbs, freshDb, src } from './helpers';

const SECRET = 'whsec_items-sync-0123456789';
const TOKEN = 'hs-items-sync-token';
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

async function world(opts: { direction?: 'push' | 'both'; pipelineMapping?: Record<string, null> } = {}) {
  const receiver = await startWebhookReceiver(SECRET);
  receivers.push(receiver);
  const hs = await startHubspotSim({ tokens: [TOKEN] });
  sims.push(hs);
  const db = await freshDb();
  await saveConnectorInstance(db, registry, { type: 'webhook', values: { url: receiver.url, secret: SECRET } });
  const crm = await saveConnectorInstance(db, registry, {
    type: 'hubspot',
    values: { accessToken: TOKEN, baseUrl: hs.url },
    direction: opts.direction ?? 'push',
    ...(opts.pipelineMapping ? { pipelineMapping: opts.pipelineMapping } : {}),
  });
  const clock = new FakeClock();
  const engine = (): EngineOptions => ({ now: clock.now, sleep: clock.sleep, random: () => 0.5, timeoutMs: 5_000 });
  await listPipelines(db);
  // The contact and company are created with the deal, unsynced: the deal waits for their remote ids.
  const company = await upsertCompany({ name: 'Acme', domain: 'acme.example' }, src, db);
  const { contact } = await upsertContact({ name: 'Ann Lee', emails: ['ann.lee@acme.example'], companyId: company.id }, src, {}, db);
  const sync = () => syncNow(db, registry, engine());
  return { receiver, hs, db, clock, sync, contact, company, crm };
}

describe('pipeline items reach every connection that takes them', () => {
  it('a deal lands once in HubSpot after its people, in the mapped stage with its associations; a move updates it; delete archives it', async () => {
    const { hs, db, sync, contact, company, receiver } = await world();
    const deal = await createItem(
      'pl_sales',
      { title: 'Acme renewal', contactIds: [contact.id], companyId: company.id, amount: 900 },
      src,
      db,
    );
    await sync();
    expect(hs.list('deals')).toHaveLength(1);
    const remote = hs.list('deals')[0];
    expect(remote.properties).toMatchObject({
      dealname: 'Acme renewal',
      pipeline: 'default',
      dealstage: 'appointmentscheduled',
      amount: '900',
    });
    expect(hs.associationsOf('deals', remote.id, 'contacts').map((a) => a.toId)).toEqual([hs.list('contacts')[0].id]);
    expect(hs.associationsOf('deals', remote.id, 'companies').map((a) => a.toId)).toEqual([hs.list('companies')[0].id]);

    await moveItemTo(deal.id, 'won', db);
    await sync();
    expect(hs.list('deals')).toHaveLength(1);
    expect(hs.list('deals')[0].properties.dealstage).toBe('closedwon');

    await deleteItem(deal.id, { archiveInCrms: true }, db);
    await sync();
    expect(hs.list('deals')).toHaveLength(0);
    expect(hs.state.deals.get(remote.id)!.archived).toBe(true);
    const types = receiver.attempts.map((a) => a.event!.type).filter((t) => t.startsWith('deal.'));
    expect(types).toEqual(['deal.created', 'deal.stage_changed', 'deal.deleted']);
    expect(await db.outbox.count()).toBe(0);
  });

  it('a deal from a mail thread is associated with the e-mails of that thread HubSpot has (deal→email 209)', async () => {
    const { hs, db, sync, contact } = await world();
    const {
      added: [mail],
    } = await addActivities(
      [
        {
          type: 'email',
          contactIds: [contact.id],
          subject: 'Quote',
          occurredAt: '2026-03-01T09:00:00.000Z',
          direction: 'incoming',
          threadId: 'gmail:th-quote',
        },
      ],
      src,
      db,
    );
    await sync();
    expect(hs.list('emails')).toHaveLength(1);
    const deal = await createItem(
      'pl_sales',
      { title: 'From the thread', contactIds: [contact.id], threadIds: ['gmail:th-quote'] },
      src,
      db,
    );
    await sync();
    const remote = hs.list('deals')[0];
    expect(hs.associationsOf('deals', remote.id, 'emails')).toEqual([{ toId: hs.list('emails')[0].id, typeIds: [209] }]);
    expect(mail.threadId).toBe('gmail:th-quote');
    expect((await db.items.get(deal.id))?.threadIds).toEqual(['gmail:th-quote']);
  });

  it('a pipeline mapped to “Don’t sync” never leaves for that CRM (its entries are dropped), the webhook still gets it', async () => {
    const { hs, db, sync, contact, receiver } = await world({ pipelineMapping: { pl_service: null } });
    await createItem('pl_service', { title: 'Broken invoice', contactIds: [contact.id], category: 'complaint' }, src, db);
    await createItem('pl_sales', { title: 'Still synced', contactIds: [contact.id] }, src, db);
    await sync();
    expect(hs.list('tickets')).toHaveLength(0);
    expect(hs.list('deals')).toHaveLength(1);
    expect(receiver.attempts.map((a) => a.event!.type)).toContain('case.created');
    expect(await db.outbox.count()).toBe(0);
  });

  it('a stage change made in HubSpot comes back by pull with a stage change here, reaches the webhook, and does not echo', async () => {
    const { hs, db, sync, clock, contact, receiver } = await world({ direction: 'both' });
    const deal = await createItem('pl_sales', { title: 'Pulled deal', contactIds: [contact.id] }, src, db);
    await sync();
    const remote = hs.list('deals')[0];
    await new Promise((r) => setTimeout(r, 5));
    hs.update('deals', remote.id, { dealstage: 'contractsent', amount: '4200' });

    clock.advance(PULL_INTERVAL_MS + 1);
    await sync();
    const local = (await db.items.get(deal.id))!;
    // Contract Sent is the CRM's fifth open stage; Rapport's Sales has four: its last open one.
    expect(local.stageId).toBe('negotiation');
    expect(local.amount).toBe(4200);
    expect((await stageHistory(deal.id, db)).map((c) => [c.from, c.to])).toEqual([
      [undefined, 'lead'],
      ['lead', 'negotiation'],
    ]);
    await sync(); // the webhook's turn came before the pull in that run
    expect(receiver.attempts.map((a) => a.event!.type)).toContain('deal.stage_changed');
    expect(hs.state.deals.get(remote.id)!.properties.dealstage).toBe('contractsent');
    expect(await db.outbox.count()).toBe(0);
  });

  it('a local move still waiting for HubSpot wins over the stage there', async () => {
    const { hs, db, sync, clock, contact } = await world({ direction: 'both' });
    const deal = await createItem('pl_sales', { title: 'Local wins', contactIds: [contact.id] }, src, db);
    await sync();
    const remote = hs.list('deals')[0];
    hs.update('deals', remote.id, { dealstage: 'closedlost' });
    await moveItemTo(deal.id, 'proposal', db);
    // A pull page applied while the move still waits in the outbox for HubSpot.
    const crm = (await db.connectors.toArray()).find((c) => c.type === 'hubspot')!;
    const ctx = { config: { accessToken: TOKEN, baseUrl: hs.url }, fetch, fieldMapping: {} };
    const page = await hubspotConnector.pull!(ctx, undefined, { items: ['deal'] });
    const remotes = await hubspotConnector.listPipelines!(ctx, 'deal');
    const mapping = withDefaults(await listPipelines(db), remotes);
    await applyPullPage(db, crm.id, page, 'pull-test', (row) => row, clock.now(), mapping, { deal: remotes });
    expect((await db.items.get(deal.id))!.stageId).toBe('proposal');
    await sync();
    expect(hs.state.deals.get(remote.id)!.properties.dealstage).toBe('presentationscheduled');
  });
});
