// Webhook: pipeline items (decision 0054). deal.* / case.* / candidate.* events, one per change with
// its own id (the change id), the item with its pipeline's and stage's names; a retry is the same
// event, byte for byte; a deletion "also in the CRMs" is <kind>.deleted.
import { afterEach, describe, expect, it } from 'vitest';
import type { ItemSyncKind, PushItem } from '../../connectors/types';
import { WebhookConfig, eventFor, webhookConnector as wh } from '../../connectors/webhook';
import { defaultPipelines, moveItem } from '../../storage/pipeline-logic';
import type { PipelineItem } from '../../storage/schema';
import { startWebhookReceiver, type WebhookReceiver } from '../sims/webhook-receiver';

const SECRET = 'whsec_pipelines-0123456789';
const T0 = '2026-02-02T10:00:00.000Z';
const at = (m: number) => new Date(Date.parse(T0) + m * 60_000).toISOString();
const [SALES, HIRING, SERVICE] = defaultPipelines(T0);

let receivers: WebhookReceiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  receivers = [];
});

function ctxFor(url: string) {
  return { config: WebhookConfig.parse({ url, secret: SECRET }), fetch: globalThis.fetch, fieldMapping: {} };
}

const deal: PipelineItem = {
  id: 'it_deal',
  createdAt: T0,
  updatedAt: T0,
  sources: [],
  pipelineId: 'pl_sales',
  stageId: 'lead',
  title: 'Acme renewal',
  contactIds: ['ct_ann'],
  companyId: 'co_acme',
  threadIds: [],
  stageEnteredAt: T0,
  amount: 5000,
  currency: 'EUR',
};

let seq = 0;
const change = (kind: ItemSyncKind, record: PipelineItem, delivered: boolean): PushItem => ({
  entryId: `out_${record.id}_${++seq}`,
  changeId: `chg_${record.id}_${seq}`,
  item: { kind, record, pipeline: kind === 'deal' ? SALES : kind === 'case' ? SERVICE : HIRING },
  ...(delivered ? { remoteId: record.id } : {}),
  linked: { contacts: {}, companies: {} },
});

describe('webhook: pipeline items', () => {
  it('a deal’s life: created, edited, moved, deleted — one event each with its own id, names of pipeline and stage', async () => {
    const r = await startWebhookReceiver(SECRET);
    receivers.push(r);
    const ctx = ctxFor(r.url);
    const edited = { ...deal, amount: 6000, updatedAt: at(1) };
    const moved = moveItem(edited, 'won', SALES, at(2), 'sc_1')!.item;
    const steps = [change('deal', deal, false), change('deal', edited, true), change('deal', moved, true)];
    for (const step of steps) expect((await wh.push(ctx, 'deal', [step]))[0]).toMatchObject({ ok: true, remoteId: deal.id });
    expect(await wh.archive!(ctx, 'deal', [{ remoteId: deal.id, localId: deal.id, changeId: 'chg_del', requestedAt: at(3) }])).toEqual([
      { remoteId: deal.id, ok: true },
    ]);
    const events = r.attempts.map((a) => a.event!);
    expect(events.map((e) => e.type)).toEqual(['deal.created', 'deal.updated', 'deal.stage_changed', 'deal.deleted']);
    expect(events.map((e) => e.id)).toEqual([...steps.map((s) => s.changeId), 'chg_del']);
    expect(events[0].data).toMatchObject({ id: 'it_deal', title: 'Acme renewal', pipelineName: 'Sales', stageName: 'Lead', amount: 5000 });
    expect(events[2]).toMatchObject({
      occurredAt: at(2),
      data: { stageId: 'won', stageName: 'Won', stageCategory: 'won', closedAt: at(2) },
    });
    expect(events[3].data).toEqual({ id: 'it_deal' });
    expect(r.events.size).toBe(4);
  });

  it('cases and candidates are case.* / candidate.*; a retry of a change is the same bytes under the same id', async () => {
    const r = await startWebhookReceiver(SECRET);
    receivers.push(r);
    const ctx = ctxFor(r.url);
    const kase: PipelineItem = {
      ...deal,
      id: 'it_case',
      pipelineId: 'pl_service',
      stageId: 'new',
      category: 'complaint',
      priority: 'high',
    };
    const candidate: PipelineItem = { ...deal, id: 'it_cand', pipelineId: 'pl_hiring', stageId: 'screen', role: 'Engineer' };
    const caseChange = change('case', kase, false);
    r.script.push({ status: 503, commit: true });
    await expect(wh.push(ctx, 'case', [caseChange])).rejects.toMatchObject({ kind: 'transient' });
    await wh.push(ctx, 'case', [caseChange]);
    await wh.push(ctx, 'candidate', [change('candidate', candidate, false)]);
    const [first, retry, cand] = r.attempts;
    expect(first.raw.equals(retry.raw)).toBe(true);
    expect(first.event).toMatchObject({ type: 'case.created', data: { pipelineName: 'Service', stageName: 'New', category: 'complaint' } });
    expect(cand.event).toMatchObject({
      type: 'candidate.created',
      data: { pipelineName: 'Hiring', stageName: 'Screen', role: 'Engineer' },
    });
    expect(r.events.size).toBe(2);
    expect(eventFor(change('case', { ...kase, stageId: 'resolved', stageEnteredAt: at(4), updatedAt: at(4) }, true)).type).toBe(
      'case.stage_changed',
    );
  });
});
