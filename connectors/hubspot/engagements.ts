// Pushing emails, notes, calls, meetings and tasks (HubSpot engagements). HubSpot has no idempotency key: a first send is
// created directly; a retry first looks for an earlier create (earlier-creates.ts: by the unique Rapport-id
// property, else through the associations of the record's contacts, never through the lagging search
// index). Associations to the linked contacts and companies go with the create (HUBSPOT_DEFINED type ids).
import type { Activity, Task } from '../../storage/schema';
import { fail, ok, type Outcomes } from '../outcomes';
import { ConnectorError, type ConnectorContext, type PushItem } from '../types';
import { groupBy, recordOf } from './batch';
import type { HsObjectType, HubspotClient, WriteInput } from './client';
import type { HubspotConfig } from './config';
import { findEarlierCreates } from './earlier-creates';
import { callProperties, emailProperties, htmlText, meetingProperties, noteProperties, taskProperties, toMs } from './mapping';
import { existingIdOf, rapportIdMode } from './rapport-id';

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
  const idProp = mode.kind === 'none' ? undefined : mode.property;
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
  const settle = (w: EngagementWork, remoteId: string | undefined, error?: ConnectorError) => {
    for (const item of w.items) {
      if (remoteId) ok(outcomes, item, remoteId);
      else fail(outcomes, item, error ?? new ConnectorError('not written', 'transient'));
    }
  };

  // 1. Known remote ids: update in place, then make sure the associations exist.
  const known = work.filter((w) => w.remoteId);
  if (known.length > 0) {
    const results = await client.batchWrite(
      spec.type,
      'update',
      known.map((w) => ({ trace: w.items[0].entryId, body: { id: w.remoteId, properties: w.props } })),
    );
    for (const w of known) {
      const r = results.get(w.items[0].entryId);
      settle(w, r?.ok ? r.object.id : undefined, r && !r.ok ? r.error : undefined);
    }
    const done = known.filter((w) => results.get(w.items[0].entryId)?.ok);
    await client.associateDefault(
      spec.type,
      'contacts',
      done.flatMap((w) => w.contacts.map((to) => ({ from: w.remoteId as string, to }))),
    );
    await client.associateDefault(
      spec.type,
      'companies',
      done.flatMap((w) => w.companies.map((to) => ({ from: w.remoteId as string, to }))),
    );
  }

  // 2. Unknown remote ids: look for an earlier create (a lost response, a crash before the link).
  // A record on its first send cannot have one (PushItem.firstSend): no look-up for it.
  const unknown = work.filter((w) => !w.remoteId);
  const retried = unknown.filter((w) => !w.items.every((i) => i.firstSend));
  const existing = await findEarlierCreates(client, spec, mode, retried);

  // 3. Create the rest, with their associations, in one batch call per 100.
  const creates: WriteInput[] = [];
  const byTrace = new Map<string, EngagementWork>();
  for (const w of unknown) {
    const found = existing.get(w);
    if (found) {
      settle(w, found);
      continue;
    }
    if (w.contacts.length === 0 && w.companies.length === 0) {
      settle(w, undefined, new ConnectorError('None of the contacts or companies of this record is synced to HubSpot yet', 'not-found'));
      continue;
    }
    const associations = [
      ...w.contacts.map((id) => ({
        to: { id },
        types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: spec.contactAssociation }],
      })),
      ...w.companies.map((id) => ({
        to: { id },
        types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: spec.companyAssociation }],
      })),
    ];
    const properties = idProp ? { ...w.props, [idProp]: w.record.id } : w.props;
    const trace = w.items[0].entryId;
    byTrace.set(trace, w);
    creates.push({ trace, body: { properties, associations } });
  }
  if (creates.length > 0) {
    const results = await client.batchWrite(spec.type, 'create', creates);
    for (const [trace, w] of byTrace) {
      const r = results.get(trace);
      // A unique Rapport id already taken: HubSpot names the record an earlier attempt created.
      const earlier = r && !r.ok ? existingIdOf(r.error) : undefined;
      settle(w, r?.ok ? r.object.id : earlier, r && !r.ok && !earlier ? r.error : undefined);
    }
  }
}
