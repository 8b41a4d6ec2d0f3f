// Contract: pipeline items as Pipedrive deals (issue 18 item 5) against the simulated Pipedrive API:
// stages from the mapping or by name, moves, won/lost, exactly once under lost answers and 429s,
// deletes, the pipelines listed for the mapping, and stage changes made in Pipedrive pulled back.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pipedriveConnector, type PipedriveConfig } from '../../connectors/pipedrive';
import type { ConnectorContext, PipelineMapping, PushItem, PushOutcome } from '../../connectors/types';
import { defaultPipelines } from '../../storage/pipeline-logic';
import type { Pipeline, PipelineItem } from '../../storage/schema';
import { startPipedriveSim, type PipedriveSim } from '../sims/pipedrive';
import { Links, T0, company, connectorError, contact, fetchWithTimeout, push, rateLimitedFetch } from '../sims/test-engine';

const TOKEN = 'pd-pipelines-token';
let pd: PipedriveSim;
let ctx: ConnectorContext<PipedriveConfig>;
const links = new Links();
const sales = defaultPipelines(T0)[0];

beforeAll(async () => {
  pd = await startPipedriveSim({ tokens: [TOKEN] });
  const config: PipedriveConfig = { apiToken: TOKEN, companyDomain: 'rapport-test', baseUrl: pd.url, plan: 'essential' };
  ctx = {
    config,
    // Under the plan's 20 / 2 s with room: on a loaded machine requests reach the simulator bunched.
    fetch: rateLimitedFetch(fetchWithTimeout(3000), { requests: 16, intervalMs: 2000 }),
    fieldMapping: { ...pipedriveConnector.defaultFieldMapping },
  };
  await push(pipedriveConnector, ctx, 'company', [company('co_globex', { name: 'Globex' })], links);
  await push(pipedriveConnector, ctx, 'contact', [contact('ct_ana', { name: 'Ana Núñez', emails: ['ana@globex.es'] })], links);
});
afterAll(() => pd.close());
afterEach(() => pd.faults.clear());

function deal(id: string, stageId: string, fields: Partial<PipelineItem> = {}): PipelineItem {
  return {
    id,
    createdAt: T0,
    updatedAt: T0,
    sources: [{ type: 'manual', at: T0 }],
    pipelineId: sales.id,
    stageId,
    title: `Deal ${id}`,
    contactIds: ['ct_ana'],
    companyId: 'co_globex',
    threadIds: [],
    stageEnteredAt: T0,
    ...fields,
  };
}

let seq = 0;
async function pushDeal(
  rec: PipelineItem,
  opts: { mapping?: PipelineMapping; firstSend?: boolean; pipeline?: Pipeline } = {},
): Promise<PushOutcome> {
  const remoteId = links.other[rec.id];
  const item: PushItem = {
    entryId: `out_deal_${rec.id}_${++seq}`,
    changeId: `chg_deal_${rec.id}_${seq}`,
    item: { kind: 'deal', record: rec, pipeline: opts.pipeline ?? sales },
    ...(remoteId ? { remoteId } : {}),
    ...(opts.firstSend && !remoteId ? { firstSend: true } : {}),
    linked: { contacts: { ...links.contacts }, companies: { ...links.companies } },
  };
  const [out] = await pipedriveConnector.push({ ...ctx, pipelineMapping: opts.mapping }, 'deal', [item]);
  if (out.ok) links.record('deal', rec.id, out.remoteId);
  return out;
}
const dealOf = (localId: string) => pd.deals().find((d) => d.id === Number(links.other[localId]));

describe('Pipedrive: the pipelines listed for the mapping', () => {
  it('deals: each pipeline with its stages in order and their probabilities, then Won and Lost; no tickets', async () => {
    const [pipeline] = await pipedriveConnector.listPipelines!(ctx, 'deal');
    expect(pipeline).toMatchObject({ id: '1', label: 'Pipeline' });
    expect(pipeline.stages).toEqual([
      { id: '1', label: 'Qualified', probability: 0.1 },
      { id: '2', label: 'Contact Made', probability: 0.2 },
      { id: '3', label: 'Proposal Made', probability: 0.5 },
      { id: '4', label: 'Negotiations Started', probability: 0.8 },
      { id: 'won', label: 'Won', probability: 1, closed: 'won' },
      { id: 'lost', label: 'Lost', probability: 0, closed: 'lost' },
    ]);
    expect(await pipedriveConnector.listPipelines!(ctx, 'case')).toEqual([]);
    expect(pipedriveConnector.capabilities).toMatchObject({ deals: true, cases: false, candidates: false });
  });
});

