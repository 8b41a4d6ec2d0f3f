// Contract: pipeline items as Salesforce Opportunities (with contact roles) and Cases (issue 18 item
// 5) against the simulated org: stages as picklist values from the mapping or by name, moves,
// won/lost, exactly once under lost answers and 500s, deletes, the stage picklists listed for the
// mapping, multiple currencies, and stage changes made in Salesforce pulled back.
import { afterEach, describe, expect, it } from 'vitest';
import { SalesforceConfig, salesforceConnector as sf } from '../../connectors/salesforce';
import type { ConnectorContext, LinkedIds, PipelineMapping, PushItem, PushOutcome } from '../../connectors/types';
import { defaultPipelines } from '../../storage/pipeline-logic';
import type { Contact, PipelineItem } from '../../storage/schema';
import { startSalesforceSim, type SalesforceSim, type SalesforceSimOptions } from '../sims/salesforce';

const T0 = '2026-01-05T10:00:00.000Z';
const base = { createdAt: T0, updatedAt: T0, sources: [{ type: 'manual' as const, at: T0 }] };
const [sales, , service] = defaultPipelines(T0);

let sims: SalesforceSim[] = [];
afterEach(async () => {
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
});

async function org(options: SalesforceSimOptions = {}) {
  const s = await startSalesforceSim(options);
  sims.push(s);
  const config = SalesforceConfig.parse({ instanceUrl: s.url, accessToken: 'sim-token' });
  const ctx: ConnectorContext<SalesforceConfig> = {
    config,
    fetch: (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(5000) }),
    fieldMapping: {},
  };
  const account = s.insert('Account', { Name: 'Acme' });
  const ann: Contact = { ...base, id: 'ct_ann', name: 'Ann Lee', emails: ['ann@acme.example'], phones: [], tags: [] };
  const [out] = await sf.push(ctx, 'contact', [
    { entryId: 'e_ann', changeId: 'c_ann', item: { kind: 'contact', record: ann }, linked: { contacts: {}, companies: {} } },
  ]);
  if (!out.ok) throw out.error;
  const linked: LinkedIds = { contacts: { ct_ann: out.remoteId }, companies: { co_acme: account.Id } };
  return { s, ctx, linked, annId: out.remoteId, accountId: account.Id };
}

function item(id: string, pipelineId: string, stageId: string, fields: Partial<PipelineItem> = {}): PipelineItem {
  return {
    ...base,
    id,
    pipelineId,
    stageId,
    title: `Item ${id}`,
    contactIds: ['ct_ann'],
    companyId: 'co_acme',
    threadIds: [],
    stageEnteredAt: T0,
    ...fields,
  };
}

let seq = 0;
async function push(
  ctx: ConnectorContext<SalesforceConfig>,
  linked: LinkedIds,
  recs: PipelineItem[],
  opts: { remoteIds?: Record<string, string>; mapping?: PipelineMapping; firstSend?: boolean } = {},
): Promise<PushOutcome[]> {
  const kind = recs[0].pipelineId === service.id ? 'case' : 'deal';
  const batch: PushItem[] = recs.map((record) => ({
    entryId: `e_${record.id}_${++seq}`,
    changeId: `c_${record.id}_${seq}`,
    item: { kind, record, pipeline: kind === 'case' ? service : sales },
    linked,
    ...(opts.remoteIds?.[record.id] ? { remoteId: opts.remoteIds[record.id] } : {}),
    ...(opts.firstSend ? { firstSend: true } : {}),
  }));
  return sf.push({ ...ctx, pipelineMapping: opts.mapping }, kind, batch);
}
const idOf = (o: PushOutcome) => {
  if (!o.ok) throw o.error;
  return o.remoteId;
};

describe('Salesforce: the stages listed for the mapping', () => {
  it('deals: the active Opportunity stages in order with probabilities, won and lost; cases: the Case statuses; no candidates', async () => {
    const { ctx } = await org();
    const [opps] = await sf.listPipelines!(ctx, 'deal');
    expect(opps.id).toBe('Opportunity');
    expect(opps.stages[0]).toEqual({ id: 'Prospecting', label: 'Prospecting', probability: 0.1 });
    expect(opps.stages.slice(-2)).toEqual([
      { id: 'Closed Won', label: 'Closed Won', probability: 1, closed: 'won' },
      { id: 'Closed Lost', label: 'Closed Lost', probability: 0, closed: 'lost' },
    ]);
    const [cases] = await sf.listPipelines!(ctx, 'case');
    expect(cases.stages.map((st) => [st.id, st.closed])).toEqual([
      ['New', undefined],
      ['Working', undefined],
      ['Escalated', undefined],
      ['Closed', 'resolved'],
    ]);
    expect(await sf.listPipelines!(ctx, 'candidate')).toEqual([]);
    expect(sf.capabilities).toMatchObject({ deals: true, cases: true, candidates: false });
  });
});

