// Writing a batch of records of one sObject: each item's plan (what Rapport wants, the record found
// for it, what it may rewrite), the current values of records known by id, then one Collections call
// per kind of write (update, create or upsert by external id) and an outcome per plan.
import { ConnectorError, type PushOutcome } from '../types';
import { recordError, soqlString, type SaveResult, type SfClient, type SfRecord } from './api';

function isEmpty(v: unknown): boolean {
  return v == null || v === '';
}

export interface Plan {
  entryId: string;
  localId: string;
  desired: Record<string, string>;
  remoteId?: string;
  /** Known current values (from a look-up) of the remote record. */
  current?: SfRecord;
  /** Fields Rapport owns and rewrites on update (sent when they differ); undefined = fill-only from `desired`. */
  patch?: Record<string, string>;
  done?: PushOutcome;
}

/** The fields of `patch` whose value differs from the record's current one. */
function changedOnly(patch: Record<string, string>, current: SfRecord | undefined): Record<string, string> {
  if (!current) return patch;
  return Object.fromEntries(Object.entries(patch).filter(([k, v]) => String(current[k] ?? '') !== v));
}

function fillOnly(desired: Record<string, string>, current: SfRecord | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(desired)) if (!isEmpty(v) && (!current || isEmpty(current[k]))) out[k] = v;
  return out;
}

/** Fetches the current values of records known by id; missing ones become not-found outcomes. */
export async function loadCurrent(sf: SfClient, object: string, plans: Plan[], fields: string[]): Promise<void> {
  const known = plans.filter((p) => p.remoteId && !p.done && !p.current);
  if (!known.length) return;
  const select = `SELECT ${['Id', ...new Set(fields)].join(', ')} FROM ${object}`;
  const rows = await sf.queryChunked(
    select,
    [...new Set(known.map((p) => p.remoteId!))],
    (ids) => `Id IN (${ids.map(soqlString).join(', ')})`,
  );
  const byId = new Map(rows.map((r) => [r.Id.slice(0, 15), r]));
  for (const p of known) {
    const r = byId.get(p.remoteId!.slice(0, 15));
    if (r) p.current = r;
    else
      p.done = {
        entryId: p.entryId,
        ok: false,
        error: new ConnectorError(`Salesforce: ${object} ${p.remoteId} no longer exists (deleted or merged)`, 'not-found', 404),
      };
  }
}

/** Number fields Rapport writes: Salesforce refuses a JSON string for a number ("Cannot deserialize instance of double"). */
const NUMBER_FIELDS = new Set(['CallDurationInSeconds', 'DurationInMinutes', 'Amount']);

/** The fields as JSON values of their Salesforce type. */
function typed(fields: Record<string, string>): Record<string, string | number> {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, NUMBER_FIELDS.has(k) ? Number(v) : v]));
}

/** Sends creates/upserts/updates for the plans still open and records the outcomes. */
export async function execute(sf: SfClient, object: string, plans: Plan[], externalIdField: string | undefined): Promise<void> {
  const outcome = (p: Plan, r: SaveResult | undefined) => {
    if (r?.success && r.id) p.done = { entryId: p.entryId, ok: true, remoteId: r.id };
    else p.done = { entryId: p.entryId, ok: false, error: recordError(r?.errors ?? [{ message: 'no result for this record' }]) };
  };
  const updates: { p: Plan; fields: Record<string, string> }[] = [];
  for (const p of plans) {
    if (p.done || !p.remoteId) continue;
    const fields = p.patch ? changedOnly(p.patch, p.current) : fillOnly(p.desired, p.current);
    if (!Object.keys(fields).length) p.done = { entryId: p.entryId, ok: true, remoteId: p.remoteId };
    else updates.push({ p, fields });
  }
  if (updates.length) {
    const res = await sf.collection(
      'PATCH',
      updates.map((u) => ({ attributes: { type: object }, id: u.p.remoteId, ...typed(u.fields) })),
    );
    updates.forEach((u, i) => outcome(u.p, res[i]));
  }
  const creates = plans.filter((p) => !p.done && !p.remoteId);
  if (!creates.length) return;
  if (externalIdField) {
    const res = await sf.collection(
      'PATCH',
      creates.map((p) => ({ attributes: { type: object }, ...typed(p.desired), [externalIdField]: p.localId })),
      { object, field: externalIdField },
    );
    creates.forEach((p, i) => outcome(p, res[i]));
  } else {
    const res = await sf.collection(
      'POST',
      creates.map((p) => ({ attributes: { type: object }, ...typed(p.desired) })),
    );
    creates.forEach((p, i) => outcome(p, res[i]));
  }
}
