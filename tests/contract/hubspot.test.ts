// Contract: the HubSpot connector against the simulated HubSpot API (tests/sims/hubspot.ts).
// Asserts what the vendor holds after each push, not which calls were made.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../connectors/http';
import { hubspotConnector, type HubspotConfig } from '../../connectors/hubspot';
import { startHubspotSim, type HubspotSim, type HubspotSimOptions, type HsObjectType } from '../sims/hubspot';
import { Links, activity, company, connectorError, contact, fetchWithTimeout, push, syncUntilDone, task } from '../sims/test-engine';
import type { ConnectorContext } from '../../connectors/types';

const TOKEN = 'hs-test-token';

function ctxFor(sim: HubspotSim, config: Partial<HubspotConfig> = {}, timeoutMs = 5000): ConnectorContext<HubspotConfig> {
  return {
    config: { accessToken: TOKEN, baseUrl: sim.url, ...config },
    fetch: fetchWithTimeout(timeoutMs),
    fieldMapping: { ...hubspotConnector.defaultFieldMapping },
  };
}

const sims: HubspotSim[] = [];
async function sim(options: HubspotSimOptions = {}): Promise<HubspotSim> {
  const s = await startHubspotSim({ tokens: [TOKEN], ...options });
  sims.push(s);
  return s;
}
afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
});

const RAPPORT_ID: HubspotSimOptions['customProperties'] = { emails: ['rapport_id'], notes: ['rapport_id'], tasks: ['rapport_id'] };
/** A private app without the crm.schemas.* scopes: Rapport cannot create its unique property. */
const NO_SCHEMA_SCOPES: HubspotSimOptions['scopes'] = {
  [TOKEN]: ['crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.objects.companies.read', 'crm.objects.companies.write'],
};

// ---------- fixtures ----------

const acme = company('co_acme', { name: 'Acmé Industries', domain: 'acme.fr', website: 'https://www.acme.fr', location: 'Besançon' });
const globex = company('co_globex', { name: 'Globex Société' });

const zoe = contact('ct_zoe', {
  name: 'Zoë Lefèvre-Dupré',
  firstName: 'Zoë',
  lastName: 'Lefèvre-Dupré',
  emails: ['Zoe.Lefevre@Acme.fr'],
  phones: ['+33 6 12 34 56 78'],
  title: 'Directrice générale',
  company: 'Acmé Industries',
  companyId: 'co_acme',
  location: 'Besançon',
  stage: 'customer',
});
const jose = contact('ct_jose', { name: 'José Álvarez Núñez', emails: ['jose@globex.es'], companyId: 'co_globex', stage: 'lead' });
const lukasz = contact('ct_lukasz', { name: 'Łukasz Żółć', linkedinUrl: 'https://www.linkedin.com/in/lukasz-zolc/', title: 'Inżynier' });
const noKey = contact('ct_nokey', { name: 'Ana Núñez', title: 'Consultora' });
const contacts = [zoe, jose, lukasz, noKey];

const thread = [
  activity('em_1', {
    type: 'email',
    contactIds: ['ct_zoe', 'ct_jose'],
    companyIds: ['co_acme'],
    subject: 'Proposition — réunion',
    body: 'Bonjour Zoë,\nvoici la proposition.',
    occurredAt: '2025-03-01T08:00:00.000Z',
    direction: 'outgoing',
    threadId: 'th_1',
    messageId: '<m1@rapport.test>',
    participants: [
      { email: 'me@rapport.test', name: 'Moi Même', role: 'from' },
      { email: 'zoe.lefevre@acme.fr', name: 'Zoë Lefèvre-Dupré', role: 'to' },
      { email: 'jose@globex.es', name: 'José Álvarez', role: 'cc' },
    ],
  }),
  activity('em_2', {
    type: 'email',
    contactIds: ['ct_zoe'],
    companyIds: ['co_acme'],
    subject: 'Re: Proposition — réunion',
    body: 'Merci, ça me va.',
    occurredAt: '2025-03-01T09:30:00.000Z',
    direction: 'incoming',
    threadId: 'th_1',
    participants: [
      { email: 'zoe.lefevre@acme.fr', name: 'Zoë Lefèvre-Dupré', role: 'from' },
      { email: 'me@rapport.test', role: 'to' },
    ],
  }),
  activity('em_3', {
    type: 'email',
    contactIds: ['ct_zoe'],
    subject: 'Re: Proposition — réunion',
    body: 'Parfait, à jeudi.',
    occurredAt: '2025-03-01T10:45:00.000Z',
    direction: 'outgoing',
    threadId: 'th_1',
    participants: [
      { email: 'me@rapport.test', role: 'from' },
      { email: 'zoe.lefevre@acme.fr', role: 'to' },
    ],
  }),
];
const notes = [
  activity('nt_1', {
    type: 'note',
    contactIds: ['ct_zoe'],
    body: 'Budget validé <sous réserve> & signature en avril',
    occurredAt: '2025-03-02T12:00:00.000Z',
  }),
  activity('nt_2', { type: 'note', contactIds: ['ct_lukasz'], body: 'Rencontré au salon', occurredAt: '2025-03-02T13:00:00.000Z' }),
];
const tasks = [
  task('tk_1', { title: 'Relancer Zoë', dueAt: '2025-03-10T09:00:00.000Z', contactIds: ['ct_zoe'], companyId: 'co_acme' }),
  task('tk_2', { title: 'Envoyer le devis', dueAt: '2025-03-11T09:00:00.000Z', contactIds: ['ct_jose'], done: true }),
];

