// Archiving in Salesforce what the user deleted in Rapport (decision 0043): Salesforce has no archive,
// so the records are deleted with sObject Collections (`DELETE /composite/sobjects?ids=…`, ≤ 200 ids,
// one DeleteResult per id in order). A deleted record goes to the Recycle Bin, restorable there for
// 15 days. Salesforce deletes an account's contacts with it: an account that still has contacts is
// not deleted (the user does it there, deciding about its people).
import type { ArchiveOutcome, ConnectorContext } from '../types';
import { ConnectorError } from '../types';
import { COLLECTION_MAX, recordError, sfClient, soqlString, type SaveResult } from './api';
import type { SalesforceConfig } from './config';

/** Answers for an id that is no longer there: in the Recycle Bin already, or purged from it. */
const ALREADY_GONE = new Set(['ENTITY_IS_DELETED', 'INVALID_CROSS_REFERENCE_KEY']);

export async function archiveRecords(
  ctx: ConnectorContext<SalesforceConfig>,
  kind: 'contact' | 'company',
  remoteIds: string[],
): Promise<ArchiveOutcome[]> {
  const sf = sfClient(ctx);
  const refused = new Map<string, ConnectorError>();
  if (kind === 'company' && remoteIds.length) {
    const people = await sf.queryChunked<{ Id: string; AccountId: string }, string>(
      'SELECT Id, AccountId FROM Contact',
      remoteIds,
      (chunk) => `AccountId IN (${chunk.map(soqlString).join(',')})`,
    );
    const count = new Map<string, number>();
    for (const p of people) count.set(p.AccountId, (count.get(p.AccountId) ?? 0) + 1);
    for (const [id, n] of count) {
      refused.set(
        id,
        new ConnectorError(
          `Salesforce would delete this account's ${n} contact${n === 1 ? '' : 's'} with it: delete the account there by hand (its id: ${id})`,
          'validation',
        ),
      );
    }
  }
  const todo = remoteIds.filter((id) => !refused.has(id));
  const results = new Map<string, SaveResult>();
  for (let i = 0; i < todo.length; i += COLLECTION_MAX) {
    const chunk = todo.slice(i, i + COLLECTION_MAX);
    const ids = chunk.map(encodeURIComponent).join(',');
    const res = await sf.request<SaveResult[]>('DELETE', `/composite/sobjects?ids=${ids}&allOrNone=false`);
    if (!Array.isArray(res) || res.length !== chunk.length)
      throw new ConnectorError(`Salesforce DELETE /composite/sobjects: expected ${chunk.length} results`, 'transient');
    chunk.forEach((id, j) => results.set(id, res[j]));
  }
  return remoteIds.map((remoteId): ArchiveOutcome => {
    const no = refused.get(remoteId);
    if (no) return { remoteId, ok: false, error: no };
    const r = results.get(remoteId)!;
    const code = r.errors[0]?.statusCode ?? r.errors[0]?.errorCode ?? '';
    if (r.success || ALREADY_GONE.has(code)) return { remoteId, ok: true };
    return { remoteId, ok: false, error: recordError(r.errors) };
  });
}
