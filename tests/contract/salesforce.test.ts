// Salesforce connector against the simulated org (tests/sims/salesforce.ts): what each push leaves in
// the org, no duplicates on re-push (also when answers are lost after the commit), error classification,
// look-up, pull, and the OAuth web-server flow with PKCE against the simulated token endpoint.
import { createHash } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { recordError, SfClient, soqlLike, soqlString } from '../../connectors/salesforce/api';
import {
  buildAuthorizeUrl,
  createPkcePair,
  createState,
  exchangeCode,
  refreshAccessToken,
  salesforceConnector as sf,
  SalesforceConfig,
} from '../../connectors/salesforce';
import { startSalesforceSim, type SalesforceSim, type SalesforceSimOptions } from '../sims/salesforce';
import { archiveRequests } from '../sims/test-engine';
import {
  ConnectorError,
  type ConnectorContext,
  type LinkedIds,
  type PushItem,
  type PushOutcome,
  type SyncKind,
} from '../../connectors/types';
import type { Activity, Company, Contact, Task } from '../../storage/schema';

const T0 = '2026-01-05T10:00:00.000Z';
const base = { createdAt: T0, updatedAt: T0, sources: [{ type: 'manual' as const, at: T0 }] };

let sims: SalesforceSim[] = [];
async function sim(options: SalesforceSimOptions = {}): Promise<SalesforceSim> {
  const s = await startSalesforceSim(options);
  sims.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
});

type Cfg = SalesforceConfig;
function ctxFor(
  s: SalesforceSim,
  over: Partial<Record<keyof Cfg, unknown>> = {},
  opts: {
    timeoutMs?: number;
    fieldMapping?: Record<string, string>;
    before?: (url: string, init?: RequestInit) => void | Promise<void>;
  } = {},
): ConnectorContext<Cfg> {
  const config = SalesforceConfig.parse({ instanceUrl: s.url, accessToken: 'sim-token', ...over });
  const wrapped: typeof fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    await opts.before?.(url, init);
    return fetch(input, { ...init, signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000) });
  };
  return { config, fetch: wrapped, fieldMapping: opts.fieldMapping ?? {} };
}

const noLinks = (): LinkedIds => ({ contacts: {}, companies: {} });

function contact(over: Partial<Contact> & { id: string; name: string }): Contact {
  return { ...base, emails: [], phones: [], tags: [], ...over };
}
function company(over: Partial<Company> & { id: string; name: string }): Company {
  return { ...base, tags: [], ...over };
}
function activity(over: Partial<Activity> & { id: string; type: Activity['type']; occurredAt: string }): Activity {
  return { ...base, contactIds: [], ...over };
}
function task(over: Partial<Task> & { id: string; title: string }): Task {
  return { ...base, done: false, contactIds: [], ...over };
}

let entrySeq = 0;
function items(
  kind: SyncKind,
  records: (Contact | Company | Activity | Task)[],
  linked = noLinks(),
  remoteIds: Record<string, string> = {},
): PushItem[] {
  return records.map((record) => ({
    entryId: `entry-${record.id}-${++entrySeq}`,
    changeId: `chg-${record.id}-${entrySeq}`,
    item: { kind, record } as PushItem['item'],
    linked,
    ...(remoteIds[record.id] ? { remoteId: remoteIds[record.id] } : {}),
  }));
}

function okIds(outs: PushOutcome[]): string[] {
  return outs.map((o) => {
    if (!o.ok) throw o.error;
    return o.remoteId;
  });
}

async function errorOf(p: Promise<unknown>): Promise<ConnectorError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ConnectorError);
  return e as ConnectorError;
}

