// Contract: no merge of distinct records and no duplicate of a retried one, against the simulated HubSpot
// API with its search index lagging writes (as HubSpot documents), with and without the crm.schemas.*
// scopes that let Rapport create its unique Rapport-id property.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { hubspotConnector, type HubspotConfig } from '../../connectors/hubspot';
import { searchIndex } from '../../connectors/hubspot/rapport-id';
import type { ConnectorContext } from '../../connectors/types';
import { startHubspotSim, type HubspotSim, type HubspotSimOptions, type HsObjectType } from '../sims/hubspot';
import { Links, activity, company, connectorError, contact, fetchWithTimeout, push, task, type Rec } from '../sims/test-engine';

const TOKEN = 'hs-exact-token';
const NO_SCHEMA_SCOPES: HubspotSimOptions['scopes'] = {
  [TOKEN]: ['crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.objects.companies.read', 'crm.objects.companies.write'],
};
/** HubSpot says "a few seconds"; scaled down here, and the connector's settling wait with it. */
const LAG_MS = 1500;

const sims: HubspotSim[] = [];
async function sim(options: HubspotSimOptions = {}): Promise<HubspotSim> {
  const s = await startHubspotSim({ tokens: [TOKEN], ...options });
  sims.push(s);
  return s;
}
afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
});
const defaultSettle = searchIndex.settleMs;
afterEach(() => {
  searchIndex.settleMs = defaultSettle;
});

/** The default configuration: no Rapport-id property named. */
function ctxFor(s: HubspotSim): ConnectorContext<HubspotConfig> {
  return {
    config: { accessToken: TOKEN, baseUrl: s.url },
    fetch: fetchWithTimeout(5000),
    fieldMapping: { ...hubspotConnector.defaultFieldMapping },
  };
}

const alice = contact('ct_alice', { name: 'Alice Martin', emails: ['alice@north.example'] });
const bob = contact('ct_bob', { name: 'Bob Martin', emails: ['bob@south.example'] });
const DUE = '2025-05-02T09:00:00.000Z';
const followUpAlice = task('tk_alice', { title: 'Follow up', contactIds: ['ct_alice'], dueAt: DUE });
const followUpBob = task('tk_bob', { title: 'Follow up', contactIds: ['ct_bob'], dueAt: DUE });

const linkedPeople = (links: Links) => Object.assign(new Links(), { contacts: { ...links.contacts }, companies: { ...links.companies } });
const contactsOf = (s: HubspotSim, type: HsObjectType, id: string) => s.associationsOf(type, id, 'contacts').map((a) => a.toId);

/** One create whose answer is lost (the write happened), then the same record again at once, as a retry. */
async function lostThenRetried(
  s: HubspotSim,
  ctx: ConnectorContext<HubspotConfig>,
  kind: 'company' | 'contact' | 'email' | 'note' | 'task',
  record: Rec,
  links: Links,
) {
  s.faults.failNextOn('lostResponse', /^POST \/crm\/v3\/objects\/\w+\/batch\/(create|upsert)$/);
  expect(await connectorError(push(hubspotConnector, ctx, kind, [record], links, { firstSend: true }))).toMatchObject({
    kind: 'transient',
  });
  const [o] = await push(hubspotConnector, ctx, kind, [record], links);
  expect(o.ok).toBe(true);
}

