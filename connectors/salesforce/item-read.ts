// Reading Salesforce's side of pipeline items: the stage picklists listed for the mapping (one
// "pipeline" per object: Opportunity stages from OpportunityStage, Case statuses from CaseStatus —
// a stage's id is its picklist value, the ApiName), whether the org has multiple currencies, and
// the pull of Opportunities and Cases changed since the cursor.
import type { ItemSyncKind, RemoteItem, RemotePipeline } from '../types';
import { soqlDateTime, soqlString, type SfClient, type SfRecord } from './api';
import type { Ctx } from './config';

export const OPPORTUNITY = 'Opportunity';
export const CASE = 'Case';
const PULL_PAGE = 200;
const MARKER_RE = /\[rapport:([A-Za-z0-9_]{1,100})\]/;
const sfIso = (v: string) => new Date(v.replace(/\+0000$/, 'Z')).toISOString();

type StageRow = SfRecord & {
  ApiName: string;
  MasterLabel?: string | null;
  IsClosed?: boolean;
  IsWon?: boolean;
  DefaultProbability?: number | null;
};

/** The stages of `kind` as one pipeline named after its object; none for candidates (no recruiting object). */
export async function itemPipelines(sf: SfClient, kind: ItemSyncKind): Promise<RemotePipeline[]> {
  if (kind === 'deal') {
    const rows = await sf.query<StageRow>(
      'SELECT Id, ApiName, MasterLabel, IsClosed, IsWon, DefaultProbability FROM OpportunityStage WHERE IsActive = true ORDER BY SortOrder ASC',
    );
    return [
      {
        id: OPPORTUNITY,
        label: 'Opportunities',
        stages: rows.map((r) => ({
          id: r.ApiName,
          label: r.MasterLabel || r.ApiName,
          ...(typeof r.DefaultProbability === 'number' ? { probability: r.DefaultProbability / 100 } : {}),
          ...(r.IsClosed ? { closed: r.IsWon ? ('won' as const) : ('lost' as const) } : {}),
        })),
      },
    ];
  }
  if (kind === 'case') {
    const rows = await sf.query<StageRow>('SELECT Id, ApiName, MasterLabel, IsClosed FROM CaseStatus ORDER BY SortOrder ASC');
    return [
      {
        id: CASE,
        label: 'Cases',
        stages: rows.map((r) => ({
          id: r.ApiName,
          label: r.MasterLabel || r.ApiName,
          ...(r.IsClosed ? { closed: 'resolved' as const } : {}),
        })),
      },
    ];
  }
  return [];
}

/**
 * Whether Opportunity has CurrencyIsoCode (multiple currencies enabled in the org), from the
 * object's describe; kept in the connector's memory (an org's setting, not turned off once on).
 */
export async function hasCurrencyField(sf: SfClient, ctx: Ctx): Promise<boolean> {
  const known = await ctx.memory?.get('sf.multiCurrency');
  if (known !== undefined) return known === '1';
  const d = await sf.request<{ fields?: { name: string }[] }>('GET', '/sobjects/Opportunity/describe');
  const has = (d.fields ?? []).some((f) => f.name === 'CurrencyIsoCode');
  await ctx.memory?.set('sf.multiCurrency', has ? '1' : '0');
  return has;
}

/** `LastModifiedDate` after the cursor `iso|lastId` (records sharing the instant ordered by Id). */
function after(cursor: string): string[] {
  const [since, lastId] = cursor.split('|');
  if (!since) return [];
  const t = soqlDateTime(since);
  return [lastId ? `(LastModifiedDate > ${t} OR (LastModifiedDate = ${t} AND Id > ${soqlString(lastId)}))` : `LastModifiedDate > ${t}`];
}

type ItemRow = SfRecord & {
  Name?: string | null;
  Subject?: string | null;
  StageName?: string | null;
  Status?: string | null;
  Amount?: number | null;
  CloseDate?: string | null;
  CurrencyIsoCode?: string | null;
  Description?: string | null;
  LastModifiedDate?: string;
};

function remoteItem(kind: 'deal' | 'case', r: ItemRow): RemoteItem {
  const localId = MARKER_RE.exec(r.Description ?? '')?.[1];
  return {
    remoteId: r.Id,
    kind,
    remotePipelineId: kind === 'deal' ? OPPORTUNITY : CASE,
    remoteStageId: String((kind === 'deal' ? r.StageName : r.Status) ?? ''),
    ...((kind === 'deal' ? r.Name : r.Subject) ? { title: String(kind === 'deal' ? r.Name : r.Subject) } : {}),
    ...(typeof r.Amount === 'number' ? { amount: r.Amount } : {}),
    ...(r.CurrencyIsoCode ? { currency: r.CurrencyIsoCode } : {}),
    ...(r.CloseDate ? { closeDate: r.CloseDate } : {}),
    ...(r.LastModifiedDate ? { updatedAt: sfIso(r.LastModifiedDate) } : {}),
    ...(localId ? { localId } : {}),
  };
}

/**
 * Opportunities (deals) and Cases changed since the cursor, oldest change first. The cursor is the
 * Opportunities' `iso|id`, a space, then the Cases' one; a kind not asked for keeps its place.
 */
export async function pullItems(
  sf: SfClient,
  ctx: Ctx,
  cursor: string,
  kinds: ItemSyncKind[],
): Promise<{ items: RemoteItem[]; cursor: string; more: boolean }> {
  const [dealCursor = '', caseCursor = ''] = cursor.split(' ');
  const next = { deal: dealCursor, case: caseCursor };
  const items: RemoteItem[] = [];
  let more = false;
  for (const kind of ['deal', 'case'] as const) {
    if (!kinds.includes(kind)) continue;
    const fields =
      kind === 'deal'
        ? `Id, Name, StageName, Amount, CloseDate, Description, LastModifiedDate${(await hasCurrencyField(sf, ctx)) ? ', CurrencyIsoCode' : ''}`
        : 'Id, Subject, Status, Description, LastModifiedDate';
    const where = after(next[kind]);
    const rows = await sf.query<ItemRow>(
      `SELECT ${fields} FROM ${kind === 'deal' ? OPPORTUNITY : CASE}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY LastModifiedDate ASC, Id ASC LIMIT ${PULL_PAGE}`,
      PULL_PAGE,
    );
    items.push(...rows.map((r) => remoteItem(kind, r)));
    const last = rows[rows.length - 1];
    if (last?.LastModifiedDate) next[kind] = `${sfIso(last.LastModifiedDate)}|${last.Id}`;
    more ||= rows.length === PULL_PAGE;
  }
  return { items, cursor: `${next.deal} ${next.case}`, more };
}
