/**
 * HubSpot connector (CRM v3 objects, v4 associations), private-app token auth.
 *
 * Idempotency (principle 4), per kind:
 * - contact: batch read by `email` first, then `batch/upsert` with `idProperty: 'email'` for new
 *   ones (native upsert) and `batch/update` of the empty properties only for existing ones
 *   (principle 6: the CRM keeps what it has). Without an email: the LinkedIn URL
 *   (`hs_linkedin_url` IN …), else the exact first + last name among contacts that have no email
 *   (oldest wins), else a create. A retry therefore finds what a lost response created.
 * - company: `domain` is not a unique property in HubSpot (the API does not de-duplicate companies
 *   by domain, and batch/upsert only takes unique-valued id properties), so companies are searched
 *   by domain (IN, lowercase), else by exact name, then updated (empty properties) or created.
 * - email / note / task: HubSpot has no idempotency key. A record's first send (PushItem.firstSend:
 *   a new local id never handed out before) is created directly; every later attempt looks first.
 *   With `rapportIdProperty` configured (a
 *   single-line text property of that name created in the portal on emails, notes and tasks), the
 *   local record id is written on create and searched before creating. Without it, the fallback
 *   matches on hs_timestamp (exact) + subject and direction (emails), visible text (notes) or
 *   subject (tasks). A known `remoteId` updates via batch/update. Search results can lag writes by
 *   a few seconds in HubSpot: a retry within that window could still duplicate.
 * - An email/note/task none of whose contacts or companies is linked yet fails with `not-found`
 *   (retried later by the engine) instead of creating an orphan.
 */
import { z } from 'zod';
import type { Activity, Company, Contact, Task } from '../../storage/schema';
import { chunk } from '../http';
import {
  ConnectorError,
  type Connector,
  type ConnectorContext,
  type PullResult,
  type PushItem,
  type PushOutcome,
  type RemoteContact,
  type SyncKind,
} from '../types';
import { HUBSPOT_BASE_URL, HubspotClient, type HsObject, type HsObjectType, type HubspotConfig, type WriteInput } from './client';
import {
  HUBSPOT_DEFAULT_MAPPING,
  LIFECYCLE_LABELS,
  companyProperties,
  contactFromProperties,
  contactProperties,
  domainOf,
  effectiveMapping,
  emailProperties,
  fillEmpty,
  htmlText,
  linkedinVariants,
  mappedProperties,
  normalizeEmail,
  normalizeLinkedin,
  noteProperties,
  taskProperties,
} from './mapping';

export type { HubspotConfig } from './client';

export const hubspotConfigSchema = z.object({
  accessToken: z.string().trim().min(1, 'Paste the private app access token').describe('Private app access token'),
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .default(HUBSPOT_BASE_URL)
    .describe('API base URL'),
  rapportIdProperty: z
    .string()
    .trim()
    .regex(/^([a-z][a-z0-9_]*)?$/, 'HubSpot internal property names are lowercase letters, digits and _')
    .optional()
    .describe('Custom text property on emails, notes and tasks holding the Rapport id (exact de-duplication)'),
  existingContacts: z
    .enum(['fill-empty', 'overwrite'])
    .default('fill-empty')
    .describe('When a contact already exists in HubSpot: fill its empty properties only, or overwrite them with Rapport’s values'),
});

// ---------- shared helpers ----------

type Outcomes = Map<string, PushOutcome>;

function ok(outcomes: Outcomes, item: PushItem, remoteId: string): void {
  outcomes.set(item.entryId, { entryId: item.entryId, ok: true, remoteId });
}

function fail(outcomes: Outcomes, item: PushItem, error: ConnectorError): void {
  outcomes.set(item.entryId, { entryId: item.entryId, ok: false, error });
}

function finish(items: PushItem[], outcomes: Outcomes): PushOutcome[] {
  return items.map(
    (i) => outcomes.get(i.entryId) ?? { entryId: i.entryId, ok: false, error: new ConnectorError('not processed', 'transient') },
  );
}

