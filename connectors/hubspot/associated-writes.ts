// The write flow shared by engagements (e-mails, notes, calls, meetings, tasks) and pipeline items
// (deals, tickets): HubSpot has no idempotency key, so a record is written exactly once by
//   1. updating the records whose remote id is known, then completing their default associations;
//   2. looking for an earlier create of the others unless this is their first send (a lost answer,
//      a crash before the link was stored: earlier-creates.ts);
//   3. creating the rest with their associations, carrying the Rapport id where the portal has the
//      unique property (a create refused because that id is taken names the earlier record).
import { fail, ok, type Outcomes } from '../outcomes';
import { ConnectorError, type PushItem } from '../types';
import type { HsObjectType, HubspotClient, WriteInput } from './client';
import { type EngagementCandidateSpec, type LookupWork, findEarlierCreates } from './earlier-creates';
import { type RapportIdMode, existingIdOf } from './rapport-id';

/** One record to write: the outbox items naming it, its properties and whom it is associated with. */
export interface AssociatedWork extends LookupWork {
  items: PushItem[];
  remoteId?: string;
  /** Remote ids to associate it with, by object type (contacts, companies, emails…). */
  associations: Partial<Record<HsObjectType, string[]>>;
}

export interface AssociatedWriteSpec extends EngagementCandidateSpec {
  type: HsObjectType;
  /** HUBSPOT_DEFINED association type id from this object to each target type. */
  associationTypes: Partial<Record<HsObjectType, number>>;
}

export async function writeAssociated(
  client: HubspotClient,
  spec: AssociatedWriteSpec,
  mode: RapportIdMode,
  work: AssociatedWork[],
  outcomes: Outcomes,
  opts: { refuseUnlinked?: string } = {},
): Promise<void> {
  const idProp = mode.kind === 'none' ? undefined : mode.property;
  const targets = Object.keys(spec.associationTypes) as HsObjectType[];
  const settle = (w: AssociatedWork, remoteId: string | undefined, error?: ConnectorError) => {
    for (const item of w.items) {
      if (remoteId) ok(outcomes, item, remoteId);
      else fail(outcomes, item, error ?? new ConnectorError('not written', 'transient'));
    }
  };

  // 1. Known remote ids: update in place, then make sure the associations exist (people added since).
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
    for (const target of targets) {
      await client.associateDefault(
        spec.type,
        target,
        done.flatMap((w) => (w.associations[target] ?? []).map((to) => ({ from: w.remoteId as string, to }))),
      );
    }
  }

  // 2. Unknown remote ids: look for an earlier create. A record on its first send cannot have one
  // (PushItem.firstSend): no look-up for it.
  const unknown = work.filter((w) => !w.remoteId);
  const retried = unknown.filter((w) => !w.items.every((i) => i.firstSend));
  const existing = await findEarlierCreates(client, spec, mode, retried);

  // 3. Create the rest, with their associations, in one batch call per 100.
  const creates: WriteInput[] = [];
  const byTrace = new Map<string, AssociatedWork>();
  for (const w of unknown) {
    const found = existing.get(w);
    if (found) {
      settle(w, found);
      continue;
    }
    if (opts.refuseUnlinked && w.contacts.length === 0 && w.companies.length === 0) {
      settle(w, undefined, new ConnectorError(opts.refuseUnlinked, 'not-found'));
      continue;
    }
    const associations = targets.flatMap((target) =>
      (w.associations[target] ?? []).map((id) => ({
        to: { id },
        types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: spec.associationTypes[target]! }],
      })),
    );
    const trace = w.items[0].entryId;
    byTrace.set(trace, w);
    creates.push({ trace, body: { properties: idProp ? { ...w.props, [idProp]: w.localId } : w.props, associations } });
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
