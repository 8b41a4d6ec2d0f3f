// Pushing pipeline items: deals as Opportunities (with OpportunityContactRoles for their people) and
// cases as Cases, through sObject Collections (plans.ts). The stage is a picklist value: the
// mapping's, or one chosen by name (../item-stages.ts) among the org's OpportunityStage / CaseStatus
// values. Exactly once: the Description ends with "[rapport:<local id>]"; a retry (not a first send)
// looks for it among the Opportunities / Cases of the same name or created in the last day, both
// since the item's creation (a long text area can be read, not filtered), and updates what it finds.
import type { Pipeline, PipelineItem } from '../../storage/schema';
import { mappedIds, targetStage } from '../item-stages';
import { ConnectorError, type PushItem, type PushOutcome, type RemotePipeline } from '../types';
import { recordError, sfClient, soqlDateTime, soqlString, type SfClient, type SfRecord } from './api';
import type { Ctx } from './config';
import { CASE, OPPORTUNITY, hasCurrencyField, itemPipelines } from './item-read';
import { MARKER } from './mapping';
import { execute, loadCurrent, type Plan } from './plans';

const DAY_MS = 24 * 3600_000;
/** CloseDate is required on an Opportunity: one without a close date here is given this many days from its first push. */
export const DEFAULT_CLOSE_DAYS = 30;
const CASE_PRIORITY: Record<NonNullable<PipelineItem['priority']>, string> = { urgent: 'High', high: 'High', normal: 'Medium', low: 'Low' };

const clamp = (s: string, max: number) => (s.length > max ? s.slice(0, max) : s);

/** Text with the idempotency marker last, within Salesforce's 32,000 characters. */
function description(lines: (string | undefined)[], localId: string): string {
  const marker = `\n\n${MARKER(localId)}`;
  const text = lines.filter((l): l is string => !!l?.trim()).join('\n\n');
  const room = 32_000 - marker.length;
  return `${text.length > room ? `${text.slice(0, room - 1)}…` : text}${marker}`.replace(/^\n+/, '');
}

const firstOf = (ids: string[], linked: Record<string, string>) => ids.map((id) => linked[id]).find(Boolean);

function opportunityFields(rec: PipelineItem, pipeline: Pipeline, stage: string, it: PushItem, currency: boolean): Record<string, string> {
  const account = rec.companyId ? it.linked.companies[rec.companyId] : undefined;
  const lost = pipeline.stages.find((s) => s.id === rec.stageId)?.category === 'lost';
  const code = rec.currency ?? pipeline.currency;
  return {
    Name: clamp(rec.title.trim() || 'Deal', 120),
    StageName: stage,
    CloseDate: rec.closeDate?.slice(0, 10) ?? new Date(Date.now() + DEFAULT_CLOSE_DAYS * DAY_MS).toISOString().slice(0, 10),
    ...(rec.amount !== undefined ? { Amount: String(rec.amount) } : {}),
    ...(currency && code ? { CurrencyIsoCode: code } : {}),
    ...(account ? { AccountId: account } : {}),
    Description: description([rec.notes, lost && rec.lostReason ? `Lost reason: ${rec.lostReason}` : undefined], rec.id),
  };
}

function caseFields(rec: PipelineItem, stage: string, it: PushItem): Record<string, string> {
  const account = rec.companyId ? it.linked.companies[rec.companyId] : undefined;
  // ContactId takes a Contact: people synced as Leads (ids 00Q…) are named in the Description only.
  const contact = rec.contactIds.map((id) => it.linked.contacts[id]).find((id) => id && !id.startsWith('00Q'));
  return {
    Subject: clamp(rec.title.trim() || 'Case', 255),
    Status: stage,
    ...(rec.priority ? { Priority: CASE_PRIORITY[rec.priority] } : {}),
    ...(rec.threadIds.length ? { Origin: 'Email' } : {}),
    ...(contact ? { ContactId: contact } : {}),
    ...(account ? { AccountId: account } : {}),
    Description: description(
      [rec.category ? `Category: ${rec.category}` : undefined, rec.notes, rec.resolution ? `Resolution: ${rec.resolution}` : undefined],
      rec.id,
    ),
  };
}

/** Adds the missing OpportunityContactRoles of each pushed opportunity (the first person primary when it has none). */
async function addContactRoles(sf: SfClient, plans: Plan[], people: Map<string, string[]>): Promise<void> {
  const done = plans.filter((p) => p.done?.ok && (people.get(p.entryId)?.length ?? 0) > 0);
  if (!done.length) return;
  const oppOf = (p: Plan) => (p.done as { remoteId: string }).remoteId;
  const existing = await sf.queryChunked<SfRecord & { OpportunityId: string; ContactId: string }, string>(
    'SELECT Id, OpportunityId, ContactId FROM OpportunityContactRole',
    [...new Set(done.map(oppOf))],
    (ids) => `OpportunityId IN (${ids.map(soqlString).join(', ')})`,
  );
  const key = (opp: string, contact: string) => `${opp.slice(0, 15)}|${contact.slice(0, 15)}`;
  const have = new Set(existing.map((r) => key(r.OpportunityId, r.ContactId)));
  const hasAny = new Set(existing.map((r) => r.OpportunityId.slice(0, 15)));
  const adds: { plan: Plan; record: Record<string, unknown> }[] = [];
  for (const p of done) {
    const opp = oppOf(p);
    for (const [i, contact] of (people.get(p.entryId) ?? []).entries()) {
      if (have.has(key(opp, contact))) continue;
      have.add(key(opp, contact));
      const primary = i === 0 && !hasAny.has(opp.slice(0, 15));
      adds.push({
        plan: p,
        record: { attributes: { type: 'OpportunityContactRole' }, OpportunityId: opp, ContactId: contact, IsPrimary: primary },
      });
    }
  }
  if (!adds.length) return;
  const res = await sf.collection(
    'POST',
    adds.map((a) => a.record),
  );
  res.forEach((r, i) => {
    const plan = adds[i].plan;
    if (!r.success && plan.done?.ok) plan.done = { entryId: plan.entryId, ok: false, error: recordError(r.errors) };
  });
}