/** Items sharing a key (same record pushed twice in one batch) are written once. */
function groupBy<T>(list: T[], key: (t: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const t of list) groups.set(key(t), [...(groups.get(key(t)) ?? []), t]);
  return groups;
}

function toMs(value: string | null | undefined): number {
  if (!value) return NaN;
  return /^-?\d+$/.test(value) ? Number(value) : Date.parse(value);
}

function oldest(objects: HsObject[]): HsObject | undefined {
  return [...objects].sort((a, b) => Number(a.id) - Number(b.id))[0];
}

function recordOf(item: PushItem, kinds: PushItem['item']['kind'][]): PushItem['item']['record'] | undefined {
  return kinds.includes(item.item.kind) ? item.item.record : undefined;
}

// ---------- contacts ----------

interface ContactWork {
  items: PushItem[];
  contact: Contact;
  props: Record<string, string>;
  email?: string;
  remote?: HsObject;
}

async function pushContacts(client: HubspotClient, ctx: ConnectorContext<HubspotConfig>, items: PushItem[], outcomes: Outcomes): Promise<void> {
  const mapping = effectiveMapping(ctx.fieldMapping);
  const emailProp = mapping.emails || 'email';
  const linkedinProp = mapping.linkedinUrl;
  const readProps = [...new Set([...mappedProperties(mapping), emailProp])];

  const valid = items.filter((i) => recordOf(i, ['contact']) !== undefined);
  const groups = groupBy(valid, (i) => {
    const c = recordOf(i, ['contact']) as Contact;
    const email = normalizeEmail(c.emails[0]);
    return i.remoteId ? `id:${i.remoteId}` : email ? `email:${email}` : `local:${c.id}`;
  });
  const work: ContactWork[] = [...groups.values()].map((group) => {
    const contact = recordOf(group[0], ['contact']) as Contact;
    const props = contactProperties(contact, mapping);
    return { items: group, contact, props, email: normalizeEmail(contact.emails[0]) };
  });

  // Overwrite mode (the user's say-so, principle 6): no read before writing; a known id is
  // updated, an email is upserted (HubSpot's native upsert), one request per batch.
  const overwrite = ctx.config.existingContacts === 'overwrite';
  if (overwrite) for (const w of work) if (w.items[0].remoteId) w.remote = { id: w.items[0].remoteId, properties: {} } as HsObject;

  // A. Known remote ids.
  const byRemoteId = work.filter((w) => w.items[0].remoteId && !overwrite);
  if (byRemoteId.length > 0) {
    const found = await client.batchRead('contacts', byRemoteId.map((w) => w.items[0].remoteId as string), readProps);
    const map = new Map(found.map((o) => [o.id, o]));
    for (const w of byRemoteId) w.remote = map.get(w.items[0].remoteId as string);
  }
  // B. By email (HubSpot's unique id property for contacts).
  const byEmail = work.filter((w) => !w.remote && w.email && !overwrite);
  if (byEmail.length > 0) {
    const found = await client.batchRead('contacts', byEmail.map((w) => w.email as string), readProps, emailProp);
    const map = new Map(found.map((o) => [normalizeEmail(o.properties[emailProp] ?? undefined), o]));
    for (const w of byEmail) w.remote = map.get(w.email);
  }
  // C. No email: by LinkedIn URL.
  const byLinkedin = work.filter((w) => !w.remote && !w.email && linkedinProp && normalizeLinkedin(w.contact.linkedinUrl));
  for (const part of chunk(byLinkedin, 20)) {
    const values = [...new Set(part.flatMap((w) => linkedinVariants(w.contact.linkedinUrl as string)))];
    const found = await client.searchAll('contacts', {
      filterGroups: [{ filters: [{ propertyName: linkedinProp, operator: 'IN', values }] }],
      properties: readProps,
    });
    for (const w of part) {
      const key = normalizeLinkedin(w.contact.linkedinUrl);
      w.remote = oldest(found.filter((o) => normalizeLinkedin(o.properties[linkedinProp] ?? undefined) === key));
    }
  }
  // D. No email, no LinkedIn match: exact name among contacts without an email.
  const firstProp = mapping.firstName;
  const lastProp = mapping.lastName;
  const byName = work.filter((w) => !w.remote && !w.email && firstProp && w.props[firstProp]);
  for (const part of chunk(byName, 5)) {
    const filterGroups = part.map((w) => ({
      filters: [
        { propertyName: firstProp, operator: 'EQ', value: w.props[firstProp] },
        lastProp && w.props[lastProp]
          ? { propertyName: lastProp, operator: 'EQ', value: w.props[lastProp] }
          : { propertyName: lastProp || firstProp, operator: lastProp ? 'NOT_HAS_PROPERTY' : 'HAS_PROPERTY' },
        { propertyName: emailProp, operator: 'NOT_HAS_PROPERTY' },
      ],
    }));
    const found = await client.searchAll('contacts', { filterGroups, properties: readProps });
    const same = (a: string | null | undefined, b: string | undefined) => (a ?? '').trim().toLowerCase() === (b ?? '').trim().toLowerCase();
    for (const w of part) {
      w.remote = oldest(
        found.filter(
          (o) => same(o.properties[firstProp], w.props[firstProp]) && (!lastProp || same(o.properties[lastProp], w.props[lastProp])) && !o.properties[emailProp],
        ),
      );
    }
  }

  // E. Writes.
  const updates: WriteInput[] = [];
  const upserts: WriteInput[] = [];
  const creates: WriteInput[] = [];
  const byTrace = new Map<string, ContactWork>();
  for (const w of work) {
    const trace = w.items[0].entryId;
    byTrace.set(trace, w);
    if (w.remote) {
      const diff = fillEmpty(w.props, w.remote.properties);
      if (Object.keys(diff).length > 0) updates.push({ trace, body: { id: w.remote.id, properties: diff } });
    } else if (w.email) {
      upserts.push({ trace, body: { idProperty: emailProp, id: w.email, properties: w.props } });
    } else {
      creates.push({ trace, body: { properties: w.props } });
    }
  }
  const written = new Map([
    ...(updates.length ? await client.batchWrite('contacts', 'update', updates) : []),
    ...(upserts.length ? await client.batchWrite('contacts', 'upsert', upserts) : []),
    ...(creates.length ? await client.batchWrite('contacts', 'create', creates) : []),
  ]);

  const companyPairs: { from: string; to: string }[] = [];
  for (const [trace, w] of byTrace) {
    const result = written.get(trace);
    const remoteId = result ? (result.ok ? result.object.id : undefined) : w.remote?.id;
    for (const item of w.items) {
      if (remoteId) ok(outcomes, item, remoteId);
      else if (result && !result.ok) fail(outcomes, item, result.error);
    }
    const companyRemote = w.contact.companyId ? w.items[0].linked.companies[w.contact.companyId] : undefined;
    if (remoteId && companyRemote) companyPairs.push({ from: remoteId, to: companyRemote });
  }
  // F. Contact → company (default association; idempotent).
  if (companyPairs.length > 0) await client.associateDefault('contacts', 'companies', companyPairs);
}