describe.each([
  ['with the schema scopes (unique Rapport-id property)', undefined],
  ['without them (matching on content and associations)', NO_SCHEMA_SCOPES],
])('HubSpot connector, default configuration, %s', (_, scopes) => {
  it('two identical "Follow up" tasks due at the same time for different people stay two records, across lost answers and retries', async () => {
    const hs = await sim({ scopes, searchIndexLagMs: LAG_MS });
    const ctx = ctxFor(hs);
    await hubspotConnector.testConnection(ctx);
    const links = new Links();
    expect((await push(hubspotConnector, ctx, 'contact', [alice, bob], links)).every((o) => o.ok)).toBe(true);

    // Alice's task is created but its answer is lost; then both are sent as retries (looked up).
    hs.faults.failNextOn('lostResponse', /batch\/create$/);
    await connectorError(push(hubspotConnector, ctx, 'task', [followUpAlice], links, { firstSend: true }));
    expect(hs.list('tasks')).toHaveLength(1);
    const out = await push(hubspotConnector, ctx, 'task', [followUpAlice, followUpBob], links);
    expect(out.every((o) => o.ok)).toBe(true);
    // Both again, as after a commit lost in a crash: found, not created, not swapped.
    const again = await push(hubspotConnector, ctx, 'task', [followUpAlice, followUpBob], linkedPeople(links));
    expect(again.map((o) => o.ok && o.remoteId)).toEqual(out.map((o) => o.ok && o.remoteId));

    expect(hs.list('tasks')).toHaveLength(2);
    expect(contactsOf(hs, 'tasks', links.other.tk_alice)).toEqual([links.contacts.ct_alice]);
    expect(contactsOf(hs, 'tasks', links.other.tk_bob)).toEqual([links.contacts.ct_bob]);
  });

  it('two identical notes at the same instant, for the same person, are two records when both are retried', async () => {
    const hs = await sim({ scopes, searchIndexLagMs: LAG_MS });
    const ctx = ctxFor(hs);
    await hubspotConnector.testConnection(ctx);
    const links = new Links();
    await push(hubspotConnector, ctx, 'contact', [alice], links);
    const at = '2025-05-02T10:00:00.000Z';
    const first = activity('nt_same_1', { type: 'note', contactIds: ['ct_alice'], body: 'Called, no answer', occurredAt: at });
    const second = activity('nt_same_2', { type: 'note', contactIds: ['ct_alice'], body: 'Called, no answer', occurredAt: at });
    hs.faults.failNextOn('lostResponse', /batch\/create$/);
    await connectorError(push(hubspotConnector, ctx, 'note', [first, second], links, { firstSend: true }));
    const out = await push(hubspotConnector, ctx, 'note', [first, second], links);
    expect(out.every((o) => o.ok)).toBe(true);
    expect(new Set(out.map((o) => o.ok && o.remoteId)).size).toBe(2);
    expect(hs.list('notes')).toHaveLength(2);
  });

  it('with the search index lagging, a create whose answer was lost and that is retried at once is found, not made twice', async () => {
    searchIndex.settleMs = LAG_MS + 500;
    const hs = await sim({ scopes, searchIndexLagMs: LAG_MS });
    const ctx = ctxFor(hs);
    await hubspotConnector.testConnection(ctx);
    const links = new Links();
    const north = company('co_north', { name: 'North Ltd', domain: 'north.example' });
    await lostThenRetried(hs, ctx, 'company', north, links);
    const noEmail = contact('ct_noemail', { name: 'Nadia Sans-Courriel', firstName: 'Nadia', lastName: 'Sans-Courriel' });
    await lostThenRetried(hs, ctx, 'contact', noEmail, links);
    await lostThenRetried(hs, ctx, 'contact', alice, links);
    const mail = activity('em_lag', {
      type: 'email',
      contactIds: ['ct_alice'],
      subject: 'Offer',
      body: 'Here it is',
      direction: 'outgoing',
    });
    await lostThenRetried(hs, ctx, 'email', mail, links);
    await lostThenRetried(hs, ctx, 'note', activity('nt_lag', { type: 'note', contactIds: ['ct_alice'], body: 'Met at the fair' }), links);
    await lostThenRetried(hs, ctx, 'task', followUpAlice, links);
    expect(hs.list('companies')).toHaveLength(1);
    expect(hs.list('contacts')).toHaveLength(2);
    expect(hs.list('emails')).toHaveLength(1);
    expect(hs.list('notes')).toHaveLength(1);
    expect(hs.list('tasks')).toHaveLength(1);
  });
});

describe('HubSpot connector — the unique Rapport-id property on connect', () => {
  it('is created on contacts, companies, emails, notes and tasks when the token may; records carry their Rapport id', async () => {
    const hs = await sim();
    const ctx = ctxFor(hs);
    expect(await hubspotConnector.testConnection(ctx)).toEqual({ account: `HubSpot portal ${hs.portalId}` });
    for (const type of ['contacts', 'companies', 'emails', 'notes', 'tasks'] as const) {
      const res = await fetch(`${hs.url}/crm/v3/properties/${type}/rapport_id`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(await res.json()).toMatchObject({ name: 'rapport_id', type: 'string', hasUniqueValue: true });
    }
    const links = new Links();
    await push(hubspotConnector, ctx, 'contact', [alice], links);
    await push(hubspotConnector, ctx, 'task', [followUpAlice], links, { firstSend: true });
    expect(hs.state.tasks.get(links.other.tk_alice)!.properties.rapport_id).toBe('tk_alice');
  });

  it('without the crm.schemas.* scopes: the connection test says exactness needs them, and sync still works', async () => {
    const hs = await sim({ scopes: NO_SCHEMA_SCOPES });
    const ctx = ctxFor(hs);
    const r = await hubspotConnector.testConnection(ctx);
    expect(r.account).toBe(`HubSpot portal ${hs.portalId}`);
    expect(r.notice).toMatch(/crm\.schemas\.tasks\.write/);
    expect(r.notice).toMatch(/rapport_id/);
    const links = new Links();
    expect((await push(hubspotConnector, ctx, 'contact', [alice], links)).every((o) => o.ok)).toBe(true);
    expect((await push(hubspotConnector, ctx, 'task', [followUpAlice], links)).every((o) => o.ok)).toBe(true);
    expect(hs.list('tasks')).toHaveLength(1);
  });
});
