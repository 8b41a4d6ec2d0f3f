// Pushing people (Contact or Lead), companies (Account), emails, notes, calls and tasks (Task) and
// meetings (Event): natural keys
// or markers find what the org already has, then plans.ts writes the batch.
import { normalizeDomain } from '../../storage/normalize';
import type { Activity, Company, Task } from '../../storage/schema';
import { ConnectorError, type ArchiveOutcome, type ArchiveRequest, type PushItem, type PushOutcome } from '../types';
import { recordError, sfClient, soqlDateTime, soqlLike, soqlString } from './api';
import type { Ctx } from './config';
import { CREATE_ONLY, MARKER, accountFields, objectOf, personFields, taskFields, type ActivityKind } from './mapping';
import { execute, loadCurrent, type Plan } from './plans';

const lower = (s: unknown) =>
  String(s ?? '')
    .trim()
    .toLowerCase();

export async function pushPeople(ctx: Ctx, items: PushItem[]): Promise<PushOutcome[]> {
  const sf = sfClient(ctx);
  const object = ctx.config.objectForPeople;
  const plans: Plan[] = [];
  for (const it of items) {
    if (it.item.kind !== 'contact') throw new ConnectorError(`Salesforce: expected contacts, got ${it.item.kind}`, 'validation');
    const c = it.item.record;
    plans.push({
      entryId: it.entryId,
      localId: c.id,
      desired: personFields(c, object, ctx.fieldMapping, it.linked),
      remoteId: it.remoteId,
    });
  }
  const fields = [
    'FirstName',
    'LastName',
    'Email',
    ...(object === 'Lead' ? ['Company'] : ['AccountId']),
    ...plans.flatMap((p) => Object.keys(p.desired)),
  ];
  const selectFields = [...new Set(['Id', ...fields])].join(', ');
  await loadCurrent(sf, object, plans, fields);

  // Natural keys first (also links people the CRM already had): Email, else name (+ account/company).
  const open = plans.filter((p) => !p.remoteId);
  const withEmail = open.filter((p) => p.desired.Email);
  const notConverted = object === 'Lead' ? ' AND IsConverted = false' : '';
  if (withEmail.length) {
    const rows = await sf.queryChunked(
      `SELECT ${selectFields} FROM ${object}`,
      [...new Set(withEmail.map((p) => p.desired.Email.toLowerCase()))],
      (emails) => `Email IN (${emails.map(soqlString).join(', ')})${notConverted}`,
      ' ORDER BY LastModifiedDate DESC',
    );
    for (const p of withEmail) {
      const hit = rows.find((r) => lower(r.Email) === lower(p.desired.Email));
      if (hit) {
        p.remoteId = hit.Id;
        p.current = hit;
      }
    }
  }
  const byName = open.filter((p) => !p.desired.Email && !ctx.config.externalIdField);
  if (byName.length) {
    const extra = object === 'Lead' ? 'Company' : 'AccountId';
    const clause = (p: Plan) =>
      `(FirstName = ${p.desired.FirstName ? soqlString(p.desired.FirstName) : 'null'} AND LastName = ${soqlString(p.desired.LastName)} AND ${extra} = ${p.desired[extra] ? soqlString(p.desired[extra]) : 'null'})`;
    const rows = await sf.queryChunked(
      `SELECT ${selectFields} FROM ${object}`,
      byName,
      (chunk) => `(${chunk.map(clause).join(' OR ')})${notConverted}`,
    );
    for (const p of byName) {
      const hit = rows.find(
        (r) =>
          lower(r.FirstName) === lower(p.desired.FirstName) &&
          lower(r.LastName) === lower(p.desired.LastName) &&
          lower(r[extra]) === lower(p.desired[extra]),
      );
      if (hit) {
        p.remoteId = hit.Id;
        p.current = hit;
      }
    }
  }
  await execute(sf, object, plans, ctx.config.externalIdField);
  return plans.map((p) => p.done!);
}

export async function pushAccounts(ctx: Ctx, items: PushItem[]): Promise<PushOutcome[]> {
  const sf = sfClient(ctx);
  const plans: Plan[] = [];
  const companies = new Map<string, Company>();
  for (const it of items) {
    if (it.item.kind !== 'company') throw new ConnectorError(`Salesforce: expected companies, got ${it.item.kind}`, 'validation');
    companies.set(it.entryId, it.item.record);
    plans.push({ entryId: it.entryId, localId: it.item.record.id, desired: accountFields(it.item.record), remoteId: it.remoteId });
  }
  await loadCurrent(sf, 'Account', plans, ['Name', 'Website']);
  const open = plans.filter((p) => !p.remoteId);
  if (open.length) {
    const domainOf = (p: Plan) => normalizeDomain(companies.get(p.entryId)!.domain ?? p.desired.Website);
    const rows = await sf.queryChunked(
      'SELECT Id, Name, Website FROM Account',
      open,
      (chunk) =>
        chunk
          .map((p) => {
            const d = domainOf(p);
            return `Name = ${soqlString(p.desired.Name)}${d ? ` OR Website LIKE ${soqlLike(d)}` : ''}`;
          })
          .join(' OR '),
      ' ORDER BY CreatedDate ASC',
    );
    for (const p of open) {
      const d = domainOf(p);
      const hit =
        (d && rows.find((r) => normalizeDomain(String(r.Website ?? '')) === d)) ||
        rows.find((r) => lower(r.Name) === lower(p.desired.Name));
      if (hit) {
        p.remoteId = hit.Id;
        p.current = hit;
      }
    }
  }
  await execute(sf, 'Account', plans, ctx.config.externalIdField);
  return plans.map((p) => p.done!);
}

