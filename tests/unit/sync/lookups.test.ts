// CRM look-ups for the sidebar and popup: answers come from the simulated HubSpot over real HTTP,
// are cached in IndexedDB with their age, refreshed only when stale, and failures are shown
// without losing the last good answer.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { hubspotConnector } from '../../../connectors/hubspot';
import { startHubspotSim, type HubspotSim } from '../../sims/hubspot';
import { CONNECTORS, createRegistry, type AnyConnector } from '../../../connectors/registry';
import { removeConnectorInstance, saveConnectorInstance } from '../../../sync/connectors';
import { LOOKUP_FRESH_MS, LOOKUP_TYPES, cachedCrmCards } from '../../../sync/crm-cards';
import { LOOKUP_RETENTION_MS, pruneCrmCache, refreshCrmCards } from '../../../sync/lookups';
import { closeDbs, freshDb } from './helpers';

const TOKEN = 'hs-lookup-token-123456';
const sims: HubspotSim[] = [];
afterEach(closeDbs);
afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
});

async function connected() {
  const hs = await startHubspotSim({ tokens: [TOKEN], portalId: 4242, uiDomain: 'app.hubspot.com' });
  sims.push(hs);
  const owner = { id: '77', email: 'olivia@rapport.test', firstName: 'Olivia', lastName: 'Owner' };
  hs.state.owners.set(owner.id, owner);
  const zoe = hs.create('contacts', { email: 'zoe@acme.fr', firstname: 'Zoë', lifecyclestage: 'customer', hubspot_owner_id: owner.id });
  const deal = hs.create('deals', { dealname: 'Acmé licence', dealstage: 'contractsent', amount: '12000', deal_currency_code: 'EUR' });
  hs.associate('deals', deal.id, 'contacts', zoe.id);
  const db = await freshDb();
  const registry = createRegistry([hubspotConnector as AnyConnector]);
  const inst = await saveConnectorInstance(db, registry, {
    type: 'hubspot',
    values: { accessToken: TOKEN, baseUrl: hs.url },
    kinds: ['contact'],
  });
  return { hs, db, registry, inst, zoe };
}