/** The local calendar day, as the connector writes ActivityDate. */
function localDay(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

const pick = (r: Record<string, unknown> | undefined, keys: string[]) => Object.fromEntries(keys.map((k) => [k, r?.[k] ?? null]));

// ---------------------------------------------------------------------------------------------------
// Fixtures: a small book of business

const acme = company({ id: 'co_acme', name: 'Acme Corp', domain: 'acme.example' });
const globex = company({ id: 'co_globex', name: 'Globex', website: 'https://globex.example/about' });
const initech = company({ id: 'co_initech', name: 'Initech', domain: 'initech.example' });
const ann = contact({
  id: 'ct_ann',
  name: 'Ann Lee',
  firstName: 'Ann',
  lastName: 'Lee',
  emails: ['ann.lee@acme.example'],
  phones: ['+14155550101'],
  title: 'Head of Sales',
  company: 'Acme Corp',
  companyId: 'co_acme',
});
const bo = contact({ id: 'ct_bo', name: 'Bo Quiet', emails: [], phones: ['+14155550102'], company: 'Globex', companyId: 'co_globex' });
const carl = contact({
  id: 'ct_carl',
  name: 'Carl Crm',
  firstName: 'Carl',
  lastName: 'Crm',
  emails: ['Carl@Initech.example'],
  phones: ['+14155550103'],
  title: 'Controller',
  companyId: 'co_initech',
});

const thread: Activity[] = [
  activity({
    id: 'ac_m1',
    type: 'email',
    occurredAt: '2026-01-05T09:00:00.000Z',
    subject: 'Pricing for 2026',
    body: 'Hi Ann,\nhere are our prices.',
    direction: 'outgoing',
    threadId: 'th1',
    messageId: '<m1@x>',
    contactIds: ['ct_ann'],
    companyIds: ['co_acme'],
    participants: [
      { role: 'from', email: 'me@rapport.example', name: 'Me' },
      { role: 'to', email: 'ann.lee@acme.example', name: 'Ann Lee' },
    ],
  }),
  activity({
    id: 'ac_m2',
    type: 'email',
    occurredAt: '2026-01-06T15:30:00.000Z',
    subject: 'Re: Pricing for 2026',
    body: "Thanks — what's the discount for 3 years?",
    direction: 'incoming',
    threadId: 'th1',
    messageId: '<m2@x>',
    contactIds: ['ct_ann'],
    companyIds: ['co_acme'],
    participants: [
      { role: 'from', email: 'ann.lee@acme.example', name: 'Ann Lee' },
      { role: 'to', email: 'me@rapport.example' },
      { role: 'cc', email: 'cfo@acme.example' },
    ],
  }),
  activity({
    id: 'ac_m3',
    type: 'email',
    occurredAt: '2026-01-07T08:15:00.000Z',
    subject: 'Re: Pricing for 2026',
    snippet: '15% for a 3-year term.',
    direction: 'outgoing',
    threadId: 'th1',
    messageId: '<m3@x>',
    contactIds: ['ct_ann'],
    companyIds: ['co_acme'],
  }),
];
const note = activity({
  id: 'ac_note',
  type: 'note',
  occurredAt: '2026-01-07T12:00:00.000Z',
  body: 'Budget approved; legal review next week.',
  contactIds: ['ct_ann'],
  companyIds: ['co_acme'],
});
const followUp = task({
  id: 'tk_follow',
  title: 'Send the 3-year quote',
  notes: 'Include the SLA',
  dueAt: '2026-01-09T09:00:00.000Z',
  contactIds: ['ct_ann'],
  companyId: 'co_acme',
});

/** Pushes companies, contacts, the thread, a note and a task as the engine would (links fed forward). */
async function pushAll(ctx: ConnectorContext<Cfg>, remote: Record<string, string> = {}) {
  const companies = okIds(await sf.push(ctx, 'company', items('company', [acme, globex, initech], noLinks(), remote)));
  const linked: LinkedIds = { contacts: {}, companies: { co_acme: companies[0], co_globex: companies[1], co_initech: companies[2] } };
  const people = okIds(await sf.push(ctx, 'contact', items('contact', [ann, bo, carl], linked, remote)));
  Object.assign(linked.contacts, { ct_ann: people[0], ct_bo: people[1], ct_carl: people[2] });
  const emails = okIds(await sf.push(ctx, 'email', items('email', thread, linked, remote)));
  const notes = okIds(await sf.push(ctx, 'note', items('note', [note], linked, remote)));
  const tasks = okIds(await sf.push(ctx, 'task', items('task', [followUp], linked, remote)));
  const ids: Record<string, string> = {};
  [acme, globex, initech].forEach((c, i) => (ids[c.id] = companies[i]));
  [ann, bo, carl].forEach((c, i) => (ids[c.id] = people[i]));
  thread.forEach((a, i) => (ids[a.id] = emails[i]));
  ids[note.id] = notes[0];
  ids[followUp.id] = tasks[0];
  return ids;
}

function seedCrm(s: SalesforceSim) {
  const initechAcc = s.insert('Account', { Name: 'Initech', Website: 'http://www.initech.example/' });
  const carlCrm = s.insert('Contact', {
    FirstName: 'Carl',
    LastName: 'Crm',
    Email: 'carl@initech.example',
    Title: 'CFO',
    AccountId: initechAcc.Id,
    LeadSource: 'Trade Show',
  });
  return { initechAcc, carlCrm };
}

function counts(s: SalesforceSim) {
  return { Account: s.all('Account').length, Contact: s.all('Contact').length, Lead: s.all('Lead').length, Task: s.all('Task').length };
}

// ---------------------------------------------------------------------------------------------------

describe('SOQL quoting', () => {
  it('escapes quotes and backslashes (and LIKE wildcards)', () => {
    expect(soqlString("o'brien\\x@ex.com")).toBe("'o\\'brien\\\\x@ex.com'");
    expect(soqlString('a\nb')).toBe("'a\\nb'");
    expect(soqlLike('50%_off')).toBe("'%50\\%\\_off%'");
  });
});

describe('Salesforce connector against the simulated org', () => {
  it('testConnection: user and org; bad token → auth; unknown API version → not-found', async () => {
    const s = await sim();
    expect(await sf.testConnection(ctxFor(s))).toEqual({ account: 'admin@sim-org.example (org 00DRs0000000001AAA)' });
    const bad = await errorOf(sf.testConnection(ctxFor(s, { accessToken: 'expired' })));
    expect([bad.kind, bad.status]).toEqual(['auth', 401]);
    expect(bad.message).toContain('INVALID_SESSION_ID');
    const version = await errorOf(sf.testConnection(ctxFor(s, { apiVersion: 'v10.0' })));
    expect(version.kind).toBe('not-found');
  });

  it('push: accounts, contacts (linking and filling what the CRM had), a 3-message thread, a note and a task', async () => {
    const s = await sim();
    const { initechAcc, carlCrm } = seedCrm(s);
    const ctx = ctxFor(s);
    const ids = await pushAll(ctx);

    // Accounts: created by name/website; Initech found by its website's domain (no duplicate).
    expect(ids.co_initech).toBe(initechAcc.Id);
    expect(s.all('Account').map((a) => pick(a, ['Id', 'Name', 'Website']))).toEqual([
      { Id: initechAcc.Id, Name: 'Initech', Website: 'http://www.initech.example/' },
      { Id: ids.co_acme, Name: 'Acme Corp', Website: 'https://acme.example' },
      { Id: ids.co_globex, Name: 'Globex', Website: 'https://globex.example/about' },
    ]);

    // Contacts: Carl was in the CRM (matched by e-mail, case-insensitive): his Title stays, his empty Phone is filled.
    expect(ids.ct_carl).toBe(carlCrm.Id);
    const fields = ['FirstName', 'LastName', 'Email', 'Title', 'Phone', 'AccountId', 'LeadSource'];
    expect(pick(s.get(ids.ct_ann), fields)).toEqual({
      FirstName: 'Ann',
      LastName: 'Lee',
      Email: 'ann.lee@acme.example',
      Title: 'Head of Sales',
      Phone: '+14155550101',
      AccountId: ids.co_acme,
      LeadSource: null,
    });
    expect(pick(s.get(ids.ct_bo), fields)).toEqual({
      FirstName: 'Bo',
      LastName: 'Quiet',
      Email: null,
      Title: null,
      Phone: '+14155550102',
      AccountId: ids.co_globex,
      LeadSource: null,
    });
    expect(pick(s.get(ids.ct_carl), fields)).toEqual({
      FirstName: 'Carl',
      LastName: 'Crm',
      Email: 'carl@initech.example',
      Title: 'CFO',
      Phone: '+14155550103',
      AccountId: initechAcc.Id,
      LeadSource: 'Trade Show',
    });
    expect(s.all('Contact')).toHaveLength(3);

    // The thread: one completed Email task per message, on Ann and Acme.
    const taskFields = ['Subject', 'TaskSubtype', 'Status', 'WhoId', 'WhatId', 'ActivityDate'];
    expect(thread.map((m) => pick(s.get(ids[m.id]), taskFields))).toEqual([
      {
        Subject: 'Email: Pricing for 2026',
        TaskSubtype: 'Email',
        Status: 'Completed',
        WhoId: ids.ct_ann,
        WhatId: ids.co_acme,
        ActivityDate: localDay(thread[0].occurredAt),
      },
      {
        Subject: 'Email: Re: Pricing for 2026',
        TaskSubtype: 'Email',
        Status: 'Completed',
        WhoId: ids.ct_ann,
        WhatId: ids.co_acme,
        ActivityDate: localDay(thread[1].occurredAt),
      },
      {
        Subject: 'Email: Re: Pricing for 2026',
        TaskSubtype: 'Email',
        Status: 'Completed',
        WhoId: ids.ct_ann,
        WhatId: ids.co_acme,
        ActivityDate: localDay(thread[2].occurredAt),
      },
    ]);
    expect(s.get(ids.ac_m1)?.Description).toBe(
      'From: Me <me@rapport.example>\nTo: Ann Lee <ann.lee@acme.example>\nDate: 2026-01-05T09:00:00.000Z\nDirection: outgoing\n\nHi Ann,\nhere are our prices.\n\n[rapport:ac_m1]',
    );
    expect(s.get(ids.ac_m2)?.Description).toContain('Cc: cfo@acme.example');
    expect(s.get(ids.ac_m3)?.Description).toContain('15% for a 3-year term.');

    expect(pick(s.get(ids.ac_note), [...taskFields, 'Description'])).toEqual({
      Subject: 'Note',
      TaskSubtype: 'Task',
      Status: 'Completed',
      WhoId: ids.ct_ann,
      WhatId: ids.co_acme,
      ActivityDate: localDay(note.occurredAt),
      Description: 'Budget approved; legal review next week.\n\n[rapport:ac_note]',
    });
    expect(pick(s.get(ids.tk_follow), [...taskFields, 'Description', 'Priority'])).toEqual({
      Subject: 'Send the 3-year quote',
      TaskSubtype: 'Task',
      Status: 'Not Started',
      WhoId: ids.ct_ann,
      WhatId: ids.co_acme,
      ActivityDate: localDay(followUp.dueAt!),
      Description: 'Include the SLA\n\n[rapport:tk_follow]',
      Priority: 'Normal',
    });
    expect(counts(s)).toEqual({ Account: 3, Contact: 3, Lead: 0, Task: 5 });
  });

  it('re-push creates nothing new: without remote ids (lost links) and with them (updates only what changed)', async () => {
    const s = await sim();
    seedCrm(s);
    const ctx = ctxFor(s);
    const first = await pushAll(ctx);
    const before = counts(s);
    const snapshot = JSON.stringify(s.all('Task'));

    // 1. The engine lost the links (crash before it stored them): everything is found again.
    expect(await pushAll(ctx)).toEqual(first);
    expect(counts(s)).toEqual(before);
    expect(JSON.stringify(s.all('Task'))).toBe(snapshot);

    // 2. With the links: nothing changed → no writes at all.
    s.requests.length = 0;
    expect(await pushAll(ctx, first)).toEqual(first);
    expect(s.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(counts(s)).toEqual(before);

    // 3. Local changes: a CRM value is never overwritten, an empty one is filled; the task is completed.
    s.update(first.ct_ann, { Title: 'VP Sales (edited in Salesforce)' });
    const annChanged = { ...ann, title: 'Chief Revenue Officer', phones: ['+14155550199'], updatedAt: '2026-01-08T00:00:00.000Z' };
    const boChanged = { ...bo, title: 'Buyer' };
    okIds(
      await sf.push(
        ctx,
        'contact',
        items(
          'contact',
          [annChanged, boChanged],
          { contacts: {}, companies: { co_acme: first.co_acme, co_globex: first.co_globex } },
          first,
        ),
      ),
    );
    expect(s.get(first.ct_ann)).toMatchObject({ Title: 'VP Sales (edited in Salesforce)', Phone: '+14155550101' });
    expect(s.get(first.ct_bo)).toMatchObject({ Title: 'Buyer' });
    okIds(
      await sf.push(
        ctx,
        'task',
        items(
          'task',
          [{ ...followUp, done: true, title: 'Send the 3-year quote (sent)' }],
          { contacts: { ct_ann: first.ct_ann }, companies: { co_acme: first.co_acme } },
          first,
        ),
      ),
    );
    expect(s.get(first.tk_follow)).toMatchObject({ Status: 'Completed', Subject: 'Send the 3-year quote (sent)', TaskSubtype: 'Task' });
    expect(counts(s)).toEqual(before);
  });

  it('no duplicates when answers are lost after the commit (seeded faults), retried like the engine does', async () => {
    const s = await sim({ faults: { dropAfterCommitRatio: 0.35, errorRatio: 0.15, seed: 20260105 } });
    const ctx = ctxFor(s, {}, { timeoutMs: 5000 });
    const people = Array.from({ length: 30 }, (_, i) =>
      contact({ id: `ct_f${i}`, name: `Fault Person${i}`, emails: i % 3 ? [`p${i}@faults.example`] : [], phones: [] }),
    );
    const logged = Array.from({ length: 20 }, (_, i) =>
      activity({ id: `ac_f${i}`, type: 'email', occurredAt: T0, subject: `Hello ${i % 4}`, body: `message ${i}` }),
    );
    let failures = 0;
    const pushUntilDone = async (kind: SyncKind, recs: (Contact | Activity)[]) => {
      let pending = items(kind, recs);
      const done: Record<string, string> = {};
      for (let attempt = 0; pending.length && attempt < 60; attempt++) {
        try {
          const outs = await sf.push(ctx, kind, pending);
          for (const o of outs) {
            if (o.ok) done[o.entryId] = o.remoteId;
            else expect.fail(`unexpected per-item error ${o.error.kind}: ${o.error.message}`);
          }
          pending = pending.filter((p) => !done[p.entryId]);
        } catch (e) {
          expect((e as ConnectorError).kind).toBe('transient');
          failures++;
        }
      }
      expect(pending).toEqual([]);
      return done;
    };
    await pushUntilDone('contact', people);
    await pushUntilDone('email', logged);
    expect(failures).toBeGreaterThan(3);
    expect(s.all('Contact')).toHaveLength(30);
    expect(s.all('Task')).toHaveLength(20);
    expect(new Set(s.all('Task').map((t) => t.Description)).size).toBe(20);
  });

  it('Lead mode: Company required (placeholder), WhatId never set on a lead’s task', async () => {
    const s = await sim();
    const ctx = ctxFor(s, { objectForPeople: 'Lead' });
    const [accId] = okIds(await sf.push(ctx, 'company', items('company', [acme])));
    const dee = contact({ id: 'ct_dee', name: 'Dee Lead', emails: ['dee@nowhere.example'], title: 'Founder' });
    const [leadId] = okIds(await sf.push(ctx, 'contact', items('contact', [dee, { ...ann }])));
    expect(leadId.startsWith('00Q')).toBe(true);
    expect(s.all('Lead').map((l) => pick(l, ['FirstName', 'LastName', 'Company', 'Email', 'Status']))).toEqual([
      { FirstName: 'Dee', LastName: 'Lead', Company: '[not provided]', Email: 'dee@nowhere.example', Status: 'Open - Not Contacted' },
      { FirstName: 'Ann', LastName: 'Lee', Company: 'Acme Corp', Email: 'ann.lee@acme.example', Status: 'Open - Not Contacted' },
    ]);
    const mail = activity({
      id: 'ac_lead',
      type: 'email',
      occurredAt: T0,
      subject: 'Hi',
      body: 'x',
      contactIds: ['ct_dee'],
      companyIds: ['co_acme'],
    });
    const [taskId] = okIds(
      await sf.push(ctx, 'email', items('email', [mail], { contacts: { ct_dee: leadId }, companies: { co_acme: accId } })),
    );
    expect(pick(s.get(taskId), ['WhoId', 'WhatId'])).toEqual({ WhoId: leadId, WhatId: null });
  });

  it('an activity whose contacts are not synced yet waits (not-found) instead of creating an orphan Task', async () => {
    const s = await sim();
    const outs = await sf.push(ctxFor(s), 'email', items('email', [thread[0]]));
    expect(outs[0].ok).toBe(false);
    if (!outs[0].ok) expect(outs[0].error.kind).toBe('not-found');
    expect(s.all('Task')).toEqual([]);
  });

  it('external id field configured: creates are native upserts keyed by the local id', async () => {
    const ext = 'Rapport_Id__c';
    const s = await sim({ externalIdFields: { Contact: [ext], Account: [ext], Task: [ext] } });
    const ctx = ctxFor(s, { externalIdField: ext });
    const a = await pushAll(ctx);
    const b = await pushAll(ctx); // lost links: upserts update the same records
    expect(b).toEqual(a);
    expect(counts(s)).toEqual({ Account: 3, Contact: 3, Lead: 0, Task: 5 });
    expect(s.get(a.ct_bo)?.[ext]).toBe('ct_bo');
    expect(s.get(a.ac_m2)?.[ext]).toBe('ac_m2');
    expect(s.requests.some((r) => r.method === 'PATCH' && r.path.endsWith(`/composite/sobjects/Task/${ext}`))).toBe(true);
    expect(s.requests.some((r) => r.query?.includes('FROM Task'))).toBe(false); // no marker look-up needed
  });

  it('more than 200 records: split into Collections calls of 200; long IN lists split into short queries', async () => {
    const s = await sim();
    const many = Array.from({ length: 450 }, (_, i) =>
      contact({ id: `ct_m${i}`, name: `Many Person${i}`, emails: [`a.rather.long.address.number.${i}@many-contacts.example`] }),
    );
    const ids = okIds(await sf.push(ctxFor(s), 'contact', items('contact', many)));
    expect(new Set(ids).size).toBe(450);
    expect(s.all('Contact')).toHaveLength(450);
    const posts = s.requests.filter((r) => r.method === 'POST');
    expect(posts.map((p) => (p.body as { records: unknown[] }).records.length)).toEqual([200, 200, 50]);
    const queries = s.requests.filter((r) => r.query);
    expect(queries.length).toBeGreaterThan(1);
    for (const q of queries) expect(encodeURIComponent(q.query!).length).toBeLessThan(12_000);
  });

  describe('errors are classified', () => {
    it('expired session → auth (401 INVALID_SESSION_ID)', async () => {
      const s = await sim();
      s.expireSessions();
      const e = await errorOf(sf.push(ctxFor(s), 'contact', items('contact', [ann])));
      expect([e.kind, e.status]).toEqual(['auth', 401]);
    });

    it('validation: per record (bad e-mail, task on a missing contact) next to a good record; whole request (unknown mapped field)', async () => {
      const s = await sim();
      const bad = contact({ id: 'ct_bad', name: 'Bad Mail', emails: ['ops@localhost'] });
      const outs = await sf.push(ctxFor(s), 'contact', items('contact', [ann, bad]));
      expect(outs[0].ok).toBe(true);
      expect(outs[1].ok).toBe(false);
      if (!outs[1].ok) {
        expect(outs[1].error.kind).toBe('validation');
        expect(outs[1].error.message).toContain('INVALID_EMAIL_ADDRESS');
      }
      const mapped = await errorOf(
        sf.push(
          ctxFor(s, {}, { fieldMapping: { linkedinUrl: 'LinkedIn__c' } }),
          'contact',
          items('contact', [{ ...ann, id: 'ct_ann2', emails: ['ann2@acme.example'], linkedinUrl: 'https://www.linkedin.com/in/ann/' }]),
        ),
      );
      expect([mapped.kind, mapped.status]).toEqual(['validation', 400]);
      expect(mapped.message).toContain('INVALID_FIELD');
      // A task pointing at a contact that no longer exists.
      const orphan = await sf.push(ctxFor(s), 'note', items('note', [note], { contacts: { ct_ann: '003Rs0000009999AAA' }, companies: {} }));
      expect(orphan[0].ok).toBe(false);
      if (!orphan[0].ok) expect(orphan[0].error.kind).toBe('validation');
    });

    it('the simulated org enforces what the connector relies on: required fields, no filtering on Description', async () => {
      const s = await sim();
      const api = new SfClient(fetch, s.url, 'sim-token', 'v62.0');
      const res = await api.collection('POST', [
        { attributes: { type: 'Contact' }, FirstName: 'No', Email: 'no.last@x.example' },
        { attributes: { type: 'Lead' }, LastName: 'Nocompany' },
        { attributes: { type: 'Lead' }, LastName: 'Fine', Company: 'Fine Co' },
      ]);
      expect(res.map((r) => (r.success ? 'ok' : `${r.errors[0].statusCode} ${r.errors[0].fields?.join(',')}`))).toEqual([
        'REQUIRED_FIELD_MISSING LastName',
        'REQUIRED_FIELD_MISSING Company',
        'ok',
      ]);
      expect(recordError(res[0].errors).kind).toBe('validation');
      const filtered = await errorOf(api.query("SELECT Id FROM Task WHERE Description LIKE '%[rapport:x]%'"));
      expect([filtered.kind, filtered.status]).toEqual(['validation', 400]);
      expect(filtered.message).toContain("field 'Description' can not be filtered");
      const malformed = await errorOf(api.query("SELECT Id FROM Contact WHERE Email = 'unterminated"));
      expect(malformed.message).toContain('MALFORMED_QUERY');
      const tooMany = await errorOf(
        api.request('POST', '/composite/sobjects', {
          allOrNone: false,
          records: Array.from({ length: 201 }, () => ({ attributes: { type: 'Account' }, Name: 'x' })),
        }),
      );
      expect(tooMany.message).toContain('EXCEEDED_ID_LIMIT');
    });

    it('duplicate rule: a same-e-mail contact created in between the look-up and the create → conflict', async () => {
      const s = await sim();
      let raced = false;
      const ctx = ctxFor(
        s,
        {},
        {
          before: (url, init) => {
            if (!raced && (init?.method ?? 'GET') === 'POST' && url.endsWith('/composite/sobjects')) {
              raced = true;
              s.insert('Contact', { LastName: 'Lee', Email: 'ANN.LEE@acme.example' });
            }
          },
        },
      );
      const [out] = await sf.push(ctx, 'contact', items('contact', [ann]));
      expect(out.ok).toBe(false);
      if (!out.ok) {
        expect(out.error.kind).toBe('conflict');
        expect(out.error.message).toContain('DUPLICATES_DETECTED');
      }
      // The engine's retry then finds and links it.
      const [again] = await sf.push(ctx, 'contact', items('contact', [ann]));
      expect(again.ok && again.remoteId).toBe(s.all('Contact')[0].Id);
    });

    it('500 → transient; a hung request → transient (timed out); REQUEST_LIMIT_EXCEEDED → rate-limit', async () => {
      const s = await sim();
      s.setFaults({ errorRatio: 1 });
      const e500 = await errorOf(sf.push(ctxFor(s), 'contact', items('contact', [ann])));
      expect([e500.kind, e500.status]).toEqual(['transient', 500]);
      expect(e500.message).toContain('UNKNOWN_EXCEPTION');

      s.setFaults({ hangRatio: 1 });
      const started = Date.now();
      const hang = await errorOf(sf.push(ctxFor(s, {}, { timeoutMs: 800 }), 'contact', items('contact', [ann])));
      expect(hang.kind).toBe('transient');
      expect(hang.message).toMatch(/timed out|abort/i);
      expect(Date.now() - started).toBeLessThan(5000);

      const limited = await sim({ dailyApiLimit: 3 });
      const ctx = ctxFor(limited);
      await sf.testConnection(ctx); // API call 1 (userinfo is not an API call)
      okIds(await sf.push(ctx, 'company', items('company', [globex]))); // look-up = call 2, create = call 3
      const e = await errorOf(sf.push(ctx, 'company', items('company', [acme]))); // call 4: over the allocation
      expect([e.kind, e.status]).toEqual(['rate-limit', 403]);
      expect(e.message).toContain('REQUEST_LIMIT_EXCEEDED');
    });
  });

  describe('archive (a person or company deleted in Rapport)', () => {
    it('deletes contacts and an account into the Recycle Bin; one already deleted counts as archived', async () => {
      const s = await sim();
      const acc = s.insert('Account', { Name: 'Umbrella' });
      const a = s.insert('Contact', { LastName: 'Alpha', AccountId: acc.Id });
      const b = s.insert('Contact', { LastName: 'Beta' });
      const kept = s.insert('Contact', { LastName: 'Kept' });
      const ctx = ctxFor(s);
      expect(await sf.archive!(ctx, 'contact', archiveRequests([a.Id, b.Id]))).toEqual([
        { remoteId: a.Id, ok: true },
        { remoteId: b.Id, ok: true },
      ]);
      expect(s.all('Contact').map((c) => c.Id)).toEqual([kept.Id]);
      expect(s.inRecycleBin(a.Id) && s.inRecycleBin(b.Id)).toBe(true);
      // Again (a retry after a lost answer): ENTITY_IS_DELETED is done, not an error.
      expect(await sf.archive!(ctx, 'contact', archiveRequests([a.Id]))).toEqual([{ remoteId: a.Id, ok: true }]);
      expect(await sf.archive!(ctx, 'company', archiveRequests([acc.Id]))).toEqual([{ remoteId: acc.Id, ok: true }]);
      expect(s.all('Account')).toEqual([]);
    });

    it('an account that still has contacts is not deleted (Salesforce would delete them with it)', async () => {
      const s = await sim();
      const busy = s.insert('Account', { Name: 'Busy' });
      const empty = s.insert('Account', { Name: 'Empty' });
      const person = s.insert('Contact', { LastName: 'Staying', AccountId: busy.Id });
      const [refused, done] = await sf.archive!(ctxFor(s), 'company', archiveRequests([busy.Id, empty.Id]));
      expect(refused).toMatchObject({ remoteId: busy.Id, ok: false, error: { kind: 'validation' } });
      expect(!refused.ok && refused.error.message).toContain("delete this account's 1 contact with it");
      expect(done).toEqual({ remoteId: empty.Id, ok: true });
      expect(s.all('Account').map((x) => x.Id)).toEqual([busy.Id]);
      expect(s.get(person.Id)).toBeDefined();
    });

    it('500 and a spent allocation fail the batch for a retry; a lost answer is done on the retry', async () => {
      const s = await sim();
      const c = s.insert('Contact', { LastName: 'Gamma' });
      s.setFaults({ errorRatio: 1 });
      expect(await errorOf(sf.archive!(ctxFor(s), 'contact', archiveRequests([c.Id])))).toMatchObject({ kind: 'transient', status: 500 });
      expect(s.get(c.Id)).toBeDefined();
      s.setFaults({ dropAfterCommitRatio: 1 });
      expect((await errorOf(sf.archive!(ctxFor(s), 'contact', archiveRequests([c.Id])))).kind).toBe('transient');
      expect(s.inRecycleBin(c.Id)).toBe(true); // deleted, the answer lost
      s.setFaults({});
      expect(await sf.archive!(ctxFor(s), 'contact', archiveRequests([c.Id]))).toEqual([{ remoteId: c.Id, ok: true }]);
      const limited = await sim({ dailyApiLimit: 0 });
      const d = limited.insert('Contact', { LastName: 'Delta' });
      expect(await errorOf(sf.archive!(ctxFor(limited), 'contact', archiveRequests([d.Id])))).toMatchObject({
        kind: 'rate-limit',
        status: 403,
      });
    });
  });

  it('lookupByEmail: owner, opportunities via OpportunityContactRole, record URL; leads with status; quoting', async () => {
    const s = await sim();
    const acc = s.insert('Account', { Name: 'Umbrella' });
    const c = s.insert('Contact', {
      FirstName: 'Owen',
      LastName: "O'Brien",
      Email: "o'brien@umbrella.example",
      Title: 'CTO',
      LeadSource: 'Web',
      AccountId: acc.Id,
    });
    const won = s.insert('Opportunity', {
      Name: 'Umbrella pilot',
      StageName: 'Closed Won',
      Amount: 12000,
      CloseDate: '2025-11-30',
      AccountId: acc.Id,
    });
    const open = s.insert('Opportunity', {
      Name: 'Umbrella rollout',
      StageName: 'Negotiation/Review',
      Amount: 50000,
      CloseDate: '2026-03-31',
      AccountId: acc.Id,
    });
    s.update(won.Id, { IsClosed: true });
    s.insert('OpportunityContactRole', { OpportunityId: won.Id, ContactId: c.Id, Role: 'Decision Maker' });
    s.insert('OpportunityContactRole', { OpportunityId: open.Id, ContactId: c.Id, Role: 'Decision Maker' });
    s.insert('Lead', {
      FirstName: 'Lena',
      LastName: 'Lead',
      Company: 'Lead Co',
      Email: 'lena@leadco.example',
      Status: 'Working - Contacted',
      LeadSource: 'Partner',
    });

    const ctx = ctxFor(s);
    expect(await sf.lookupByEmail!(ctx, "O'Brien@umbrella.example")).toEqual({
      remoteId: c.Id,
      url: `${s.url}/${c.Id}`,
      owner: 'Sim Admin',
      stage: 'Negotiation/Review',
      deals: [
        { name: 'Umbrella pilot', stage: 'Closed Won', amount: 12000 },
        { name: 'Umbrella rollout', stage: 'Negotiation/Review', amount: 50000 },
      ],
      fields: {
        object: 'Contact',
        Name: "Owen O'Brien",
        FirstName: 'Owen',
        LastName: "O'Brien",
        Email: "o'brien@umbrella.example",
        Title: 'CTO',
        LeadSource: 'Web',
        Account: 'Umbrella',
      },
    });
    const lead = await sf.lookupByEmail!(ctx, 'lena@leadco.example');
    expect(lead).toMatchObject({
      owner: 'Sim Admin',
      stage: 'Working - Contacted',
      fields: { object: 'Lead', Company: 'Lead Co', LeadSource: 'Partner', Status: 'Working - Contacted' },
    });
    expect(await sf.lookupByEmail!(ctx, "nobody\\'@x.example")).toBeNull();
    expect(s.requests.some((r) => r.status === 400)).toBe(false);
  });

  it('pull: everything first, then only what changed since the cursor; pages of 200 with same-second ties', async () => {
    const s = await sim();
    const acc = s.insert('Account', { Name: 'Pull Co' });
    const people = Array.from({ length: 230 }, (_, i) =>
      s.insert('Contact', {
        FirstName: 'P',
        LastName: `Person ${i}`,
        Email: `p${i}@pull.example`,
        Title: i === 0 ? 'Boss' : null,
        AccountId: acc.Id,
      }),
    );
    const ctx = ctxFor(s);
    const r1 = await sf.pull!(ctx, undefined);
    expect(r1.contacts).toHaveLength(200);
    expect(r1.more).toBe(true);
    const r2 = await sf.pull!(ctx, r1.cursor);
    expect(r2.more).toBe(false);
    const seen = [...r1.contacts, ...r2.contacts].map((c) => c.remoteId);
    expect(new Set(seen).size).toBe(230);
    expect(seen.sort()).toEqual(people.map((p) => p.Id).sort());
    expect(r1.contacts.find((c) => c.remoteId === people[0].Id)?.contact).toEqual({
      name: 'P Person 0',
      firstName: 'P',
      lastName: 'Person 0',
      emails: ['p0@pull.example'],
      phones: [],
      title: 'Boss',
      company: 'Pull Co',
    });

    expect((await sf.pull!(ctx, r2.cursor)).contacts).toEqual([]);
    s.advanceClock(5000);
    s.update(people[7].Id, { Title: 'Promoted' });
    const r3 = await sf.pull!(ctx, r2.cursor);
    expect(r3.contacts.map((c) => [c.remoteId, c.contact.title])).toEqual([[people[7].Id, 'Promoted']]);
    expect(s.requests.filter((r) => r.query?.includes('LastModifiedDate >')).length).toBeGreaterThan(0);
  });

  describe('OAuth web-server flow with PKCE', () => {
    const clientId = '3MVG9sim.rapport';
    const redirectUri = 'https://abcdefghijklmnop.chromiumapp.org/salesforce';

    it('authorize URL (S256 challenge) → code → tokens → API call; refresh rotates the refresh token', async () => {
      const s = await sim({ clients: [{ clientId, redirectUris: [redirectUri] }] });
      const { verifier, challenge } = await createPkcePair();
      expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(challenge).toBe(createHash('sha256').update(verifier).digest('base64url'));
      const state = createState();
      const url = new URL(buildAuthorizeUrl({ loginUrl: s.url, clientId, redirectUri, codeChallenge: challenge, state }));
      expect(url.origin + url.pathname).toBe(`${s.url}/services/oauth2/authorize`);
      expect(Object.fromEntries(url.searchParams)).toEqual({
        response_type: 'code',
        client_id: clientId,
        redirect_uri: redirectUri,
        code_challenge: challenge,
        code_challenge_method: 'S256',
        state,
        scope: 'api refresh_token',
      });
      expect(new URL(buildAuthorizeUrl({ clientId, redirectUri, codeChallenge: challenge, state })).origin).toBe(
        'https://login.salesforce.com',
      );

      // What launchWebAuthFlow would return: the redirect with code and state.
      const res = await fetch(url, { redirect: 'manual' });
      expect(res.status).toBe(302);
      const back = new URL(res.headers.get('location')!);
      expect(back.origin + back.pathname).toBe(redirectUri);
      expect(back.searchParams.get('state')).toBe(state);
      const code = back.searchParams.get('code')!;

      const tokens = await exchangeCode(fetch, { loginUrl: s.url, clientId, redirectUri, code, codeVerifier: verifier });
      expect(tokens.instanceUrl).toBe(s.url);
      expect(tokens.refreshToken).toBeTruthy();
      expect(await sf.testConnection(ctxFor(s, { accessToken: tokens.accessToken }))).toEqual({
        account: 'admin@sim-org.example (org 00DRs0000000001AAA)',
      });

      // A code works once.
      expect((await errorOf(exchangeCode(fetch, { loginUrl: s.url, clientId, redirectUri, code, codeVerifier: verifier }))).kind).toBe(
        'auth',
      );

      const refreshed = await refreshAccessToken(fetch, { loginUrl: s.url, clientId, refreshToken: tokens.refreshToken! });
      expect(refreshed.accessToken).not.toBe(tokens.accessToken);
      expect(refreshed.refreshToken).toBeTruthy();
      expect(refreshed.refreshToken).not.toBe(tokens.refreshToken);
      await sf.testConnection(ctxFor(s, { accessToken: refreshed.accessToken }));
      // Rotation: the old refresh token is dead.
      const reused = await errorOf(refreshAccessToken(fetch, { loginUrl: s.url, clientId, refreshToken: tokens.refreshToken! }));
      expect([reused.kind, reused.status]).toEqual(['auth', 400]);
      expect(reused.message).toContain('invalid_grant');
    });

    it('a wrong code verifier is refused', async () => {
      const s = await sim({ clients: [{ clientId, redirectUris: [redirectUri] }] });
      const { challenge } = await createPkcePair();
      const other = await createPkcePair();
      const res = await fetch(buildAuthorizeUrl({ loginUrl: s.url, clientId, redirectUri, codeChallenge: challenge, state: 'x' }), {
        redirect: 'manual',
      });
      const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
      const e = await errorOf(exchangeCode(fetch, { loginUrl: s.url, clientId, redirectUri, code, codeVerifier: other.verifier }));
      expect(e.kind).toBe('auth');
      expect(e.message).toContain('invalid code verifier');
    });
  });

  it('a first send of a task creates it without looking for an earlier attempt; a retry looks and finds it', async () => {
    const s = await sim();
    const ctx = ctxFor(s);
    const first = await pushAll(ctx);
    const linked: LinkedIds = { contacts: { ct_ann: first.ct_ann }, companies: { co_acme: first.co_acme } };
    const fresh = task({
      id: 'tk_fresh',
      title: 'Call back',
      dueAt: '2026-01-12T09:00:00.000Z',
      contactIds: ['ct_ann'],
      companyId: 'co_acme',
    });
    s.requests.length = 0;
    const [created] = okIds(
      await sf.push(
        ctx,
        'task',
        items('task', [fresh], linked).map((i) => ({ ...i, firstSend: true })),
      ),
    );
    expect(s.requests.filter((r) => r.query?.includes('FROM Task'))).toEqual([]);
    const before = counts(s);
    const [again] = okIds(await sf.push(ctx, 'task', items('task', [fresh], linked)));
    expect(again).toBe(created);
    expect(s.requests.some((r) => r.query?.includes('FROM Task'))).toBe(true);
    expect(counts(s)).toEqual(before);
  });

  it('declares its limits and origins', () => {
    const cfg = SalesforceConfig.parse({ instanceUrl: 'https://acme.my.salesforce.com', accessToken: 't' });
    expect(cfg).toMatchObject({ loginUrl: 'https://login.salesforce.com', apiVersion: 'v62.0', objectForPeople: 'Contact' });
    expect(sf.origins(cfg)).toEqual(['https://acme.my.salesforce.com/*', 'https://login.salesforce.com/*']);
    // Sign-in: the instance URL comes with the token answer, so any Salesforce host may be it;
    // a login URL elsewhere (proxy, test server) serves the API itself.
    expect(sf.oauth!.origins({ loginUrl: 'https://login.salesforce.com' })).toEqual([
      'https://login.salesforce.com/*',
      'https://*.salesforce.com/*',
    ]);
    expect(sf.oauth!.origins({ loginUrl: 'https://sso.example.org' })).toEqual(['https://sso.example.org/*']);
    expect(sf.batchSize.contact).toBe(200);
    expect(sf.rateLimit).toEqual({ requests: 25, intervalMs: 1000 });
  });
});

afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
});
