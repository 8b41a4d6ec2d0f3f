// Pushing emails, notes, calls, meetings and tasks (HubSpot engagements). HubSpot has no idempotency key: a first send is
// created directly; a retry first looks for an earlier create (earlier-creates.ts: by the unique Rapport-id
// property, else through the associations of the record's contacts, never through the lagging search
// index). Associations to the linked contacts and companies go with the create (HUBSPOT_DEFINED type ids).
import type { Activity, Task } from '../../storage/schema';
import type { Outcomes } from '../outcomes';
import type { ConnectorContext, PushItem } from '../types';
import { writeAssociated } from './associated-writes';
import { groupBy, recordOf } from './batch';
import type { HsObjectType, HubspotClient } from './client';
import type { HubspotConfig } from './config';
import { callProperties, emailProperties, htmlText, meetingProperties, noteProperties, taskProperties, toMs } from './mapping';
import { rapportIdMode } from './rapport-id';

interface EngagementSpec {
  type: Extract<HsObjectType, 'emails' | 'notes' | 'calls' | 'meetings' | 'tasks'>;
  contactAssociation: number;
  companyAssociation: number;
  properties(record: Activity | Task): Record<string, string>;
  contactIds(record: Activity | Task): string[];
  companyIds(record: Activity | Task): string[];
  /** Properties the fallback match compares, and the key built from them. */
  keyProperties: string[];
  key(props: Record<string, string | null | undefined>): string;
}

const activityCompanies = (r: Activity | Task) => ('companyIds' in r ? (r.companyIds ?? []) : []);
const lower = (s: string | null | undefined) => (s ?? '').trim().toLowerCase();

export type EngagementKind = 'email' | 'note' | 'call' | 'meeting' | 'task';

export const ENGAGEMENTS: Record<EngagementKind, EngagementSpec> = {
  email: {
    type: 'emails',
    contactAssociation: 198,
    companyAssociation: 186,
    properties: (r) => emailProperties(r as Activity),
    contactIds: (r) => r.contactIds,
    companyIds: activityCompanies,
    keyProperties: ['hs_timestamp', 'hs_email_subject', 'hs_email_direction'],
    key: (p) => `${toMs(p.hs_timestamp)}|${lower(p.hs_email_subject)}|${p.hs_email_direction ?? ''}`,
  },
  note: {
    type: 'notes',
    contactAssociation: 202,
    companyAssociation: 190,
    properties: (r) => noteProperties(r as Activity),
    contactIds: (r) => r.contactIds,
    companyIds: activityCompanies,
    keyProperties: ['hs_timestamp', 'hs_note_body'],
    key: (p) => `${toMs(p.hs_timestamp)}|${lower(htmlText(p.hs_note_body))}`,
  },
  call: {
    type: 'calls',
    contactAssociation: 194,
    companyAssociation: 182,
    properties: (r) => callProperties(r as Activity),
    contactIds: (r) => r.contactIds,
    companyIds: activityCompanies,
    keyProperties: ['hs_timestamp', 'hs_call_title'],
    key: (p) => `${toMs(p.hs_timestamp)}|${lower(p.hs_call_title)}`,
  },
  meeting: {
    type: 'meetings',
    contactAssociation: 200,
    companyAssociation: 188,
    properties: (r) => meetingProperties(r as Activity),
    contactIds: (r) => r.contactIds,
    companyIds: activityCompanies,
    keyProperties: ['hs_timestamp', 'hs_meeting_title'],
    key: (p) => `${toMs(p.hs_timestamp)}|${lower(p.hs_meeting_title)}`,
  },
  task: {
    type: 'tasks',
    contactAssociation: 204,
    companyAssociation: 192,
    properties: (r) => taskProperties(r as Task),
    contactIds: (r) => r.contactIds,
    companyIds: (r) => ('companyId' in r && r.companyId ? [r.companyId] : []),
    keyProperties: ['hs_timestamp', 'hs_task_subject'],
    key: (p) => `${toMs(p.hs_timestamp)}|${lower(p.hs_task_subject)}`,
  },
};

interface EngagementWork {
  items: PushItem[];
  record: Activity | Task;
  localId: string;
  props: Record<string, string>;
  contacts: string[];
  companies: string[];
  remoteId?: string;
}

export async function pushEngagements(
  client: HubspotClient,
  ctx: ConnectorContext<HubspotConfig>,
  kind: EngagementKind,
  items: PushItem[],
  outcomes: Outcomes,
): Promise<void> {
  const spec = ENGAGEMENTS[kind];
  const mode = await rapportIdMode(client, spec.type, ctx.config.rapportIdProperty || undefined, ctx.memory);
  const valid = items.filter((i) => recordOf(i, [kind]) !== undefined);
  const groups = groupBy(valid, (i) => (i.remoteId ? `id:${i.remoteId}` : `local:${(recordOf(i, [kind]) as Activity | Task).id}`));
  const work: EngagementWork[] = [...groups.values()].map((group) => {
    const record = recordOf(group[0], [kind]) as Activity | Task;
    const linked = group[0].linked;
    return {
      items: group,
      record,
      localId: record.id,
      props: spec.properties(record),
      contacts: [
        ...new Set(
          spec
            .contactIds(record)
            .map((id) => linked.contacts[id])
            .filter(Boolean),
        ),
      ],
      companies: [
        ...new Set(
          spec
            .companyIds(record)
            .map((id) => linked.companies[id])
            .filter(Boolean),
        ),
      ],
      remoteId: group[0].remoteId,
    };
  });
  await writeAssociated(
    client,
    { ...spec, associationTypes: { contacts: spec.contactAssociation, companies: spec.companyAssociation } },
    mode,
    work.map((w) => ({ ...w, associations: { contacts: w.contacts, companies: w.companies } })),
    outcomes,
    { refuseUnlinked: 'None of the contacts or companies of this record is synced to HubSpot yet' },
  );
}