function counts(s: HubspotSim): Record<HsObjectType, number> {
  return {
    contacts: s.list('contacts').length,
    companies: s.list('companies').length,
    deals: s.list('deals').length,
    tickets: s.list('tickets').length,
    emails: s.list('emails').length,
    notes: s.list('notes').length,
    tasks: s.list('tasks').length,
    calls: s.list('calls').length,
    meetings: s.list('meetings').length,
  };
}

function assocIds(s: HubspotSim, from: HsObjectType, id: string, to: HsObjectType): string[] {
  return s
    .associationsOf(from, id, to)
    .map((a) => a.toId)
    .sort();
}

async function propertyOf(s: HubspotSim, type: HsObjectType, name: string): Promise<unknown> {
  const res = await fetch(`${s.url}/crm/v3/properties/${type}/${name}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return res.json();
}

// ---------- tests ----------

describe('HubSpot connector — push against the simulated API', () => {
  let hs: HubspotSim;
  let ctx: ConnectorContext<HubspotConfig>;
  const links = new Links();

  beforeAll(async () => {
    hs = await sim({ customProperties: RAPPORT_ID });
    ctx = ctxFor(hs, { rapportIdProperty: 'rapport_id' });
  });

  it('declares what the engine needs', () => {
    expect(hubspotConnector.secretKeys).toEqual(['accessToken']);
    expect(hubspotConnector.origins(hubspotConnector.configSchema.parse({ accessToken: 'x' }))).toEqual(['https://api.hubapi.com/*']);
    expect(hubspotConnector.batchSize.contact).toBe(100);
    expect(hubspotConnector.rateLimit).toEqual({ requests: 100, intervalMs: 10_000 });
    expect(hubspotConnector.configSchema.safeParse({ accessToken: '' }).success).toBe(false);
  });

  it('tests the connection and names the portal', async () => {
    await expect(hubspotConnector.testConnection(ctx)).resolves.toEqual({ account: `HubSpot portal ${hs.portalId}` });
  });

  it('pushes companies, then contacts (accents, no email, no key) with their company associations', async () => {
    const co = await push(hubspotConnector, ctx, 'company', [acme, globex], links);
    expect(co.every((o) => o.ok)).toBe(true);
    const ct = await push(hubspotConnector, ctx, 'contact', contacts, links);
    expect(ct.map((o) => o.ok)).toEqual([true, true, true, true]);

    expect(counts(hs)).toMatchObject({ companies: 2, contacts: 4 });
    const acmeRemote = hs.state.companies.get(links.companies.co_acme)!;
    expect(acmeRemote.properties).toMatchObject({
      name: 'Acmé Industries',
      domain: 'acme.fr',
      website: 'https://www.acme.fr',
      city: 'Besançon',
    });
    expect(hs.state.companies.get(links.companies.co_globex)!.properties.domain).toBeUndefined();

    const z = hs.state.contacts.get(links.contacts.ct_zoe)!;
    expect(z.properties).toMatchObject({
      email: 'zoe.lefevre@acme.fr',
      firstname: 'Zoë',
      lastname: 'Lefèvre-Dupré',
      jobtitle: 'Directrice générale',
      company: 'Acmé Industries',
      phone: '+33 6 12 34 56 78',
      city: 'Besançon',
      lifecyclestage: 'customer',
    });
    expect(hs.state.contacts.get(links.contacts.ct_jose)!.properties).toMatchObject({
      firstname: 'José',
      lastname: 'Álvarez Núñez',
      lifecyclestage: 'lead',
    });
    const l = hs.state.contacts.get(links.contacts.ct_lukasz)!;
    expect(l.properties).toMatchObject({
      firstname: 'Łukasz',
      lastname: 'Żółć',
      hs_linkedin_url: 'https://www.linkedin.com/in/lukasz-zolc/',
      jobtitle: 'Inżynier',
    });
    expect(l.properties.email).toBeUndefined();
    expect(hs.state.contacts.get(links.contacts.ct_nokey)!.properties).toMatchObject({ firstname: 'Ana', lastname: 'Núñez' });

    expect(assocIds(hs, 'contacts', links.contacts.ct_zoe, 'companies')).toEqual([links.companies.co_acme]);
    expect(assocIds(hs, 'contacts', links.contacts.ct_jose, 'companies')).toEqual([links.companies.co_globex]);
    expect(assocIds(hs, 'contacts', links.contacts.ct_lukasz, 'companies')).toEqual([]);
  });

  it('logs a 3-email thread with direction, headers and associations (198 contact, 186 company)', async () => {
    const out = await push(hubspotConnector, ctx, 'email', thread, links);
    expect(out.every((o) => o.ok)).toBe(true);
    expect(counts(hs).emails).toBe(3);
    // Batch results come back shuffled: each local email must map to its own remote email.
    for (const local of thread) {
      const remote = hs.state.emails.get(links.other[local.id])!;
      expect(remote.properties.hs_email_subject).toBe(local.subject);
      expect(Date.parse(remote.properties.hs_timestamp)).toBe(Date.parse(local.occurredAt));
      expect(remote.properties.hs_email_text).toBe(local.body);
      expect(remote.properties.rapport_id).toBe(local.id);
    }
    const e1 = hs.state.emails.get(links.other.em_1)!;
    const e2 = hs.state.emails.get(links.other.em_2)!;
    expect(e1.properties.hs_email_direction).toBe('EMAIL');
    expect(e2.properties.hs_email_direction).toBe('INCOMING_EMAIL');
    expect(JSON.parse(e1.properties.hs_email_headers)).toEqual({
      from: { email: 'me@rapport.test', firstName: 'Moi', lastName: 'Même' },
      to: [{ email: 'zoe.lefevre@acme.fr', firstName: 'Zoë', lastName: 'Lefèvre-Dupré' }],
      cc: [{ email: 'jose@globex.es', firstName: 'José', lastName: 'Álvarez' }],
      bcc: [],
    });
    expect(assocIds(hs, 'emails', e1.id, 'contacts')).toEqual([links.contacts.ct_jose, links.contacts.ct_zoe].sort());
    expect(hs.associationsOf('emails', e1.id, 'contacts').every((a) => a.typeIds.includes(198))).toBe(true);
    expect(hs.associationsOf('emails', e1.id, 'companies')).toEqual([{ toId: links.companies.co_acme, typeIds: [186] }]);
    expect(assocIds(hs, 'emails', links.other.em_3, 'companies')).toEqual([]);
    // Seen from the contact, the thread is on Zoë's timeline.
    expect(assocIds(hs, 'contacts', links.contacts.ct_zoe, 'emails')).toHaveLength(3);
  });

  it('adds notes (escaped HTML body, 202) and tasks (status, due date, 204/192)', async () => {
    expect((await push(hubspotConnector, ctx, 'note', notes, links)).every((o) => o.ok)).toBe(true);
    expect((await push(hubspotConnector, ctx, 'task', tasks, links)).every((o) => o.ok)).toBe(true);
    expect(counts(hs)).toMatchObject({ notes: 2, tasks: 2 });

    const n1 = hs.state.notes.get(links.other.nt_1)!;
    expect(n1.properties.hs_note_body).toBe('Budget validé &lt;sous réserve&gt; &amp; signature en avril');
    expect(Date.parse(n1.properties.hs_timestamp)).toBe(Date.parse('2025-03-02T12:00:00.000Z'));
    expect(hs.associationsOf('notes', n1.id, 'contacts')).toEqual([{ toId: links.contacts.ct_zoe, typeIds: [202] }]);
    expect(assocIds(hs, 'notes', links.other.nt_2, 'contacts')).toEqual([links.contacts.ct_lukasz]);

    const t1 = hs.state.tasks.get(links.other.tk_1)!;
    const t2 = hs.state.tasks.get(links.other.tk_2)!;
    expect(t1.properties).toMatchObject({ hs_task_subject: 'Relancer Zoë', hs_task_status: 'NOT_STARTED' });
    expect(Date.parse(t1.properties.hs_timestamp)).toBe(Date.parse('2025-03-10T09:00:00.000Z'));
    expect(t2.properties.hs_task_status).toBe('COMPLETED');
    expect(hs.associationsOf('tasks', t1.id, 'contacts')).toEqual([{ toId: links.contacts.ct_zoe, typeIds: [204] }]);
    expect(hs.associationsOf('tasks', t1.id, 'companies')).toEqual([{ toId: links.companies.co_acme, typeIds: [192] }]);
  });

  it('pushing everything again, with or without the remote ids, creates no duplicates', async () => {
    const before = counts(hs);
    const beforeIds = { ...links.contacts, ...links.companies, ...links.other };
    // As after a crash that lost the links: every look-up must find the earlier create.
    const lost = new Links();
    for (const [kind, records] of [
      ['company', [acme, globex]],
      ['contact', contacts],
    ] as const) {
      const out = await push(hubspotConnector, ctx, kind, records, lost);
      expect(out.every((o) => o.ok)).toBe(true);
    }
    for (const [kind, records] of [
      ['email', thread],
      ['note', notes],
      ['task', tasks],
    ] as const) {
      const out = await push(hubspotConnector, ctx, kind, records, lost);
      expect(out.every((o) => o.ok)).toBe(true);
    }
    expect({ ...lost.contacts, ...lost.companies, ...lost.other }).toEqual(beforeIds);
    // And with the remote ids (updates in place).
    for (const [kind, records] of [
      ['company', [acme, globex]],
      ['contact', contacts],
      ['email', thread],
      ['note', notes],
      ['task', tasks],
    ] as const) {
      const out = await push(hubspotConnector, ctx, kind, records, links, { useRemoteIds: true });
      expect(out.every((o) => o.ok)).toBe(true);
    }
    // The same record twice in one batch is written once.
    const twice = await push(hubspotConnector, ctx, 'contact', [zoe, zoe], new Links());
    expect(twice.map((o) => o.ok && o.remoteId)).toEqual([links.contacts.ct_zoe, links.contacts.ct_zoe]);
    expect(counts(hs)).toEqual(before);
  });

  it('a task marked done locally is completed in HubSpot (update by remote id)', async () => {
    const done = { ...tasks[0], done: true };
    const out = await push(hubspotConnector, ctx, 'task', [done], links, { useRemoteIds: true });
    expect(out[0]).toMatchObject({ ok: true, remoteId: links.other.tk_1 });
    expect(hs.state.tasks.get(links.other.tk_1)!.properties.hs_task_status).toBe('COMPLETED');
    expect(counts(hs).tasks).toBe(2);
  });

  it('fills empty HubSpot properties only: values the CRM holds are kept', async () => {
    const existing = hs.create('contacts', { email: 'marie@initech.io', firstname: 'Marie', jobtitle: 'CEO' });
    const local = contact('ct_marie', {
      name: 'Marie Curie',
      emails: ['marie@initech.io'],
      title: 'Chief Scientist',
      phones: ['+33 1 00 00 00 00'],
    });
    const out = await push(hubspotConnector, ctx, 'contact', [local], links);
    expect(out[0]).toMatchObject({ ok: true, remoteId: existing.id });
    expect(hs.state.contacts.get(existing.id)!.properties).toMatchObject({
      jobtitle: 'CEO',
      firstname: 'Marie',
      lastname: 'Curie',
      phone: '+33 1 00 00 00 00',
    });
  });

  it('a first send creates in one request (no search); a retry of a lost response finds the earlier create', async () => {
    const fresh = [
      activity('em_fresh_1', {
        type: 'email',
        contactIds: ['ct_zoe'],
        subject: 'Devis signé',
        occurredAt: '2025-03-05T08:00:00.000Z',
        direction: 'incoming',
      }),
      activity('em_fresh_2', {
        type: 'email',
        contactIds: ['ct_jose'],
        subject: 'Planning',
        occurredAt: '2025-03-05T09:00:00.000Z',
        direction: 'outgoing',
      }),
    ];
    const before = counts(hs).emails;
    const from = hs.server.log.length;
    const peopleOnly = () => Object.assign(new Links(), { contacts: { ...links.contacts }, companies: { ...links.companies } });
    const out = await push(hubspotConnector, ctx, 'email', fresh, peopleOnly(), { firstSend: true });
    expect(out.every((o) => o.ok)).toBe(true);
    const calls = hs.server.log.slice(from).map((l) => `${l.method} ${l.path}`);
    expect(calls).toEqual(['POST /crm/v3/objects/emails/batch/create']);
    // The same records again, as after a response lost in transit: looked up, not created twice.
    const again = await push(hubspotConnector, ctx, 'email', fresh, peopleOnly());
    expect(again.map((o) => o.ok && o.remoteId)).toEqual(out.map((o) => o.ok && o.remoteId));
    expect(counts(hs).emails).toBe(before + 2);
  });

  it('overwrite mode (the user’s say-so): one upsert per batch, Rapport’s values replace HubSpot’s', async () => {
    const existing = hs.create('contacts', { email: 'pierre@initech.io', firstname: 'Pierre', jobtitle: 'CTO' });
    const local = contact('ct_pierre', { name: 'Pierre Curie', emails: ['Pierre@Initech.io'], title: 'Physicien' });
    const newcomer = contact('ct_irene', { name: 'Irène Joliot-Curie', emails: ['irene@initech.io'], title: 'Chimiste' });
    const from = hs.server.log.length;
    const out = await push(
      hubspotConnector,
      ctxFor(hs, { rapportIdProperty: 'rapport_id', existingContacts: 'overwrite' }),
      'contact',
      [local, newcomer],
      new Links(),
    );
    expect(out[0]).toMatchObject({ ok: true, remoteId: existing.id });
    expect(out[1].ok).toBe(true);
    expect(hs.server.log.slice(from).map((l) => `${l.method} ${l.path}`)).toEqual(['POST /crm/v3/objects/contacts/batch/upsert']);
    expect(hs.state.contacts.get(existing.id)!.properties).toMatchObject({ jobtitle: 'Physicien', firstname: 'Pierre', lastname: 'Curie' });
    expect(hs.list('contacts').filter((c) => c.properties.email === 'pierre@initech.io')).toHaveLength(1);
  });

  it('an email whose contacts are not synced yet is refused as not-found, not created orphaned', async () => {
    const orphan = activity('em_orphan', {
      type: 'email',
      contactIds: ['ct_unknown'],
      subject: 'x',
      occurredAt: '2025-03-04T10:00:00.000Z',
    });
    const [o] = await push(hubspotConnector, ctx, 'email', [orphan], links);
    expect(o.ok).toBe(false);
    if (!o.ok) expect(o.error.kind).toBe('not-found');
    expect(counts(hs).emails).toBe(5);
  });
});

describe('HubSpot connector — without the rapport_id property (fallback matching)', () => {
  it('matches emails, notes and tasks by timestamp and subject/body: no duplicates', async () => {
    const hs = await sim({ scopes: NO_SCHEMA_SCOPES });
    const ctx = ctxFor(hs);
    const links = new Links();
    await push(hubspotConnector, ctx, 'company', [acme, globex], links);
    await push(hubspotConnector, ctx, 'contact', contacts, links);
    for (const round of [1, 2]) {
      const linksThisRound = round === 1 ? links : Object.assign(new Links(), { contacts: links.contacts, companies: links.companies });
      for (const [kind, records] of [
        ['email', thread],
        ['note', notes],
        ['task', tasks],
      ] as const) {
        const out = await push(hubspotConnector, ctx, kind, records, linksThisRound);
        expect(out.every((o) => o.ok)).toBe(true);
      }
    }
    expect(counts(hs)).toMatchObject({ emails: 3, notes: 2, tasks: 2 });
    expect(hs.list('emails').every((e) => e.properties.rapport_id === undefined)).toBe(true);
  });
});

describe('HubSpot connector — errors are classified', () => {
  let hs: HubspotSim;
  let ctx: ConnectorContext<HubspotConfig>;
  const links = new Links();

  beforeAll(async () => {
    hs = await sim();
    ctx = ctxFor(hs, {}, 400);
    await push(hubspotConnector, ctx, 'contact', [zoe], links);
  });
  afterEach(() => hs.faults.clear());

  it('a bad token is auth (401 INVALID_AUTHENTICATION)', async () => {
    const bad = { ...ctx, config: { ...ctx.config, accessToken: 'pat-na1-wrong' } };
    const err = await connectorError(hubspotConnector.testConnection(bad));
    expect(err).toMatchObject({ kind: 'auth', status: 401 });
    expect(err.message).toContain('Authentication credentials not found');
    expect(await connectorError(push(hubspotConnector, bad, 'contact', [jose], new Links()))).toMatchObject({ kind: 'auth', status: 401 });
    expect(await connectorError(hubspotConnector.lookupByEmail!(bad, 'a@b.co'))).toMatchObject({ kind: 'auth' });
  });

  it('a validation error is per item, with the vendor message; the valid items still go through', async () => {
    const badEmail = contact('ct_bad', { name: 'Bad Address', emails: ['not-an-email@'] });
    const good = contact('ct_good', { name: 'Good Address', emails: ['good@example.org'] });
    const out = await push(hubspotConnector, ctx, 'contact', [badEmail, good], links);
    expect(out[1]).toMatchObject({ ok: true });
    expect(out[0].ok).toBe(false);
    if (!out[0].ok) {
      expect(out[0].error.kind).toBe('validation');
      expect(out[0].error.message).toContain('Property values were not valid');
      expect(out[0].error.message).toContain('Email address not-an-email@ is invalid');
    }
  });

  it('a configured Rapport-id property missing from the portal is created (unique) on first use, not a failure', async () => {
    const strict = { ...ctx, config: { ...ctx.config, rapportIdProperty: 'rapport_ref' } };
    const [o] = await push(
      hubspotConnector,
      strict,
      'note',
      [activity('nt_x', { type: 'note', contactIds: ['ct_zoe'], body: 'x' })],
      links,
    );
    expect(o.ok).toBe(true);
    expect(await propertyOf(hs, 'notes', 'rapport_ref')).toMatchObject({ name: 'rapport_ref', hasUniqueValue: true });
    expect(hs.state.notes.get(links.other.nt_x)!.properties.rapport_ref).toBe('nt_x');
  });

  it('the simulator validates like HubSpot: missing hs_timestamp (400), duplicate contact email (409 with the id)', async () => {
    const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
    const r1 = await fetch(`${hs.url}/crm/v3/objects/emails`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ properties: { hs_email_subject: 'x' } }),
    });
    expect(r1.status).toBe(400);
    expect(await r1.json()).toMatchObject({
      status: 'error',
      category: 'VALIDATION_ERROR',
      message: expect.stringContaining('hs_timestamp is required'),
    });
    const r2 = await fetch(`${hs.url}/crm/v3/objects/contacts`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ properties: { email: 'ZOE.lefevre@acme.fr' } }),
    });
    expect(r2.status).toBe(409);
    expect(await r2.json()).toMatchObject({
      category: 'CONFLICT',
      message: `Contact already exists. Existing ID: ${links.contacts.ct_zoe}`,
    });
    const r3 = await fetch(`${hs.url}/crm/v3/objects/companies/batch/upsert`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ inputs: [{ idProperty: 'domain', id: 'acme.fr', properties: {} }] }),
    });
    expect(r3.status).toBe(400);
  });

  it('a 429 is rate-limit with retryAfterMs from Retry-After', async () => {
    hs.faults.set({ retryAfterSeconds: 7 });
    hs.faults.failNext('rate429');
    const err = await connectorError(
      hubspotConnector.push(ctx, 'contact', [
        { entryId: 'e', changeId: 'chg-e', item: { kind: 'contact', record: jose }, linked: { contacts: {}, companies: {} } },
      ]),
    );
    expect(err).toMatchObject({ kind: 'rate-limit', status: 429, retryAfterMs: 7000 });
    expect(hs.counters.rateLimited).toBeGreaterThanOrEqual(1);
  });

  it('a 500 is transient', async () => {
    hs.faults.failNext('error500');
    expect(await connectorError(hubspotConnector.testConnection(ctx))).toMatchObject({ kind: 'transient', status: 500 });
  });

  it('a hang past the timeout is transient, and so is a reset connection', async () => {
    hs.faults.set({ hangMs: 3000 });
    hs.faults.failNext('hang');
    const started = Date.now();
    const err = await connectorError(hubspotConnector.testConnection(ctx));
    expect(err.kind).toBe('transient');
    expect(err.message).toMatch(/timed out/);
    expect(Date.now() - started).toBeLessThan(2500);
    hs.faults.failNext('reset');
    expect(await connectorError(hubspotConnector.testConnection(ctx))).toMatchObject({ kind: 'transient' });
  });

  it('Retry-After is read as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('7')).toBe(7000);
    expect(parseRetryAfter('0')).toBe(0);
    const now = Date.parse('2025-03-03T10:00:00Z');
    expect(parseRetryAfter('Mon, 03 Mar 2025 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Mon, 03 Mar 2025 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

describe('HubSpot connector — merge (two records of a person merged in Rapport)', () => {
  let hs: HubspotSim;
  let ctx: ConnectorContext<HubspotConfig>;
  const links = new Links();
  const ann = contact('ct_ann', { name: 'Ann Quill', emails: ['ann@quill.example'], title: 'CTO' });
  const annToo = contact('ct_ann2', { name: 'Ann Quill', emails: ['ann.q@gmail.com'], phones: ['+441134960000'] });
  const carl = contact('ct_carl', { name: 'Carl Quill', emails: ['carl@quill.example'] });
  const noteOnAnnToo = activity('nt_ann2', { type: 'note', contactIds: ['ct_ann2'], body: 'Met at the fair' });
  let n = 0;
  const ask = (remoteId: string, intoRemoteId: string) => ({ remoteId, intoRemoteId, changeId: `merge-${++n}` });

  beforeAll(async () => {
    hs = await sim({ customProperties: RAPPORT_ID });
    ctx = ctxFor(hs, {}, 400);
    await push(hubspotConnector, ctx, 'contact', [ann, annToo, carl], links);
    await push(hubspotConnector, ctx, 'note', [noteOnAnnToo], links);
  });
  afterEach(() => hs.faults.clear());

  it("merges the other record into the survivor's: one contact, the survivor's values first, the history with it", async () => {
    const kept = links.contacts.ct_ann;
    const other = links.contacts.ct_ann2;
    expect(await hubspotConnector.merge!(ctx, 'contact', [ask(other, kept)])).toEqual([{ remoteId: other, ok: true, resultId: kept }]);
    const people = hs.list('contacts');
    expect(people.map((c) => c.properties.email).sort()).toEqual(['ann@quill.example', 'carl@quill.example']);
    const merged = people.find((c) => c.id === kept)!;
    expect(merged.properties).toMatchObject({ email: 'ann@quill.example', jobtitle: 'CTO', phone: '+441134960000' });
    expect(hs.associationsOf('notes', links.other.nt_ann2, 'contacts').map((a) => a.toId)).toEqual([kept]);
  });

  it('asked again (a retry after a lost answer): done, naming the record the merge left', async () => {
    const kept = links.contacts.ct_ann;
    const other = links.contacts.ct_ann2;
    expect(await hubspotConnector.merge!(ctx, 'contact', [ask(other, kept)])).toEqual([{ remoteId: other, ok: true, resultId: kept }]);
  });

  it('429 and 500 fail the batch for the engine to retry; a lost answer is done on the retry; a survivor gone is refused', async () => {
    const extra = contact('ct_carl2', { name: 'Carl Quill', emails: ['carl.q@gmail.com'] });
    await push(hubspotConnector, ctx, 'contact', [extra], links);
    const req = ask(links.contacts.ct_carl2, links.contacts.ct_carl);
    hs.faults.failNextOn('rate429', /merge$/);
    expect((await connectorError(hubspotConnector.merge!(ctx, 'contact', [req]))).kind).toBe('rate-limit');
    hs.faults.failNextOn('error500', /merge$/);
    expect(await connectorError(hubspotConnector.merge!(ctx, 'contact', [req]))).toMatchObject({ kind: 'transient', status: 500 });
    expect(hs.list('contacts')).toHaveLength(3);
    hs.faults.failNextOn('lostResponse', /merge$/);
    expect((await connectorError(hubspotConnector.merge!(ctx, 'contact', [req]))).kind).toBe('transient');
    expect(hs.list('contacts')).toHaveLength(2); // merged; the connector never heard
    expect(await hubspotConnector.merge!(ctx, 'contact', [req])).toEqual([
      { remoteId: req.remoteId, ok: true, resultId: req.intoRemoteId },
    ]);

    const lone = contact('ct_lone', { name: 'Lone Quill', emails: ['lone@quill.example'] });
    await push(hubspotConnector, ctx, 'contact', [lone], links);
    const [refused] = await hubspotConnector.merge!(ctx, 'contact', [ask(links.contacts.ct_lone, '999999')]);
    expect(refused).toMatchObject({ ok: false, error: { kind: 'not-found' } });
    expect(hs.list('contacts').map((c) => c.properties.email)).toContain('lone@quill.example');
  });
});

describe('HubSpot simulator — rate limits', () => {
  it('answers 429 past the burst limit, with the policy and X-HubSpot-RateLimit-* headers', async () => {
    const hs = await sim({ rateLimit: { requests: 3, intervalMs: 10_000 } });
    const ctx = ctxFor(hs);
    const headers = { authorization: `Bearer ${TOKEN}` };
    const first = await fetch(`${hs.url}/crm/v3/objects/contacts?limit=1`, { headers });
    expect(first.headers.get('x-hubspot-ratelimit-max')).toBe('3');
    expect(first.headers.get('x-hubspot-ratelimit-remaining')).toBe('2');
    expect(first.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('10000');
    await fetch(`${hs.url}/crm/v3/objects/contacts?limit=1`, { headers });
    await fetch(`${hs.url}/crm/v3/objects/contacts?limit=1`, { headers });
    const limited = await fetch(`${hs.url}/crm/v3/objects/contacts?limit=1`, { headers });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ status: 'error', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' });

    const err = await connectorError(hubspotConnector.testConnection(ctx));
    expect(err.kind).toBe('rate-limit');
    expect(err.retryAfterMs).toBeGreaterThan(0);
    expect(err.retryAfterMs).toBeLessThanOrEqual(10_000);
    expect(hs.counters.rateLimited).toBe(2);
  });

  it('limits search to 4 requests/s per token; the connector paces its searches to stay under it', async () => {
    const hs = await sim();
    const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
    const statuses = await Promise.all(
      Array.from({ length: 6 }, () =>
        fetch(`${hs.url}/crm/v3/objects/contacts/search`, { method: 'POST', headers, body: '{}' }).then((r) => r.status),
      ),
    );
    expect(statuses.filter((s) => s === 429).length).toBe(2);
    await new Promise((r) => setTimeout(r, 1100));
    hs.server.resetCounters();
    const ctx = ctxFor(hs);
    await Promise.all(Array.from({ length: 8 }, (_, i) => hubspotConnector.lookupByEmail!(ctx, `nobody${i}@example.org`)));
    // Paced: no 429 in practice (at most one under heavy load, which the client then waits out).
    expect(hs.counters.rateLimited).toBeLessThanOrEqual(1);
  });
});

describe('HubSpot connector — lookupByEmail and pull', () => {
  let hs: HubspotSim;
  let ctx: ConnectorContext<HubspotConfig>;
  const links = new Links();

  beforeAll(async () => {
    hs = await sim({ portalId: 99887766, uiDomain: 'app-eu1.hubspot.com' });
    ctx = ctxFor(hs);
    await push(hubspotConnector, ctx, 'contact', contacts, links);
  });

  it('finds a contact by email with owner, lifecycle stage, deals and record URL', async () => {
    hs.state.owners.set('501', { id: '501', email: 'owner@rapport.test', firstName: 'Olivia', lastName: 'Owner' });
    hs.update('contacts', links.contacts.ct_zoe, { hubspot_owner_id: '501' });
    const deal = hs.create('deals', {
      dealname: 'Acmé — licence 2025',
      dealstage: 'contractsent',
      amount: '12000',
      deal_currency_code: 'EUR',
    });
    hs.associate('deals', deal.id, 'contacts', links.contacts.ct_zoe);

    const found = await hubspotConnector.lookupByEmail!(ctx, 'ZOE.LEFEVRE@acme.fr');
    expect(found).toMatchObject({
      remoteId: links.contacts.ct_zoe,
      url: `https://app-eu1.hubspot.com/contacts/99887766/record/0-1/${links.contacts.ct_zoe}`,
      owner: 'Olivia Owner',
      stage: 'Customer',
      deals: [{ name: 'Acmé — licence 2025', stage: 'Contract Sent', amount: 12000, currency: 'EUR' }],
    });
    expect(found!.fields).toMatchObject({ email: 'zoe.lefevre@acme.fr', jobtitle: 'Directrice générale' });
    const jose = await hubspotConnector.lookupByEmail!(ctx, 'jose@globex.es');
    expect(jose).toMatchObject({ remoteId: links.contacts.ct_jose, stage: 'Lead' });
    expect(jose!.deals).toBeUndefined();
    expect(jose!.owner).toBeUndefined();
    expect(await hubspotConnector.lookupByEmail!(ctx, 'nobody@nowhere.example')).toBeNull();
  });

  it('pull returns everything, then nothing, then only what changed (cursor advances)', async () => {
    const first = await hubspotConnector.pull!(ctx, undefined);
    expect(first.more).toBe(false);
    expect(first.contacts.map((c) => c.remoteId).sort()).toEqual(Object.values(links.contacts).sort());
    const z = first.contacts.find((c) => c.remoteId === links.contacts.ct_zoe)!.contact;
    expect(z).toMatchObject({
      name: 'Zoë Lefèvre-Dupré',
      firstName: 'Zoë',
      emails: ['zoe.lefevre@acme.fr'],
      title: 'Directrice générale',
      stage: 'customer',
      phones: ['+33 6 12 34 56 78'],
    });

    const second = await hubspotConnector.pull!(ctx, first.cursor);
    expect(second.contacts).toEqual([]);
    expect(second.more).toBe(false);

    await new Promise((r) => setTimeout(r, 5));
    hs.update('contacts', links.contacts.ct_jose, { jobtitle: 'Director de compras' });
    const third = await hubspotConnector.pull!(ctx, second.cursor);
    expect(third.contacts.map((c) => c.remoteId)).toEqual([links.contacts.ct_jose]);
    expect(third.contacts[0].contact.title).toBe('Director de compras');
    expect((await hubspotConnector.pull!(ctx, third.cursor)).contacts).toEqual([]);
  });

  it('pull pages through records sharing one modification instant without losing or repeating any', async () => {
    const bulk = await sim();
    const bulkCtx = ctxFor(bulk);
    const stamp = '2025-01-01T00:00:00.000Z';
    const ids = new Set<string>();
    for (let i = 0; i < 230; i++) ids.add(bulk.create('contacts', { email: `bulk${i}@import.example`, lastmodifieddate: stamp }).id);
    const later = bulk.create('contacts', { email: 'later@import.example', lastmodifieddate: '2025-01-01T00:00:00.001Z' });
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let guard = 0; guard < 20; guard++) {
      const page = await hubspotConnector.pull!(bulkCtx, cursor);
      seen.push(...page.contacts.map((c) => c.remoteId));
      cursor = page.cursor;
      if (!page.more) break;
    }
    expect(seen.length).toBe(231);
    expect(new Set(seen)).toEqual(new Set([...ids, later.id]));
    expect((await hubspotConnector.pull!(bulkCtx, cursor)).contacts).toEqual([]);
  });
});