describe('CRM look-ups', () => {
  it('every connector with lookupByEmail is listed for the cache reader (and only those)', () => {
    const withLookup = CONNECTORS.filter((c) => c.lookupByEmail)
      .map((c) => c.id)
      .sort();
    expect([...LOOKUP_TYPES].sort()).toEqual(withLookup);
  });

  it('without a CRM: no cards, no requests', async () => {
    const db = await freshDb();
    const registry = createRegistry([hubspotConnector as AnyConnector]);
    expect(await cachedCrmCards(db, ['zoe@acme.fr'])).toEqual([]);
    expect(await refreshCrmCards(db, registry, ['zoe@acme.fr'])).toEqual([]);
  });

  it('looks up owner, stage, deals and the record link; serves them from the cache while fresh', async () => {
    const { hs, db, registry, zoe } = await connected();
    const before = await cachedCrmCards(db, ['Zoe@Acme.fr']);
    expect(before).toMatchObject([{ connectorName: 'HubSpot', email: 'zoe@acme.fr', stale: true }]);
    expect(before[0].found).toBeUndefined();

    let t = Date.now();
    const cards = await refreshCrmCards(db, registry, ['Zoe@Acme.fr', 'nobody@acme.fr'], { now: () => t });
    expect(cards).toHaveLength(2);
    expect(cards[0]).toMatchObject({
      email: 'zoe@acme.fr',
      stale: false,
      found: {
        remoteId: zoe.id,
        owner: 'Olivia Owner',
        stage: 'Customer',
        url: `https://app.hubspot.com/contacts/4242/record/0-1/${zoe.id}`,
        deals: [{ name: 'Acmé licence', stage: 'Contract Sent', amount: 12000, currency: 'EUR' }],
      },
    });
    expect(cards[1]).toMatchObject({ email: 'nobody@acme.fr', found: null, stale: false });

    // Fresh: a second refresh makes no request; the cache answers alone.
    const requests = hs.server.log.length;
    await refreshCrmCards(db, registry, ['zoe@acme.fr'], { now: () => t });
    expect(hs.server.log.length).toBe(requests);
    expect((await cachedCrmCards(db, ['zoe@acme.fr'], t))[0].found?.owner).toBe('Olivia Owner');

    // Stale after the freshness window: looked up again, and a change in HubSpot shows.
    hs.update('contacts', zoe.id, { lifecyclestage: 'opportunity' });
    t += LOOKUP_FRESH_MS + 1;
    expect((await cachedCrmCards(db, ['zoe@acme.fr'], t))[0].stale).toBe(true);
    const again = await refreshCrmCards(db, registry, ['zoe@acme.fr'], { now: () => t });
    expect(hs.server.log.length).toBeGreaterThan(requests);
    expect(again[0].found?.stage).toBe('Opportunity');
  });

  it('a failing CRM: the error is shown (no token in it) and the last good answer is kept', async () => {
    const { hs, db, registry } = await connected();
    let t = Date.now();
    await refreshCrmCards(db, registry, ['zoe@acme.fr'], { now: () => t });
    t += LOOKUP_FRESH_MS + 1;
    hs.faults.failNext('error500', 1);
    const cards = await refreshCrmCards(db, registry, ['zoe@acme.fr'], { now: () => t });
    expect(cards[0].error).toMatch(/500/);
    expect(cards[0].error).not.toContain(TOKEN);
    expect(cards[0].found?.owner).toBe('Olivia Owner');
    // A hang past the timeout is an error too, not a stuck card.
    t += 61_000;
    hs.faults.failNext('hang', 1);
    const hung = await refreshCrmCards(db, registry, ['zoe@acme.fr'], { now: () => t, timeoutMs: 300 });
    expect(hung[0].error).toBeTruthy();
    expect(hung[0].found?.stage).toBe('Customer');
  });

  it('cached answers (found or not) are forgotten after the retention period', async () => {
    const { db, registry } = await connected();
    const t = Date.now();
    await refreshCrmCards(db, registry, ['zoe@acme.fr', 'stranger@elsewhere.example'], { now: () => t });
    expect(await db.crmCache.count()).toBe(2);
    expect(await pruneCrmCache(db, t + LOOKUP_RETENTION_MS + 3_600_001)).toBe(2);
    expect(await db.crmCache.count()).toBe(0);
  });

  it('a short 429 (the sync engine used the rate limit up) is waited out, not shown as a failure', async () => {
    const { hs, db, registry } = await connected();
    hs.faults.failNext('rate429', 2);
    const started = Date.now();
    const cards = await refreshCrmCards(db, registry, ['zoe@acme.fr']);
    expect(cards[0].error).toBeUndefined();
    expect(cards[0].found?.owner).toBe('Olivia Owner');
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
  });

  it('a revoked token is reported as such; removing the connection forgets its cached answers', async () => {
    const { db, registry, inst } = await connected();
    await refreshCrmCards(db, registry, ['zoe@acme.fr']);
    expect(await db.crmCache.count()).toBe(1);
    await db.secrets.put({ connectorId: inst.id, values: { accessToken: 'revoked-token-999' } });
    const cards = await refreshCrmCards(db, registry, ['zoe@acme.fr'], { force: true });
    expect(cards[0].error).toMatch(/401/);
    expect(cards[0].error).not.toContain('revoked-token-999');
    await db.links.put({ connectorId: inst.id, kind: 'contact', localId: 'ct_1', remoteId: '1', syncedAt: Date.now() });
    await removeConnectorInstance(db, inst.id);
    expect(await db.crmCache.count()).toBe(0);
    expect(await db.links.count()).toBe(0);
    expect(await cachedCrmCards(db, ['zoe@acme.fr'])).toEqual([]);
  });
});
