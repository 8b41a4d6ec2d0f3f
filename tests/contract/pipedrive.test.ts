// Contract: the Pipedrive connector against the simulated Pipedrive API (tests/sims/pipedrive.ts).
// Asserts what the vendor holds after each push, not which calls were made.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pipedriveConnector, pipedriveConfigSchema, type PipedriveConfig } from '../../connectors/pipedrive';
import { startPipedriveSim, type PipedriveSim, type PipedriveSimOptions } from '../sims/pipedrive';
import {
  Links,
  activity,
  archiveRequests,
  company,
  connectorError,
  contact,
  fetchWithTimeout,
  push,
  rateLimitedFetch,
  syncUntilDone,
  task,
} from '../sims/test-engine';
import type { ConnectorContext } from '../../connectors/types';

const TOKEN = 'pd-test-token';

function ctxFor(
  sim: PipedriveSim,
  opts: { timeoutMs?: number; throttle?: boolean; config?: Partial<PipedriveConfig>; mapping?: Record<string, string> } = {},
): ConnectorContext<PipedriveConfig> {
  const config: PipedriveConfig = { apiToken: TOKEN, companyDomain: 'rapport-test', baseUrl: sim.url, plan: 'essential', ...opts.config };
  const base = fetchWithTimeout(opts.timeoutMs ?? 5000);
  return {
    config,
    fetch: opts.throttle === false ? base : rateLimitedFetch(base, pipedriveConnector.rateLimitFor!(config)),
    fieldMapping: { ...pipedriveConnector.defaultFieldMapping, ...opts.mapping },
  };
}

const sims: PipedriveSim[] = [];
async function sim(options: PipedriveSimOptions = {}): Promise<PipedriveSim> {
  const s = await startPipedriveSim({ tokens: [TOKEN], ...options });
  sims.push(s);
  return s;
}
afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
});

// ---------- fixtures ----------

const acme = company('co_acme', { name: 'Acmé Industries', domain: 'acme.fr', location: '12 rue de la Paix, Besançon' });
const globex = company('co_globex', { name: 'Globex Société' });

const zoe = contact('ct_zoe', {
  name: 'Zoë Lefèvre-Dupré',
  emails: ['Zoe.Lefevre@Acme.fr', 'zoe@perso.example'],
  phones: ['+33 6 12 34 56 78'],
  title: 'Directrice générale',
  companyId: 'co_acme',
  linkedinUrl: 'https://www.linkedin.com/in/zoe-lefevre/',
});
const jose = contact('ct_jose', { name: 'José Álvarez Núñez', emails: ['jose@globex.es'], companyId: 'co_globex' });
const lukasz = contact('ct_lukasz', { name: 'Łukasz Żółć', title: 'Inżynier' });
const noName = contact('ct_noname', { name: '', emails: ['anon@example.org'] });
const contacts = [zoe, jose, lukasz, noName];

