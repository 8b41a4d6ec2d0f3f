// Pushing pipeline items (decision 0054): deals (sales and custom pipelines) to HubSpot deals, cases
// (service) to tickets; candidates are not pushed (HubSpot has no hiring object, see README).
// Exactly once without an idempotency key, as for engagements: a first send is created directly;
// every later attempt looks first (earlier-creates.ts: the unique Rapport-id property on deals and
// tickets, else the deals/tickets associated with the item's first contact or company, matched on the
// name and the associations). A known remote id is updated (stage, amount, close date… Rapport's item
// is the source of these) and its associations completed. Associations to the linked contacts and
// companies go with the create (HUBSPOT_DEFINED type ids).
import type { Pipeline, PipelineItem } from '../../storage/schema';
import { fail, type Outcomes } from '../outcomes';
import { needsRemotePipelines, remoteStageOf } from '../pipeline-map';
import { ConnectorError, type ConnectorContext, type ItemSyncKind, type PushItem, type RemotePipeline } from '../types';
import { groupBy } from './batch';
import type { HubspotClient } from './client';
import { writeAssociated } from './associated-writes';
import type { HubspotConfig } from './config';
import type { EngagementCandidateSpec } from './earlier-creates';
import { listPipelines } from './pipelines';
import { rapportIdMode } from './rapport-id';

export interface ItemSpec extends EngagementCandidateSpec {
  type: 'deals' | 'tickets';
  pipelineProperty: string;
  stageProperty: string;
  contactAssociation: number;
  companyAssociation: number;
  /** To a logged e-mail (deal→email 209, ticket→email 223). */
  emailAssociation: number;
  properties(item: PipelineItem, pipeline: Pipeline): Record<string, string>;
}

const lower = (s: string | null | undefined) => (s ?? '').trim().toLowerCase();

const TICKET_PRIORITY: Record<NonNullable<PipelineItem['priority']>, string> = {
  low: 'LOW',
  normal: 'MEDIUM',
  high: 'HIGH',
  urgent: 'URGENT',
};
/** HubSpot's default ticket categories; a complaint is a product issue there (the portal may add its own). */
const TICKET_CATEGORY: Record<NonNullable<PipelineItem['category']>, string> = {
  question: 'GENERAL_INQUIRY',
  request: 'FEATURE_REQUEST',
  complaint: 'PRODUCT_ISSUE',
  incident: 'PRODUCT_ISSUE',
};

export const ITEM_SPECS: Record<'deal' | 'case', ItemSpec> = {
  deal: {
    type: 'deals',
    pipelineProperty: 'pipeline',
    stageProperty: 'dealstage',
    contactAssociation: 3,
    companyAssociation: 341,
    emailAssociation: 209,
    properties: (item, pipeline) => {
      const currency = item.currency ?? pipeline.currency;
      return {
        dealname: item.title,
        ...(item.amount !== undefined ? { amount: String(item.amount) } : {}),
        ...(currency ? { deal_currency_code: currency } : {}),
        ...(item.closeDate ? { closedate: item.closeDate } : {}),
      };
    },
    keyProperties: ['dealname'],
    key: (p) => lower(p.dealname),
  },
  case: {
    type: 'tickets',
    pipelineProperty: 'hs_pipeline',
    stageProperty: 'hs_pipeline_stage',
    contactAssociation: 16,
    companyAssociation: 339,
    emailAssociation: 223,
    properties: (item) => ({
      subject: item.title,
      ...(item.notes ? { content: item.notes } : {}),
      ...(item.priority ? { hs_ticket_priority: TICKET_PRIORITY[item.priority] } : {}),
      ...(item.category ? { hs_ticket_category: TICKET_CATEGORY[item.category] } : {}),
    }),
    keyProperties: ['subject'],
    key: (p) => lower(p.subject),
  },
};

interface ItemWork {
  items: PushItem[];
  localId: string;
  props: Record<string, string>;
  contacts: string[];
  companies: string[];
  emails: string[];
  remoteId?: string;
}

function itemOf(p: PushItem): { record: PipelineItem; pipeline: Pipeline } | undefined {
  return 'pipeline' in p.item ? { record: p.item.record, pipeline: p.item.pipeline } : undefined;
}

export async function pushItems(
  client: HubspotClient,
  ctx: ConnectorContext<HubspotConfig>,
  kind: ItemSyncKind,
  items: PushItem[],
  outcomes: Outcomes,
): Promise<void> {
  if (kind === 'candidate') {
    for (const i of items) fail(outcomes, i, new ConnectorError('HubSpot has no object for candidates', 'validation'));
    return;
  }
  const spec = ITEM_SPECS[kind];
  const need = items.some((i) => {
    const it = itemOf(i);
    return it && needsRemotePipelines(it.pipeline, it.record.stageId, ctx.pipelineMapping);
  });
  const remotes: RemotePipeline[] = need ? await listPipelines(client, kind) : [];
  const valid: PushItem[] = [];
  const stageProps = new Map<PushItem, Record<string, string>>();
  for (const i of items) {
    const it = itemOf(i);
    const where = it && remoteStageOf(it.pipeline, it.record.stageId, ctx.pipelineMapping, remotes);
    if (!it || !where) {
      fail(outcomes, i, new ConnectorError(`No HubSpot ${spec.type} pipeline to put this item in`, 'validation'));
      continue;
    }
    stageProps.set(i, { [spec.pipelineProperty]: where.remotePipelineId, [spec.stageProperty]: where.remoteStageId });
    valid.push(i);
  }
  const mode = await rapportIdMode(client, spec.type, ctx.config.rapportIdProperty || undefined, ctx.memory);
  const groups = groupBy(valid, (i) => (i.remoteId ? `id:${i.remoteId}` : `local:${i.item.record.id}`));
  const work: ItemWork[] = [...groups.values()].map((group) => {
    const { record, pipeline } = itemOf(group[0])!;
    const linked = group[0].linked;
    return {
      items: group,
      localId: record.id,
      props: { ...spec.properties(record, pipeline), ...stageProps.get(group[0]) },
      contacts: [...new Set(record.contactIds.map((id) => linked.contacts[id]).filter(Boolean))],
      companies: record.companyId && linked.companies[record.companyId] ? [linked.companies[record.companyId]] : [],
      emails: [...new Set(Object.values(linked.emails ?? {}))],
      remoteId: group[0].remoteId,
    };
  });
  await writeAssociated(
    client,
    {
      ...spec,
      associationTypes: { contacts: spec.contactAssociation, companies: spec.companyAssociation, emails: spec.emailAssociation },
    },
    mode,
    work.map((w) => ({ ...w, associations: { contacts: w.contacts, companies: w.companies, emails: w.emails } })),
    outcomes,
  );
}
