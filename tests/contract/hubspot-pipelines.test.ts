// Contract: pipeline items against the simulated HubSpot (decision 0054): the portal's pipelines for
// the mapping, deals and tickets with their pipeline, stage and associations, stage moves in place,
// exactly once under lost answers, archives, and the pull of deals and tickets changed there.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hubspotConnector, type HubspotConfig } from '../../connectors/hubspot';
import type { ConnectorContext, ItemSyncKind, PipelineMapping, PushItem } from '../../connectors/types';
import { defaultPipelines } from '../../storage/pipeline-logic';
import type { Pipeline, PipelineItem } from '../../storage/schema';
import { startHubspotSim, type HubspotSim, type HubspotSimOptions } from '../sims/hubspot';
import { Links, T0, archiveRequests, company, contact, fetchWithTimeout, push } from '../sims/test-engine';

const TOKEN = 'hs-pipelines-token';
const sims: HubspotSim[] = [];
async function sim(options: HubspotSimOptions = {}): Promise<HubspotSim> {
  const s = await startHubspotSim({ tokens: [TOKEN], ...options });
  sims.push(s);
  return s;
}
afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
});

function ctxFor(s: HubspotSim, config: Partial<HubspotConfig> = {}, pipelineMapping?: PipelineMapping): ConnectorContext<HubspotConfig> {
  return {
    config: { accessToken: TOKEN, baseUrl: s.url, ...config },
    fetch: fetchWithTimeout(3000),
    fieldMapping: {},
    ...(pipelineMapping ? { pipelineMapping } : {}),
  };
}

const [SALES, , SERVICE] = defaultPipelines(T0);

function item(id: string, pipeline: Pipeline, fields: Partial<PipelineItem>): PipelineItem {
  return {
    id,
    createdAt: T0,
    updatedAt: T0,
    sources: [],
    pipelineId: pipeline.id,
    stageId: pipeline.stages[0].id,
    title: '',
    contactIds: [],
    threadIds: [],
    stageEnteredAt: T0,
    ...fields,
  };
}

let seq = 0;
/** Push items as the engine hands them over: with their pipeline, the links known so far. */
async function pushItems(
  ctx: ConnectorContext<HubspotConfig>,
  kind: ItemSyncKind,
  records: PipelineItem[],
  links: Links,
  opts: { firstSend?: boolean; useRemoteIds?: boolean } = {},
) {
  const pipelines = new Map([SALES, SERVICE].map((p) => [p.id, p]));
  const batch: PushItem[] = records.map((record) => {
    const remoteId = opts.useRemoteIds ? links.other[record.id] : undefined;
    const n = ++seq;
    return {
      entryId: `out_${record.id}_${n}`,
      changeId: `chg_${record.id}_${n}`,
      item: { kind, record, pipeline: pipelines.get(record.pipelineId)! },
      ...(remoteId ? { remoteId } : {}),
      ...(opts.firstSend && !remoteId ? { firstSend: true } : {}),
      linked: { contacts: { ...links.contacts }, companies: { ...links.companies } },
    };
  });
  const outcomes = await hubspotConnector.push(ctx, kind, batch);
  for (const o of outcomes) if (o.ok) links.record(kind, batch.find((b) => b.entryId === o.entryId)!.item.record.id, o.remoteId);
  return outcomes;
}

/** What the engine does with failures: retry thrown transient/rate-limit errors and such outcomes, never a first send twice. */
async function pushUntilDone(ctx: ConnectorContext<HubspotConfig>, kind: ItemSyncKind, rec: PipelineItem, links: Links): Promise<number> {
  let attempts = 0;
  while (!links.other[rec.id]) {
    if (++attempts > 20) throw new Error('gave up');
    try {
      const [o] = await pushItems(ctx, kind, [rec], links, { firstSend: attempts === 1, useRemoteIds: true });
      if (!o.ok && !['transient', 'rate-limit'].includes(o.error.kind)) throw o.error;
    } catch (err) {
      if (!['transient', 'rate-limit'].includes((err as { kind?: string }).kind ?? '')) throw err;
    }
  }
  return attempts;
}

const ana = contact('ct_ana', { name: 'Ana Núñez', emails: ['ana@globex.es'] });
const acme = company('co_acme', { name: 'Acme', domain: 'acme.example' });