describe('Salesforce: deals as Opportunities', () => {
  it('creates at the mapped stage with amount, close date, account and a primary contact role; a move updates StageName in place', async () => {
    const { s, ctx, linked, annId, accountId } = await org();
    const mapping: PipelineMapping = {
      pl_sales: { remotePipelineId: 'Opportunity', stages: { lead: 'Qualification', proposal: 'Proposal/Price Quote' } },
    };
    const rec = item('it_map', 'pl_sales', 'lead', {
      title: 'Acme renewal',
      amount: 12000,
      currency: 'EUR',
      closeDate: '2026-03-31',
      notes: 'Two sites',
    });
    const oppId = idOf((await push(ctx, linked, [rec], { mapping, firstSend: true }))[0]);
    expect(s.get(oppId)).toMatchObject({
      Name: 'Acme renewal',
      StageName: 'Qualification',
      Amount: 12000,
      CloseDate: '2026-03-31',
      AccountId: accountId,
      IsClosed: false,
    });
    expect(String(s.get(oppId)!.Description)).toMatch(/^Two sites\n\n\[rapport:it_map\]$/);
    expect(s.all('OpportunityContactRole')).toEqual([expect.objectContaining({ OpportunityId: oppId, ContactId: annId, IsPrimary: true })]);
    expect(idOf((await push(ctx, linked, [{ ...rec, stageId: 'proposal' }], { mapping, remoteIds: { it_map: oppId } }))[0])).toBe(oppId);
    expect(s.get(oppId)).toMatchObject({ StageName: 'Proposal/Price Quote', Probability: 75 });
    expect(s.all('Opportunity')).toHaveLength(1);
    expect(s.all('OpportunityContactRole')).toHaveLength(1);
  });

  it('without a mapping: stages by name, else by category and order; CloseDate defaults to 30 days ahead; won and lost close it', async () => {
    const { s, ctx, linked } = await org();
    const rec = item('it_name', 'pl_sales', 'lead');
    const oppId = idOf((await push(ctx, linked, [rec], { firstSend: true }))[0]);
    const in30 = new Date(Date.now() + 30 * 86400_000).toISOString().slice(0, 10);
    expect(s.get(oppId)).toMatchObject({ StageName: 'Prospecting', CloseDate: in30 });
    s.update(oppId, { CloseDate: '2026-09-30' }); // set there: without a close date of its own here, Rapport leaves it
    const stageAfter = async (stageId: string, extra: Partial<PipelineItem> = {}) => {
      idOf((await push(ctx, linked, [{ ...rec, stageId, ...extra }], { remoteIds: { it_name: oppId } }))[0]);
      return s.get(oppId)!;
    };
    expect((await stageAfter('qualified')).StageName).toBe('Qualification');
    expect((await stageAfter('proposal')).StageName).toBe('Proposal/Price Quote');
    expect((await stageAfter('negotiation')).StageName).toBe('Negotiation/Review');
    expect(await stageAfter('won')).toMatchObject({ StageName: 'Closed Won', IsClosed: true, IsWon: true, CloseDate: '2026-09-30' });
    const lost = await stageAfter('lost', { lostReason: 'Budget cut' });
    expect(lost).toMatchObject({ StageName: 'Closed Lost', IsClosed: true, IsWon: false });
    expect(String(lost.Description)).toContain('Lost reason: Budget cut');
    expect(s.all('Opportunity')).toHaveLength(1);
  });

  it('answers lost after the commit and 500s: every deal lands once, with one contact role', async () => {
    const { s, ctx, linked } = await org();
    const recs = ['a', 'b', 'c', 'd', 'e'].map((x) => item(`it_${x}`, 'pl_sales', 'qualified', { title: 'Same title' }));
    const mapping: PipelineMapping = { pl_sales: { remotePipelineId: 'Opportunity', stages: { qualified: 'Qualification' } } };
    // The create is carried out, its answer lost; the retries meet 500s and more lost answers.
    s.setFaults({ dropAfterCommitRatio: 1 });
    await expect(push(ctx, linked, recs, { mapping, firstSend: true })).rejects.toMatchObject({ kind: 'transient' });
    expect(s.all('Opportunity')).toHaveLength(5);
    s.setFaults({ dropAfterCommitRatio: 0.2, errorRatio: 0.2, seed: 5 });
    let pending = recs;
    let failures = 0;
    for (let attempt = 0; attempt < 60 && pending.length; attempt++) {
      try {
        const outs = await push(ctx, linked, pending, { mapping });
        pending = pending.filter((_, i) => !outs[i].ok);
      } catch {
        failures++;
      }
    }
    s.setFaults({});
    expect(pending).toEqual([]);
    expect(failures).toBeGreaterThan(0);
    const opps = s.all('Opportunity');
    expect(opps).toHaveLength(5);
    for (const x of ['a', 'b', 'c', 'd', 'e'])
      expect(opps.filter((o) => String(o.Description).includes(`[rapport:it_${x}]`))).toHaveLength(1);
    expect(s.all('OpportunityContactRole')).toHaveLength(5);
  });

  it('in an org with multiple currencies the currency goes in CurrencyIsoCode', async () => {
    const { s, ctx, linked } = await org({ multiCurrency: ['EUR', 'USD'] });
    const oppId = idOf(
      (await push(ctx, linked, [item('it_usd', 'pl_sales', 'lead', { amount: 5, currency: 'USD' })], { firstSend: true }))[0],
    );
    expect(s.get(oppId)).toMatchObject({ CurrencyIsoCode: 'USD', Amount: 5 });
  });

  it('deleted here: the Opportunity goes to the Recycle Bin with its contact roles; one already gone counts as deleted', async () => {
    const { s, ctx, linked } = await org();
    const oppId = idOf((await push(ctx, linked, [item('it_del', 'pl_sales', 'lead')], { firstSend: true }))[0]);
    const req = { remoteId: oppId, localId: 'it_del', changeId: 'c_del', requestedAt: T0 };
    expect(await sf.archive!(ctx, 'deal', [req])).toEqual([{ remoteId: oppId, ok: true }]);
    expect(s.inRecycleBin(oppId)).toBe(true);
    expect(s.all('OpportunityContactRole')).toEqual([]);
    expect(await sf.archive!(ctx, 'deal', [req])).toEqual([{ remoteId: oppId, ok: true }]);
    expect(sf.archivable).toEqual(expect.arrayContaining(['deal', 'case']));
  });
});

