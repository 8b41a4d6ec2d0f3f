// Finding what an earlier attempt may have created, without the search API (its index lags writes by a
// few seconds, so a retry soon after a lost response would not see the record and would create it twice).
// - With a unique Rapport-id property: one batch read by that property. Exact.
// - Otherwise, engagements: the records associated with the record's first contact (or company), read
//   through the v4 associations API, then batch-read. A candidate carrying a Rapport id matches only
//   that id; one without matches on content (timestamp + subject, text…) and only when it is associated
//   with every contact and company of the local record, so identical "Follow up" tasks for different
//   people stay apart. Each candidate is claimed once per batch.
import { chunk } from '../http';
import { oldest } from '../outcomes';
import type { HsObject, HsObjectType, HubspotClient } from './client';
import { readByRapportId, type RapportIdMode } from './rapport-id';

export interface EngagementCandidateSpec {
  type: HsObjectType;
  keyProperties: string[];
  key(props: Record<string, string | null | undefined>): string;
}

export interface LookupWork {
  localId: string;
  props: Record<string, string>;
  contacts: string[];
  companies: string[];
}

interface AssocRead {
  results?: { from?: { id?: string | number }; to?: { toObjectId: string | number }[] }[];
}

/** Ids associated with each `from` id (from → to), through the v4 batch read. */
export async function associated(
  client: HubspotClient,
  from: HsObjectType,
  to: HsObjectType,
  ids: string[],
): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  for (const part of chunk([...new Set(ids)], 100)) {
    const res = await client.request<AssocRead>('POST', `/crm/v4/associations/${from}/${to}/batch/read`, {
      inputs: part.map((id) => ({ id })),
    });
    for (const r of res.results ?? []) {
      const fromId = String(r.from?.id ?? '');
      const set = out.get(fromId) ?? new Set<string>();
      for (const t of r.to ?? []) set.add(String(t.toObjectId));
      out.set(fromId, set);
    }
  }
  return out;
}

const lower = (s: string | null | undefined) => (s ?? '').trim().toLowerCase();

/** Earlier creates of `works` (records without a remote id, not on their first send), by local id. */
export async function findEarlierCreates<W extends LookupWork>(
  client: HubspotClient,
  spec: EngagementCandidateSpec,
  mode: RapportIdMode,
  works: W[],
): Promise<Map<W, string>> {
  const found = new Map<W, string>();
  if (works.length === 0) return found;
  if (mode.kind === 'unique') {
    const byId = await readByRapportId(
      client,
      spec.type,
      mode.property,
      works.map((w) => w.localId),
      [mode.property],
    );
    for (const w of works) {
      const id = byId.get(lower(w.localId))?.id;
      if (id) found.set(w, id);
    }
    return found;
  }

  const idProp = mode.kind === 'plain' ? mode.property : undefined;
  const anchored = works.filter((w) => w.contacts.length > 0 || w.companies.length > 0);
  const viaContacts = anchored.filter((w) => w.contacts.length > 0);
  const viaCompanies = anchored.filter((w) => w.contacts.length === 0);
  const fromContacts = await associated(
    client,
    'contacts',
    spec.type,
    viaContacts.map((w) => w.contacts[0]),
  );
  const fromCompanies = await associated(
    client,
    'companies',
    spec.type,
    viaCompanies.map((w) => w.companies[0]),
  );
  const candidatesOf = (w: W) => (w.contacts.length > 0 ? fromContacts.get(w.contacts[0]) : fromCompanies.get(w.companies[0])) ?? new Set();
  const allIds = [...new Set(anchored.flatMap((w) => [...candidatesOf(w)]))];
  if (allIds.length === 0) return found;
  const objects = new Map(
    (await client.batchRead(spec.type, allIds, [...spec.keyProperties, ...(idProp ? [idProp] : [])])).map((o) => [o.id, o] as const),
  );

  // Content matches, then their associations (only those: most candidates fail on content).
  const contentMatch = (w: W, o: HsObject) =>
    idProp && o.properties[idProp] ? lower(o.properties[idProp]) === lower(w.localId) : spec.key(o.properties) === spec.key(w.props);
  const matching = new Map(
    anchored.map((w) => [w, [...candidatesOf(w)].flatMap((id) => objects.get(id) ?? []).filter((o) => contentMatch(w, o))]),
  );
  const toCheck = [...new Set([...matching.values()].flatMap((list) => list.map((o) => o.id)))];
  const needCompanies = anchored.some((w) => w.companies.length > 0);
  const contactsOf = await associated(client, spec.type, 'contacts', toCheck);
  const companiesOf = needCompanies ? await associated(client, spec.type, 'companies', toCheck) : new Map<string, Set<string>>();
  const covers = (have: Set<string> | undefined, want: string[]) => want.every((id) => have?.has(id));

  const claimed = new Set<string>();
  for (const w of anchored) {
    // A Rapport id is proof enough; content alone needs the same people and companies too.
    const byId = (o: HsObject) => idProp !== undefined && !!o.properties[idProp];
    const hit = oldest(
      (matching.get(w) ?? []).filter(
        (o) => !claimed.has(o.id) && (byId(o) || (covers(contactsOf.get(o.id), w.contacts) && covers(companiesOf.get(o.id), w.companies))),
      ),
    );
    if (hit) {
      claimed.add(hit.id);
      found.set(w, hit.id);
    }
  }
  return found;
}
