/**
 * A simulated HubSpot CRM API for contract tests (Node only; never bundled into the extension).
 *
 * Behaves the way HubSpot documents it, so the connector can be tested without the vendor:
 * - Objects, batch and search: https://developers.hubspot.com/docs/api/crm/understanding-the-crm
 *   https://developers.hubspot.com/docs/api-reference/latest/crm/objects/contacts/batch/upsert-contacts
 *   https://developers.hubspot.com/docs/api-reference/latest/crm/objects/companies/batch/upsert-companies
 *   https://developers.hubspot.com/docs/api/crm/search (filterGroups ≤ 5, filters ≤ 6 per group and
 *   18 in all, limit ≤ 200, 10,000 results at most, IN values lowercase for strings, 4 req/s/token)
 * - Engagements: https://developers.hubspot.com/docs/api/crm/emails (hs_timestamp required,
 *   hs_email_direction, hs_email_headers), /docs/api/crm/notes, /docs/api/crm/tasks
 * - Associations v4 and default type ids: https://developers.hubspot.com/docs/api/crm/associations
 *   (email→contact 198, email→company 186, note→contact 202, note→company 190, task→contact 204,
 *   task→company 192, contact→company 279, contact→deal 4, …)
 * - Limits: https://developers.hubspot.com/docs/api/usage-details (private apps: 100 requests /
 *   10 s on Free/Starter; 429 with a JSON body naming the policy; X-HubSpot-RateLimit-* headers)
 * - Errors: https://developers.hubspot.com/docs/api/error-handling
 *   (`{status:"error", message, correlationId, category}`; 401 INVALID_AUTHENTICATION; 400
 *   VALIDATION_ERROR "Property values were not valid: [...]"; 409 CONFLICT "Contact already
 *   exists. Existing ID: …"; batch partial failures as 207 Multi-Status with `errors[]`)
 * - Merge: https://developers.hubspot.com/docs/api-reference/crm-contacts-v3/basic/post-crm-v3-objects-contacts-merge
 *   (`{primaryObjectId, objectIdToMerge}` → the merged record; the knowledge base's "Merge records":
 *   the primary's values win, associations are combined, the merged-away id resolves to the result).
 * - Account: https://developers.hubspot.com/docs/api/settings/account-information-api
 * - Owners: https://developers.hubspot.com/docs/api/crm/owners ; pipelines:
 *   https://developers.hubspot.com/docs/api/crm/pipelines
 * - Properties: https://developers.hubspot.com/docs/api/crm/properties (`GET /crm/v3/properties/{objectType}/{name}`,
 *   `GET …/groups`, `POST /crm/v3/properties/{objectType}` with name, label, type, fieldType, groupName and
 *   `hasUniqueValue`; 409 CONFLICT when the name is taken; a limited number of unique properties per
 *   object). A unique property can be the `idProperty` of batch read/update/upsert, and a write that
 *   repeats a value another record holds is refused (409 CONFLICT naming the existing id).
 * - Scopes: https://developers.hubspot.com/docs/api/scopes (403 MISSING_SCOPES). Reading and creating
 *   properties needs the object's `crm.schemas.<object>.read` / `.write` scope (verify the scope names
 *   for emails, notes and tasks; the connector only reacts to the 403). Tokens not listed in
 *   `scopes` hold every scope.
 *
 * Stricter readings chosen where the docs leave room: batch results come back in a shuffled order
 * (HubSpot does not promise input order; match them by objectWriteTraceId or id), a batch with one
 * invalid input is rejected whole (400), `idProperty` must name a unique-valued property (`email`
 * for contacts; `domain` is NOT unique for companies), search results can lag writes
 * (`searchIndexLagMs`).
 */
import { randomUUID } from 'node:crypto';
import { seededRandom, shuffle, type FaultOptions } from './faults';
import { SlidingWindowLimiter } from './rate-limit';
import { startSimServer, type SimHttpServer, type SimRequest, type SimResponse } from './server';

export const HS_OBJECT_TYPES = ['contacts', 'companies', 'deals', 'tickets', 'emails', 'notes', 'tasks', 'calls', 'meetings'] as const;
export type HsObjectType = (typeof HS_OBJECT_TYPES)[number];

const TYPE_IDS: Record<HsObjectType, string> = {
  contacts: '0-1',
  companies: '0-2',
  deals: '0-3',
  tickets: '0-5',
  emails: '0-49',
  notes: '0-46',
  tasks: '0-27',
  calls: '0-48',
  meetings: '0-47',
};
const SINGULAR: Record<HsObjectType, string> = {
  contacts: 'contact',
  companies: 'company',
  deals: 'deal',
  tickets: 'ticket',
  emails: 'email',
  notes: 'note',
  tasks: 'task',
  calls: 'call',
  meetings: 'meeting',
};

type PropType = 'string' | 'email' | 'datetime' | 'number' | 'enumeration' | 'json';
interface PropDef {
  type: PropType;
  readOnly?: boolean;
  unique?: boolean;
  requiredOnCreate?: boolean;
  options?: string[];
  /** Created in the portal (by the customProperties option or the properties API). */
  custom?: { label: string; groupName: string };
}

/** Default property groups per object (what `GET /crm/v3/properties/{type}/groups` lists). */
const PROPERTY_GROUPS: Record<HsObjectType, string[]> = {
  contacts: ['contactinformation', 'contact_activity'],
  companies: ['companyinformation', 'company_activity'],
  deals: ['dealinformation'],
  tickets: ['ticketinformation'],
  emails: ['email_information'],
  notes: ['note_information'],
  tasks: ['task_information'],
  calls: ['call_information'],
  meetings: ['meeting_information'],
};
/** HubSpot caps unique-value properties per object (10 at the time of writing). */
const MAX_UNIQUE_PROPERTIES = 10;

/** The default call outcomes of a portal (their GUIDs are the same in every portal). */
const CALL_DISPOSITIONS = [
  'f240bbac-87c9-4f6e-bf70-924b57d47db7',
  '9d9162e7-6cf3-4944-bf63-4dff82258764',
  '73a0d17f-1163-4015-bdd5-ec830791da20',
  'b2cf5968-551e-4856-9783-52b3da59a7d0',
  'a4c4c377-d246-4b32-a13b-75a56a4cd0ff',
  '17b47fee-58de-441e-a44c-c6300d46f273',
];
const LIFECYCLE = ['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist', 'other'];
const str: PropDef = { type: 'string' };
const readOnlyDate: PropDef = { type: 'datetime', readOnly: true };
const common = { hs_object_id: { type: 'number', readOnly: true, unique: true } as PropDef, hubspot_owner_id: str };