/** Deals (Opportunity) or cases (Case): one Collections call per kind of write, then the contact roles. */
export async function pushItems(ctx: Ctx, kind: 'deal' | 'case', items: PushItem[]): Promise<PushOutcome[]> {
  const sf = sfClient(ctx);
  const object = kind === 'deal' ? OPPORTUNITY : CASE;
  let remote: Promise<RemotePipeline[]> | undefined;
  const currency = kind === 'deal' && items.some((i) => i.item.kind === 'deal' && (i.item.record.currency ?? i.item.pipeline.currency));
  const withCurrency = currency ? await hasCurrencyField(sf, ctx) : false;
  const plans: Plan[] = [];
  const created = new Map<string, string>();
  const people = new Map<string, string[]>();
  const patches = new Map<string, Record<string, string>>();
  for (const it of items) {
    if (it.item.kind !== kind) throw new ConnectorError(`Salesforce: expected ${kind}, got ${it.item.kind}`, 'validation');
    const { record: rec, pipeline } = it.item;
    const p: Plan = { entryId: it.entryId, localId: rec.id, desired: {}, remoteId: it.remoteId };
    plans.push(p);
    let stage = mappedIds(pipeline, rec.stageId, ctx.pipelineMapping)?.stageId;
    if (stage === undefined) {
      remote ??= itemPipelines(sf, kind);
      stage = targetStage(pipeline, rec.stageId, ctx.pipelineMapping, await remote)?.stage.id;
    }
    if (stage === undefined) {
      const name = pipeline.stages.find((s) => s.id === rec.stageId)?.name ?? rec.stageId;
      p.done = {
        entryId: it.entryId,
        ok: false,
        error: new ConnectorError(`No Salesforce ${object} stage fits "${name}": map it in the connection's settings`, 'validation'),
      };
      continue;
    }
    p.desired = kind === 'deal' ? opportunityFields(rec, pipeline, stage, it, withCurrency) : caseFields(rec, stage, it);
    const linkedAny = firstOf(rec.contactIds, it.linked.contacts) ?? (rec.companyId ? it.linked.companies[rec.companyId] : undefined);
    if (!it.remoteId && (rec.contactIds.length || rec.companyId) && !linkedAny) {
      p.done = {
        entryId: it.entryId,
        ok: false,
        error: new ConnectorError(`Salesforce: none of the people or the company of ${kind} ${rec.id} is synced yet`, 'not-found'),
      };
      continue;
    }
    // Rapport owns what it writes; a close date Salesforce required of it is set once, then left to the user there.
    patches.set(it.entryId, Object.fromEntries(Object.entries(p.desired).filter(([k]) => !(k === 'CloseDate' && !rec.closeDate))));
    if (it.remoteId) p.patch = patches.get(it.entryId);
    created.set(it.entryId, rec.createdAt);
    people.set(
      it.entryId,
      rec.contactIds.map((id) => it.linked.contacts[id]).filter((id): id is string => !!id && id.startsWith('003')),
    );
  }
  await loadCurrent(
    sf,
    object,
    plans,
    plans.flatMap((p) => Object.keys(p.patch ?? {})),
  );
  const firstSends = new Set(items.filter((i) => i.firstSend).map((i) => i.entryId));
  const open = plans.filter((p) => !p.remoteId && !p.done && !firstSends.has(p.entryId));
  if (open.length) {
    const nameField = kind === 'deal' ? 'Name' : 'Subject';
    const since = Math.min(...open.map((p) => Date.parse(created.get(p.entryId)!))) - DAY_MS;
    const rows = await sf.queryChunked(
      `SELECT Id, ${nameField}, Description FROM ${object}`,
      [...new Set(open.map((p) => p.desired[nameField]))],
      (names) =>
        `CreatedDate >= ${soqlDateTime(Number.isFinite(since) ? since : 0)} AND (${nameField} IN (${names.map(soqlString).join(', ')}) OR CreatedDate >= ${soqlDateTime(Date.now() - DAY_MS)})`,
    );
    for (const p of open) {
      const hit = rows.find((r) => typeof r.Description === 'string' && r.Description.includes(MARKER(p.localId)));
      if (!hit) continue;
      p.remoteId = hit.Id;
      p.current = hit;
      p.patch = patches.get(p.entryId);
    }
  }
  await execute(sf, object, plans, undefined);
  if (kind === 'deal') await addContactRoles(sf, plans, people);
  return plans.map((p) => p.done!);
}