// ---------- companies ----------

interface CompanyWork {
  items: PushItem[];
  company: Company;
  props: Record<string, string>;
  domain?: string;
  remote?: HsObject;
}

async function pushCompanies(client: HubspotClient, items: PushItem[], outcomes: Outcomes): Promise<void> {
  const readProps = ['name', 'domain', 'website', 'city', 'linkedin_company_page'];
  const valid = items.filter((i) => recordOf(i, ['company']) !== undefined);
  const groups = groupBy(valid, (i) => {
    const c = recordOf(i, ['company']) as Company;
    return i.remoteId ? `id:${i.remoteId}` : domainOf(c) ? `domain:${domainOf(c)}` : `name:${c.name.trim().toLowerCase()}`;
  });
  const work: CompanyWork[] = [...groups.values()].map((group) => {
    const company = recordOf(group[0], ['company']) as Company;
    return { items: group, company, props: companyProperties(company), domain: domainOf(company) };
  });

  const withRemoteId = work.filter((w) => w.items[0].remoteId);
  if (withRemoteId.length > 0) {
    const found = await client.batchRead('companies', withRemoteId.map((w) => w.items[0].remoteId as string), readProps);
    const map = new Map(found.map((o) => [o.id, o]));
    for (const w of withRemoteId) w.remote = map.get(w.items[0].remoteId as string);
  }
  const byDomain = work.filter((w) => !w.remote && w.domain);
  for (const part of chunk(byDomain, 100)) {
    const found = await client.searchAll('companies', {
      filterGroups: [{ filters: [{ propertyName: 'domain', operator: 'IN', values: part.map((w) => w.domain as string) }] }],
      properties: readProps,
    });
    for (const w of part) w.remote = oldest(found.filter((o) => (o.properties.domain ?? '').toLowerCase() === w.domain));
  }
  const byName = work.filter((w) => !w.remote && !w.domain && w.props.name);
  for (const part of chunk(byName, 100)) {
    const found = await client.searchAll('companies', {
      filterGroups: [{ filters: [{ propertyName: 'name', operator: 'IN', values: part.map((w) => w.props.name.toLowerCase()) }] }],
      properties: readProps,
    });
    for (const w of part) w.remote = oldest(found.filter((o) => (o.properties.name ?? '').trim().toLowerCase() === w.props.name.toLowerCase()));
  }

  const updates: WriteInput[] = [];
  const creates: WriteInput[] = [];
  const byTrace = new Map<string, CompanyWork>();
  for (const w of work) {
    const trace = w.items[0].entryId;
    byTrace.set(trace, w);
    if (w.remote) {
      const diff = fillEmpty(w.props, w.remote.properties);
      if (Object.keys(diff).length > 0) updates.push({ trace, body: { id: w.remote.id, properties: diff } });
    } else {
      creates.push({ trace, body: { properties: w.props } });
    }
  }
  const written = new Map([
    ...(updates.length ? await client.batchWrite('companies', 'update', updates) : []),
    ...(creates.length ? await client.batchWrite('companies', 'create', creates) : []),
  ]);
  for (const [trace, w] of byTrace) {
    const result = written.get(trace);
    const remoteId = result ? (result.ok ? result.object.id : undefined) : w.remote?.id;
    for (const item of w.items) {
      if (remoteId) ok(outcomes, item, remoteId);
      else if (result && !result.ok) fail(outcomes, item, result.error);
    }
  }
}