/**
 * Logged e-mails, notes, calls and tasks (Task) and meetings (Event). An update rewrites what Rapport
 * owns of a record it created (a logged e-mail is never rewritten): every field but those set on
 * create only — a task's subject, due day, priority, notes and status (completed, or reopened).
 */
export async function pushTasks(ctx: Ctx, kind: ActivityKind, items: PushItem[]): Promise<PushOutcome[]> {
  const sf = sfClient(ctx);
  const object = objectOf(kind);
  const plans: Plan[] = [];
  const created = new Map<string, string>();
  for (const it of items) {
    const rec = it.item.record as Activity | Task;
    if (it.item.kind !== kind) throw new ConnectorError(`Salesforce: expected ${kind}, got ${it.item.kind}`, 'validation');
    const desired = taskFields(kind, rec, it.linked);
    const p: Plan = { entryId: it.entryId, localId: rec.id, desired, remoteId: it.remoteId };
    created.set(it.entryId, rec.createdAt);
    const refs = [
      ...rec.contactIds,
      ...('companyIds' in rec ? (rec.companyIds ?? []) : []),
      ...('companyId' in rec && rec.companyId ? [rec.companyId] : []),
    ];
    if (!it.remoteId && refs.length && !desired.WhoId && !desired.WhatId) {
      // Its people/companies are not in Salesforce yet: wait for them rather than create an orphan Task.
      p.done = {
        entryId: it.entryId,
        ok: false,
        error: new ConnectorError(`Salesforce: none of the contacts or companies of ${kind} ${rec.id} is synced yet`, 'not-found'),
      };
      plans.push(p);
      continue;
    }
    if (it.remoteId) {
      if (kind === 'email') p.done = { entryId: it.entryId, ok: true, remoteId: it.remoteId };
      else p.patch = Object.fromEntries(Object.entries(desired).filter(([k]) => !CREATE_ONLY.has(k)));
    }
    plans.push(p);
  }
  await loadCurrent(
    sf,
    object,
    plans,
    plans.flatMap((p) => Object.keys(p.patch ?? {})),
  );
  // A first send (PushItem.firstSend) cannot have an earlier attempt to find.
  const firstSends = new Set(items.filter((i) => i.firstSend).map((i) => i.entryId));
  const open = plans.filter((p) => !p.remoteId && !p.done && !firstSends.has(p.entryId));
  if (open.length && !ctx.config.externalIdField) {
    // Look for an earlier attempt's record by its marker (Description can be read, not filtered).
    const since = Math.min(...open.map((p) => Date.parse(created.get(p.entryId)!))) - 24 * 3600_000;
    const subjects = [...new Set(open.map((p) => p.desired.Subject))];
    const rows = await sf.queryChunked(
      `SELECT Id, Subject, Description FROM ${object}`,
      subjects,
      (chunk) => `Subject IN (${chunk.map(soqlString).join(', ')}) AND CreatedDate >= ${soqlDateTime(Number.isFinite(since) ? since : 0)}`,
    );
    for (const p of open) {
      const marker = MARKER(p.localId);
      const hit = rows.find((r) => typeof r.Description === 'string' && r.Description.includes(marker));
      if (hit) p.done = { entryId: p.entryId, ok: true, remoteId: hit.Id };
    }
  }
  await execute(sf, object, plans, ctx.config.externalIdField);
  return plans.map((p) => p.done!);
}

/** Deletes records Rapport created (to the Recycle Bin, restorable there for 15 days); one already gone counts as deleted. */
export async function deleteRecords(ctx: Ctx, requests: ArchiveRequest[]): Promise<ArchiveOutcome[]> {
  const results = await sfClient(ctx).deleteCollection(requests.map((r) => r.remoteId));
  return requests.map((r, i): ArchiveOutcome => {
    const res = results[i];
    const code = res?.errors?.[0]?.statusCode;
    if (res?.success || code === 'ENTITY_IS_DELETED' || code === 'INVALID_CROSS_REFERENCE_KEY') return { remoteId: r.remoteId, ok: true };
    return { remoteId: r.remoteId, ok: false, error: recordError(res?.errors ?? [{ message: 'no result for this record' }]) };
  });
}