const SCHEMA: Record<HsObjectType, Record<string, PropDef>> = {
  contacts: {
    ...common,
    email: { type: 'email', unique: true },
    firstname: str,
    lastname: str,
    jobtitle: str,
    company: str,
    phone: str,
    mobilephone: str,
    city: str,
    state: str,
    country: str,
    website: str,
    hs_linkedin_url: str,
    hs_lead_status: str,
    lifecyclestage: { type: 'enumeration', options: LIFECYCLE },
    hs_additional_emails: { type: 'string', readOnly: true },
    createdate: readOnlyDate,
    lastmodifieddate: readOnlyDate,
  },
  companies: {
    ...common,
    name: str,
    domain: str,
    website: str,
    industry: str,
    city: str,
    phone: str,
    description: str,
    linkedin_company_page: str,
    numberofemployees: { type: 'number' },
    createdate: readOnlyDate,
    hs_lastmodifieddate: readOnlyDate,
  },
  deals: {
    ...common,
    dealname: str,
    dealstage: str,
    pipeline: str,
    amount: { type: 'number' },
    deal_currency_code: str,
    closedate: { type: 'datetime' },
    createdate: readOnlyDate,
    hs_lastmodifieddate: readOnlyDate,
  },
  // /docs/api/crm/tickets: subject, hs_pipeline and hs_pipeline_stage required on create.
  tickets: {
    ...common,
    subject: { type: 'string', requiredOnCreate: true },
    content: str,
    hs_pipeline: { type: 'string', requiredOnCreate: true },
    hs_pipeline_stage: { type: 'string', requiredOnCreate: true },
    hs_ticket_priority: { type: 'enumeration', options: ['LOW', 'MEDIUM', 'HIGH', 'URGENT'] },
    hs_ticket_category: { type: 'enumeration', options: ['PRODUCT_ISSUE', 'BILLING_ISSUE', 'FEATURE_REQUEST', 'GENERAL_INQUIRY'] },
    createdate: readOnlyDate,
    hs_lastmodifieddate: readOnlyDate,
  },
  emails: {
    ...common,
    hs_timestamp: { type: 'datetime', requiredOnCreate: true },
    hs_email_direction: { type: 'enumeration', options: ['EMAIL', 'INCOMING_EMAIL', 'FORWARDED_EMAIL'] },
    hs_email_subject: str,
    hs_email_text: str,
    hs_email_html: str,
    hs_email_headers: { type: 'json' },
    hs_email_status: { type: 'enumeration', options: ['BOUNCED', 'FAILED', 'SCHEDULED', 'SENDING', 'SENT'] },
    hs_createdate: readOnlyDate,
    hs_lastmodifieddate: readOnlyDate,
  },
  notes: {
    ...common,
    hs_note_body: str,
    hs_timestamp: { type: 'datetime', requiredOnCreate: true },
    hs_attachment_ids: str,
    hs_createdate: readOnlyDate,
    hs_lastmodifieddate: readOnlyDate,
  },
  tasks: {
    ...common,
    hs_task_subject: str,
    hs_task_body: str,
    hs_task_status: { type: 'enumeration', options: ['NOT_STARTED', 'IN_PROGRESS', 'WAITING', 'COMPLETED', 'DEFERRED'] },
    hs_task_priority: { type: 'enumeration', options: ['NONE', 'LOW', 'MEDIUM', 'HIGH'] },
    hs_task_type: { type: 'enumeration', options: ['TODO', 'EMAIL', 'CALL', 'LINKED_IN'] },
    hs_timestamp: { type: 'datetime', requiredOnCreate: true },
    hs_task_completion_date: readOnlyDate,
    hs_createdate: readOnlyDate,
    hs_lastmodifieddate: readOnlyDate,
  },
  // /docs/api/crm/calls: hs_call_duration in milliseconds; hs_call_disposition holds the GUID of an
  // outcome (the portal's defaults: Connected f240bbac-…, Busy 9d9162e7-…, No answer 73a0d17f-…,
  // Left voicemail b2cf5968-…, Left live message a4c4c377-…, Wrong number 17b47fee-…).
  calls: {
    ...common,
    hs_timestamp: { type: 'datetime', requiredOnCreate: true },
    hs_call_title: str,
    hs_call_body: str,
    hs_call_duration: { type: 'number' },
    hs_call_direction: { type: 'enumeration', options: ['INBOUND', 'OUTBOUND'] },
    hs_call_disposition: { type: 'enumeration', options: CALL_DISPOSITIONS },
    hs_call_status: {
      type: 'enumeration',
      options: [
        'BUSY',
        'CALLING_CRM_USER',
        'CANCELED',
        'COMPLETED',
        'CONNECTING',
        'FAILED',
        'IN_PROGRESS',
        'NO_ANSWER',
        'QUEUED',
        'RINGING',
      ],
    },
    hs_createdate: readOnlyDate,
    hs_lastmodifieddate: readOnlyDate,
  },
  // /docs/api/crm/meetings
  meetings: {
    ...common,
    hs_timestamp: { type: 'datetime', requiredOnCreate: true },
    hs_meeting_title: str,
    hs_meeting_body: str,
    hs_internal_meeting_notes: str,
    hs_meeting_location: str,
    hs_meeting_start_time: { type: 'datetime' },
    hs_meeting_end_time: { type: 'datetime' },
    hs_meeting_outcome: { type: 'enumeration', options: ['SCHEDULED', 'COMPLETED', 'RESCHEDULED', 'NO_SHOW', 'CANCELED'] },
    hs_createdate: readOnlyDate,
    hs_lastmodifieddate: readOnlyDate,
  },
};

const MODIFIED_PROP: Record<HsObjectType, string> = {
  contacts: 'lastmodifieddate',
  companies: 'hs_lastmodifieddate',
  deals: 'hs_lastmodifieddate',
  tickets: 'hs_lastmodifieddate',
  emails: 'hs_lastmodifieddate',
  notes: 'hs_lastmodifieddate',
  tasks: 'hs_lastmodifieddate',
  calls: 'hs_lastmodifieddate',
  meetings: 'hs_lastmodifieddate',
};
const CREATED_PROP: Record<HsObjectType, string> = {
  contacts: 'createdate',
  companies: 'createdate',
  deals: 'createdate',
  tickets: 'createdate',
  emails: 'hs_createdate',
  notes: 'hs_createdate',
  tasks: 'hs_createdate',
  calls: 'hs_createdate',
  meetings: 'hs_createdate',
};

/** HUBSPOT_DEFINED default association type ids, keyed `from>to`. */
const DEFAULT_ASSOCIATION: Record<string, number> = {
  'contacts>companies': 279,
  'companies>contacts': 280,
  'contacts>deals': 4,
  'deals>contacts': 3,
  'deals>companies': 341,
  'companies>deals': 342,
  'deals>emails': 209,
  'tickets>contacts': 16,
  'contacts>tickets': 15,
  'tickets>companies': 339,
  'companies>tickets': 340,
  'tickets>emails': 223,
  'emails>tickets': 224,
  'emails>contacts': 198,
  'contacts>emails': 197,
  'emails>companies': 186,
  'companies>emails': 185,
  'emails>deals': 210,
  'notes>contacts': 202,
  'contacts>notes': 201,
  'notes>companies': 190,
  'companies>notes': 189,
  'notes>deals': 214,
  'tasks>contacts': 204,
  'contacts>tasks': 203,
  'tasks>companies': 192,
  'companies>tasks': 191,
  'tasks>deals': 216,
  'calls>contacts': 194,
  'contacts>calls': 193,
  'calls>companies': 182,
  'companies>calls': 181,
  'meetings>contacts': 200,
  'contacts>meetings': 199,
  'meetings>companies': 188,
  'companies>meetings': 187,
};
/** Labeled types also accepted (contact→company primary = 1, company→contact primary = 2). */
const EXTRA_ASSOCIATION: Record<string, number[]> = { 'contacts>companies': [1], 'companies>contacts': [2] };

export interface SimObject {
  id: string;
  properties: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  /** Merged into this object (POST …/merge): gone from lists; a read of its id answers the merged record. */
  mergedInto?: string;
  /** When the object becomes visible to search (writes lag the index). */
  indexedAt: number;
}

export interface SimAssociation {
  fromType: HsObjectType;
  fromId: string;
  toType: HsObjectType;
  toId: string;
  typeId: number;
}

export interface SimOwner {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
}

export interface HubspotSimState {
  contacts: Map<string, SimObject>;
  companies: Map<string, SimObject>;
  deals: Map<string, SimObject>;
  tickets: Map<string, SimObject>;
  emails: Map<string, SimObject>;
  notes: Map<string, SimObject>;
  tasks: Map<string, SimObject>;
  calls: Map<string, SimObject>;
  meetings: Map<string, SimObject>;
  /** Stored once per pair and direction written; read in both directions. */
  associations: SimAssociation[];
  owners: Map<string, SimOwner>;
  /** Deal pipelines (`GET /crm/v3/pipelines/deals`). */
  pipelines: SimPipeline[];
  /** Ticket pipelines (`GET /crm/v3/pipelines/tickets`). */
  ticketPipelines: SimPipeline[];
}

export interface SimPipeline {
  id: string;
  label: string;
  /** Deals: `probability` (0–1) and `isClosed`; tickets: `ticketState` OPEN/CLOSED. */
  stages: { id: string; label: string; probability?: number; closed?: boolean }[];
}

export interface HubspotSimOptions {
  /** Accepted bearer tokens (default ['hs-test-token']). */
  tokens?: string[];
  portalId?: number;
  uiDomain?: string;
  /** Burst limit per token (default 100 / 10 s). */
  rateLimit?: { requests: number; intervalMs: number };
  /** Search limit per token (default 4 / 1 s). */
  searchRateLimit?: { requests: number; intervalMs: number };
  /** Custom properties defined in the portal (string type), per object type. */
  customProperties?: Partial<Record<HsObjectType, string[]>>;
  /** Custom properties with `hasUniqueValue: true`, per object type. */
  uniqueProperties?: Partial<Record<HsObjectType, string[]>>;
  /** Scopes granted per token; a token not listed holds every scope. */
  scopes?: Record<string, string[]>;
  /** Delay before a write is visible to the search API (default 0). */
  searchIndexLagMs?: number;
  faults?: FaultOptions;
  /** Seed for the order of batch results (default 7). */
  seed?: number;
  /** Simulated network round trip per request (default 0). */
  latencyMs?: number;
  /** Object types the private app has no scope for: 403 MISSING_SCOPES (see HubspotSim.missingScopes). */
  missingScopes?: HsObjectType[];
}

