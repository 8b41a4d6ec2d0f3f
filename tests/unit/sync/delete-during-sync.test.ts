// "Delete all local data" while the service worker's engine is pushing to (simulated) HubSpot: the
// background stops the run first, so nothing the run had in flight is written back afterwards —
// no link to a deleted record, no record, no queue — and syncing goes on for what comes next.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startHubspotSim, type HubspotSim } from '../../sims/hubspot';
import { registry } from '../../../connectors/registry';
import { setDbForTesting } from '../../../storage/db';
import { upsertContacts } from '../../../storage/repositories';
import { getSettings, updateSettings } from '../../../storage/settings';
import { saveConnectorInstance } from '../../../sync/connectors';
import { engineLease } from '../../../sync/engine';
import { deleteLocalDataFromUser, originsInUse, unusedOrigins } from '../../../entrypoints/background/data-service';
import { kickSync } from '../../../entrypoints/background/sync-service';
import { closeDbs, freshDb, src } from './helpers';
import { originsFor } from '../../../entrypoints/options/ConnectorForm';

const TOKEN = 'hs-test-token-0123456789';
let hs: HubspotSim | undefined;
afterAll(async () => hs?.close());
afterEach(async () => {
  setDbForTesting(undefined);
  await closeDbs();
});

async function until(what: string, cond: () => Promise<boolean> | boolean, ms = 20_000) {
  for (const end = Date.now() + ms; !(await cond());) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('deleting local data while a sync runs', () => {
  it('stops the run first: nothing it had in flight comes back, and the connection syncs what is saved next', async () => {
    hs = await startHubspotSim({
      tokens: [TOKEN],
      rateLimit: { requests: 1_000_000, intervalMs: 10_000 },
      searchRateLimit: { requests: 1_000_000, intervalMs: 1_000 },
      latencyMs: 150,
    });
    const db = await freshDb();
    setDbForTesting(db);
    await updateSettings({ internalDomains: ['us.example'] }, db);
    const inst = await saveConnectorInstance(db, registry, {
      type: 'hubspot',
      values: { accessToken: TOKEN, baseUrl: hs.url },
      kinds: ['contact'],
    });
    const people = Array.from({ length: 1200 }, (_, i) => ({ name: `Person ${i}`, emails: [`p${i}@client${i % 50}.example`] }));
    await upsertContacts(people, src, {}, db);
    expect(await db.outbox.count()).toBe(1200);

    kickSync();
    // Some batches answered, others still on the wire.
    await until('the first contacts in HubSpot', () => hs!.list('contacts').length > 0);
    expect(hs.list('contacts').length).toBeLessThan(1200);
    const summary = await deleteLocalDataFromUser('records');
    expect(summary.contacts).toBe(1200);

    const leftovers = async () => ({
      contacts: await db.contacts.count(),
      outbox: await db.outbox.count(),
      links: await db.links.count(),
      rows: (await db.syncState.toArray()).map((r) => r.key.split('|')[0]).filter((k) => k !== 'engine' && !k.startsWith('connector:')),
    });
    expect(await leftovers()).toEqual({ contacts: 0, outbox: 0, links: 0, rows: [] });
    // The sync resumes after the delete; once it is idle, still nothing of the deleted records.
    await new Promise((r) => setTimeout(r, 1500));
    await until('the engine to finish', async () => !(await engineLease(db)));
    expect(await leftovers()).toEqual({ contacts: 0, outbox: 0, links: 0, rows: [] });
    // Connection and settings were kept, and a person saved now still reaches HubSpot.
    expect((await db.connectors.get(inst.id))?.enabled).toBe(true);
    expect((await getSettings(db)).internalDomains).toEqual(['us.example']);
    await upsertContacts([{ name: 'After Delete', emails: ['after@delete.example'] }], src, {}, db);
    kickSync();
    await until('the new contact in HubSpot', () => hs!.list('contacts').some((c) => c.properties.email === 'after@delete.example'));
  });
});

describe('host permissions after deleting connections', () => {
  it('the origins still in use come from each connection with its secrets (a config without them does not parse)', async () => {
    const db = await freshDb();
    const hubspot = await saveConnectorInstance(db, registry, {
      type: 'hubspot',
      values: { accessToken: TOKEN, baseUrl: 'https://hs.example/' },
      kinds: ['contact'],
    });
    // What the options page used to compute on removal, from the stored config: nothing to give back.
    expect(originsFor(registry.get('hubspot')!, hubspot.config)).toEqual([]);
    await saveConnectorInstance(db, registry, {
      type: 'webhook',
      values: { url: 'https://hooks.example/in', secret: 'a-secret-of-16-chars' },
    });
    expect((await originsInUse(db, registry)).sort()).toEqual(['https://hooks.example/*', 'https://hs.example/*']);
  });

  it('gives back granted origins that neither the manifest nor a connection needs', () => {
    const granted = ['https://mail.google.com/*', 'https://hs.example/*', 'https://old-crm.example/*', 'http://127.0.0.1/*'];
    const required = ['https://mail.google.com/*', 'http://127.0.0.1/*'];
    expect(unusedOrigins(granted, required, ['https://hs.example'])).toEqual(['https://old-crm.example/*']);
    expect(unusedOrigins(granted, required, [])).toEqual(['https://hs.example/*', 'https://old-crm.example/*']);
  });
});
