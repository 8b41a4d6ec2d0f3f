// A simulated Salesforce org (REST API + OAuth 2 web-server flow with PKCE) for contract tests.
// Tests only (Node http server); never bundled into the extension.
//
// Built from Salesforce's public documentation; the shapes below are the documented ones:
// - REST API Developer Guide — https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/
//   · Query: GET /services/data/vXX.X/query?q=… → {totalSize, done, records, nextRecordsUrl?}; records carry
//     `attributes: {type, url}`, parent relationships are nested objects ("resources_query.htm").
//   · sObject Collections: POST (create) / PATCH (update) /composite/sobjects, up to 200 records,
//     `allOrNone`; PATCH /composite/sobjects/{Object}/{ExternalIdField} upserts; answers one
//     {id, success, errors:[{statusCode, message, fields}], created?} per record, in order
//     ("resources_composite_sobjects_collections_*.htm").
//   · DELETE /composite/sobjects?ids=…&allOrNone= (≤ 200 ids, any object types) → one DeleteResult
//     {id, success, errors} per id, in order ("resources_composite_sobjects_collections_delete.htm"). A
//     deleted record goes to the Recycle Bin (15 days) and leaves queries; deleting it again answers
//     ENTITY_IS_DELETED. Deleting an account deletes its contacts with it (cascade, Apex Developer Guide
//     "Referential Integrity When Deleting and Restoring Records").
//   · Errors: JSON array [{message, errorCode, fields?}]; 401 INVALID_SESSION_ID; 403 REQUEST_LIMIT_EXCEEDED;
//     400 MALFORMED_QUERY / INVALID_FIELD / EXCEEDED_ID_LIMIT; 500 UNKNOWN_EXCEPTION ("errorcodes.htm").
// - Object Reference — https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/
//   · Contact (LastName required), Lead (LastName, Company required), Account (Name required), Task
//     (WhoId = Contact/Lead, WhatId = other objects; "If the WhoId refers to a lead, the WhatId field must be
//     empty"; TaskSubtype set on create only; Status default "Not Started"; Description is a 32k long text
//     area and long text areas cannot be filtered in a WHERE clause; calls: TaskSubtype 'Call' with
//     CallDurationInSeconds (a number), CallDisposition, CallType), Event (StartDateTime with EndDateTime or
//     DurationInMinutes; the end not before the start), Opportunity, OpportunityContactRole; Opportunity,
//     Case, their stage picklists (OpportunityStage, CaseStatus) and describe: tests/sims/salesforce-pipelines.ts.
//   · Duplicate rules: the standard Contact/Lead rules block a create matching an existing record
//     (DUPLICATES_DETECTED) — simulated as a match on Email.
// - OAuth 2.0 Web Server Flow with PKCE — https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_web_server_flow.htm
//   · GET /services/oauth2/authorize (response_type=code, client_id, redirect_uri, code_challenge,
//     code_challenge_method=S256, state) → redirect with ?code=…&state=…; POST /services/oauth2/token
//     (grant_type=authorization_code with code_verifier; grant_type=refresh_token) → {access_token,
//     refresh_token, instance_url, id, token_type, issued_at, signature, scope}; errors {error,
//     error_description}. Refresh-token rotation: each refresh answers a new refresh token and revokes the old.
//     Tests count refreshes (tokenRefreshes) and make the token endpoint fail (failTokenRequests).
//   · GET /services/oauth2/userinfo (OpenID Connect) → {user_id, organization_id, preferred_username, name, email}.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { describeObject, derivePipelineFields, pipelineSchema, stageRows } from './salesforce-pipelines';
import { condFields, evalCond, parseSoql, SoqlError, type Query } from './salesforce-soql';
import { seededRandom } from './random';

type FieldType =
  | 'string'
  | 'email'
  | 'url'
  | 'phone'
  | 'textarea'
  | 'longtext'
  | 'date'
  | 'datetime'
  | 'boolean'
  | 'number'
  | 'reference'
  | 'picklist'
  | 'id';
interface FieldDef {
  type: FieldType;
  length?: number;
  required?: boolean;
  readonly?: boolean;
  createOnly?: boolean;
  /** reference targets */
  to?: string[];
  /** relationship name for references (Owner for OwnerId) */
  rel?: string;
  values?: string[];
  default?: string | boolean;
  unique?: boolean;
  externalId?: boolean;
}

const SYSTEM: Record<string, FieldDef> = {
  Id: { type: 'id', readonly: true },
  CreatedDate: { type: 'datetime', readonly: true },
  LastModifiedDate: { type: 'datetime', readonly: true },
  SystemModstamp: { type: 'datetime', readonly: true },
  CreatedById: { type: 'reference', to: ['User'], rel: 'CreatedBy', readonly: true },
  LastModifiedById: { type: 'reference', to: ['User'], rel: 'LastModifiedBy', readonly: true },
  IsDeleted: { type: 'boolean', readonly: true },
  OwnerId: { type: 'reference', to: ['User'], rel: 'Owner' },
};

const TASK_STATUS = ['Not Started', 'In Progress', 'Completed', 'Waiting on someone else', 'Deferred'];