describe('Salesforce: cases', () => {
  it('a complaint from a thread: Subject, Status by name, Priority, Origin Email, ContactId, AccountId; resolving closes it', async () => {
    const { s, ctx, linked, annId, accountId } = await org();
    const rec = item('it_case', 'pl_service', 'new', {
      title: 'Broken invoice',
      category: 'complaint',
      priority: 'urgent',
      threadIds: ['gmail:t1'],
      notes: 'Charged twice',
    });
    const caseId = idOf((await push(ctx, linked, [rec], { firstSend: true }))[0]);
    expect(s.get(caseId)).toMatchObject({
      Subject: 'Broken invoice',
      Status: 'New',
      Priority: 'High',
      Origin: 'Email',
      ContactId: annId,
      AccountId: accountId,
      IsClosed: false,
    });
    expect(String(s.get(caseId)!.Description)).toMatch(/^Category: complaint\n\nCharged twice\n\n\[rapport:it_case\]$/);
    idOf((await push(ctx, linked, [{ ...rec, stageId: 'resolved', resolution: 'Refunded' }], { remoteIds: { it_case: caseId } }))[0]);
    expect(s.get(caseId)).toMatchObject({ Status: 'Closed', IsClosed: true });
    expect(String(s.get(caseId)!.Description)).toContain('Resolution: Refunded');
    expect(s.all('Case')).toHaveLength(1);
  });
});

describe('Salesforce: pulling items', () => {
  it('brings Opportunities and Cases changed since the cursor; a stage change made in Salesforce comes back', async () => {
    const { s, ctx, linked, accountId } = await org();
    idOf((await push(ctx, linked, [item('it_mine', 'pl_sales', 'lead')], { firstSend: true }))[0]);
    const theirs = s.insert('Opportunity', {
      Name: 'Made there',
      StageName: 'Needs Analysis',
      CloseDate: '2026-06-30',
      Amount: 900,
      AccountId: accountId,
    });
    const theirCase = s.insert('Case', { Subject: 'Phone complaint', Status: 'Working' });
    expect((await sf.pull!(ctx, undefined, { tasks: true })).items).toBeUndefined();
    const first = await sf.pull!(ctx, undefined, { items: ['deal', 'case'] });
    expect(first.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'deal',
          remoteId: theirs.Id,
          remotePipelineId: 'Opportunity',
          remoteStageId: 'Needs Analysis',
          title: 'Made there',
          amount: 900,
          closeDate: '2026-06-30',
        }),
        expect.objectContaining({ kind: 'deal', localId: 'it_mine', remoteStageId: 'Prospecting' }),
        expect.objectContaining({ kind: 'case', remoteId: theirCase.Id, remotePipelineId: 'Case', remoteStageId: 'Working' }),
      ]),
    );
    const quiet = await sf.pull!(ctx, first.cursor, { items: ['deal', 'case'], tasks: true });
    expect(quiet.items).toEqual([]);
    s.advanceClock(2000);
    s.update(theirs.Id, { StageName: 'Closed Won' });
    s.update(theirCase.Id, { Status: 'Closed' });
    const next = await sf.pull!(ctx, quiet.cursor, { items: ['deal', 'case'] });
    expect(next.items).toEqual([
      expect.objectContaining({ remoteId: theirs.Id, remoteStageId: 'Closed Won' }),
      expect.objectContaining({ remoteId: theirCase.Id, remoteStageId: 'Closed' }),
    ]);
    // A cursor from before items were pulled keeps the people's place and starts the items over.
    const again = await sf.pull!(ctx, quiet.cursor.split('~')[0], { items: ['case'] });
    expect(again.contacts).toEqual([]);
    expect(again.items!.map((i) => i.remoteId)).toEqual([theirCase.Id]);
  });
});