describe('HubSpot connector — under random faults (seeded)', () => {
  it('converges to exactly one remote record per local record', async () => {
    const hs = await sim({
      customProperties: RAPPORT_ID,
      rateLimit: { requests: 10_000, intervalMs: 10_000 },
      searchRateLimit: { requests: 1000, intervalMs: 1000 },
      faults: { error500: 0.15, rate429: 0.1, hang: 0.05, reset: 0.05, lostResponse: 0.1, hangMs: 1000, retryAfterSeconds: 0, seed: 42 },
    });
    const ctx = ctxFor(hs, { rapportIdProperty: 'rapport_id' }, 250);
    const links = new Links();
    const manyContacts = Array.from({ length: 30 }, (_, i) =>
      i % 3 === 0
        ? contact(`ct_f${i}`, { name: `Fiona Ñandú ${i}` })
        : contact(`ct_f${i}`, { name: `Félix Ørsted ${i}`, emails: [`felix${i}@faults.example`], companyId: 'co_acme' }),
    );
    const manyEmails = Array.from({ length: 25 }, (_, i) =>
      activity(`em_f${i}`, {
        type: 'email',
        contactIds: [`ct_f${(i * 7) % 30}`],
        subject: `Sujet ${i}`,
        body: `Corps ${i}`,
        occurredAt: new Date(Date.parse('2025-02-01T00:00:00Z') + i * 60_000).toISOString(),
        direction: i % 2 ? 'incoming' : 'outgoing',
      }),
    );
    const manyTasks = Array.from({ length: 10 }, (_, i) =>
      task(`tk_f${i}`, { title: `Tâche ${i}`, contactIds: [`ct_f${i}`], dueAt: '2025-04-01T09:00:00.000Z' }),
    );

    const r1 = await syncUntilDone(hubspotConnector, ctx, 'company', [acme], links, 100);
    const r2 = await syncUntilDone(hubspotConnector, ctx, 'contact', manyContacts, links, 10);
    const r3 = await syncUntilDone(hubspotConnector, ctx, 'email', manyEmails, links, 10);
    const r4 = await syncUntilDone(hubspotConnector, ctx, 'task', manyTasks, links, 5);

    const injected = Object.values(hs.counters.faults).reduce((a, b) => a + b, 0);
    expect(injected).toBeGreaterThan(10);
    expect(r1.thrown.length + r2.thrown.length + r3.thrown.length + r4.thrown.length).toBeGreaterThan(0);
    expect(counts(hs)).toMatchObject({ companies: 1, contacts: 30, emails: 25, tasks: 10 });
    expect(new Set(hs.list('emails').map((e) => e.properties.rapport_id)).size).toBe(25);
    for (const c of manyContacts) expect(hs.state.contacts.has(links.contacts[c.id])).toBe(true);
    for (const e of manyEmails) expect(hs.state.emails.get(links.other[e.id])!.properties.hs_email_subject).toBe(e.subject);
  });
});