const BASE_SCHEMA: Record<string, Record<string, FieldDef>> = {
  User: { Name: { type: 'string', length: 121 }, Username: { type: 'string', length: 80 }, Email: { type: 'email', length: 128 } },
  Account: {
    Name: { type: 'string', length: 255, required: true },
    Website: { type: 'url', length: 255 },
    Phone: { type: 'phone', length: 40 },
    Industry: { type: 'picklist' },
    Description: { type: 'longtext', length: 32000 },
  },
  Contact: {
    FirstName: { type: 'string', length: 40 },
    LastName: { type: 'string', length: 80, required: true },
    Name: { type: 'string', readonly: true },
    Email: { type: 'email', length: 80 },
    Title: { type: 'string', length: 128 },
    Phone: { type: 'phone', length: 40 },
    MobilePhone: { type: 'phone', length: 40 },
    MailingCity: { type: 'string', length: 40 },
    LeadSource: { type: 'picklist' },
    AccountId: { type: 'reference', to: ['Account'], rel: 'Account' },
    Description: { type: 'longtext', length: 32000 },
  },
  Lead: {
    FirstName: { type: 'string', length: 40 },
    LastName: { type: 'string', length: 80, required: true },
    Name: { type: 'string', readonly: true },
    Company: { type: 'string', length: 255, required: true },
    Email: { type: 'email', length: 80 },
    Title: { type: 'string', length: 128 },
    Phone: { type: 'phone', length: 40 },
    MobilePhone: { type: 'phone', length: 40 },
    Website: { type: 'url', length: 255 },
    City: { type: 'string', length: 40 },
    Status: {
      type: 'picklist',
      values: ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted'],
      default: 'Open - Not Contacted',
    },
    LeadSource: { type: 'picklist' },
    IsConverted: { type: 'boolean', readonly: true, default: false },
    Description: { type: 'longtext', length: 32000 },
  },
  Task: {
    Subject: { type: 'string', length: 255 },
    Description: { type: 'longtext', length: 32000 },
    WhoId: { type: 'reference', to: ['Contact', 'Lead'], rel: 'Who' },
    WhatId: { type: 'reference', to: ['Account', 'Opportunity'], rel: 'What' },
    ActivityDate: { type: 'date' },
    Status: { type: 'picklist', values: TASK_STATUS, default: 'Not Started', required: true },
    Priority: { type: 'picklist', values: ['High', 'Normal', 'Low'], default: 'Normal', required: true },
    TaskSubtype: { type: 'picklist', values: ['Task', 'Email', 'ListEmail', 'Cadence', 'Call', 'LinkedIn'], createOnly: true },
    CallDurationInSeconds: { type: 'number' },
    CallDisposition: { type: 'string', length: 255 },
    CallType: { type: 'picklist', values: ['Internal', 'Inbound', 'Outbound'] },
    IsClosed: { type: 'boolean', readonly: true },
  },
  // Event: StartDateTime with EndDateTime or DurationInMinutes; the end may not precede the start.
  Event: {
    Subject: { type: 'string', length: 255 },
    Description: { type: 'longtext', length: 32000 },
    Location: { type: 'string', length: 255 },
    WhoId: { type: 'reference', to: ['Contact', 'Lead'], rel: 'Who' },
    WhatId: { type: 'reference', to: ['Account', 'Opportunity'], rel: 'What' },
    StartDateTime: { type: 'datetime' },
    EndDateTime: { type: 'datetime' },
    ActivityDateTime: { type: 'datetime' },
    DurationInMinutes: { type: 'number' },
    IsAllDayEvent: { type: 'boolean', default: false },
  },
  OpportunityContactRole: {
    OpportunityId: { type: 'reference', to: ['Opportunity'], rel: 'Opportunity', required: true },
    ContactId: { type: 'reference', to: ['Contact'], rel: 'Contact', required: true },
    Role: { type: 'picklist' },
    IsPrimary: { type: 'boolean' },
  },
};

const KEY_PREFIX: Record<string, string> = {
  User: '005',
  Account: '001',
  Contact: '003',
  Lead: '00Q',
  Task: '00T',
  Event: '00U',
  Opportunity: '006',
  OpportunityContactRole: '00K',
  Case: '500',
  OpportunityStage: '01J',
  CaseStatus: '01K',
};

export type SObject = Record<string, unknown> & { Id: string };

export interface SimFaults {
  /** Share of API requests answered 500 UNKNOWN_EXCEPTION (0..1). */
  errorRatio?: number;
  /** Share of API requests never answered (0..1). */
  hangRatio?: number;
  /** Share of API requests carried out but whose answer is lost (connection reset after the commit). */
  dropAfterCommitRatio?: number;
  /** Seed of the fault RNG (mulberry32), so a run is reproducible. */
  seed?: number;
}

export interface SalesforceSimOptions {
  /** Accepted access tokens (default ['sim-token']). */
  tokens?: string[];
  /** OAuth clients (Connected App / External Client App consumer keys) and their callback URLs. */
  clients?: { clientId: string; redirectUris: string[] }[];
  /** Custom external-id text fields, per object: e.g. { Task: ['Rapport_Id__c'] }. */
  externalIdFields?: Record<string, string[]>;
  /** API calls allowed in the simulated 24 h window; beyond it: 403 REQUEST_LIMIT_EXCEEDED. */
  dailyApiLimit?: number;
  /** Currencies of an org with multiple currencies enabled (adds Opportunity.CurrencyIsoCode). */
  multiCurrency?: string[];
  /** Records per query page before nextRecordsUrl (Salesforce: 2000). */
  queryPageSize?: number;
  faults?: SimFaults;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  query?: string;
  body?: unknown;
  status: number;
}

export interface SalesforceSim {
  url: string;
  /** All records of one object, in creation order (copies). */
  all(type: string): SObject[];
  get(id: string): SObject | undefined;
  /** Inserts as the CRM's own user would (validation applies, duplicate rules do not). */
  insert(type: string, fields: Record<string, unknown>): SObject;
  /** Edits as the CRM's own user would (bumps LastModifiedDate). */
  update(id: string, fields: Record<string, unknown>): SObject;
  requests: RequestLogEntry[];
  setFaults(f: SimFaults): void;
  /** Invalidates every access token (as an expired session would). */
  expireSessions(): void;
  /** Refresh-token grants answered with new tokens so far. */
  readonly tokenRefreshes: number;
  /** The next `count` token requests fail: `status` 5xx/429 answers, or 0 for a reset connection. */
  failTokenRequests(count: number, status?: number): void;
  addToken(token: string): void;
  /** Whether a record was deleted into the Recycle Bin. */
  inRecycleBin(id: string): boolean;
  /** Moves the simulated clock forward (LastModifiedDate has one-second precision). */
  advanceClock(ms: number): void;
  close(): Promise<void>;
}

class SfError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly fields?: string[],
  ) {
    super(message);
  }
}

/** 15-char id + the documented 3-char case-safe suffix. */
function toId18(id15: string): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15[chunk * 5 + i];
      if (c >= 'A' && c <= 'Z') bits |= 1 << i;
    }
    suffix += chars[bits];
  }
  return id15 + suffix;
}