describe('Pipedrive: deals', () => {
  it('creates the deal at the mapped stage with its value, currency, close date, person and organization; a move moves it', async () => {
    const mapping: PipelineMapping = { pl_sales: { remotePipelineId: '1', stages: { lead: '2', proposal: '4' } } };
    const rec = deal('it_map', 'lead', { amount: 12000, currency: 'EUR', closeDate: '2026-03-31', title: 'Globex renewal' });
    expect((await pushDeal(rec, { mapping, firstSend: true })).ok).toBe(true);
    expect(dealOf('it_map')).toMatchObject({
      title: 'Globex renewal',
      pipeline_id: 1,
      stage_id: 2,
      status: 'open',
      value: 12000,
      currency: 'EUR',
      expected_close_date: '2026-03-31',
      person_id: Number(links.contacts.ct_ana),
      org_id: Number(links.companies.co_globex),
      origin_id: 'rapport:it_map',
    });
    expect((await pushDeal({ ...rec, stageId: 'proposal' }, { mapping })).ok).toBe(true);
    expect(dealOf('it_map')).toMatchObject({ stage_id: 4, status: 'open' });
    expect(pd.deals()).toHaveLength(1);
  });

  it('without a mapping: the pipeline and the stages of the same name, else the default pipeline and a stage by category and order', async () => {
    const at = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    pd.state.pipelines.set(50, {
      id: 50,
      name: 'Sales',
      order_nr: 1,
      is_deleted: false,
      is_deal_probability_enabled: true,
      add_time: at,
      update_time: at,
    });
    for (const [id, name] of [
      [51, 'Lead'],
      [52, 'Demo'],
    ] as const)
      pd.state.stages.set(id, {
        id,
        name,
        order_nr: id,
        pipeline_id: 50,
        deal_probability: 20,
        is_deleted: false,
        add_time: at,
        update_time: at,
      });
    try {
      expect((await pushDeal(deal('it_name', 'lead'), { firstSend: true })).ok).toBe(true);
      expect(dealOf('it_name')).toMatchObject({ pipeline_id: 50, stage_id: 51 });
      // "Qualified" is not in Pipedrive's "Sales": the second open stage there.
      expect((await pushDeal(deal('it_name', 'qualified'))).ok).toBe(true);
      expect(dealOf('it_name')).toMatchObject({ pipeline_id: 50, stage_id: 52 });
    } finally {
      pd.state.pipelines.delete(50);
      pd.state.stages.delete(51);
      pd.state.stages.delete(52);
    }
    // Now no "Sales" pipeline: Pipedrive's default one, "Proposal" → "Proposal Made", "Negotiation" → the fourth open stage.
    expect((await pushDeal(deal('it_name', 'proposal'))).ok).toBe(true);
    expect(dealOf('it_name')).toMatchObject({ pipeline_id: 1, stage_id: 3 });
    expect((await pushDeal(deal('it_name', 'negotiation'))).ok).toBe(true);
    expect(dealOf('it_name')).toMatchObject({ pipeline_id: 1, stage_id: 4 });
  });

  it('won and lost are the status (with the lost reason); moving back to an open stage reopens it', async () => {
    const rec = deal('it_close', 'negotiation');
    expect((await pushDeal(rec, { firstSend: true })).ok).toBe(true);
    expect((await pushDeal({ ...rec, stageId: 'won' })).ok).toBe(true);
    expect(dealOf('it_close')).toMatchObject({ status: 'won', stage_id: 4 });
    expect((await pushDeal({ ...rec, stageId: 'lost', lostReason: 'Chose a competitor' })).ok).toBe(true);
    expect(dealOf('it_close')).toMatchObject({ status: 'lost', lost_reason: 'Chose a competitor' });
    expect((await pushDeal({ ...rec, stageId: 'qualified' })).ok).toBe(true);
    expect(dealOf('it_close')).toMatchObject({ status: 'open', stage_id: 1, lost_reason: null });
  });

  it('a create whose answer was lost, retried after a 429 and a 500, leaves one deal', async () => {
    const rec = deal('it_lost', 'qualified');
    pd.faults.set({ retryAfterSeconds: 3 });
    pd.faults.failNextOn('lostResponse', /^POST \/api\/v2\/deals$/);
    expect((await connectorError(pushDeal(rec, { firstSend: true }))).kind).toBe('transient');
    pd.faults.failNextOn('rate429', /^GET \/api\/v2\/deals$/);
    expect(await connectorError(pushDeal(rec))).toMatchObject({ kind: 'rate-limit', retryAfterMs: 3000 });
    pd.faults.failNextOn('error500', /^GET \/api\/v2\/deals$/);
    expect((await connectorError(pushDeal(rec))).kind).toBe('transient');
    expect((await pushDeal({ ...rec, stageId: 'proposal' })).ok).toBe(true);
    const mine = pd.deals().filter((d) => d.origin_id === 'rapport:it_lost');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ id: Number(links.other.it_lost), stage_id: 3 });
  });

  it('a deal whose people are not in Pipedrive yet waits for them', async () => {
    const out = await pushDeal(deal('it_wait', 'lead', { contactIds: ['ct_unsynced'], companyId: undefined }));
    expect(out.ok ? undefined : out.error.kind).toBe('not-found');
    expect(pd.deals().filter((d) => d.origin_id === 'rapport:it_wait')).toHaveLength(0);
  });

  it('deleted here: the deal is deleted there (restorable 30 days); one already gone counts as deleted', async () => {
    const rec = deal('it_del', 'lead');
    expect((await pushDeal(rec, { firstSend: true })).ok).toBe(true);
    const remoteId = links.other.it_del;
    const req = { remoteId, localId: 'it_del', changeId: 'chg_del', requestedAt: T0 };
    expect(await pipedriveConnector.archive!(ctx, 'deal', [req])).toEqual([{ remoteId, ok: true }]);
    expect(dealOf('it_del')).toBeUndefined();
    expect(pd.state.deals.get(Number(remoteId))?.is_deleted).toBe(true);
    expect(await pipedriveConnector.archive!(ctx, 'deal', [req])).toEqual([{ remoteId, ok: true }]);
    expect(pipedriveConnector.archivable).toContain('deal');
  });
});