// ---------- engagements: emails, notes, tasks ----------

interface EngagementSpec {
  type: Extract<HsObjectType, 'emails' | 'notes' | 'tasks'>;
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

const ENGAGEMENTS: Record<'email' | 'note' | 'task', EngagementSpec> = {
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
  props: Record<string, string>;
  contacts: string[];
  companies: string[];
  remoteId?: string;
}

async function pushEngagements(
  client: HubspotClient,
  ctx: ConnectorContext<HubspotConfig>,
  kind: 'email' | 'note' | 'task',
  items: PushItem[],
  outcomes: Outcomes,
): Promise<void> {
  const spec = ENGAGEMENTS[kind];
  const idProp = ctx.config.rapportIdProperty || undefined;
  const valid = items.filter((i) => recordOf(i, kind === 'task' ? ['task'] : ['email', 'note']) !== undefined);
  const groups = groupBy(valid, (i) => (i.remoteId ? `id:${i.remoteId}` : `local:${(recordOf(i, ['email', 'note', 'task']) as Activity | Task).id}`));
  const work: EngagementWork[] = [...groups.values()].map((group) => {
    const record = recordOf(group[0], ['email', 'note', 'task']) as Activity | Task;
    const linked = group[0].linked;
    return {
      items: group,
      record,
      props: spec.properties(record),
      contacts: [...new Set(spec.contactIds(record).map((id) => linked.contacts[id]).filter(Boolean))],
      companies: [...new Set(spec.companyIds(record).map((id) => linked.companies[id]).filter(Boolean))],
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
    await client.associateDefault(spec.type, 'contacts', done.flatMap((w) => w.contacts.map((to) => ({ from: w.remoteId as string, to }))));
    await client.associateDefault(spec.type, 'companies', done.flatMap((w) => w.companies.map((to) => ({ from: w.remoteId as string, to }))));
  }

  // 2. Unknown remote ids: look for an earlier create (a lost response, a crash before the link).
  // A record on its first send cannot have one (PushItem.firstSend): no look-up for it.
  const unknown = work.filter((w) => !w.remoteId);
  const retried = unknown.filter((w) => !w.items.every((i) => i.firstSend));
  const existing = new Map<EngagementWork, string>();
  if (idProp) {
    for (const part of chunk(retried, 100)) {
      const found = await client.searchAll(spec.type, {
        filterGroups: [{ filters: [{ propertyName: idProp, operator: 'IN', values: part.map((w) => w.record.id.toLowerCase()) }] }],
        properties: [idProp],
      });
      for (const w of part) {
        const hit = oldest(found.filter((o) => lower(o.properties[idProp]) === w.record.id.toLowerCase()));
        if (hit) existing.set(w, hit.id);
      }
    }
  } else {
    const byTimestamp = groupBy(retried, (w) => String(toMs(w.props.hs_timestamp)));
    for (const part of chunk([...byTimestamp.keys()], 5)) {
      const found = await client.searchAll(spec.type, {
        filterGroups: part.map((ts) => ({ filters: [{ propertyName: 'hs_timestamp', operator: 'EQ', value: ts }] })),
        properties: spec.keyProperties,
      });
      for (const ts of part) {
        for (const w of byTimestamp.get(ts) ?? []) {
          const hit = oldest(found.filter((o) => spec.key(o.properties) === spec.key(w.props)));
          if (hit) existing.set(w, hit.id);
        }
      }
    }
  }

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
      ...w.contacts.map((id) => ({ to: { id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: spec.contactAssociation }] })),
      ...w.companies.map((id) => ({ to: { id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: spec.companyAssociation }] })),
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
      settle(w, r?.ok ? r.object.id : undefined, r && !r.ok ? r.error : undefined);
    }
  }
}