describe('HubSpot: pipelines, deals and tickets', () => {
  let hs: HubspotSim;
  let ctx: ConnectorContext<HubspotConfig>;
  const links = new Links();
  beforeAll(async () => {
    hs = await sim({ customProperties: { deals: ['rapport_id'], tickets: ['rapport_id'] } });
    ctx = ctxFor(hs, { rapportIdProperty: 'rapport_id' });
    await push(hubspotConnector, ctx, 'company', [acme], links);
    await push(hubspotConnector, ctx, 'contact', [ana], links);
  });
  afterEach(() => hs.faults.clear());

  it('lists the deal and ticket pipelines with their stages, closed won/lost/resolved from the metadata', async () => {
    const deals = await hubspotConnector.listPipelines!(ctx, 'deal');
    expect(deals.map((p) => p.id)).toEqual(['default']);
    expect(deals[0].stages.map((s) => s.id)).toEqual([
      'appointmentscheduled',
      'qualifiedtobuy',
      'presentationscheduled',
      'decisionmakerboughtin',
      'contractsent',
      'closedwon',
      'closedlost',
    ]);
    expect(deals[0].stages.at(-2)).toMatchObject({ closed: 'won', probability: 1 });
    expect(deals[0].stages.at(-1)).toMatchObject({ closed: 'lost', probability: 0 });
    expect(deals[0].stages[0].closed).toBeUndefined();
    const tickets = await hubspotConnector.listPipelines!(ctx, 'case');
    expect(tickets).toEqual([
      {
        id: '0',
        label: 'Support Pipeline',
        stages: [
          { id: '1', label: 'New' },
          { id: '2', label: 'Waiting on contact' },
          { id: '3', label: 'Waiting on us' },
          { id: '4', label: 'Closed', closed: 'resolved' },
        ],
      },
    ]);
    expect(await hubspotConnector.listPipelines!(ctx, 'candidate')).toEqual([]);
  });

  it('a deal lands in the mapped pipeline and stage with amount, currency, close date and its contact and company; a move updates it in place', async () => {
    const deal = item('it_deal', SALES, {
      title: 'Acme renewal',
      stageId: 'proposal',
      amount: 12000,
      currency: 'EUR',
      closeDate: '2026-03-31T00:00:00.000Z',
      contactIds: ['ct_ana'],
      companyId: 'co_acme',
    });
    const [o] = await pushItems(ctx, 'deal', [deal], links, { firstSend: true });
    expect(o.ok).toBe(true);
    const remote = () => hs.state.deals.get(links.other.it_deal)!.properties;
    expect(remote()).toMatchObject({
      dealname: 'Acme renewal',
      pipeline: 'default',
      dealstage: 'presentationscheduled',
      amount: '12000',
      deal_currency_code: 'EUR',
      rapport_id: 'it_deal',
    });
    expect(Date.parse(remote().closedate)).toBe(Date.parse('2026-03-31T00:00:00.000Z'));
    expect(hs.associationsOf('deals', links.other.it_deal, 'contacts')).toEqual([{ toId: links.contacts.ct_ana, typeIds: [3] }]);
    expect(hs.associationsOf('deals', links.other.it_deal, 'companies')).toEqual([{ toId: links.companies.co_acme, typeIds: [341] }]);

    await pushItems(ctx, 'deal', [{ ...deal, stageId: 'won' }], links, { useRemoteIds: true });
    expect(remote().dealstage).toBe('closedwon');
    expect(hs.list('deals')).toHaveLength(1);
  });

  it('the user’s mapping decides the stage; a pipeline mapped to “Don’t sync” is refused', async () => {
    const mapped = ctxFor(
      hs,
      { rapportIdProperty: 'rapport_id' },
      {
        pl_sales: { remotePipelineId: 'default', stages: { lead: 'contractsent' } },
        pl_service: null,
      },
    );
    const deal = item('it_mapped', SALES, { title: 'Mapped', stageId: 'lead', contactIds: ['ct_ana'] });
    expect((await pushItems(mapped, 'deal', [deal], links, { firstSend: true }))[0].ok).toBe(true);
    expect(hs.state.deals.get(links.other.it_mapped)!.properties.dealstage).toBe('contractsent');
    const kase = item('it_nope', SERVICE, { title: 'Not here', contactIds: ['ct_ana'] });
    const [refused] = await pushItems(mapped, 'case', [kase], links, { firstSend: true });
    expect(refused.ok).toBe(false);
    expect(hs.list('tickets').filter((t) => t.properties.subject === 'Not here')).toHaveLength(0);
  });

  it('a case becomes a ticket: subject, content, priority, category, pipeline 0 and its stage; associations 16 and 339', async () => {
    const kase = item('it_case', SERVICE, {
      title: 'Broken invoice',
      notes: 'Customer is upset',
      stageId: 'new',
      priority: 'urgent',
      category: 'complaint',
      contactIds: ['ct_ana'],
      companyId: 'co_acme',
    });
    expect((await pushItems(ctx, 'case', [kase], links, { firstSend: true }))[0].ok).toBe(true);
    const remote = () => hs.state.tickets.get(links.other.it_case)!.properties;
    expect(remote()).toMatchObject({
      subject: 'Broken invoice',
      content: 'Customer is upset',
      hs_pipeline: '0',
      hs_pipeline_stage: '1',
      hs_ticket_priority: 'URGENT',
      hs_ticket_category: 'PRODUCT_ISSUE',
      rapport_id: 'it_case',
    });
    expect(hs.associationsOf('tickets', links.other.it_case, 'contacts')).toEqual([{ toId: links.contacts.ct_ana, typeIds: [16] }]);
    expect(hs.associationsOf('tickets', links.other.it_case, 'companies')).toEqual([{ toId: links.companies.co_acme, typeIds: [339] }]);
    await pushItems(ctx, 'case', [{ ...kase, stageId: 'resolved' }], links, { useRemoteIds: true });
    expect(remote().hs_pipeline_stage).toBe('4');
  });

  it('a create whose answer was lost (after a 429 and a 500) is found on retry: one deal, one ticket', async () => {
    const deal = item('it_lost', SALES, { title: 'Lost answer', contactIds: ['ct_ana'] });
    hs.faults.failNext('rate429');
    hs.faults.failNext('error500');
    hs.faults.failNextOn('lostResponse', /deals\/batch\/create/);
    expect(await pushUntilDone(ctx, 'deal', deal, links)).toBeGreaterThan(1);
    expect(hs.list('deals').filter((d) => d.properties.rapport_id === 'it_lost')).toHaveLength(1);
    expect(hs.associationsOf('deals', links.other.it_lost, 'contacts')).toHaveLength(1);

    const kase = item('it_lost_case', SERVICE, { title: 'Lost ticket', contactIds: ['ct_ana'] });
    hs.faults.failNextOn('lostResponse', /tickets\/batch\/create/);
    expect(await pushUntilDone(ctx, 'case', kase, links)).toBe(2);
    expect(hs.list('tickets').filter((d) => d.properties.subject === 'Lost ticket')).toHaveLength(1);
  });

  it('pull: deals and tickets changed there since the cursor, with stage, pipeline, amount and the Rapport id; the cursor moves on', async () => {
    const first = await hubspotConnector.pull!(ctx, undefined, { items: ['deal', 'case'] });
    const deal = first.items!.find((i) => i.remoteId === links.other.it_deal)!;
    expect(deal).toMatchObject({
      kind: 'deal',
      remotePipelineId: 'default',
      remoteStageId: 'closedwon',
      amount: 12000,
      currency: 'EUR',
      localId: 'it_deal',
    });
    expect(first.items!.find((i) => i.remoteId === links.other.it_case)).toMatchObject({
      kind: 'case',
      remotePipelineId: '0',
      remoteStageId: '4',
    });
    let cursor = first.cursor;
    for (let more = first.more; more;) ({ cursor, more } = await hubspotConnector.pull!(ctx, cursor, { items: ['deal', 'case'] }));
    expect((await hubspotConnector.pull!(ctx, cursor, { items: ['deal', 'case'] })).items ?? []).toEqual([]);
    await new Promise((r) => setTimeout(r, 5));
    hs.update('deals', links.other.it_deal, { dealstage: 'contractsent' });
    const next = await hubspotConnector.pull!(ctx, cursor, { items: ['deal', 'case'] });
    expect(next.items).toEqual([expect.objectContaining({ remoteId: links.other.it_deal, remoteStageId: 'contractsent' })]);
    // Without `items`, no deal or ticket is read.
    expect((await hubspotConnector.pull!(ctx, undefined)).items).toBeUndefined();
  });

  it('archives deals and tickets with batch/archive; an id already gone counts as archived', async () => {
    const out = await hubspotConnector.archive!(ctx, 'deal', archiveRequests([links.other.it_mapped, '999999']));
    expect(out.every((o) => o.ok)).toBe(true);
    expect(hs.state.deals.get(links.other.it_mapped)!.archived).toBe(true);
    expect((await hubspotConnector.archive!(ctx, 'case', archiveRequests([links.other.it_case])))[0].ok).toBe(true);
    expect(hs.state.tickets.get(links.other.it_case)!.archived).toBe(true);
  });
});

describe('HubSpot: deals without the unique Rapport-id property', () => {
  it('a lost create is found through the contact’s deals (name and associations), even before search sees it', async () => {
    // No crm.schemas.* scopes: Rapport cannot make its unique property.
    const hs = await sim({ searchIndexLagMs: 60_000, scopes: { [TOKEN]: ['crm.objects.contacts.write', 'crm.objects.deals.write'] } });
    const ctx = ctxFor(hs);
    const links = new Links();
    await push(hubspotConnector, ctx, 'contact', [ana], links);
    const deal = item('it_plain', SALES, { title: 'Plain deal', contactIds: ['ct_ana'] });
    hs.faults.failNextOn('lostResponse', /deals\/batch\/create/);
    expect(await pushUntilDone(ctx, 'deal', deal, links)).toBe(2);
    expect(hs.list('deals')).toHaveLength(1);
    expect(hs.list('deals')[0].properties.rapport_id).toBeUndefined();
  });
});