describe('Pipedrive: pulling deals', () => {
  it('brings deals changed since the cursor where they stand; a stage change and a win made in Pipedrive come back', async () => {
    const theirs = pd.createDeal({
      title: 'Made in Pipedrive',
      stage_id: 2,
      value: 500,
      currency: 'USD',
      person_id: Number(links.contacts.ct_ana),
    });
    expect((await pipedriveConnector.pull!(ctx, undefined)).items).toBeUndefined();
    const first = await pipedriveConnector.pull!(ctx, undefined, { items: ['deal'] });
    expect(first.items!.find((i) => i.remoteId === String(theirs.id))).toMatchObject({
      kind: 'deal',
      remotePipelineId: '1',
      remoteStageId: '2',
      title: 'Made in Pipedrive',
      amount: 500,
      currency: 'USD',
    });
    expect(first.items!.find((i) => i.remoteId === links.other.it_map)).toMatchObject({ localId: 'it_map', remoteStageId: '4' });
    expect(first.items!.map((i) => i.remoteId)).not.toContain(links.other.it_del);

    const quiet = await pipedriveConnector.pull!(ctx, first.cursor, { items: ['deal'] });
    expect(quiet.items).toEqual([]);
    const later = (s: number) => new Date(Date.now() + s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    pd.updateDeal(theirs.id, { stage_id: 3, update_time: later(2) });
    const moved = await pipedriveConnector.pull!(ctx, quiet.cursor, { items: ['deal'] });
    expect(moved.items).toEqual([expect.objectContaining({ remoteId: String(theirs.id), remoteStageId: '3' })]);
    pd.updateDeal(theirs.id, { status: 'won', update_time: later(4) });
    const won = await pipedriveConnector.pull!(ctx, moved.cursor, { items: ['deal'], tasks: true });
    expect(won.items).toEqual([expect.objectContaining({ remoteId: String(theirs.id), remoteStageId: 'won' })]);
  });
});
