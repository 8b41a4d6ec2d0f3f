// What a connector keeps about the CRM account survives the service worker: HubSpot's unique
// rapport_id property is set up once per connection, not asked for again by every new worker (MV3
// workers stop after seconds idle; each question would spend the rate limit). New credentials forget it.
import { afterAll, afterEach, expect, it, vi } from 'vitest';
import type { RapportDB } from '../../../storage/db';
import { upsertContact } from '../../../storage/repositories';
import { connectorStateKey } from '../../../storage/sync-rows';
import { startHubspotSim, type HubspotSim } from '../../sims/hubspot';
import { closeDbs, freshDb, src } from './helpers';

const TOKEN = 'hs-memory-token-0123456789';
const OTHER = 'hs-memory-token-9876543210';
const sims: HubspotSim[] = [];
afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
});
afterEach(closeDbs);

/** A fresh service worker: every module loaded anew, so nothing is left in module state. */
async function freshWorker() {
  vi.resetModules();
  const { registry } = await import('../../../connectors/registry');
  const { runOnce } = await import('../../../sync/engine');
  const { saveConnectorInstance } = await import('../../../sync/connectors');
  return {
    registry,
    saveConnectorInstance,
    async syncAll(db: RapportDB) {
      for (let i = 0; i < 10 && (await db.outbox.count()) > 0; i++) await runOnce(db, registry);
      expect(await db.outbox.count()).toBe(0);
    },
  };
}

const propertyRequests = (hs: HubspotSim) =>
  Object.entries(hs.counters.routes)
    .filter(([route]) => route.includes('/crm/v3/properties/'))
    .reduce((n, [, count]) => n + count, 0);

it('a new worker uses the property the connection already set up; new credentials ask again', async () => {
  const hs = await startHubspotSim({ tokens: [TOKEN, OTHER] });
  sims.push(hs);
  const db = await freshDb();
  let worker = await freshWorker();
  const inst = await worker.saveConnectorInstance(db, worker.registry, {
    type: 'hubspot',
    values: { accessToken: TOKEN, baseUrl: hs.url },
    kinds: ['contact'],
  });
  await upsertContact({ name: 'Ann Lee', emails: ['ann@acme.example'] }, src, {}, db);
  await worker.syncAll(db);
  expect(propertyRequests(hs)).toBeGreaterThan(0); // set up on first use: read, groups, create
  expect((await db.syncState.get(connectorStateKey(inst.id)))?.remembered).toEqual({ 'hubspot.rapportId.contacts.rapport_id': 'unique' });

  // The worker stopped; a new one pushes the next change without asking about the property.
  hs.server.resetCounters();
  worker = await freshWorker();
  await upsertContact({ name: 'Bo Berg', emails: ['bo@acme.example'] }, src, {}, db);
  await worker.syncAll(db);
  expect(propertyRequests(hs)).toBe(0);
  expect(hs.list('contacts')).toHaveLength(2);

  // Another token (perhaps another portal): what was learnt does not carry over.
  await worker.saveConnectorInstance(db, worker.registry, { id: inst.id, type: 'hubspot', values: { accessToken: OTHER } });
  expect((await db.syncState.get(connectorStateKey(inst.id)))?.remembered).toBeUndefined();
  hs.server.resetCounters();
  worker = await freshWorker();
  await upsertContact({ name: 'Cy Dahl', emails: ['cy@acme.example'] }, src, {}, db);
  await worker.syncAll(db);
  expect(propertyRequests(hs)).toBeGreaterThan(0);
});