export interface HubspotSim {
  url: string;
  state: HubspotSimState;
  portalId: number;
  server: SimHttpServer;
  counters: SimHttpServer['counters'];
  faults: SimHttpServer['faults'];
  /** Seeds an object directly (no validation; read-only dates may be given). */
  create(type: HsObjectType, properties: Record<string, string>): SimObject;
  /** Changes properties as a user in HubSpot would (bumps the modification date). */
  update(type: HsObjectType, id: string, properties: Record<string, string>): SimObject;
  associate(fromType: HsObjectType, fromId: string, toType: HsObjectType, toId: string, typeId?: number): void;
  /** Ids of `toType` objects associated with one object, with the type ids seen from `fromType`. */
  associationsOf(fromType: HsObjectType, fromId: string, toType: HsObjectType): { toId: string; typeIds: number[] }[];
  list(type: HsObjectType): SimObject[];
  /** Object types answered 403 MISSING_SCOPES; delete one to grant its scope. */
  missingScopes: Set<HsObjectType>;
  close(): Promise<void>;
}

const RATE_LIMIT_GROUP = 'publicapi:private-app:burst';

function hsError(status: number, category: string, message: string, extra: Record<string, unknown> = {}): SimResponse {
  return { status, body: { status: 'error', message, correlationId: randomUUID(), category, ...extra } };
}

interface PropertyError {
  isValid: false;
  message: string;
  error: string;
  name: string;
}

function validationError(errors: PropertyError[]): SimResponse {
  return hsError(400, 'VALIDATION_ERROR', `Property values were not valid: ${JSON.stringify(errors)}`, {
    errors: errors.map((e) => ({ message: e.message, code: e.error, context: { propertyName: [e.name] } })),
  });
}