const thread = [
  activity('em_1', {
    type: 'email',
    contactIds: ['ct_zoe', 'ct_jose'],
    companyIds: ['co_acme'],
    subject: 'Proposition — réunion',
    body: 'Bonjour Zoë,\nvoici la <proposition> & le devis.',
    occurredAt: '2025-03-01T08:00:00.000Z',
    direction: 'outgoing',
    participants: [
      { email: 'me@rapport.test', name: 'Moi Même', role: 'from' },
      { email: 'zoe.lefevre@acme.fr', name: 'Zoë Lefèvre-Dupré', role: 'to' },
      { email: 'jose@globex.es', role: 'cc' },
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
    participants: [
      { email: 'zoe.lefevre@acme.fr', role: 'from' },
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
  }),
];
const notes = [
  activity('nt_1', { type: 'note', contactIds: ['ct_zoe'], body: 'Budget validé <sous réserve>', occurredAt: '2025-03-02T12:00:00.000Z' }),
  activity('nt_2', {
    type: 'note',
    contactIds: [],
    companyIds: ['co_globex'],
    body: 'Note sur la société',
    occurredAt: '2025-03-02T13:00:00.000Z',
  }),
];
const tasks = [
  task('tk_1', {
    title: 'Relancer Zoë',
    notes: 'Apporter le contrat',
    dueAt: '2025-03-10T09:30:00.000Z',
    contactIds: ['ct_zoe', 'ct_jose'],
    companyId: 'co_acme',
  }),
  task('tk_2', { title: 'Envoyer le devis', contactIds: ['ct_lukasz'], done: true }),
];

function counts(s: PipedriveSim) {
  return {
    persons: s.persons().length,
    organizations: s.organizations().length,
    notes: s.notes().length,
    activities: s.activities().length,
  };
}

// ---------- tests ----------

describe('Pipedrive connector — push against the simulated API', () => {
  let pd: PipedriveSim;
  let ctx: ConnectorContext<PipedriveConfig>;
  const links = new Links();
  const id = (v: string) => Number(v);

  beforeAll(async () => {
    pd = await sim();
    ctx = ctxFor(pd);
  });

  it('declares what the engine needs', () => {
    const config = pipedriveConfigSchema.parse({ apiToken: 't', companyDomain: 'Acme' });
    expect(config).toMatchObject({ companyDomain: 'acme', plan: 'essential' });
    expect(pipedriveConnector.origins(config)).toEqual(['https://acme.pipedrive.com/*']);
    expect(pipedriveConnector.secretKeys).toEqual(['apiToken']);
    expect(pipedriveConnector.batchSize).toMatchObject({ contact: 1, email: 1, task: 1 });
    expect(pipedriveConnector.rateLimit).toEqual({ requests: 20, intervalMs: 2000 });
    expect(pipedriveConnector.rateLimitFor!({ ...config, plan: 'professional' })).toEqual({ requests: 80, intervalMs: 2000 });
    expect(pipedriveConfigSchema.safeParse({ apiToken: 't', companyDomain: 'acme.pipedrive.com' }).success).toBe(false);
  });

  it('tests the connection and names the company', async () => {
    await expect(pipedriveConnector.testConnection(ctx)).resolves.toEqual({ account: 'Rapport Test Company (user1@rapport-test.example)' });
  });

  it('pushes organizations and persons (accents, no email, no name) with org links', async () => {
    expect((await push(pipedriveConnector, ctx, 'company', [acme, globex], links)).every((o) => o.ok)).toBe(true);
    expect((await push(pipedriveConnector, ctx, 'contact', contacts, links)).every((o) => o.ok)).toBe(true);
    expect(counts(pd)).toMatchObject({ organizations: 2, persons: 4 });

    expect(pd.state.organizations.get(id(links.companies.co_acme))).toMatchObject({
      name: 'Acmé Industries',
      address: { value: '12 rue de la Paix, Besançon' },
    });
    expect(pd.state.organizations.get(id(links.companies.co_globex))!.address).toBeNull();
    const z = pd.state.persons.get(id(links.contacts.ct_zoe))!;
    expect(z).toMatchObject({
      name: 'Zoë Lefèvre-Dupré',
      emails: [
        { value: 'zoe.lefevre@acme.fr', primary: true, label: 'work' },
        { value: 'zoe@perso.example', primary: false, label: 'work' },
      ],
      phones: [{ value: '+33 6 12 34 56 78', primary: true, label: 'work' }],
      job_title: 'Directrice générale',
      org_id: id(links.companies.co_acme),
    });
    expect(pd.state.persons.get(id(links.contacts.ct_jose))).toMatchObject({
      name: 'José Álvarez Núñez',
      org_id: id(links.companies.co_globex),
    });
    expect(pd.state.persons.get(id(links.contacts.ct_lukasz))).toMatchObject({
      name: 'Łukasz Żółć',
      emails: [],
      job_title: 'Inżynier',
      org_id: null,
    });
    expect(pd.state.persons.get(id(links.contacts.ct_noname))!.name).toBe('anon@example.org');
  });

  it('logs a 3-email thread as notes on the first linked person (Mailbox API cannot create)', async () => {
    const out = await push(pipedriveConnector, ctx, 'email', thread, links);
    expect(out.every((o) => o.ok)).toBe(true);
    expect(counts(pd).notes).toBe(3);
    const n1 = pd.state.notes.get(id(links.other.em_1))!;
    expect(n1).toMatchObject({
      person_id: id(links.contacts.ct_zoe),
      org_id: id(links.companies.co_acme),
      add_time: '2025-03-01 08:00:00',
    });
    expect(n1.content).toBe(
      '<p><b>Email sent: Proposition — réunion</b></p>' +
        '<p>From: Moi Même &lt;me@rapport.test&gt;<br>To: Zoë Lefèvre-Dupré &lt;zoe.lefevre@acme.fr&gt;<br>Cc: jose@globex.es<br>Date: 2025-03-01 08:00 UTC</p>' +
        '<p>Bonjour Zoë,<br>voici la &lt;proposition&gt; &amp; le devis.</p>' +
        '<p>[rapport:em_1]</p>',
    );
    const n2 = pd.state.notes.get(id(links.other.em_2))!;
    expect(n2.content).toContain('<b>Email received: Re: Proposition — réunion</b>');
    expect(pd.state.notes.get(id(links.other.em_3))).toMatchObject({ person_id: id(links.contacts.ct_zoe), org_id: null });
  });

  it('a first send creates the note in one request; a retry after a lost response finds it by its marker', async () => {
    const fresh = activity('em_fresh', {
      type: 'email',
      contactIds: ['ct_zoe'],
      subject: 'Devis signé',
      body: 'Signé.',
      occurredAt: '2025-03-05T08:00:00.000Z',
      direction: 'incoming',
    });
    const peopleOnly = () => Object.assign(new Links(), { contacts: { ...links.contacts }, companies: { ...links.companies } });
    const before = counts(pd).notes;
    const from = pd.server.log.length;
    const [first] = await push(pipedriveConnector, ctx, 'email', [fresh], peopleOnly(), { firstSend: true });
    expect(first.ok).toBe(true);
    expect(pd.server.log.slice(from).map((l) => `${l.method} ${l.path}`)).toEqual(['POST /api/v1/notes']);
    const [again] = await push(pipedriveConnector, ctx, 'email', [fresh], peopleOnly());
    expect(again.ok && again.remoteId).toBe(first.ok && first.remoteId);
    expect(counts(pd).notes).toBe(before + 1);
    pd.state.notes.delete(id(first.ok ? first.remoteId : '0')); // keep the counts of the tests below
  });

  it('adds notes (to a person, or to an organization only) and tasks as activities', async () => {
    expect((await push(pipedriveConnector, ctx, 'note', notes, links)).every((o) => o.ok)).toBe(true);
    expect((await push(pipedriveConnector, ctx, 'task', tasks, links)).every((o) => o.ok)).toBe(true);
    expect(counts(pd)).toMatchObject({ notes: 5, activities: 2 });
    expect(pd.state.notes.get(id(links.other.nt_1))!.content).toBe('<p>Budget validé &lt;sous réserve&gt;</p><p>[rapport:nt_1]</p>');
    expect(pd.state.notes.get(id(links.other.nt_2))).toMatchObject({ person_id: null, org_id: id(links.companies.co_globex) });

    const a1 = pd.state.activities.get(id(links.other.tk_1))!;
    expect(a1).toMatchObject({
      subject: 'Relancer Zoë',
      type: 'task',
      done: false,
      due_date: '2025-03-10',
      due_time: '09:30',
      person_id: id(links.contacts.ct_zoe),
      org_id: id(links.companies.co_acme),
      participants: [
        { person_id: id(links.contacts.ct_zoe), primary: true },
        { person_id: id(links.contacts.ct_jose), primary: false },
      ],
      note: '<p>Apporter le contrat</p><p>[rapport:tk_1]</p>',
    });
    expect(pd.state.activities.get(id(links.other.tk_2))).toMatchObject({
      done: true,
      due_date: null,
      person_id: id(links.contacts.ct_lukasz),
    });
  });

  it('pushing everything again, with or without the remote ids, creates no duplicates', async () => {
    const before = counts(pd);
    const beforeIds = { ...links.contacts, ...links.companies, ...links.other };
    const lost = new Links();
    for (const [kind, records] of [
      ['company', [acme, globex]],
      ['contact', contacts],
      ['email', thread],
      ['note', notes],
      ['task', tasks],
    ] as const) {
      const out = await push(pipedriveConnector, ctx, kind, records, lost);
      expect(out.every((o) => o.ok)).toBe(true);
    }
    expect({ ...lost.contacts, ...lost.companies, ...lost.other }).toEqual(beforeIds);
    for (const [kind, records] of [
      ['company', [acme, globex]],
      ['contact', contacts],
      ['email', thread],
      ['note', notes],
      ['task', tasks],
    ] as const) {
      const out = await push(pipedriveConnector, ctx, kind, records, links, { useRemoteIds: true });
      expect(out.every((o) => o.ok)).toBe(true);
    }
    expect(counts(pd)).toEqual(before);
  });

  it('a task done locally is marked done in Pipedrive (update by remote id)', async () => {
    const [o] = await push(pipedriveConnector, ctx, 'task', [{ ...tasks[0], done: true }], links, { useRemoteIds: true });
    expect(o).toMatchObject({ ok: true, remoteId: links.other.tk_1 });
    expect(pd.state.activities.get(id(links.other.tk_1))!.done).toBe(true);
    expect(counts(pd).activities).toBe(2);
  });

  it('fills empty fields only: values Pipedrive holds are kept', async () => {
    const existing = pd.createPerson({
      name: 'Marie C.',
      emails: [{ value: 'marie@initech.io', primary: true, label: 'work' }],
      job_title: 'CEO',
    });
    const local = contact('ct_marie', {
      name: 'Marie Curie',
      emails: ['marie@initech.io'],
      title: 'Chief Scientist',
      phones: ['+33 1 00 00 00 00'],
    });
    const [o] = await push(pipedriveConnector, ctx, 'contact', [local], links);
    expect(o).toMatchObject({ ok: true, remoteId: String(existing.id) });
    expect(pd.state.persons.get(existing.id)).toMatchObject({
      name: 'Marie C.',
      job_title: 'CEO',
      phones: [{ value: '+33 1 00 00 00 00', primary: true }],
    });
  });

  it('a note whose people are not synced yet is refused as not-found; a note deleted in Pipedrive is not recreated', async () => {
    const [o] = await push(
      pipedriveConnector,
      ctx,
      'note',
      [activity('nt_orphan', { type: 'note', contactIds: ['ct_unknown'], body: 'x' })],
      links,
    );
    expect(o.ok === false && o.error.kind).toBe('not-found');
    pd.state.notes.get(id(links.other.nt_1))!.active_flag = false;
    const [gone] = await push(pipedriveConnector, ctx, 'note', [notes[0]], links, { useRemoteIds: true });
    expect(gone.ok === false && gone.error.kind).toBe('not-found');
    expect(counts(pd).notes).toBe(4);
  });
});

describe('Pipedrive connector — errors are classified', () => {
  let pd: PipedriveSim;
  let ctx: ConnectorContext<PipedriveConfig>;
  const links = new Links();

  beforeAll(async () => {
    pd = await sim({ personCustomFields: ['a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'] });
    ctx = ctxFor(pd, { timeoutMs: 400 });
    await push(pipedriveConnector, ctx, 'contact', [zoe], links);
  });
  afterEach(() => pd.faults.clear());

  it('a bad token is auth (401 unauthorized access)', async () => {
    const bad = { ...ctx, config: { ...ctx.config, apiToken: 'nope' } };
    expect(await connectorError(pipedriveConnector.testConnection(bad))).toMatchObject({
      kind: 'auth',
      status: 401,
      message: 'unauthorized access',
    });
    expect(await connectorError(push(pipedriveConnector, bad, 'contact', [jose], new Links()))).toMatchObject({ kind: 'auth' });
  });

  it('a validation error is the item outcome, with the vendor message', async () => {
    const mapped = { ...ctx, fieldMapping: { ...ctx.fieldMapping, linkedinUrl: 'not_a_field_key' } };
    const [o] = await push(
      pipedriveConnector,
      mapped,
      'contact',
      [contact('ct_li', { name: 'Li Wei', emails: ['li@example.cn'], linkedinUrl: 'https://linkedin.com/in/liwei' })],
      links,
    );
    expect(o.ok).toBe(false);
    if (!o.ok) expect(o.error).toMatchObject({ kind: 'validation', status: 400, message: 'Unknown custom field key: not_a_field_key' });
    // A defined custom field key is written into custom_fields.
    const good = { ...ctx, fieldMapping: { ...ctx.fieldMapping, linkedinUrl: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678' } };
    const [ok] = await push(
      pipedriveConnector,
      good,
      'contact',
      [contact('ct_li', { name: 'Li Wei', emails: ['li@example.cn'], linkedinUrl: 'https://linkedin.com/in/liwei' })],
      links,
    );
    expect(ok.ok).toBe(true);
    expect(pd.state.persons.get(Number(links.contacts.ct_li))!.custom_fields).toEqual({
      a1b2c3d4e5f60718293a4b5c6d7e8f9012345678: 'https://linkedin.com/in/liwei',
    });
  });

  it('the simulator validates like Pipedrive: person_id is read-only on v2 activities, notes need an owner', async () => {
    const headers = { 'x-api-token': TOKEN, 'content-type': 'application/json' };
    const r1 = await fetch(`${pd.url}/api/v2/activities`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ subject: 'x', type: 'task', person_id: 1 }),
    });
    expect(r1.status).toBe(400);
    expect(await r1.json()).toMatchObject({
      success: false,
      error: "'person_id' is a read-only field. Add a primary participant to set 'person_id' instead.",
    });
    const r2 = await fetch(`${pd.url}/api/v1/notes`, { method: 'POST', headers, body: JSON.stringify({ content: 'x' }) });
    expect(r2.status).toBe(400);
    expect(await r2.json()).toMatchObject({ success: false, error_info: expect.stringContaining('developers.pipedrive.com') });
  });

  it('a 429 is rate-limit with retryAfterMs from Retry-After', async () => {
    pd.faults.set({ retryAfterSeconds: 3 });
    pd.faults.failNext('rate429');
    expect(await connectorError(pipedriveConnector.testConnection(ctx))).toMatchObject({
      kind: 'rate-limit',
      status: 429,
      retryAfterMs: 3000,
    });
  });

  it('a 500 is transient; a hang past the timeout and a reset connection too', async () => {
    pd.faults.failNext('error500');
    expect(await connectorError(pipedriveConnector.testConnection(ctx))).toMatchObject({ kind: 'transient', status: 500 });
    pd.faults.set({ hangMs: 3000 });
    pd.faults.failNext('hang');
    const err = await connectorError(pipedriveConnector.testConnection(ctx));
    expect(err.kind).toBe('transient');
    expect(err.message).toMatch(/timed out/);
    pd.faults.failNext('reset');
    expect(await connectorError(pipedriveConnector.testConnection(ctx))).toMatchObject({ kind: 'transient' });
  });
});

describe('Pipedrive connector — archive (a person or organization deleted in Rapport)', () => {
  let pd: PipedriveSim;
  let ctx: ConnectorContext<PipedriveConfig>;
  const links = new Links();

  beforeAll(async () => {
    pd = await sim();
    ctx = ctxFor(pd, { timeoutMs: 400 });
    await push(pipedriveConnector, ctx, 'company', [acme, globex], links);
    await push(pipedriveConnector, ctx, 'contact', [zoe, jose], links);
  });
  afterEach(() => pd.faults.clear());

  it('deletes the person and the organization in Pipedrive (restorable there 30 days); the others stay', async () => {
    const person = links.contacts.ct_zoe;
    const org = links.companies.co_globex;
    expect(await pipedriveConnector.archive!(ctx, 'contact', archiveRequests([person]))).toEqual([{ remoteId: person, ok: true }]);
    expect(await pipedriveConnector.archive!(ctx, 'company', archiveRequests([org]))).toEqual([{ remoteId: org, ok: true }]);
    expect(pd.persons().map((p) => String(p.id))).toEqual([links.contacts.ct_jose]);
    expect(pd.organizations().map((o) => String(o.id))).toEqual([links.companies.co_acme]);
    expect(pd.state.persons.get(Number(person))!.is_deleted).toBe(true); // marked, not purged
  });

  it('a record already deleted there (404) counts as archived', async () => {
    const person = links.contacts.ct_zoe;
    expect(await pipedriveConnector.archive!(ctx, 'contact', archiveRequests([person]))).toEqual([{ remoteId: person, ok: true }]);
  });

  it('429 and 500 fail the batch for the engine to retry; a lost answer is done on the retry', async () => {
    const person = links.contacts.ct_jose;
    pd.faults.set({ retryAfterSeconds: 2 });
    pd.faults.failNextOn('rate429', /^DELETE /);
    expect(await connectorError(pipedriveConnector.archive!(ctx, 'contact', archiveRequests([person])))).toMatchObject({
      kind: 'rate-limit',
      retryAfterMs: 2000,
    });
    pd.faults.failNextOn('error500', /^DELETE /);
    expect(await connectorError(pipedriveConnector.archive!(ctx, 'contact', archiveRequests([person])))).toMatchObject({
      kind: 'transient',
      status: 500,
    });
    expect(pd.persons()).toHaveLength(1); // nothing processed so far
    pd.faults.failNextOn('lostResponse', /^DELETE /);
    expect(await connectorError(pipedriveConnector.archive!(ctx, 'contact', archiveRequests([person])))).toMatchObject({
      kind: 'transient',
    });
    expect(pd.persons()).toHaveLength(0); // deleted, but the connector never heard
    expect(await pipedriveConnector.archive!(ctx, 'contact', archiveRequests([person]))).toEqual([{ remoteId: person, ok: true }]);
  });
});

describe('Pipedrive connector — merge (two persons of one person merged in Rapport)', () => {
  let pd: PipedriveSim;
  let ctx: ConnectorContext<PipedriveConfig>;
  const links = new Links();
  const ann = contact('ct_ann', { name: 'Ann Quill', emails: ['ann@quill.example'], title: 'CTO' });
  const annToo = contact('ct_ann2', { name: 'Ann Quill', emails: ['ann.q@gmail.com'], phones: ['+441134960000'], title: 'Chief' });
  const note = activity('nt_ann2', { type: 'note', contactIds: ['ct_ann2'], body: 'Met at the fair' });
  let n = 0;
  const ask = (remoteId: string, intoRemoteId: string) => ({ remoteId, intoRemoteId, changeId: `merge-${++n}` });

  beforeAll(async () => {
    pd = await sim();
    ctx = ctxFor(pd, { timeoutMs: 400 });
    await push(pipedriveConnector, ctx, 'contact', [ann, annToo], links);
    await push(pipedriveConnector, ctx, 'note', [note], links);
  });
  afterEach(() => pd.faults.clear());

  it("merges the other person into the survivor's: the survivor's values first, both addresses, the notes with it", async () => {
    const kept = links.contacts.ct_ann;
    const other = links.contacts.ct_ann2;
    expect(await pipedriveConnector.merge!(ctx, 'contact', [ask(other, kept)])).toEqual([{ remoteId: other, ok: true, resultId: kept }]);
    expect(pd.persons().map((p) => String(p.id))).toEqual([kept]);
    expect(pd.state.persons.get(Number(kept))).toMatchObject({
      job_title: 'CTO',
      emails: [expect.objectContaining({ value: 'ann@quill.example' }), expect.objectContaining({ value: 'ann.q@gmail.com' })],
      phones: [expect.objectContaining({ value: '+441134960000' })],
    });
    expect(pd.state.notes.get(Number(links.other.nt_ann2))!.person_id).toBe(Number(kept));
  });

  it('a retry after a lost answer is done; 429 and 500 fail the batch for the engine to retry', async () => {
    const carl = contact('ct_carl', { name: 'Carl Quill', emails: ['carl@quill.example'] });
    const carlToo = contact('ct_carl2', { name: 'Carl Quill', emails: ['carl.q@gmail.com'] });
    await push(pipedriveConnector, ctx, 'contact', [carl, carlToo], links);
    const req = ask(links.contacts.ct_carl2, links.contacts.ct_carl);
    pd.faults.set({ retryAfterSeconds: 2 });
    pd.faults.failNextOn('rate429', /merge$/);
    expect(await connectorError(pipedriveConnector.merge!(ctx, 'contact', [req]))).toMatchObject({
      kind: 'rate-limit',
      retryAfterMs: 2000,
    });
    pd.faults.failNextOn('error500', /merge$/);
    expect(await connectorError(pipedriveConnector.merge!(ctx, 'contact', [req]))).toMatchObject({ kind: 'transient', status: 500 });
    expect(pd.persons()).toHaveLength(3);
    pd.faults.failNextOn('lostResponse', /merge$/);
    expect((await connectorError(pipedriveConnector.merge!(ctx, 'contact', [req]))).kind).toBe('transient');
    expect(pd.persons()).toHaveLength(2); // merged; the connector never heard
    expect(await pipedriveConnector.merge!(ctx, 'contact', [req])).toEqual([
      { remoteId: req.remoteId, ok: true, resultId: req.intoRemoteId },
    ]);
  });

  it('a survivor deleted in Pipedrive: refused, the other person stays', async () => {
    const lone = contact('ct_lone', { name: 'Lone Quill', emails: ['lone@quill.example'] });
    await push(pipedriveConnector, ctx, 'contact', [lone], links);
    const [refused] = await pipedriveConnector.merge!(ctx, 'contact', [ask(links.contacts.ct_lone, '999999')]);
    expect(refused).toMatchObject({ ok: false, error: { kind: 'not-found' } });
    expect(pd.persons().map((p) => String(p.id))).toContain(links.contacts.ct_lone);
  });
});

describe('Pipedrive simulator — rate limits', () => {
  it('answers 429 past 20 requests / 2 s with Retry-After and x-ratelimit-* headers', async () => {
    const pd = await sim();
    const ctx = ctxFor(pd, { throttle: false });
    const headers = { 'x-api-token': TOKEN };
    const first = await fetch(`${pd.url}/api/v1/users/me`, { headers });
    expect(first.headers.get('x-ratelimit-limit')).toBe('20');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('19');
    expect(Number(first.headers.get('x-ratelimit-reset'))).toBeGreaterThan(0);
    const rest = await Promise.all(Array.from({ length: 20 }, () => fetch(`${pd.url}/api/v1/users/me`, { headers })));
    const limited = rest.filter((r) => r.status === 429);
    expect(limited).toHaveLength(1);
    expect(Number(limited[0].headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited[0].headers.get('x-ratelimit-remaining')).toBe('0');
    expect(await limited[0].json()).toMatchObject({ success: false, error: 'Request over limit' });
    const err = await connectorError(pipedriveConnector.testConnection(ctx));
    expect(err.kind).toBe('rate-limit');
    expect(err.retryAfterMs).toBeGreaterThan(0);
    expect(err.retryAfterMs).toBeLessThanOrEqual(2000);
  });

  it('limits search to 10 / 2 s; the connector paces its searches to stay under it', async () => {
    const pd = await sim({ rateLimit: { requests: 1000, intervalMs: 2000 } });
    const headers = { 'x-api-token': TOKEN };
    const statuses = await Promise.all(
      Array.from({ length: 12 }, () => fetch(`${pd.url}/api/v2/persons/search?term=x&exact_match=true`, { headers }).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 429)).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 2100));
    pd.server.resetCounters();
    const ctx = ctxFor(pd, { throttle: false });
    await Promise.all(Array.from({ length: 14 }, (_, i) => pipedriveConnector.lookupByEmail!(ctx, `nobody${i}@example.org`)));
    // Paced: no 429 in practice (at most one under heavy load, which the client then waits out).
    expect(pd.counters.rateLimited).toBeLessThanOrEqual(1);
  });
});