function sfDate(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export async function startSalesforceSim(options: SalesforceSimOptions = {}): Promise<SalesforceSim> {
  const schema: Record<string, Record<string, FieldDef>> = {};
  for (const [type, fields] of Object.entries({ ...BASE_SCHEMA, ...(pipelineSchema(options.multiCurrency) as typeof BASE_SCHEMA) })) {
    schema[type] = { ...SYSTEM, ...fields };
    for (const ext of options.externalIdFields?.[type] ?? [])
      schema[type][ext] = { type: 'string', length: 255, externalId: true, unique: true };
  }
  const records = new Map<string, { type: string; fields: SObject }>();
  const recycleBin = new Map<string, { type: string; fields: SObject }>();
  const byType = new Map<string, string[]>();
  const counters = new Map<string, number>();
  const tokens = new Set(options.tokens ?? ['sim-token']);
  const clients = options.clients ?? [];
  const codes = new Map<string, { clientId: string; redirectUri: string; challenge: string; used: boolean }>();
  const refreshTokens = new Map<string, string>(); // refresh token → clientId
  const queryCursors = new Map<string, { rows: SObject[]; offset: number }>();
  const log: RequestLogEntry[] = [];
  let faults: SimFaults = options.faults ?? {};
  let rng = seededRandom(faults.seed ?? 1);
  let clockOffset = 0;
  let tokenRefreshes = 0;
  const tokenFailures = { count: 0, status: 503 };
  let apiCalls = 0;
  const pageSize = options.queryPageSize ?? 2000;
  const hung = new Set<ServerResponse>();
  const dropped = new WeakSet<ServerResponse>();
  let serverUrl = '';

  const now = () => Math.floor((Date.now() + clockOffset) / 1000) * 1000;

  function newId(type: string): string {
    const n = (counters.get(type) ?? 0) + 1;
    counters.set(type, n);
    return toId18(`${KEY_PREFIX[type]}Rs${String(n).padStart(10, '0')}`);
  }

  function typeOfId(id: string): string | undefined {
    return records.get(id)?.type;
  }

  const owner = (() => {
    const id = newId('User');
    const t = now();
    const u: SObject = {
      Id: id,
      Name: 'Sim Admin',
      Username: 'admin@sim-org.example',
      Email: 'admin@sim-org.example',
      CreatedDate: sfDate(t),
      LastModifiedDate: sfDate(t),
      SystemModstamp: sfDate(t),
      IsDeleted: false,
    };
    records.set(id, { type: 'User', fields: u });
    byType.set('User', [id]);
    return u;
  })();

  // -------------------------------------------------------------------------------------------------
  // Validation and writes

  function checkFields(type: string, input: Record<string, unknown>, mode: 'create' | 'update' | 'system'): Record<string, unknown> {
    const defs = schema[type];
    if (!defs) throw new SfError(404, 'NOT_FOUND', `The requested resource does not exist (sObject type '${type}' is not supported.)`);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(input)) {
      if (k === 'attributes') continue;
      const def = defs[k];
      if (!def) throw new SfError(400, 'INVALID_FIELD', `No such column '${k}' on sobject of type ${type}`, [k]);
      if (mode !== 'system' && (def.readonly || (mode === 'update' && def.createOnly))) {
        if (k === 'Id' && mode === 'update') continue;
        throw new SfError(
          400,
          'INVALID_FIELD_FOR_INSERT_UPDATE',
          `Unable to create/update fields: ${k}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
          [k],
        );
      }
      out[k] = v;
    }
    return out;
  }

  /** Per-record validation: returns field errors (statusCode, message, fields) or the clean values. */
  function validateRecord(
    type: string,
    values: Record<string, unknown>,
    existing: SObject | undefined,
  ): { statusCode: string; message: string; fields: string[] } | null {
    const defs = schema[type];
    const merged = { ...(existing ?? {}), ...values };
    const missing = Object.entries(defs)
      .filter(([k, d]) => d.required && d.default === undefined && (merged[k] == null || merged[k] === ''))
      .map(([k]) => k);
    if (missing.length)
      return { statusCode: 'REQUIRED_FIELD_MISSING', message: `Required fields are missing: [${missing.join(', ')}]`, fields: missing };
    for (const [k, v] of Object.entries(values)) {
      const d = defs[k];
      if (v == null || v === '') continue;
      switch (d.type) {
        case 'string':
        case 'url':
        case 'phone':
        case 'textarea':
        case 'longtext':
        case 'email':
          if (typeof v !== 'string')
            return {
              statusCode: 'JSON_PARSER_ERROR',
              message: `Cannot deserialize instance of string from ${typeof v} value`,
              fields: [k],
            };
          if (d.length && v.length > d.length)
            return {
              statusCode: 'STRING_TOO_LONG',
              message: `${k}: data value too large: ${v.slice(0, 40)}… (max length=${d.length})`,
              fields: [k],
            };
          if (d.type === 'email' && !EMAIL_RE.test(v))
            return { statusCode: 'INVALID_EMAIL_ADDRESS', message: `${k}: invalid email address: ${v}`, fields: [k] };
          break;
        case 'date':
          if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v))
            return {
              statusCode: 'JSON_PARSER_ERROR',
              message: `Cannot deserialize instance of date from VALUE_STRING value ${String(v)}`,
              fields: [k],
            };
          break;
        case 'number':
          if (typeof v !== 'number')
            return {
              statusCode: 'JSON_PARSER_ERROR',
              message: `Cannot deserialize instance of double from ${typeof v} value`,
              fields: [k],
            };
          break;
        case 'boolean':
          if (typeof v !== 'boolean')
            return {
              statusCode: 'JSON_PARSER_ERROR',
              message: `Cannot deserialize instance of boolean from ${typeof v} value`,
              fields: [k],
            };
          break;
        case 'picklist':
          if (d.values && !d.values.includes(String(v)))
            return {
              statusCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
              message: `${k}: bad value for restricted picklist field: ${String(v)}`,
              fields: [k],
            };
          break;
        case 'reference': {
          const target = typeof v === 'string' ? typeOfId(v) : undefined;
          if (!target || !d.to?.includes(target)) {
            return {
              statusCode: k === 'WhatId' || k === 'WhoId' ? 'FIELD_INTEGRITY_EXCEPTION' : 'INVALID_CROSS_REFERENCE_KEY',
              message: `${k}: id value of incorrect type: ${String(v)}`,
              fields: [k],
            };
          }
          break;
        }
      }
    }
    if (type === 'Event' && (merged.StartDateTime == null || (merged.EndDateTime == null && merged.DurationInMinutes == null))) {
      return {
        statusCode: 'REQUIRED_FIELD_MISSING',
        message: 'Required fields are missing: [StartDateTime, DurationInMinutes]',
        fields: [],
      };
    }
    if (
      type === 'Event' &&
      merged.EndDateTime != null &&
      Date.parse(String(merged.EndDateTime)) < Date.parse(String(merged.StartDateTime))
    ) {
      return {
        statusCode: 'FIELD_INTEGRITY_EXCEPTION',
        message: 'End Date/Time: The end can’t be earlier than the start.',
        fields: ['EndDateTime'],
      };
    }
    if ((type === 'Task' || type === 'Event') && typeof merged.WhoId === 'string' && typeOfId(merged.WhoId) === 'Lead' && merged.WhatId) {
      return {
        statusCode: 'FIELD_INTEGRITY_EXCEPTION',
        message:
          'Related To ID: You can\u2019t associate a lead with a related record. (If the WhoId refers to a lead, the WhatId field must be empty.)',
        fields: ['WhatId'],
      };
    }
    for (const [k, d] of Object.entries(defs)) {
      if (!d.unique || merged[k] == null || merged[k] === '') continue;
      const clash = (byType.get(type) ?? []).find(
        (id) => id !== existing?.Id && String(records.get(id)!.fields[k]).toLowerCase() === String(merged[k]).toLowerCase(),
      );
      if (clash)
        return {
          statusCode: 'DUPLICATE_VALUE',
          message: `duplicate value found: ${k} duplicates value on record with id: ${clash}`,
          fields: [k],
        };
    }
    return null;
  }

  function computed(type: string, r: SObject): void {
    if (type === 'Contact' || type === 'Lead') r.Name = [r.FirstName, r.LastName].filter((x) => x != null && x !== '').join(' ');
    if (type === 'Task') r.IsClosed = r.Status === 'Completed';
    derivePipelineFields(type, r, stageWritten, () => String((counters.get('Case') ?? 0) + 1000).padStart(8, '0'));
  }
  let stageWritten = false;

  function create(type: string, values: Record<string, unknown>): SObject {
    const id = newId(type);
    const t = sfDate(now());
    const r: SObject = { Id: id };
    for (const [k, d] of Object.entries(schema[type])) {
      if (d.default !== undefined) r[k] = d.default;
      else if (!SYSTEM[k]) r[k] = null;
    }
    Object.assign(r, values, {
      CreatedDate: t,
      LastModifiedDate: t,
      SystemModstamp: t,
      CreatedById: owner.Id,
      LastModifiedById: owner.Id,
      IsDeleted: false,
    });
    if (!r.OwnerId) r.OwnerId = owner.Id;
    stageWritten = values.StageName !== undefined && values.Probability === undefined;
    computed(type, r);
    records.set(id, { type, fields: r });
    byType.set(type, [...(byType.get(type) ?? []), id]);
    return r;
  }

  function applyUpdate(rec: { type: string; fields: SObject }, values: Record<string, unknown>): SObject {
    const t = sfDate(now());
    Object.assign(rec.fields, values, { LastModifiedDate: t, SystemModstamp: t });
    stageWritten = values.StageName !== undefined && values.Probability === undefined;
    computed(rec.type, rec.fields);
    return rec.fields;
  }

  function duplicateOf(type: string, values: Record<string, unknown>): string | undefined {
    if ((type !== 'Contact' && type !== 'Lead') || typeof values.Email !== 'string' || !values.Email) return undefined;
    const email = values.Email.toLowerCase();
    return (byType.get(type) ?? []).find((id) => String(records.get(id)!.fields.Email ?? '').toLowerCase() === email);
  }

  type Result = { id?: string; success: boolean; errors: { statusCode: string; message: string; fields: string[] }[]; created?: boolean };

  function collections(method: 'POST' | 'PATCH', body: unknown, upsert?: { type: string; field: string }): Result[] {
    if (!body || typeof body !== 'object' || !Array.isArray((body as { records?: unknown }).records)) {
      throw new SfError(400, 'JSON_PARSER_ERROR', 'The request body must be {"allOrNone": boolean, "records": [...]}');
    }
    const { records: input, allOrNone } = body as { records: Record<string, unknown>[]; allOrNone?: boolean };
    if (input.length > 200)
      throw new SfError(400, 'EXCEEDED_ID_LIMIT', 'record limit reached. cannot submit more than 200 records into this call');
    const plan: (
      | { kind: 'create'; type: string; values: Record<string, unknown> }
      | { kind: 'update'; rec: { type: string; fields: SObject }; values: Record<string, unknown> }
      | { kind: 'error'; error: Result['errors'][number] }
    )[] = [];
    const pendingEmails = new Map<string, number>();
    for (const [i, raw] of input.entries()) {
      const type = (raw.attributes as { type?: string } | undefined)?.type;
      if (!type) throw new SfError(400, 'INVALID_TYPE', 'Must send a concrete entity type.');
      if (upsert && type !== upsert.type) throw new SfError(400, 'INVALID_TYPE', `Each record must be of type ${upsert.type}`);
      if (method === 'PATCH' && !upsert) {
        const id = raw.id ?? raw.Id;
        const rec = typeof id === 'string' ? records.get(id) : undefined;
        const values = checkFields(type, Object.fromEntries(Object.entries(raw).filter(([k]) => k !== 'id' && k !== 'Id')), 'update');
        if (!rec || rec.type !== type) {
          plan.push({
            kind: 'error',
            error: {
              statusCode: rec ? 'INVALID_ID_FIELD' : 'ENTITY_IS_DELETED',
              message: rec ? 'invalid cross reference id' : 'entity is deleted',
              fields: [],
            },
          });
          continue;
        }
        const err = validateRecord(type, values, rec.fields);
        plan.push(err ? { kind: 'error', error: err } : { kind: 'update', rec, values });
        continue;
      }
      if (upsert) {
        const key = raw[upsert.field];
        const values = checkFields(type, raw, 'create');
        if (typeof key !== 'string' || !key) {
          plan.push({
            kind: 'error',
            error: { statusCode: 'MISSING_ARGUMENT', message: `${upsert.field} not specified`, fields: [upsert.field] },
          });
          continue;
        }
        const matches = (byType.get(type) ?? []).filter(
          (id) => String(records.get(id)!.fields[upsert.field] ?? '').toLowerCase() === key.toLowerCase(),
        );
        if (matches.length > 1) {
          plan.push({
            kind: 'error',
            error: {
              statusCode: 'DUPLICATE_EXTERNAL_ID',
              message: `${upsert.field}: more than one record found for external id field: ${matches.join(', ')}`,
              fields: [upsert.field],
            },
          });
          continue;
        }
        if (matches.length === 1) {
          const rec = records.get(matches[0])!;
          const upd = Object.fromEntries(Object.entries(values).filter(([k]) => !schema[type][k]?.createOnly));
          const err = validateRecord(type, upd, rec.fields);
          plan.push(err ? { kind: 'error', error: err } : { kind: 'update', rec, values: upd });
          continue;
        }
        const err = validateRecord(type, values, undefined);
        plan.push(err ? { kind: 'error', error: err } : { kind: 'create', type, values });
        continue;
      }
      const values = checkFields(type, raw, 'create');
      let err = validateRecord(type, values, undefined);
      if (!err) {
        const dup = duplicateOf(type, values);
        const email = typeof values.Email === 'string' ? `${type}:${values.Email.toLowerCase()}` : undefined;
        if (dup || (email && pendingEmails.has(email))) {
          err = {
            statusCode: 'DUPLICATES_DETECTED',
            message: `Use one of these records? (${type} duplicate rule matched ${dup ?? `record ${pendingEmails.get(email!)} of this request`})`,
            fields: [],
          };
        } else if (email) pendingEmails.set(email, i);
      }
      plan.push(err ? { kind: 'error', error: err } : { kind: 'create', type, values });
    }
    if (allOrNone && plan.some((p) => p.kind === 'error')) {
      return plan.map((p) =>
        p.kind === 'error'
          ? { success: false, errors: [p.error] }
          : {
              success: false,
              errors: [
                {
                  statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
                  message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
                  fields: [],
                },
              ],
            },
      );
    }
    return plan.map((p) => {
      if (p.kind === 'error') return { success: false, errors: [p.error] };
      if (p.kind === 'create') {
        const r = create(p.type, p.values);
        return upsert ? { id: r.Id, success: true, errors: [], created: true } : { id: r.Id, success: true, errors: [] };
      }
      const r = applyUpdate(p.rec, p.values);
      return upsert ? { id: r.Id, success: true, errors: [], created: false } : { id: r.Id, success: true, errors: [] };
    });
  }

  // The picklist rows of a new org (OpportunityStage, CaseStatus): query-only, not writable through the API.
  for (const [type, fields] of stageRows()) create(type, fields);

  // -------------------------------------------------------------------------------------------------
  // Query

  function fieldDef(type: string, path: string): { def: FieldDef; type: string; name: string } | undefined {
    const parts = path.split('.');
    let t = type;
    for (let i = 0; i < parts.length - 1; i++) {
      const ref = Object.entries(schema[t]).find(([, d]) => d.rel?.toLowerCase() === parts[i].toLowerCase());
      if (!ref) return undefined;
      t = ref[1].to![0] === 'Contact' && ref[1].to!.length > 1 ? 'Contact' : ref[1].to![0];
    }
    const last = parts[parts.length - 1];
    const entry = Object.entries(schema[t] ?? {}).find(([k]) => k.toLowerCase() === last.toLowerCase());
    return entry ? { def: entry[1], type: t, name: entry[0] } : undefined;
  }

  function resolve(rec: SObject, type: string, path: string): unknown {
    const parts = path.split('.');
    let cur: SObject | undefined = rec;
    let t = type;
    for (let i = 0; i < parts.length - 1; i++) {
      const ref = Object.entries(schema[t]).find(([, d]) => d.rel?.toLowerCase() === parts[i].toLowerCase());
      if (!ref || !cur) return null;
      const id: unknown = cur[ref[0]];
      const next: { type: string; fields: SObject } | undefined = typeof id === 'string' ? records.get(id) : undefined;
      if (!next) return null;
      cur = next.fields;
      t = next.type;
    }
    if (!cur) return null;
    const key = Object.keys(schema[t]).find((k) => k.toLowerCase() === parts[parts.length - 1].toLowerCase());
    return key ? (cur[key] ?? null) : null;
  }

  function attributes(type: string, id: string) {
    return { type, url: `/services/data/${currentVersion}/sobjects/${type}/${id}` };
  }
  let currentVersion = 'v62.0';

  function project(rec: SObject, type: string, fields: string[]): SObject {
    const out: Record<string, unknown> = { attributes: attributes(type, rec.Id) };
    for (const f of fields) {
      const parts = f.split('.');
      if (parts.length === 1) {
        const key = Object.keys(schema[type]).find((k) => k.toLowerCase() === f.toLowerCase())!;
        out[key] = rec[key] ?? null;
        continue;
      }
      // Parent relationship: nested object with its own attributes (null when the lookup is empty).
      let target: Record<string, unknown> = out;
      let curRec: SObject | undefined = rec;
      let t = type;
      for (let i = 0; i < parts.length - 1; i++) {
        const ref = Object.entries(schema[t]).find(([, d]) => d.rel?.toLowerCase() === parts[i].toLowerCase())!;
        const relName = ref[1].rel!;
        const id: unknown = curRec?.[ref[0]];
        const next: { type: string; fields: SObject } | undefined = typeof id === 'string' ? records.get(id) : undefined;
        if (!next) {
          if (!(relName in target)) target[relName] = null;
          curRec = undefined;
          break;
        }
        if (!target[relName]) target[relName] = { attributes: attributes(next.type, next.fields.Id) };
        target = target[relName] as Record<string, unknown>;
        curRec = next.fields;
        t = next.type;
      }
      if (curRec) {
        const key = Object.keys(schema[t]).find((k) => k.toLowerCase() === parts[parts.length - 1].toLowerCase());
        if (key) target[key] = curRec[key] ?? null;
      }
    }
    return out as SObject;
  }

  function runQuery(q: string): { totalSize: number; done: boolean; records: SObject[]; nextRecordsUrl?: string } {
    let parsed: Query;
    try {
      parsed = parseSoql(q);
    } catch (e) {
      if (e instanceof SoqlError) throw new SfError(400, e.errorCode, `${e.message}\n${q.slice(0, 200)}`);
      throw e;
    }
    const type = Object.keys(schema).find((t) => t.toLowerCase() === parsed.from.toLowerCase());
    if (!type) throw new SfError(400, 'INVALID_TYPE', `sObject type '${parsed.from}' is not supported.`);
    for (const f of [...parsed.fields, ...parsed.orderBy.map((o) => o.field)]) {
      if (!fieldDef(type, f)) throw new SfError(400, 'INVALID_FIELD', `No such column '${f}' on entity '${type}'.`);
    }
    for (const f of condFields(parsed.where)) {
      const d = fieldDef(type, f);
      if (!d) throw new SfError(400, 'INVALID_FIELD', `No such column '${f}' on entity '${type}'.`);
      if (d.def.type === 'longtext') throw new SfError(400, 'INVALID_FIELD', `field '${d.name}' can not be filtered in a query call`);
    }
    const kindOf = (f: string) => {
      const t = fieldDef(type, f)?.def.type;
      return t === 'datetime' ? 'datetime' : t === 'date' ? 'date' : 'other';
    };
    let rows = (byType.get(type) ?? []).map((id) => records.get(id)!.fields);
    if (parsed.where) {
      const where = parsed.where;
      rows = rows.filter((r) => evalCond(where, (f) => resolve(r, type, f) as string | number | boolean | null, kindOf));
    }
    if (parsed.orderBy.length) {
      rows = [...rows].sort((a, b) => {
        for (const o of parsed.orderBy) {
          const av = resolve(a, type, o.field);
          const bv = resolve(b, type, o.field);
          if (av == null && bv == null) continue;
          if (av == null) return o.nullsLast ? 1 : -1;
          if (bv == null) return o.nullsLast ? -1 : 1;
          const k = kindOf(o.field);
          const x =
            k === 'datetime' ? Date.parse(String(av).replace(/\+0000$/, 'Z')) : typeof av === 'number' ? av : String(av).toLowerCase();
          const y =
            k === 'datetime' ? Date.parse(String(bv).replace(/\+0000$/, 'Z')) : typeof bv === 'number' ? bv : String(bv).toLowerCase();
          if (x < y) return o.desc ? 1 : -1;
          if (x > y) return o.desc ? -1 : 1;
        }
        return 0;
      });
    }
    if (parsed.limit !== undefined) rows = rows.slice(0, parsed.limit);
    const projected = rows.map((r) => project(r, type, parsed.fields));
    if (projected.length <= pageSize) return { totalSize: projected.length, done: true, records: projected };
    const locator = `01g${randomBytes(6).toString('hex')}`;
    queryCursors.set(locator, { rows: projected, offset: pageSize });
    return {
      totalSize: projected.length,
      done: false,
      records: projected.slice(0, pageSize),
      nextRecordsUrl: `/services/data/${currentVersion}/query/${locator}-${pageSize}`,
    };
  }

  function nextPage(locatorPath: string) {
    const m = /^(01g[0-9a-f]+)-(\d+)$/.exec(locatorPath);
    const cur = m && queryCursors.get(m[1]);
    if (!m || !cur) throw new SfError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    const offset = Number(m[2]);
    const page = cur.rows.slice(offset, offset + pageSize);
    const done = offset + pageSize >= cur.rows.length;
    if (done) queryCursors.delete(m[1]);
    return {
      totalSize: cur.rows.length,
      done,
      records: page,
      ...(done ? {} : { nextRecordsUrl: `/services/data/${currentVersion}/query/${m[1]}-${offset + pageSize}` }),
    };
  }

  // -------------------------------------------------------------------------------------------------
  // OAuth

  function oauthError(res: ServerResponse, status: number, error: string, description: string) {
    send(res, status, { error, error_description: description });
  }

  function tokenResponse(clientId: string) {
    const access = `00DRs0000000001!${randomBytes(24).toString('base64url')}`;
    const refresh = `5Aep${randomBytes(24).toString('base64url')}`;
    tokens.add(access);
    refreshTokens.set(refresh, clientId);
    return {
      access_token: access,
      refresh_token: refresh,
      signature: randomBytes(32).toString('base64'),
      scope: 'api refresh_token',
      instance_url: serverUrl,
      id: `${serverUrl}/id/00DRs0000000001AAA/${owner.Id}`,
      token_type: 'Bearer',
      issued_at: String(Date.now()),
    };
  }

  async function oauth(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (url.pathname === '/services/oauth2/authorize' && req.method === 'GET') {
      const p = url.searchParams;
      const client = clients.find((c) => c.clientId === p.get('client_id'));
      if (!client) return oauthError(res, 400, 'invalid_client_id', 'client identifier invalid');
      const redirect = p.get('redirect_uri') ?? '';
      if (!client.redirectUris.includes(redirect))
        return oauthError(res, 400, 'redirect_uri_mismatch', 'redirect_uri must match configuration');
      if (p.get('response_type') !== 'code') return oauthError(res, 400, 'unsupported_response_type', 'response type not supported');
      const challenge = p.get('code_challenge');
      if (!challenge || p.get('code_challenge_method') !== 'S256')
        return oauthError(res, 400, 'invalid_request', 'PKCE: code_challenge with code_challenge_method=S256 required');
      // The simulated user is logged in and approves at once.
      const code = `aPrx${randomBytes(18).toString('base64url')}`;
      codes.set(code, { clientId: client.clientId, redirectUri: redirect, challenge, used: false });
      const loc = new URL(redirect);
      loc.searchParams.set('code', code);
      const state = p.get('state');
      if (state) loc.searchParams.set('state', state);
      res.writeHead(302, { Location: loc.href });
      res.end();
      return;
    }
    if (url.pathname === '/services/oauth2/token' && req.method === 'POST') {
      const ct = req.headers['content-type'] ?? '';
      if (!ct.startsWith('application/x-www-form-urlencoded')) return oauthError(res, 400, 'invalid_request', 'form-encoded body required');
      const p = new URLSearchParams(await readBody(req));
      const grant = p.get('grant_type');
      if (tokenFailures.count > 0) {
        tokenFailures.count--;
        if (tokenFailures.status === 0) return void req.socket.destroy();
        if (tokenFailures.status === 429) res.setHeader('Retry-After', '1');
        return oauthError(res, tokenFailures.status, 'server_error', 'the token endpoint is unavailable');
      }
      if (grant === 'authorization_code') {
        const entry = codes.get(p.get('code') ?? '');
        if (!entry || entry.used) return oauthError(res, 400, 'invalid_grant', 'invalid authorization code');
        entry.used = true;
        if (entry.clientId !== p.get('client_id')) return oauthError(res, 400, 'invalid_client_id', 'client identifier invalid');
        if (entry.redirectUri !== p.get('redirect_uri'))
          return oauthError(res, 400, 'redirect_uri_mismatch', 'redirect_uri must match configuration');
        const verifier = p.get('code_verifier') ?? '';
        const computedChallenge = createHash('sha256').update(verifier).digest('base64url');
        if (computedChallenge !== entry.challenge) return oauthError(res, 400, 'invalid_grant', 'invalid code verifier');
        return send(res, 200, tokenResponse(entry.clientId));
      }
      if (grant === 'refresh_token') {
        const rt = p.get('refresh_token') ?? '';
        const clientId = refreshTokens.get(rt);
        if (!clientId) return oauthError(res, 400, 'invalid_grant', 'expired access/refresh token');
        if (clientId !== p.get('client_id')) return oauthError(res, 400, 'invalid_client_id', 'client identifier invalid');
        refreshTokens.delete(rt); // rotation: the old refresh token is revoked
        tokenRefreshes++;
        return send(res, 200, tokenResponse(clientId));
      }
      return oauthError(res, 400, 'unsupported_grant_type', 'grant type not supported');
    }
    if (url.pathname === '/services/oauth2/userinfo') {
      if (!authorized(req)) return send(res, 403, 'Bad_OAuth_Token', 'text/plain');
      return send(res, 200, {
        sub: `${serverUrl}/id/00DRs0000000001AAA/${owner.Id}`,
        user_id: owner.Id,
        organization_id: '00DRs0000000001AAA',
        preferred_username: owner.Username,
        name: owner.Name,
        email: owner.Email,
      });
    }
    send(res, 404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
  }

  /** Moves a record (and, for an account, its contacts) to the Recycle Bin. */
  function recycle(id: string): void {
    const rec = records.get(id);
    if (!rec) return;
    records.delete(id);
    byType.set(
      rec.type,
      (byType.get(rec.type) ?? []).filter((x) => x !== id),
    );
    rec.fields.IsDeleted = true;
    recycleBin.set(id, rec);
    if (rec.type === 'Opportunity')
      for (const role of byType.get('OpportunityContactRole') ?? []) if (records.get(role)?.fields.OpportunityId === id) recycle(role);
    if (rec.type === 'Account')
      for (const child of byType.get('Contact') ?? []) if (records.get(child)?.fields.AccountId === id) recycle(child);
  }

  function deleteCollection(params: URLSearchParams): Result[] {
    const ids = (params.get('ids') ?? '').split(',').filter(Boolean);
    if (!ids.length) throw new SfError(400, 'MISSING_ARGUMENT', 'ids parameter must be provided');
    if (ids.length > 200)
      throw new SfError(400, 'EXCEEDED_ID_LIMIT', 'record limit reached. cannot submit more than 200 records into this call');
    const err = (statusCode: string, message: string): Result => ({ success: false, errors: [{ statusCode, message, fields: [] }] });
    const results = ids.map((id): Result => {
      if (recycleBin.has(id)) return { id, ...err('ENTITY_IS_DELETED', 'entity is deleted') };
      const rec = records.get(id);
      if (!rec || rec.type === 'User') return err('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id');
      return { id, success: true, errors: [] };
    });
    if (params.get('allOrNone') === 'true' && results.some((r) => !r.success))
      return results.map((r) =>
        r.success
          ? {
              id: r.id,
              ...err(
                'ALL_OR_NONE_OPERATION_ROLLED_BACK',
                'Record rolled back because not all records were valid and the request was using AllOrNone header',
              ),
            }
          : r,
      );
    for (const r of results) if (r.success) recycle(r.id!);
    return results;
  }

  // -------------------------------------------------------------------------------------------------
  // HTTP

  function authorized(req: IncomingMessage): boolean {
    const h = req.headers.authorization ?? '';
    const m = /^(Bearer|OAuth)\s+(.+)$/i.exec(h);
    return !!m && tokens.has(m[2].trim());
  }

  function send(res: ServerResponse, status: number, body: unknown, type = 'application/json;charset=UTF-8') {
    if (dropped.has(res)) {
      res.socket?.destroy(); // the work is done, the answer never arrives
      return;
    }
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': type, 'Sforce-Limit-Info': `api-usage=${apiCalls}/${options.dailyApiLimit ?? 15000}` });
    res.end(text);
  }

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', serverUrl);
    const entry: RequestLogEntry = { method: req.method ?? 'GET', path: url.pathname, status: 0 };
    if (url.searchParams.has('q')) entry.query = url.searchParams.get('q') ?? undefined;
    log.push(entry);
    const origEnd = res.end.bind(res);
    res.end = ((...args: Parameters<typeof res.end>) => {
      entry.status = res.statusCode;
      return origEnd(...args);
    }) as typeof res.end;

    if (url.pathname.startsWith('/services/oauth2/')) return oauth(req, res, url);
    if (url.pathname === '/services/data' || url.pathname === '/services/data/') {
      return send(
        res,
        200,
        ['59.0', '60.0', '61.0', '62.0', '63.0', '64.0'].map((v) => ({ label: `v${v}`, url: `/services/data/v${v}`, version: v })),
      );
    }
    const m = /^\/services\/data\/(v\d+\.\d)(\/.*)?$/.exec(url.pathname);
    if (!m) return send(res, 404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    const [, version, rest = '/'] = m;
    if (!authorized(req)) {
      res.setHeader('WWW-Authenticate', 'Token');
      return send(res, 401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    }
    if (Number(version.slice(1)) < 20 || Number(version.slice(1)) > 64)
      return send(res, 404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    currentVersion = version;
    apiCalls++;
    if (options.dailyApiLimit !== undefined && apiCalls > options.dailyApiLimit) {
      return send(res, 403, [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }]);
    }
    const roll = rng();
    if (roll < (faults.hangRatio ?? 0)) {
      hung.add(res); // never answered; closed with the server
      return;
    }
    if (roll < (faults.hangRatio ?? 0) + (faults.errorRatio ?? 0)) {
      return send(res, 500, [
        {
          message: 'An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-12345 (-1234567890)',
          errorCode: 'UNKNOWN_EXCEPTION',
        },
      ]);
    }
    if (roll < (faults.hangRatio ?? 0) + (faults.errorRatio ?? 0) + (faults.dropAfterCommitRatio ?? 0)) dropped.add(res);

    let body: unknown;
    if (req.method === 'POST' || req.method === 'PATCH') {
      const text = await readBody(req);
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        return send(res, 400, [{ message: 'Unexpected character in JSON body', errorCode: 'JSON_PARSER_ERROR' }]);
      }
      entry.body = body;
    }
    try {
      if (rest === '/' && req.method === 'GET') {
        return send(res, 200, {
          sobjects: `/services/data/${version}/sobjects`,
          query: `/services/data/${version}/query`,
          composite: `/services/data/${version}/composite`,
          limits: `/services/data/${version}/limits`,
        });
      }
      if (rest === '/query' || rest === '/query/') {
        const q = url.searchParams.get('q');
        if (!q) throw new SfError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
        return send(res, 200, runQuery(q));
      }
      const qm = /^\/query\/([^/]+)$/.exec(rest);
      if (qm && req.method === 'GET') return send(res, 200, nextPage(qm[1]));
      if (rest === '/composite/sobjects' && (req.method === 'POST' || req.method === 'PATCH')) {
        return send(res, 200, collections(req.method, body));
      }
      if (rest === '/composite/sobjects' && req.method === 'DELETE') return send(res, 200, deleteCollection(url.searchParams));
      const um = /^\/composite\/sobjects\/([A-Za-z_]+)\/([A-Za-z0-9_]+)$/.exec(rest);
      if (um && req.method === 'PATCH') {
        const [, type, field] = um;
        if (!schema[type]) throw new SfError(404, 'NOT_FOUND', `The requested resource does not exist`);
        if (!schema[type][field]?.externalId && field !== 'Id')
          throw new SfError(400, 'INVALID_FIELD', `Field ${field} is not an external id field on ${type}`);
        return send(res, 200, collections('PATCH', body, { type, field }));
      }
      const dm = /^\/sobjects\/([A-Za-z_]+)\/describe\/?$/.exec(rest);
      if (dm && req.method === 'GET') {
        const type = Object.keys(schema).find((t) => t.toLowerCase() === dm[1].toLowerCase());
        if (!type) throw new SfError(404, 'NOT_FOUND', `The requested resource does not exist`);
        return send(res, 200, describeObject(type, schema[type]));
      }
      const sm = /^\/sobjects\/([A-Za-z_]+)\/([A-Za-z0-9]{18})$/.exec(rest);
      if (sm && req.method === 'GET') {
        const rec = records.get(sm[2]);
        if (!rec || rec.type !== sm[1]) throw new SfError(404, 'NOT_FOUND', 'The requested resource does not exist');
        return send(res, 200, { attributes: attributes(rec.type, rec.fields.Id), ...rec.fields });
      }
      throw new SfError(404, 'NOT_FOUND', 'The requested resource does not exist');
    } catch (e) {
      if (e instanceof SfError)
        return send(res, e.status, [{ message: e.message, errorCode: e.errorCode, ...(e.fields ? { fields: e.fields } : {}) }]);
      return send(res, 500, [{ message: String(e), errorCode: 'UNKNOWN_EXCEPTION' }]);
    }
  }

  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) send(res, 500, [{ message: String(e), errorCode: 'UNKNOWN_EXCEPTION' }]);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const copy = (r: SObject): SObject => ({ ...r });
  return {
    url: serverUrl,
    all: (type) => (byType.get(type) ?? []).map((id) => copy(records.get(id)!.fields)),
    get: (id) => {
      const r = records.get(id);
      return r ? copy(r.fields) : undefined;
    },
    insert(type, fields) {
      const values = checkFields(type, fields, 'system');
      const err = validateRecord(type, values, undefined);
      if (err) throw new Error(`${err.statusCode}: ${err.message}`);
      return copy(create(type, values));
    },
    update(id, fields) {
      const rec = records.get(id);
      if (!rec) throw new Error(`no record ${id}`);
      const values = checkFields(rec.type, fields, 'system');
      const err = validateRecord(rec.type, values, rec.fields);
      if (err) throw new Error(`${err.statusCode}: ${err.message}`);
      return copy(applyUpdate(rec, values));
    },
    requests: log,
    inRecycleBin: (id) => recycleBin.has(id),
    setFaults(f) {
      faults = f;
      rng = seededRandom(f.seed ?? 1);
    },
    expireSessions() {
      tokens.clear();
    },
    get tokenRefreshes() {
      return tokenRefreshes;
    },
    failTokenRequests(count, status = 503) {
      tokenFailures.count = count;
      tokenFailures.status = status;
    },
    addToken(t) {
      tokens.add(t);
    },
    advanceClock(ms) {
      clockOffset += ms;
    },
    async close() {
      for (const r of hung) r.destroy();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