// ---------- account, look-up, pull ----------

interface AccountInfo {
  portalId?: number;
  uiDomain?: string;
}

const accountCache = new Map<string, Promise<AccountInfo | null>>();

function accountInfo(client: HubspotClient): Promise<AccountInfo | null> {
  let p = accountCache.get(client.key);
  if (!p) {
    p = client.request<AccountInfo>('GET', '/account-info/v3/details').catch((err: unknown) => {
      accountCache.delete(client.key);
      // Only a missing scope or endpoint is tolerated: the rest is the caller's failure.
      if (err instanceof ConnectorError && (err.kind === 'not-found' || err.status === 403)) return null;
      throw err;
    });
    accountCache.set(client.key, p);
  }
  return p;
}

const pipelineCache = new Map<string, Promise<Map<string, string>>>();

function dealStageLabels(client: HubspotClient): Promise<Map<string, string>> {
  let p = pipelineCache.get(client.key);
  if (!p) {
    p = client
      .request<{ results?: { stages?: { id: string; label: string }[] }[] }>('GET', '/crm/v3/pipelines/deals')
      .then((res) => new Map((res.results ?? []).flatMap((pl) => (pl.stages ?? []).map((s) => [s.id, s.label] as [string, string]))))
      .catch(() => {
        pipelineCache.delete(client.key);
        return new Map<string, string>();
      });
    pipelineCache.set(client.key, p);
  }
  return p;
}