describe('Pipedrive connector — lookupByEmail and pull', () => {
  let pd: PipedriveSim;
  let ctx: ConnectorContext<PipedriveConfig>;
  const links = new Links();

  beforeAll(async () => {
    pd = await sim();
    ctx = ctxFor(pd);
    await push(pipedriveConnector, ctx, 'company', [acme], links);
    await push(pipedriveConnector, ctx, 'contact', contacts, links);
  });

  it('finds a person by email with owner, open deals (stage names) and record URL', async () => {
    const personId = Number(links.contacts.ct_zoe);
    pd.createDeal({ title: 'Licence 2025', value: 12000, currency: 'EUR', stage_id: 3, status: 'open', person_id: personId, org_id: null });
    pd.createDeal({ title: 'Old deal', value: 10, currency: 'EUR', stage_id: 1, status: 'lost', person_id: personId, org_id: null });
    const found = await pipedriveConnector.lookupByEmail!(ctx, 'ZOE.LEFEVRE@ACME.FR');
    expect(found).toMatchObject({
      remoteId: String(personId),
      url: `https://rapport-test.pipedrive.com/person/${personId}`,
      owner: 'Pat Pipeline',
      deals: [{ name: 'Licence 2025', stage: 'Proposal Made', amount: 12000, currency: 'EUR' }],
      fields: { name: 'Zoë Lefèvre-Dupré', job_title: 'Directrice générale', organization: 'Acmé Industries' },
    });
    expect(found!.deals).toHaveLength(1);
    expect(await pipedriveConnector.lookupByEmail!(ctx, 'zoe@perso.example')).toMatchObject({ remoteId: String(personId) });
    expect(await pipedriveConnector.lookupByEmail!(ctx, 'nobody@nowhere.example')).toBeNull();
  });

  it('pull returns everything, then nothing, then only what changed', async () => {
    const first = await pipedriveConnector.pull!(ctx, undefined);
    expect(first.more).toBe(false);
    expect(first.contacts.map((c) => c.remoteId).sort()).toEqual(Object.values(links.contacts).sort());
    expect(first.contacts.find((c) => c.remoteId === links.contacts.ct_zoe)!.contact).toMatchObject({
      name: 'Zoë Lefèvre-Dupré',
      firstName: 'Zoë',
      lastName: 'Lefèvre-Dupré',
      emails: ['zoe.lefevre@acme.fr', 'zoe@perso.example'],
      phones: ['+33 6 12 34 56 78'],
      title: 'Directrice générale',
    });
    const second = await pipedriveConnector.pull!(ctx, first.cursor);
    expect(second.contacts).toEqual([]);
    pd.updatePerson(Number(links.contacts.ct_jose), { job_title: 'Director de compras', update_time: '2099-01-01T00:00:00Z' });
    const third = await pipedriveConnector.pull!(ctx, second.cursor);
    expect(third.contacts.map((c) => c.remoteId)).toEqual([links.contacts.ct_jose]);
    expect(third.contacts[0].contact.title).toBe('Director de compras');
    expect((await pipedriveConnector.pull!(ctx, third.cursor)).contacts).toEqual([]);
  });

  it('pull pages through persons sharing one update second without losing or repeating any', async () => {
    const bulk = await sim({ rateLimit: { requests: 1000, intervalMs: 2000 } });
    const ids = new Set<number>();
    for (let i = 0; i < 230; i++) ids.add(bulk.createPerson({ name: `Bulk ${i}`, update_time: '2025-01-01T00:00:00Z' }).id);
    ids.add(bulk.createPerson({ name: 'Later', update_time: '2025-01-01T00:00:01Z' }).id);
    const bulkCtx = ctxFor(bulk, { throttle: false });
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let guard = 0; guard < 20; guard++) {
      const page = await pipedriveConnector.pull!(bulkCtx, cursor);
      seen.push(...page.contacts.map((c) => c.remoteId));
      cursor = page.cursor;
      if (!page.more) break;
    }
    expect(seen).toHaveLength(231);
    expect(new Set(seen.map(Number))).toEqual(ids);
    expect((await pipedriveConnector.pull!(bulkCtx, cursor)).contacts).toEqual([]);
  });
});