const EMAIL_RE = /^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[^\s@<>()[\],;:"]{2,}$/;

function toMs(value: string): number {
  if (/^-?\d+$/.test(value)) return Number(value);
  return Date.parse(value);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export async function startHubspotSim(options: HubspotSimOptions = {}): Promise<HubspotSim> {
  const tokens = new Set(options.tokens ?? ['hs-test-token']);
  const missingScopes = new Set<HsObjectType>(options.missingScopes ?? []);
  const portalId = options.portalId ?? 24681357;
  const uiDomain = options.uiDomain ?? 'app.hubspot.com';
  const burst = options.rateLimit ?? { requests: 100, intervalMs: 10_000 };
  const searchLimit = options.searchRateLimit ?? { requests: 4, intervalMs: 1000 };
  const limiter = new SlidingWindowLimiter(burst.requests, burst.intervalMs);
  const searchLimiter = new SlidingWindowLimiter(searchLimit.requests, searchLimit.intervalMs);
  const lagMs = options.searchIndexLagMs ?? 0;
  const orderRandom = seededRandom(options.seed ?? 7);
  let nextId = 1001;
  let dailyUsed = 0;
  const DAILY = 250_000;

  const schema: Record<HsObjectType, Record<string, PropDef>> = structuredClone(SCHEMA);
  for (const [type, names] of Object.entries(options.customProperties ?? {}) as [HsObjectType, string[]][]) {
    for (const name of names) schema[type][name] = { type: 'string', custom: { label: name, groupName: PROPERTY_GROUPS[type][0] } };
  }
  for (const [type, names] of Object.entries(options.uniqueProperties ?? {}) as [HsObjectType, string[]][]) {
    for (const name of names)
      schema[type][name] = { type: 'string', unique: true, custom: { label: name, groupName: PROPERTY_GROUPS[type][0] } };
  }
  const hasScope = (token: string, scope: string) => !options.scopes?.[token] || options.scopes[token].includes(scope);

  const state: HubspotSimState = {
    contacts: new Map(),
    companies: new Map(),
    deals: new Map(),
    tickets: new Map(),
    emails: new Map(),
    notes: new Map(),
    tasks: new Map(),
    calls: new Map(),
    meetings: new Map(),
    associations: [],
    owners: new Map(),
    pipelines: [
      {
        id: 'default',
        label: 'Sales Pipeline',
        stages: [
          { id: 'appointmentscheduled', label: 'Appointment Scheduled', probability: 0.2 },
          { id: 'qualifiedtobuy', label: 'Qualified To Buy', probability: 0.4 },
          { id: 'presentationscheduled', label: 'Presentation Scheduled', probability: 0.6 },
          { id: 'decisionmakerboughtin', label: 'Decision Maker Bought-In', probability: 0.8 },
          { id: 'contractsent', label: 'Contract Sent', probability: 0.9 },
          { id: 'closedwon', label: 'Closed Won', probability: 1, closed: true },
          { id: 'closedlost', label: 'Closed Lost', probability: 0, closed: true },
        ],
      },
    ],
    ticketPipelines: [
      {
        id: '0',
        label: 'Support Pipeline',
        stages: [
          { id: '1', label: 'New' },
          { id: '2', label: 'Waiting on contact' },
          { id: '3', label: 'Waiting on us' },
          { id: '4', label: 'Closed', closed: true },
        ],
      },
    ],
  };

  // ---------- storage ----------

  // Look-up indexes (type|property → lowercase value → ids), built on first use and kept current
  // by rawCreate/rawUpdate. HubSpot answers these look-ups from an index; a linear scan here would
  // make the simulator, not the connector, the bottleneck of a 10,000-record benchmark.
  const propIndexes = new Map<string, Map<string, Set<string>>>();
  /** The same indexes by type: property name → index. */
  const indexesOfType = new Map<HsObjectType, Map<string, Map<string, Set<string>>>>();
  const indexKey = (v: string | null | undefined) => (v ?? '').toLowerCase();
  function propIndex(type: HsObjectType, name: string): Map<string, Set<string>> {
    let idx = propIndexes.get(`${type}|${name}`);
    if (!idx) {
      idx = new Map();
      for (const o of state[type].values()) indexAdd(idx, indexKey(o.properties[name]), o.id);
      propIndexes.set(`${type}|${name}`, idx);
      if (!indexesOfType.has(type)) indexesOfType.set(type, new Map());
      indexesOfType.get(type)!.set(name, idx);
    }
    return idx;
  }
  function indexAdd(idx: Map<string, Set<string>>, key: string, id: string): void {
    if (!key) return;
    let ids = idx.get(key);
    if (!ids) idx.set(key, (ids = new Set()));
    ids.add(id);
  }
  function reindex(type: HsObjectType, obj: SimObject, before: Record<string, string | null | undefined>): void {
    for (const [name, idx] of indexesOfType.get(type) ?? []) {
      const was = indexKey(before[name]);
      const now = indexKey(obj.properties[name]);
      if (was === now) continue;
      idx.get(was)?.delete(obj.id);
      indexAdd(idx, now, obj.id);
    }
  }
  const associationKeys = new Set<string>();

  function rawCreate(type: HsObjectType, props: Record<string, string>): SimObject {
    const id = String(nextId++);
    const now = new Date();
    const iso = now.toISOString();
    const obj: SimObject = {
      id,
      properties: { ...props, hs_object_id: id },
      createdAt: props[CREATED_PROP[type]] ?? iso,
      updatedAt: props[MODIFIED_PROP[type]] ?? iso,
      archived: false,
      indexedAt: now.getTime() + lagMs,
    };
    obj.properties[CREATED_PROP[type]] = obj.createdAt;
    obj.properties[MODIFIED_PROP[type]] = obj.updatedAt;
    if (type === 'contacts' && obj.properties.email) obj.properties.email = obj.properties.email.toLowerCase();
    if (type === 'tasks') completion(obj, {});
    state[type].set(id, obj);
    reindex(type, obj, {});
    return obj;
  }

  function rawUpdate(type: HsObjectType, obj: SimObject, props: Record<string, string>): void {
    const before = { ...obj.properties };
    for (const [k, v] of Object.entries(props)) {
      if (v === '') delete obj.properties[k];
      else obj.properties[k] = type === 'contacts' && k === 'email' ? v.toLowerCase() : v;
    }
    const now = new Date();
    obj.updatedAt = now.toISOString();
    obj.properties[MODIFIED_PROP[type]] = obj.updatedAt;
    obj.indexedAt = now.getTime() + lagMs;
    if (type === 'tasks') completion(obj, before);
    reindex(type, obj, before);
  }

  /** HubSpot stamps hs_task_completion_date when a task becomes COMPLETED and clears it when reopened. */
  function completion(obj: SimObject, before: Record<string, string>): void {
    const done = obj.properties.hs_task_status === 'COMPLETED';
    if (!done) delete obj.properties.hs_task_completion_date;
    else if (before.hs_task_status !== 'COMPLETED') obj.properties.hs_task_completion_date = new Date().toISOString();
  }

  function findByProperty(type: HsObjectType, name: string, value: string): SimObject | undefined {
    if (name === 'hs_object_id') return state[type].get(value);
    const ids = propIndex(type, name).get(value.toLowerCase());
    let first: SimObject | undefined;
    for (const id of ids ?? []) {
      const o = state[type].get(id);
      if (o && !o.archived && (!first || Number(o.id) < Number(first.id))) first = o;
    }
    return first;
  }

  function addAssociation(a: SimAssociation): void {
    const key = (f: string, fi: string, t: string, ti: string) => `${a.typeId}|${f}|${fi}|${t}|${ti}`;
    if (
      associationKeys.has(key(a.fromType, a.fromId, a.toType, a.toId)) ||
      associationKeys.has(key(a.toType, a.toId, a.fromType, a.fromId))
    )
      return;
    associationKeys.add(key(a.fromType, a.fromId, a.toType, a.toId));
    state.associations.push(a);
  }

  function inverseTypeId(fromType: HsObjectType, toType: HsObjectType, typeId: number): number {
    if (DEFAULT_ASSOCIATION[`${fromType}>${toType}`] === typeId) return DEFAULT_ASSOCIATION[`${toType}>${fromType}`] ?? typeId;
    if (typeId === 1) return 2;
    if (typeId === 2) return 1;
    return typeId;
  }

  function associationsOf(fromType: HsObjectType, fromId: string, toType: HsObjectType): { toId: string; typeIds: number[] }[] {
    const out = new Map<string, number[]>();
    for (const a of state.associations) {
      if (a.fromType === fromType && a.fromId === fromId && a.toType === toType) {
        out.set(a.toId, [...(out.get(a.toId) ?? []), a.typeId]);
      } else if (a.toType === fromType && a.toId === fromId && a.fromType === toType) {
        out.set(a.fromId, [...(out.get(a.fromId) ?? []), inverseTypeId(a.fromType, a.toType, a.typeId)]);
      }
    }
    return [...out].map(([toId, typeIds]) => ({ toId, typeIds }));
  }

  // ---------- validation ----------

  function checkProperties(
    type: HsObjectType,
    props: unknown,
    creating: boolean,
  ): { props: Record<string, string>; errors: PropertyError[] } {
    const errors: PropertyError[] = [];
    const out: Record<string, string> = {};
    if (!isRecord(props)) {
      return {
        props: out,
        errors: [{ isValid: false, message: 'properties must be an object', error: 'INVALID_INPUT', name: 'properties' }],
      };
    }
    for (const [name, rawValue] of Object.entries(props)) {
      const def = schema[type][name];
      if (!def) {
        errors.push({ isValid: false, message: `Property "${name}" does not exist`, error: 'PROPERTY_DOESNT_EXIST', name });
        continue;
      }
      if (def.readOnly) {
        errors.push({
          isValid: false,
          message: `"${name}" is a read only property; its value cannot be set.`,
          error: 'READ_ONLY_VALUE',
          name,
        });
        continue;
      }
      if (rawValue !== null && typeof rawValue === 'object') {
        errors.push({
          isValid: false,
          message: `${JSON.stringify(rawValue)} is not a valid value for ${name}`,
          error: 'INVALID_INPUT',
          name,
        });
        continue;
      }
      const value = rawValue === null || rawValue === undefined ? '' : String(rawValue);
      if (value !== '') {
        if (def.type === 'email' && !EMAIL_RE.test(value)) {
          errors.push({ isValid: false, message: `Email address ${value} is invalid`, error: 'INVALID_EMAIL', name });
          continue;
        }
        if (def.type === 'datetime' && Number.isNaN(toMs(value))) {
          errors.push({ isValid: false, message: `${value} is not a valid datetime`, error: 'INVALID_DATE', name });
          continue;
        }
        if (def.type === 'number' && Number.isNaN(Number(value))) {
          errors.push({ isValid: false, message: `${value} is not a valid number`, error: 'INVALID_INTEGER', name });
          continue;
        }
        if (def.type === 'enumeration' && !def.options?.includes(value)) {
          errors.push({
            isValid: false,
            message: `${value} was not one of the allowed options: [${def.options?.join(', ')}]`,
            error: 'INVALID_OPTION',
            name,
          });
          continue;
        }
        if (def.type === 'json') {
          try {
            if (!isRecord(JSON.parse(value))) throw new Error('not an object');
          } catch {
            errors.push({ isValid: false, message: `${name} must be a JSON object`, error: 'INVALID_JSON', name });
            continue;
          }
        }
      }
      out[name] = value;
    }
    const stageError = pipelineStageError(type, out);
    if (stageError) errors.push(stageError);
    if (creating) {
      for (const [name, def] of Object.entries(schema[type])) {
        if (def.requiredOnCreate && !out[name]) {
          errors.push({ isValid: false, message: `${name} is required`, error: 'REQUIRED_FIELD', name });
        }
      }
    }
    return { props: out, errors };
  }

  /**
   * A deal's `dealstage` (a ticket's `hs_pipeline_stage`) must be a stage of its pipeline (the one
   * given, else any: an update may name the stage alone); an unknown pipeline is refused too.
   */
  function pipelineStageError(type: HsObjectType, props: Record<string, string>): PropertyError | undefined {
    if (type !== 'deals' && type !== 'tickets') return undefined;
    const [pipelineProp, stageProp] = type === 'deals' ? ['pipeline', 'dealstage'] : ['hs_pipeline', 'hs_pipeline_stage'];
    const pipelines = type === 'deals' ? state.pipelines : state.ticketPipelines;
    const pipelineId = props[pipelineProp];
    const pipeline = pipelineId ? pipelines.find((p) => p.id === pipelineId) : undefined;
    if (pipelineId && !pipeline)
      return { isValid: false, message: `${pipelineId} is not a valid pipeline`, error: 'INVALID_OPTION', name: pipelineProp };
    const stage = props[stageProp];
    if (stage && !(pipeline ? [pipeline] : pipelines).some((p) => p.stages.some((st) => st.id === stage)))
      return {
        isValid: false,
        message: `${stage} was not one of the allowed options for the pipeline ${pipelineId ?? ''}`.trim(),
        error: 'INVALID_OPTION',
        name: stageProp,
      };
    return undefined;
  }

  interface AssocInput {
    toType: HsObjectType;
    toId: string;
    typeId: number;
  }

  function checkAssociations(type: HsObjectType, raw: unknown): { assocs: AssocInput[]; error?: SimResponse } {
    if (raw === undefined) return { assocs: [] };
    if (!Array.isArray(raw)) return { assocs: [], error: hsError(400, 'VALIDATION_ERROR', 'associations must be an array') };
    const assocs: AssocInput[] = [];
    for (const a of raw) {
      const toId = isRecord(a) && isRecord(a.to) ? String(a.to.id ?? '') : '';
      const types = isRecord(a) && Array.isArray(a.types) ? a.types : [];
      if (!toId || types.length === 0) {
        return { assocs, error: hsError(400, 'VALIDATION_ERROR', 'Each association needs to.id and at least one type') };
      }
      for (const t of types) {
        const typeId = isRecord(t) ? Number(t.associationTypeId) : NaN;
        const category = isRecord(t) ? t.associationCategory : undefined;
        const toType = (HS_OBJECT_TYPES as readonly string[]).find(
          (other) => DEFAULT_ASSOCIATION[`${type}>${other}`] === typeId || (EXTRA_ASSOCIATION[`${type}>${other}`] ?? []).includes(typeId),
        ) as HsObjectType | undefined;
        if (category !== 'HUBSPOT_DEFINED' || !toType) {
          return {
            assocs,
            error: hsError(400, 'VALIDATION_ERROR', `invalid association type ${String(category)}/${typeId} from ${SINGULAR[type]}`),
          };
        }
        if (!state[toType].has(toId)) {
          return {
            assocs,
            error: hsError(400, 'VALIDATION_ERROR', `One or more associations are invalid: ${SINGULAR[toType]} ${toId} does not exist`),
          };
        }
        assocs.push({ toType, toId, typeId });
      }
    }
    return { assocs };
  }

  // ---------- shapes ----------

  function view(type: HsObjectType, obj: SimObject, properties?: string[]): Record<string, unknown> {
    const props: Record<string, string | null> = {
      hs_object_id: obj.id,
      [CREATED_PROP[type]]: obj.createdAt,
      [MODIFIED_PROP[type]]: obj.updatedAt,
    };
    const names = properties && properties.length > 0 ? properties : type === 'contacts' ? ['email', 'firstname', 'lastname'] : [];
    for (const name of names) if (schema[type][name]) props[name] = obj.properties[name] ?? null;
    return { id: obj.id, properties: props, createdAt: obj.createdAt, updatedAt: obj.updatedAt, archived: obj.archived };
  }

  function propertyList(q: URLSearchParams | unknown): string[] {
    if (q instanceof URLSearchParams)
      return q
        .getAll('properties')
        .flatMap((p) => p.split(','))
        .filter(Boolean);
    return Array.isArray(q) ? q.map(String) : [];
  }

  function batchInputs(body: unknown): { inputs: Record<string, unknown>[]; error?: SimResponse } {
    if (!isRecord(body) || !Array.isArray(body.inputs)) {
      return { inputs: [], error: hsError(400, 'VALIDATION_ERROR', 'Invalid input JSON on line 1: inputs is required') };
    }
    if (body.inputs.length > 100) {
      return {
        inputs: [],
        error: hsError(400, 'VALIDATION_ERROR', `Batch input must contain at most 100 inputs; got ${body.inputs.length}`),
      };
    }
    if (!body.inputs.every(isRecord)) return { inputs: [], error: hsError(400, 'VALIDATION_ERROR', 'Each input must be an object') };
    return { inputs: body.inputs as Record<string, unknown>[] };
  }

  function complete(status: number, results: unknown[], errors: unknown[] = []): SimResponse {
    const now = new Date().toISOString();
    const body: Record<string, unknown> = {
      status: 'COMPLETE',
      results: shuffle(results, orderRandom),
      startedAt: now,
      completedAt: now,
    };
    if (errors.length > 0) {
      body.errors = errors;
      body.numErrors = errors.length;
      return { status: 207, body };
    }
    return { status, body };
  }

  function traced(result: Record<string, unknown>, input: Record<string, unknown>): Record<string, unknown> {
    return typeof input.objectWriteTraceId === 'string' ? { ...result, objectWriteTraceId: input.objectWriteTraceId } : result;
  }

  function uniqueIdProperty(type: HsObjectType, idProperty: unknown): string | SimResponse {
    const name = typeof idProperty === 'string' && idProperty ? idProperty : 'hs_object_id';
    const def = schema[type][name];
    if (!def) return hsError(400, 'VALIDATION_ERROR', `Property "${name}" does not exist`);
    if (!def.unique) {
      return hsError(
        400,
        'VALIDATION_ERROR',
        `Property "${name}" is not a unique identifier property for ${SINGULAR[type]} objects; idProperty must name a property with unique values`,
      );
    }
    return name;
  }

  /**
   * A value of a custom unique property that another record already holds (or an earlier input of
   * the same batch): 409 CONFLICT naming the existing id, as for a duplicate contact email.
   */
  function uniqueConflict(type: HsObjectType, props: Record<string, string>, selfId?: string, seen?: Set<string>): SimResponse | undefined {
    for (const [name, value] of Object.entries(props)) {
      const def = schema[type][name];
      if (!def?.unique || !def.custom || !value) continue;
      const existing = findByProperty(type, name, value);
      if (existing && existing.id !== selfId) {
        return hsError(409, 'CONFLICT', `A ${SINGULAR[type]} with ${name} "${value}" already exists. Existing ID: ${existing.id}`);
      }
      const key = `${name}|${value.toLowerCase()}`;
      if (seen?.has(key)) return hsError(400, 'VALIDATION_ERROR', `Duplicate values of unique property ${name} in batch input: [${value}]`);
      seen?.add(key);
    }
    return undefined;
  }

  // ---------- handlers ----------

  /** Creates a validated input (checkProperties / checkAssociations passed). */
  function createValidated(type: HsObjectType, props: Record<string, string>, assocs: AssocInput[]): SimObject {
    const obj = rawCreate(type, props);
    for (const a of assocs) addAssociation({ fromType: type, fromId: obj.id, toType: a.toType, toId: a.toId, typeId: a.typeId });
    return obj;
  }

  function createOne(type: HsObjectType, input: Record<string, unknown>): { obj?: SimObject; error?: SimResponse } {
    const { props, errors } = checkProperties(type, input.properties, true);
    if (errors.length > 0) return { error: validationError(errors) };
    const { assocs, error } = checkAssociations(type, input.associations);
    if (error) return { error };
    if (type === 'contacts' && props.email) {
      const existing = findByProperty('contacts', 'email', props.email);
      if (existing) return { error: hsError(409, 'CONFLICT', `Contact already exists. Existing ID: ${existing.id}`) };
    }
    const conflict = uniqueConflict(type, props);
    if (conflict) return { error: conflict };
    return { obj: createValidated(type, props, assocs) };
  }

  function batchCreate(type: HsObjectType, body: unknown): SimResponse {
    const { inputs, error } = batchInputs(body);
    if (error) return error;
    // Validate everything first: one invalid input rejects the whole batch.
    const seenEmails = new Set<string>();
    const seenUnique = new Set<string>();
    const valid: { props: Record<string, string>; assocs: AssocInput[] }[] = [];
    for (const input of inputs) {
      const { props, errors } = checkProperties(type, input.properties, true);
      if (errors.length > 0) return validationError(errors);
      const assoc = checkAssociations(type, input.associations);
      if (assoc.error) return assoc.error;
      const email = isRecord(input.properties) && typeof input.properties.email === 'string' ? input.properties.email.toLowerCase() : '';
      if (type === 'contacts' && email) {
        const existing = findByProperty('contacts', 'email', email);
        if (existing) return hsError(409, 'CONFLICT', `Contact already exists. Existing ID: ${existing.id}`);
        if (seenEmails.has(email)) return hsError(400, 'VALIDATION_ERROR', `Duplicate emails found in batch input: [${email}]`);
        seenEmails.add(email);
      }
      const conflict = uniqueConflict(type, props, undefined, seenUnique);
      if (conflict) return conflict;
      valid.push({ props, assocs: assoc.assocs });
    }
    const results = inputs.map((input, i) =>
      traced(view(type, createValidated(type, valid[i].props, valid[i].assocs), Object.keys(input.properties as object)), input),
    );
    return complete(201, results);
  }

  function batchUpdate(type: HsObjectType, body: unknown): SimResponse {
    const { inputs, error } = batchInputs(body);
    if (error) return error;
    const idProperty = uniqueIdProperty(type, isRecord(body) ? body.idProperty : undefined);
    if (typeof idProperty !== 'string') return idProperty;
    const ids = inputs.map((i) => String(i.id ?? ''));
    if (new Set(ids).size !== ids.length) return hsError(400, 'VALIDATION_ERROR', 'Duplicate IDs found in batch input');
    const valid: Record<string, string>[] = [];
    const seenUnique = new Set<string>();
    for (const input of inputs) {
      const { props, errors } = checkProperties(type, input.properties, false);
      if (errors.length > 0) return validationError(errors);
      const conflict = uniqueConflict(type, props, findByProperty(type, idProperty, String(input.id ?? ''))?.id, seenUnique);
      if (conflict) return conflict;
      valid.push(props);
    }
    const results: unknown[] = [];
    const missing: string[] = [];
    const missingTraces: string[] = [];
    for (const [i, input] of inputs.entries()) {
      const obj = findByProperty(type, idProperty, String(input.id ?? ''));
      if (!obj) {
        missing.push(String(input.id ?? ''));
        if (typeof input.objectWriteTraceId === 'string') missingTraces.push(input.objectWriteTraceId);
        continue;
      }
      const props = valid[i];
      rawUpdate(type, obj, props);
      results.push(traced(view(type, obj, Object.keys(props)), input));
    }
    const errors =
      missing.length > 0
        ? [
            {
              status: 'error',
              category: 'OBJECT_NOT_FOUND',
              message: `Could not get some ${SINGULAR[type].toUpperCase()} objects, they may be deleted or not exist. Check that ids are valid.`,
              context: { ids: missing, ...(missingTraces.length > 0 ? { objectWriteTraceId: missingTraces } : {}) },
            },
          ]
        : [];
    return complete(200, results, errors);
  }

  function batchUpsert(type: HsObjectType, body: unknown, query: URLSearchParams): SimResponse {
    const { inputs, error } = batchInputs(body);
    if (error) return error;
    const values: string[] = [];
    const valid: { idProperty: string; id: string; props: Record<string, string> }[] = [];
    for (const input of inputs) {
      const idProperty = uniqueIdProperty(type, input.idProperty ?? query.get('idProperty'));
      if (typeof idProperty !== 'string') return idProperty;
      if (idProperty === 'hs_object_id')
        return hsError(400, 'VALIDATION_ERROR', 'idProperty hs_object_id cannot be used to upsert; use batch/update');
      const id = typeof input.id === 'string' ? input.id : '';
      if (!id) return hsError(400, 'VALIDATION_ERROR', 'Each upsert input needs an id (the idProperty value)');
      values.push(`${idProperty}:${id.toLowerCase()}`);
      const withId = { ...(isRecord(input.properties) ? input.properties : {}), [idProperty]: id };
      const { props, errors } = checkProperties(type, withId, false);
      if (errors.length > 0) return validationError(errors);
      valid.push({ idProperty, id, props });
    }
    if (new Set(values).size !== values.length) return hsError(400, 'VALIDATION_ERROR', 'Duplicate IDs found in batch input');
    const results: unknown[] = [];
    for (const [i, input] of inputs.entries()) {
      const { idProperty, id, props } = valid[i];
      const existing = findByProperty(type, idProperty, id);
      if (existing) {
        rawUpdate(type, existing, props);
        results.push(traced({ ...view(type, existing, Object.keys(props)), new: false }, input));
      } else {
        const obj = rawCreate(type, props);
        results.push(traced({ ...view(type, obj, Object.keys(props)), new: true }, input));
      }
    }
    return complete(200, results);
  }

  /**
   * POST /crm/v3/objects/{type}/merge {primaryObjectId, objectIdToMerge}: the primary's values win,
   * its empty properties take the other's, the other's associations move to it, and the other is
   * gone (its id reads as the merged record). Answers the merged record. Merging an id merged before:
   * 400; an id that does not exist: 404.
   */
  function mergeObjects(type: HsObjectType, body: unknown): SimResponse {
    if (!isRecord(body)) return hsError(400, 'VALIDATION_ERROR', 'Invalid input JSON');
    const primaryId = String(body.primaryObjectId ?? '');
    const otherId = String(body.objectIdToMerge ?? '');
    if (!primaryId || !otherId) return hsError(400, 'VALIDATION_ERROR', 'primaryObjectId and objectIdToMerge are required');
    if (primaryId === otherId) return hsError(400, 'VALIDATION_ERROR', 'Cannot merge an object with itself');
    const primary = state[type].get(primaryId);
    const other = state[type].get(otherId);
    if (other?.mergedInto) return hsError(400, 'VALIDATION_ERROR', `Object ${otherId} was already merged into ${other.mergedInto}`);
    if (!primary || primary.archived || !other || other.archived) return hsError(404, 'OBJECT_NOT_FOUND', 'resource not found');
    const fill: Record<string, string> = {};
    for (const [k, v] of Object.entries(other.properties)) if (v && !primary.properties[k]) fill[k] = v;
    other.archived = true;
    other.mergedInto = primaryId;
    rawUpdate(type, primary, fill);
    primary.properties.hs_merged_object_ids = [primary.properties.hs_merged_object_ids, otherId].filter(Boolean).join(';');
    for (const a of state.associations) {
      if (a.fromType === type && a.fromId === otherId) a.fromId = primaryId;
      if (a.toType === type && a.toId === otherId) a.toId = primaryId;
    }
    return { status: 200, body: view(type, primary, Object.keys(primary.properties)) };
  }

  /** batch/archive: 204 with no body; ids that do not exist are ignored (as HubSpot does). */
  function batchArchive(type: HsObjectType, body: unknown): SimResponse {
    const { inputs, error } = batchInputs(body);
    if (error) return error;
    for (const input of inputs) {
      const obj = state[type].get(String(input.id ?? ''));
      if (obj) obj.archived = true;
    }
    return { status: 204 };
  }

  function batchRead(type: HsObjectType, body: unknown): SimResponse {
    const { inputs, error } = batchInputs(body);
    if (error) return error;
    const idProperty = uniqueIdProperty(type, isRecord(body) ? body.idProperty : undefined);
    if (typeof idProperty !== 'string') return idProperty;
    const properties = propertyList(isRecord(body) ? body.properties : undefined);
    const results: unknown[] = [];
    const missing: string[] = [];
    for (const input of inputs) {
      const obj = findByProperty(type, idProperty, String(input.id ?? ''));
      if (obj) results.push(view(type, obj, idProperty === 'hs_object_id' ? properties : [...properties, idProperty]));
      else missing.push(String(input.id ?? ''));
    }
    const errors =
      missing.length > 0
        ? [
            {
              status: 'error',
              category: 'OBJECT_NOT_FOUND',
              message: `Could not get some ${SINGULAR[type].toUpperCase()} objects, they may be deleted or not exist. Check that ids are valid.`,
              context: { ids: missing },
            },
          ]
        : [];
    return complete(200, results, errors);
  }

  function compare(type: HsObjectType, name: string, actual: string, expected: unknown): number {
    const def = schema[type][name];
    if (def?.type === 'datetime' || def?.type === 'number') {
      const a = def.type === 'datetime' ? toMs(actual) : Number(actual);
      const b = def.type === 'datetime' ? toMs(String(expected)) : Number(expected);
      return a === b ? 0 : a < b ? -1 : 1;
    }
    const a = actual.toLowerCase();
    const b = String(expected).toLowerCase();
    return a === b ? 0 : a < b ? -1 : 1;
  }

  const OPERATORS = [
    'EQ',
    'NEQ',
    'LT',
    'LTE',
    'GT',
    'GTE',
    'BETWEEN',
    'IN',
    'NOT_IN',
    'HAS_PROPERTY',
    'NOT_HAS_PROPERTY',
    'CONTAINS_TOKEN',
    'NOT_CONTAINS_TOKEN',
  ];

  function matches(type: HsObjectType, obj: SimObject, f: Record<string, unknown>): boolean {
    const name = String(f.propertyName);
    const actual = name === 'hs_object_id' ? obj.id : (obj.properties[name] ?? '');
    const has = actual !== '';
    switch (f.operator) {
      case 'HAS_PROPERTY':
        return has;
      case 'NOT_HAS_PROPERTY':
        return !has;
      case 'EQ':
        return has && compare(type, name, actual, f.value) === 0;
      case 'NEQ':
        return !has || compare(type, name, actual, f.value) !== 0;
      case 'LT':
        return has && compare(type, name, actual, f.value) < 0;
      case 'LTE':
        return has && compare(type, name, actual, f.value) <= 0;
      case 'GT':
        return has && compare(type, name, actual, f.value) > 0;
      case 'GTE':
        return has && compare(type, name, actual, f.value) >= 0;
      case 'BETWEEN':
        return has && compare(type, name, actual, f.value) >= 0 && compare(type, name, actual, f.highValue) <= 0;
      case 'IN':
      case 'NOT_IN': {
        // Strings are matched against the lowercased stored value: callers must send lowercase.
        const values = Array.isArray(f.values) ? f.values.map(String) : [];
        const def = schema[type][name];
        const hit =
          def?.type === 'datetime' || def?.type === 'number'
            ? values.some((v) => compare(type, name, actual, v) === 0)
            : values.includes(actual.toLowerCase());
        return f.operator === 'IN' ? has && hit : !hit;
      }
      case 'CONTAINS_TOKEN':
        return (
          has &&
          actual.toLowerCase().includes(
            String(f.value ?? '')
              .replace(/\*/g, '')
              .toLowerCase(),
          )
        );
      case 'NOT_CONTAINS_TOKEN':
        return (
          !has ||
          !actual.toLowerCase().includes(
            String(f.value ?? '')
              .replace(/\*/g, '')
              .toLowerCase(),
          )
        );
      default:
        return false;
    }
  }

  function search(type: HsObjectType, body: unknown): SimResponse {
    const b = isRecord(body) ? body : {};
    const groups = Array.isArray(b.filterGroups) ? b.filterGroups : [];
    if (groups.length > 5) return hsError(400, 'VALIDATION_ERROR', 'Too many filter groups: at most 5 are allowed');
    let total = 0;
    for (const g of groups) {
      const filters = isRecord(g) && Array.isArray(g.filters) ? g.filters : null;
      if (!filters) return hsError(400, 'VALIDATION_ERROR', 'Each filter group needs filters');
      if (filters.length > 6) return hsError(400, 'VALIDATION_ERROR', 'Too many filters in a group: at most 6 are allowed');
      total += filters.length;
      for (const f of filters) {
        if (!isRecord(f) || !OPERATORS.includes(String(f.operator))) {
          return hsError(400, 'VALIDATION_ERROR', `Invalid filter operator ${isRecord(f) ? String(f.operator) : ''}`);
        }
        if (!schema[type][String(f.propertyName)]) {
          return hsError(400, 'VALIDATION_ERROR', `Property "${String(f.propertyName)}" does not exist on ${SINGULAR[type]}`);
        }
      }
    }
    if (total > 18) return hsError(400, 'VALIDATION_ERROR', 'Too many filters: at most 18 are allowed');
    const limit = b.limit === undefined ? 10 : Number(b.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) return hsError(400, 'VALIDATION_ERROR', 'limit must be between 1 and 200');
    const after = b.after === undefined ? 0 : Number(b.after);
    if (!Number.isInteger(after) || after < 0) return hsError(400, 'VALIDATION_ERROR', 'after must be a paging cursor');
    if (after + limit > 10_000) return hsError(400, 'VALIDATION_ERROR', 'The search API returns at most 10,000 results per query');
    const now = Date.now();
    let found = [...state[type].values()].filter(
      (o) =>
        !o.archived &&
        o.indexedAt <= now &&
        (groups.length === 0 ||
          groups.some((g) => ((g as Record<string, unknown>).filters as Record<string, unknown>[]).every((f) => matches(type, o, f)))),
    );
    const sorts = Array.isArray(b.sorts) ? b.sorts : [];
    const sort = sorts[0];
    if (isRecord(sort) && typeof sort.propertyName === 'string') {
      const name = sort.propertyName;
      const dir = sort.direction === 'DESCENDING' ? -1 : 1;
      found = found.sort((x, y) => {
        const xv = name === 'hs_object_id' ? x.id : (x.properties[name] ?? '');
        const yv = name === 'hs_object_id' ? y.id : (y.properties[name] ?? '');
        const c = compare(type, name, xv, yv) || Number(x.id) - Number(y.id);
        return c * dir;
      });
    } else {
      found = found.sort((x, y) => Number(x.id) - Number(y.id));
    }
    const page = found.slice(after, after + limit);
    const properties = propertyList(b.properties);
    return {
      status: 200,
      body: {
        total: found.length,
        results: page.map((o) => view(type, o, properties)),
        ...(after + limit < found.length ? { paging: { next: { after: String(after + limit) } } } : {}),
      },
    };
  }

  function associationsBatchRead(from: HsObjectType, to: HsObjectType, body: unknown): SimResponse {
    const { inputs, error } = batchInputs(body);
    if (error) return error;
    const results: unknown[] = [];
    const errors: unknown[] = [];
    for (const input of inputs) {
      const id = String(input.id ?? '');
      const list = associationsOf(from, id, to);
      if (list.length === 0) {
        errors.push({
          status: 'error',
          category: 'OBJECT_NOT_FOUND',
          subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND',
          message: `No ${SINGULAR[to]} is associated with ${SINGULAR[from]} ${id}.`,
          context: { fromObjectId: [id] },
        });
        continue;
      }
      results.push({
        from: { id },
        to: list.map((a) => ({
          toObjectId: Number(a.toId),
          associationTypes: a.typeIds.map((typeId) => ({
            category: 'HUBSPOT_DEFINED',
            typeId,
            label: typeId === 1 || typeId === 2 ? 'Primary' : null,
          })),
        })),
      });
    }
    return complete(200, results, errors);
  }

  function associateDefault(from: HsObjectType, fromId: string, to: HsObjectType, toId: string): SimResponse | null {
    const typeId = DEFAULT_ASSOCIATION[`${from}>${to}`];
    if (!typeId) return hsError(400, 'VALIDATION_ERROR', `No default association from ${SINGULAR[from]} to ${SINGULAR[to]}`);
    if (!state[from].has(fromId)) return hsError(404, 'OBJECT_NOT_FOUND', `${SINGULAR[from]} ${fromId} does not exist`);
    if (!state[to].has(toId)) return hsError(404, 'OBJECT_NOT_FOUND', `${SINGULAR[to]} ${toId} does not exist`);
    addAssociation({ fromType: from, fromId, toType: to, toId, typeId });
    return null;
  }

  function parseType(segment: string): HsObjectType | undefined {
    const s = segment.toLowerCase();
    return (HS_OBJECT_TYPES as readonly string[]).includes(s)
      ? (s as HsObjectType)
      : HS_OBJECT_TYPES.find((t) => TYPE_IDS[t] === s || SINGULAR[t] === s);
  }

  function rateHeaders(limit: number, remaining: number): Record<string, string> {
    return {
      'X-HubSpot-RateLimit-Max': String(limit),
      'X-HubSpot-RateLimit-Remaining': String(remaining),
      'X-HubSpot-RateLimit-Interval-Milliseconds': String(burst.intervalMs),
      'X-HubSpot-RateLimit-Daily': String(DAILY),
      'X-HubSpot-RateLimit-Daily-Remaining': String(Math.max(0, DAILY - dailyUsed)),
    };
  }

  function missingScope(scope: string): SimResponse {
    return hsError(
      403,
      'MISSING_SCOPES',
      "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
      { errors: [{ message: 'One or more of the following scopes are required.', context: { requiredGranularScopes: [scope] } }] },
    );
  }

  function propertyView(type: HsObjectType, name: string, def: PropDef): Record<string, unknown> {
    const now = new Date().toISOString();
    return {
      name,
      label: def.custom?.label ?? name,
      type: def.type === 'email' ? 'string' : def.type,
      fieldType: def.type === 'enumeration' ? 'select' : def.type === 'datetime' ? 'date' : 'text',
      groupName: def.custom?.groupName ?? PROPERTY_GROUPS[type][0],
      hasUniqueValue: def.unique === true,
      hubspotDefined: !def.custom,
      modificationMetadata: { readOnlyValue: def.readOnly === true, readOnlyDefinition: !def.custom, archivable: !!def.custom },
      createdAt: now,
      updatedAt: now,
      archived: false,
    };
  }

  /** The properties API: read one property or the groups, create a property. */
  function properties(req: SimRequest, token: string, typeSegment: string, name: string | undefined): SimResponse {
    const type = parseType(typeSegment);
    if (!type) return hsError(400, 'VALIDATION_ERROR', `Unable to infer object type from: ${typeSegment}`);
    const read = `crm.schemas.${type}.read`;
    const write = `crm.schemas.${type}.write`;
    if (req.method === 'GET') {
      if (!hasScope(token, read) && !hasScope(token, write)) return missingScope(read);
      if (name === 'groups') {
        return {
          status: 200,
          body: { results: PROPERTY_GROUPS[type].map((g, i) => ({ name: g, label: g, displayOrder: i, archived: false })) },
        };
      }
      const def = name ? schema[type][name] : undefined;
      if (!name || !def) return hsError(404, 'OBJECT_NOT_FOUND', `Unable to find property ${name ?? ''} for object type ${TYPE_IDS[type]}`);
      return { status: 200, body: propertyView(type, name, def) };
    }
    if (req.method !== 'POST' || name) return hsError(404, 'OBJECT_NOT_FOUND', `Unable to route ${req.method} ${req.path}`);
    if (!hasScope(token, write)) return missingScope(write);
    const b = isRecord(req.body) ? req.body : {};
    const newName = typeof b.name === 'string' ? b.name : '';
    const missing = ['name', 'label', 'type', 'fieldType', 'groupName'].filter((k) => typeof b[k] !== 'string' || !b[k]);
    if (missing.length > 0) return hsError(400, 'VALIDATION_ERROR', `Missing required fields: ${missing.join(', ')}`);
    if (!/^[a-z][a-z0-9_]*$/.test(newName)) return hsError(400, 'VALIDATION_ERROR', `Property name ${newName} is not valid`);
    if (b.type !== 'string' || !['text', 'textarea'].includes(String(b.fieldType))) {
      return hsError(400, 'VALIDATION_ERROR', `Unsupported type/fieldType ${String(b.type)}/${String(b.fieldType)} in this simulator`);
    }
    if (!PROPERTY_GROUPS[type].includes(String(b.groupName))) {
      return hsError(400, 'VALIDATION_ERROR', `Property group ${String(b.groupName)} does not exist`);
    }
    if (schema[type][newName]) return hsError(409, 'CONFLICT', `Property named '${newName}' already exists.`);
    const unique = b.hasUniqueValue === true;
    if (unique && Object.values(schema[type]).filter((d) => d.unique && d.custom).length >= MAX_UNIQUE_PROPERTIES) {
      return hsError(400, 'VALIDATION_ERROR', `An object can have at most ${MAX_UNIQUE_PROPERTIES} unique value properties`);
    }
    const def: PropDef = { type: 'string', unique, custom: { label: String(b.label), groupName: String(b.groupName) } };
    schema[type][newName] = def;
    return { status: 201, body: propertyView(type, newName, def) };
  }

  function route(req: SimRequest, token = ''): SimResponse {
    const { method, path, body } = req;
    let m: RegExpMatchArray | null;

    if ((m = path.match(/^\/crm\/v3\/properties\/([\w-]+)(?:\/([\w-]+))?$/))) return properties(req, token, m[1], m[2]);

    if (method === 'GET' && path === '/account-info/v3/details') {
      return {
        status: 200,
        body: {
          portalId,
          accountType: 'STANDARD',
          timeZone: 'Europe/Paris',
          companyCurrency: 'EUR',
          additionalCurrencies: [],
          utcOffset: '+01:00',
          utcOffsetMilliseconds: 3_600_000,
          uiDomain,
          dataHostingLocation: 'eu1',
        },
      };
    }
    if (method === 'GET' && (m = path.match(/^\/crm\/v3\/owners\/(\w+)$/))) {
      const owner = state.owners.get(m[1]);
      if (!owner) return hsError(404, 'OBJECT_NOT_FOUND', `Owner ${m[1]} not found`);
      const now = new Date().toISOString();
      return { status: 200, body: { ...owner, userId: Number(owner.id), createdAt: now, updatedAt: now, archived: false } };
    }
    if (method === 'GET' && (m = path.match(/^\/crm\/v3\/pipelines\/(deals|tickets)$/))) {
      const deals = m[1] === 'deals';
      if (missingScopes.has(deals ? 'deals' : 'tickets')) return hsError(403, 'MISSING_SCOPES', `This app lacks the scope for ${m[1]}`);
      // Stage metadata values are strings in HubSpot's answers ("0.2", "true").
      const metadata = (s: SimPipeline['stages'][number]) =>
        deals ? { isClosed: String(!!s.closed), probability: String(s.probability ?? 0) } : { ticketState: s.closed ? 'CLOSED' : 'OPEN' };
      return {
        status: 200,
        body: {
          results: (deals ? state.pipelines : state.ticketPipelines).map((p, order) => ({
            id: p.id,
            label: p.label,
            displayOrder: order,
            archived: false,
            stages: p.stages.map((s, i) => ({ id: s.id, label: s.label, displayOrder: i, archived: false, metadata: metadata(s) })),
          })),
        },
      };
    }
    if ((m = path.match(/^\/crm\/v4\/associations\/([\w-]+)\/([\w-]+)\/batch\/(read|associate\/default)$/)) && method === 'POST') {
      const from = parseType(m[1]);
      const to = parseType(m[2]);
      if (!from || !to) return hsError(400, 'VALIDATION_ERROR', `Unknown object type ${!from ? m[1] : m[2]}`);
      if (m[3] === 'read') return associationsBatchRead(from, to, body);
      const { inputs, error } = batchInputs(body);
      if (error) return error;
      const results: unknown[] = [];
      const errors: unknown[] = [];
      for (const input of inputs) {
        const fromId = isRecord(input.from) ? String(input.from.id ?? '') : '';
        const toId = isRecord(input.to) ? String(input.to.id ?? '') : '';
        const failure = associateDefault(from, fromId, to, toId);
        if (failure) errors.push({ ...(failure.body as object), context: { fromObjectId: [fromId], toObjectId: [toId] } });
        else
          results.push({
            fromObjectTypeId: TYPE_IDS[from],
            fromObjectId: Number(fromId),
            toObjectTypeId: TYPE_IDS[to],
            toObjectId: Number(toId),
            labels: [],
          });
      }
      return complete(200, results, errors);
    }
    if (method === 'PUT' && (m = path.match(/^\/crm\/v4\/objects\/([\w-]+)\/(\d+)\/associations\/default\/([\w-]+)\/(\d+)$/))) {
      const from = parseType(m[1]);
      const to = parseType(m[3]);
      if (!from || !to) return hsError(400, 'VALIDATION_ERROR', 'Unknown object type');
      const failure = associateDefault(from, m[2], to, m[4]);
      if (failure) return failure;
      return { status: 200, body: { status: 'COMPLETE', results: [{ from: { id: m[2] }, to: { id: m[4] } }] } };
    }

    if (!(m = path.match(/^\/crm\/v3\/objects\/([\w-]+)(?:\/(.+))?$/))) {
      return hsError(404, 'OBJECT_NOT_FOUND', `Unable to route ${method} ${path}`);
    }
    const type = parseType(m[1]);
    if (!type) return hsError(400, 'VALIDATION_ERROR', `Unable to infer object type from: ${m[1]}`);
    const rest = m[2];

    if (!rest) {
      if (method === 'GET') {
        const limit = Math.min(100, Number(req.query.get('limit') ?? 10) || 10);
        const after = Number(req.query.get('after') ?? 0) || 0;
        const all = [...state[type].values()].filter((o) => !o.archived).sort((a, b) => Number(a.id) - Number(b.id));
        const page = all.slice(after, after + limit);
        return {
          status: 200,
          body: {
            results: page.map((o) => view(type, o, propertyList(req.query))),
            ...(after + limit < all.length ? { paging: { next: { after: String(after + limit) } } } : {}),
          },
        };
      }
      if (method === 'POST') {
        if (!isRecord(body)) return hsError(400, 'VALIDATION_ERROR', 'Invalid input JSON');
        const { obj, error } = createOne(type, body);
        if (error) return error;
        return { status: 201, body: view(type, obj as SimObject, Object.keys(body.properties as object)) };
      }
    }
    if (method === 'POST' && rest === 'search') return search(type, body);
    if (method === 'POST' && rest === 'merge') return mergeObjects(type, body);
    if (method === 'POST' && rest?.startsWith('batch/')) {
      switch (rest.slice('batch/'.length)) {
        case 'create':
          return batchCreate(type, body);
        case 'update':
          return batchUpdate(type, body);
        case 'upsert':
          return batchUpsert(type, body, req.query);
        case 'read':
          return batchRead(type, body);
        case 'archive':
          return batchArchive(type, body);
      }
    }
    if (rest && /^\w+$/.test(rest) && (method === 'GET' || method === 'PATCH')) {
      const idProperty = uniqueIdProperty(type, req.query.get('idProperty'));
      if (typeof idProperty !== 'string') return idProperty;
      const found = findByProperty(type, idProperty, rest);
      // A merged-away id reads as the record it was merged into.
      const obj = found?.mergedInto ? state[type].get(found.mergedInto) : found;
      if (!obj) return hsError(404, 'OBJECT_NOT_FOUND', `resource not found`);
      if (method === 'GET') return { status: 200, body: view(type, obj, propertyList(req.query)) };
      const { props, errors } = checkProperties(type, isRecord(body) ? body.properties : undefined, false);
      if (errors.length > 0) return validationError(errors);
      const conflict = uniqueConflict(type, props, obj.id);
      if (conflict) return conflict;
      rawUpdate(type, obj, props);
      return { status: 200, body: view(type, obj, Object.keys(props)) };
    }
    return hsError(404, 'OBJECT_NOT_FOUND', `Unable to route ${method} ${path}`);
  }

  const server = await startSimServer({
    faults: options.faults,
    latencyMs: options.latencyMs,
    faultResponse: (kind, retryAfterSeconds) =>
      kind === 'error500'
        ? hsError(500, 'INTERNAL_ERROR', 'internal error')
        : {
            ...hsError(429, 'RATE_LIMITS', 'You have reached your ten_secondly_rolling limit.', {
              errorType: 'RATE_LIMIT',
              policyName: 'TEN_SECONDLY_ROLLING',
              groupName: RATE_LIMIT_GROUP,
            }),
            headers: { 'Retry-After': String(retryAfterSeconds), ...rateHeaders(burst.requests, 0) },
          },
    handler: (req) => {
      const auth = req.headers.authorization ?? '';
      const token = auth.startsWith('Bearer ') ? auth.slice('Bearer '.length).trim() : '';
      if (!tokens.has(token)) {
        return hsError(
          401,
          'INVALID_AUTHENTICATION',
          'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
        );
      }
      const objectType = /^\/crm\/v3\/objects\/([\w-]+)/.exec(req.path)?.[1] as HsObjectType | undefined;
      if (objectType && missingScopes.has(objectType)) {
        return hsError(
          403,
          'MISSING_SCOPES',
          "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
          {
            errors: [
              {
                message: 'One or more of the following scopes are required.',
                context: { requiredGranularScopes: [`crm.objects.${objectType}.write`] },
              },
            ],
          },
        );
      }
      if (req.bodyError) return hsError(400, 'VALIDATION_ERROR', `Invalid input JSON on line 1: ${req.bodyError}`);
      const isSearch = req.method === 'POST' && /^\/crm\/v3\/objects\/[\w-]+\/search$/.test(req.path);
      if (isSearch) {
        const d = searchLimiter.take(token);
        if (!d.allowed) {
          return {
            ...hsError(429, 'RATE_LIMITS', 'You have reached your secondly limit.', { errorType: 'RATE_LIMIT', policyName: 'SECONDLY' }),
            headers: { 'Retry-After': String(Math.ceil(d.retryAfterMs / 1000)) },
          };
        }
        dailyUsed++;
        return route(req, token);
      }
      const d = limiter.take(token);
      if (!d.allowed) {
        return {
          ...hsError(429, 'RATE_LIMITS', 'You have reached your ten_secondly_rolling limit.', {
            errorType: 'RATE_LIMIT',
            policyName: 'TEN_SECONDLY_ROLLING',
            groupName: RATE_LIMIT_GROUP,
          }),
          headers: { 'Retry-After': String(Math.ceil(d.retryAfterMs / 1000)), ...rateHeaders(d.limit, 0) },
        };
      }
      dailyUsed++;
      const res = route(req, token);
      return { ...res, headers: { ...rateHeaders(d.limit, d.remaining), ...res.headers } };
    },
  });

  return {
    url: server.url,
    state,
    portalId,
    server,
    get counters() {
      return server.counters;
    },
    faults: server.faults,
    create: (type, properties) => rawCreate(type, properties),
    update(type, id, properties) {
      const obj = state[type].get(id);
      if (!obj) throw new Error(`no ${type} ${id}`);
      rawUpdate(type, obj, properties);
      return obj;
    },
    associate(fromType, fromId, toType, toId, typeId) {
      addAssociation({ fromType, fromId, toType, toId, typeId: typeId ?? DEFAULT_ASSOCIATION[`${fromType}>${toType}`] });
    },
    associationsOf,
    list: (type) => [...state[type].values()].filter((o) => !o.archived),
    missingScopes,
    close: () => server.close(),
  };
}