async function lookupByEmail(ctx: ConnectorContext<HubspotConfig>, email: string): Promise<RemoteContact | null> {
  const client = new HubspotClient(ctx);
  const mapping = effectiveMapping(ctx.fieldMapping);
  const emailProp = mapping.emails || 'email';
  const value = normalizeEmail(email);
  if (!value) return null;
  const res = await client.search('contacts', {
    filterGroups: [{ filters: [{ propertyName: emailProp, operator: 'EQ', value }] }],
    properties: [...new Set([...mappedProperties(mapping), 'hubspot_owner_id', 'lifecyclestage'])],
    limit: 1,
  });
  const hit = res.results?.[0];
  if (!hit) return null;

  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(hit.properties)) if (v != null && v !== '') fields[k] = v;

  const account = await accountInfo(client);
  const url = account?.portalId ? `https://${account.uiDomain || 'app.hubspot.com'}/contacts/${account.portalId}/record/0-1/${hit.id}` : undefined;

  let owner: string | undefined;
  const ownerId = hit.properties.hubspot_owner_id;
  if (ownerId) {
    try {
      const o = await client.request<{ firstName?: string; lastName?: string; email?: string }>('GET', `/crm/v3/owners/${encodeURIComponent(ownerId)}`);
      owner = [o.firstName, o.lastName].filter(Boolean).join(' ') || o.email || ownerId;
    } catch (err) {
      if (!(err instanceof ConnectorError && err.kind === 'not-found')) throw err;
      owner = ownerId;
    }
  }

  const assoc = await client.request<{ results?: { to?: { toObjectId: number | string }[] }[] }>(
    'POST',
    '/crm/v4/associations/contacts/deals/batch/read',
    { inputs: [{ id: hit.id }] },
  );
  const dealIds = (assoc.results ?? []).flatMap((r) => (r.to ?? []).map((t) => String(t.toObjectId)));
  let deals: RemoteContact['deals'];
  if (dealIds.length > 0) {
    const [found, labels] = await Promise.all([
      client.batchRead('deals', dealIds.slice(0, 100), ['dealname', 'dealstage', 'amount', 'deal_currency_code']),
      dealStageLabels(client),
    ]);
    deals = found.map((d) => {
      const amount = d.properties.amount != null && d.properties.amount !== '' ? Number(d.properties.amount) : undefined;
      const stage = d.properties.dealstage ?? undefined;
      return {
        name: d.properties.dealname ?? `Deal ${d.id}`,
        ...(stage ? { stage: labels.get(stage) ?? stage } : {}),
        ...(amount !== undefined && Number.isFinite(amount) ? { amount } : {}),
        ...(d.properties.deal_currency_code ? { currency: d.properties.deal_currency_code } : {}),
      };
    });
  }
  const lifecycle = hit.properties.lifecyclestage ?? undefined;
  return {
    remoteId: hit.id,
    ...(url ? { url } : {}),
    ...(owner ? { owner } : {}),
    ...(lifecycle ? { stage: LIFECYCLE_LABELS[lifecycle] ?? lifecycle } : {}),
    ...(deals ? { deals } : {}),
    fields,
  };
}

/**
 * Pull cursor: `{t, x, a}` = last seen lastmodifieddate (ms), the ids already returned at exactly
 * that instant, and an offset used only when a whole page shares one instant. The query is
 * `lastmodifieddate GTE t` minus `x`, so records sharing the boundary millisecond are neither lost
 * (as with GT) nor returned twice.
 */
interface PullCursor {
  t?: number;
  x: string[];
  a?: number;
}

function decodeCursor(cursor: string | undefined): PullCursor {
  if (!cursor) return { x: [] };
  try {
    const c = JSON.parse(cursor) as Partial<PullCursor>;
    return { t: typeof c.t === 'number' ? c.t : undefined, x: Array.isArray(c.x) ? c.x.map(String) : [], a: typeof c.a === 'number' ? c.a : undefined };
  } catch {
    const t = toMs(cursor);
    return Number.isNaN(t) ? { x: [] } : { t, x: [] };
  }
}