describe('Pipedrive connector — under random faults (seeded)', () => {
  it('converges to exactly one remote record per local record', async () => {
    const pd = await sim({
      rateLimit: { requests: 10_000, intervalMs: 2000 },
      searchRateLimit: { requests: 1000, intervalMs: 2000 },
      faults: { error500: 0.15, rate429: 0.1, hang: 0.05, reset: 0.05, lostResponse: 0.1, hangMs: 1000, retryAfterSeconds: 0, seed: 1234 },
    });
    const ctx = ctxFor(pd, { timeoutMs: 250, throttle: false });
    const links = new Links();
    const people = Array.from({ length: 20 }, (_, i) =>
      contact(
        `ct_f${i}`,
        i % 4 === 0
          ? { name: `Fiona Ñandú ${i}` }
          : { name: `Félix Ørsted ${i}`, emails: [`felix${i}@faults.example`], companyId: 'co_acme' },
      ),
    );
    const mails = Array.from({ length: 15 }, (_, i) =>
      activity(`em_f${i}`, {
        type: 'email',
        contactIds: [`ct_f${(i * 7) % 20}`],
        subject: `Sujet ${i}`,
        body: `Corps ${i}`,
        occurredAt: '2025-02-01T00:00:00.000Z',
        direction: 'incoming',
      }),
    );
    const todo = Array.from({ length: 8 }, (_, i) =>
      task(`tk_f${i}`, { title: `Tâche ${i}`, contactIds: [`ct_f${i}`], dueAt: '2025-04-01T09:00:00.000Z' }),
    );

    const runs = [
      await syncUntilDone(pipedriveConnector, ctx, 'company', [acme], links, 1),
      await syncUntilDone(pipedriveConnector, ctx, 'contact', people, links, 1),
      await syncUntilDone(pipedriveConnector, ctx, 'email', mails, links, 1),
      await syncUntilDone(pipedriveConnector, ctx, 'task', todo, links, 1),
    ];
    expect(runs.reduce((n, r) => n + r.thrown.length, 0)).toBeGreaterThan(0);
    expect(Object.values(pd.counters.faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(10);
    expect(counts(pd)).toEqual({ organizations: 1, persons: 20, notes: 15, activities: 8 });
    for (const m of mails) expect(pd.state.notes.get(Number(links.other[m.id]))!.content).toContain(`[rapport:${m.id}]`);
  });
});
