// Contract: a retried person or organization is found even while Pipedrive's search index has not caught
// up with its create (the search is eventually consistent), so a lost answer never becomes a duplicate.
import { afterAll, describe, expect, it } from 'vitest';
import { pipedriveConnector, type PipedriveConfig } from '../../connectors/pipedrive';
import type { ConnectorContext } from '../../connectors/types';
import { startPipedriveSim, type PipedriveSim, type PipedriveSimOptions } from '../sims/pipedrive';
import {
  Links,
  activity,
  company,
  connectorError,
  contact,
  fetchWithTimeout,
  push,
  syncUntilDone,
  task,
  type Rec,
} from '../sims/test-engine';

const TOKEN = 'pd-exact-token';
const LAG_MS = 1500;

const sims: PipedriveSim[] = [];
async function sim(options: PipedriveSimOptions = {}): Promise<PipedriveSim> {
  const s = await startPipedriveSim({
    tokens: [TOKEN],
    rateLimit: { requests: 100_000, intervalMs: 2000 },
    searchRateLimit: { requests: 100_000, intervalMs: 2000 },
    searchIndexLagMs: LAG_MS,
    ...options,
  });
  sims.push(s);
  return s;
}
afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
});

function ctxFor(s: PipedriveSim, timeoutMs = 5000): ConnectorContext<PipedriveConfig> {
  return {
    config: { apiToken: TOKEN, companyDomain: 'rapport-test', baseUrl: s.url, plan: 'enterprise' },
    fetch: fetchWithTimeout(timeoutMs),
    fieldMapping: { ...pipedriveConnector.defaultFieldMapping },
  };
}

async function lostThenRetried(
  s: PipedriveSim,
  ctx: ConnectorContext<PipedriveConfig>,
  kind: 'company' | 'contact',
  record: Rec,
  links: Links,
) {
  s.faults.failNextOn('lostResponse', /^POST \/api\/v2\/(persons|organizations)$/);
  expect(await connectorError(push(pipedriveConnector, ctx, kind, [record], links, { firstSend: true }))).toMatchObject({
    kind: 'transient',
  });
  const [o] = await push(pipedriveConnector, ctx, kind, [record], links);
  expect(o.ok).toBe(true);
}

describe('Pipedrive connector — search lag', () => {
  it('a person or organization whose create answer was lost, retried at once (search has not caught up), is found, not made twice', async () => {
    const pd = await sim();
    const ctx = ctxFor(pd);
    const links = new Links();
    await lostThenRetried(pd, ctx, 'company', company('co_lag', { name: 'Lagging Industries' }), links);
    await lostThenRetried(
      pd,
      ctx,
      'contact',
      contact('ct_lag', { name: 'Léa Lag', emails: ['lea@lagging.example'], companyId: 'co_lag' }),
      links,
    );
    await lostThenRetried(pd, ctx, 'contact', contact('ct_lag_noemail', { name: 'Noé Sans-Courriel' }), links);
    expect(pd.organizations()).toHaveLength(1);
    expect(pd.persons()).toHaveLength(2);
    expect(pd.persons().map((p) => p.id)).toEqual(
      expect.arrayContaining([Number(links.contacts.ct_lag), Number(links.contacts.ct_lag_noemail)]),
    );
  });

  it('under random faults (lost answers, 500s, 429s) with the index lagging, converges to exactly one record per local record', async () => {
    const pd = await sim({ faults: { lostResponse: 0.12, error500: 0.1, rate429: 0.05, retryAfterSeconds: 0, seed: 8 } });
    const ctx = ctxFor(pd, 2000);
    const links = new Links();
    const orgs = Array.from({ length: 4 }, (_, i) => company(`co_s${i}`, { name: `Soak Org ${i}` }));
    const people = Array.from({ length: 16 }, (_, i) =>
      contact(`ct_s${i}`, {
        name: `Soak Person ${i}`,
        emails: i % 4 === 3 ? [] : [`soak${i}@org${i % 4}.example`],
        companyId: `co_s${i % 4}`,
      }),
    );
    const notes = people.map((p, i) => activity(`nt_s${i}`, { type: 'note', contactIds: [p.id], body: `Met ${p.name}` }));
    // The same "Follow up" task, due at the same time, for every person: never merged.
    const tasks = people.map((p, i) => task(`tk_s${i}`, { title: 'Follow up', dueAt: '2026-02-02T09:00:00.000Z', contactIds: [p.id] }));
    await syncUntilDone(pipedriveConnector, ctx, 'company', orgs, links, 1);
    await syncUntilDone(pipedriveConnector, ctx, 'contact', people, links, 1);
    await syncUntilDone(pipedriveConnector, ctx, 'note', notes, links, 1);
    await syncUntilDone(pipedriveConnector, ctx, 'task', tasks, links, 1);
    expect(pd.counters.faults.lostResponse).toBeGreaterThan(0);
    expect(pd.organizations()).toHaveLength(orgs.length);
    expect(pd.persons()).toHaveLength(people.length);
    expect(pd.notes()).toHaveLength(notes.length);
    expect(pd.activities()).toHaveLength(tasks.length);
    for (const t of tasks) {
      const act = pd.activities().find((a) => a.id === Number(links.other[t.id]))!;
      expect(act.participants.map((x) => x.person_id)).toEqual([Number(links.contacts[t.contactIds[0]])]);
    }
  });
});