async function pull(ctx: ConnectorContext<HubspotConfig>, cursor: string | undefined): Promise<PullResult> {
  const client = new HubspotClient(ctx);
  const mapping = effectiveMapping(ctx.fieldMapping);
  const cur = decodeCursor(cursor);
  const res = await client.search('contacts', {
    filterGroups: cur.t === undefined ? [] : [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: String(cur.t) }] }],
    sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
    properties: [...new Set([...mappedProperties(mapping), 'lastmodifieddate', 'hs_additional_emails'])],
    limit: 100,
    ...(cur.a ? { after: String(cur.a) } : {}),
  });
  const rows = res.results ?? [];
  const ts = (o: HsObject) => toMs(o.properties.lastmodifieddate ?? o.updatedAt);
  const seen = new Set(cur.x);
  const fresh = rows.filter((o) => !(ts(o) === cur.t && seen.has(o.id)));
  const full = Boolean(res.paging?.next?.after);

  let next: PullCursor = cur;
  let more = false;
  if (rows.length > 0) {
    const lastTs = ts(rows[rows.length - 1]);
    if (lastTs === cur.t) {
      // The whole page shares the boundary instant: page through it by offset.
      const offset = (cur.a ?? 0) + rows.length;
      next = { t: cur.t, x: [...new Set([...cur.x, ...rows.map((o) => o.id)])], ...(full && offset < 9_900 ? { a: offset } : {}) };
      more = full && offset < 9_900;
    } else {
      next = { t: lastTs, x: rows.filter((o) => ts(o) === lastTs).map((o) => o.id) };
      more = full;
    }
  }
  return {
    contacts: fresh.map((o) => ({ remoteId: o.id, contact: contactFromProperties(o.properties, mapping) })),
    cursor: JSON.stringify(next),
    more,
  };
}

// ---------- the connector ----------

export const hubspotConnector: Connector<HubspotConfig> = {
  id: 'hubspot',
  displayName: 'HubSpot',
  authKind: 'token',
  configSchema: hubspotConfigSchema,
  secretKeys: ['accessToken'],
  origins: (config) => [`${new URL(config.baseUrl || HUBSPOT_BASE_URL).origin}/*`],
  capabilities: { contacts: true, companies: true, emailLogging: true, notes: true, tasks: true, deals: false, pull: true },
  batchSize: { contact: 100, company: 100, email: 100, note: 100, task: 100 },
  maxInFlight: 8,
  rateLimit: { requests: 100, intervalMs: 10_000 },
  defaultFieldMapping: HUBSPOT_DEFAULT_MAPPING,

  async testConnection(ctx) {
    const client = new HubspotClient(ctx);
    await client.request('GET', '/crm/v3/objects/contacts', undefined, { limit: 1 });
    const account = await accountInfo(client).catch(() => null);
    return { account: account?.portalId ? `HubSpot portal ${account.portalId}` : new URL(client.base).host };
  },

  async push(ctx, kind: SyncKind, items) {
    const client = new HubspotClient(ctx);
    const outcomes: Outcomes = new Map();
    const expected: Record<SyncKind, PushItem['item']['kind'][]> = {
      contact: ['contact'],
      company: ['company'],
      email: ['email'],
      note: ['note'],
      task: ['task'],
      deal: ['deal'],
    };
    for (const item of items) {
      if (kind === 'deal' || !expected[kind].includes(item.item.kind)) {
        fail(outcomes, item, new ConnectorError(`HubSpot connector cannot push a ${item.item.kind} as ${kind}`, 'validation'));
      }
    }
    const todo = items.filter((i) => !outcomes.has(i.entryId));
    if (todo.length > 0) {
      if (kind === 'contact') await pushContacts(client, ctx, todo, outcomes);
      else if (kind === 'company') await pushCompanies(client, todo, outcomes);
      else if (kind === 'email' || kind === 'note' || kind === 'task') await pushEngagements(client, ctx, kind, todo, outcomes);
    }
    return finish(items, outcomes);
  },

  lookupByEmail,
  pull,
};
