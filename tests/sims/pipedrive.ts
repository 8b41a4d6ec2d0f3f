/**
 * A simulated Pipedrive API for contract tests (Node only; never bundled into the extension).
 *
 * Follows Pipedrive's public documentation:
 * - API reference v1/v2: https://developers.pipedrive.com/docs/api/v1 and https://developers.pipedrive.com/docs/api/v2
 *   persons v2 (`emails`/`phones` as `[{value, primary, label}]`, `org_id`, `job_title`,
 *   `custom_fields`), `GET /api/v2/persons/search?term=&fields=email&exact_match=true`
 *   (`{data:{items:[{result_score, item}]}}`), organizations v2 and their search, notes v1
 *   (`content` HTML, `person_id`/`org_id`; `GET /api/v1/notes?person_id=` with start/limit
 *   pagination), activities v2 (`person_id` is read-only: a person is linked through
 *   `participants: [{person_id, primary}]`), list endpoints with `updated_since`, `sort_by`,
 *   `sort_direction` and `cursor` / `additional_data.next_cursor`.
 * - Deleting: `DELETE /api/v2/persons/{id}` and `/api/v2/organizations/{id}` mark the record deleted
 *   (`{success:true, data:{id}}`); it is purged after 30 days ("Permanent deletion logic for 6 core
 *   entities", developers.pipedrive.com changelog, 2022); a deleted record answers 404 to reads and
 *   to another DELETE.
 * - Merging: `PUT /api/v1/persons/{id}/merge` with `merge_with_id` (the person kept, whose data wins
 *   on conflicts; related data moves to it): https://pipedrive.readme.io/docs/merging-two-persons
 * - Migration notes v1 → v2: https://pipedrive.readme.io/docs/pipedrive-api-v2-migration-guide
 * - Authentication (`x-api-token` header): https://pipedrive.readme.io/docs/core-api-concepts-authentication
 * - Rate limiting: https://pipedrive.readme.io/docs/core-api-concepts-rate-limiting (per token per
 *   2-second window: 20/40/80/100/120 requests for Essential/Advanced/Professional/Power/Enterprise
 *   with api_token; search 10 / 2 s; `x-ratelimit-limit`, `-remaining`, `-reset`,
 *   `x-daily-requests-left`; 429 with Retry-After)
 * - Errors: https://pipedrive.readme.io/docs/core-api-concepts-http-status-codes
 *   (`{success:false, error, error_info}`; 401 "unauthorized access")
 * - The Mailbox API cannot create messages: https://developers.pipedrive.com/docs/api/v1/Mailbox
 * - Deletes: `DELETE /api/v1/notes/{id}` (`{success, data: id}`) and `DELETE /api/v2/activities/{id}`
 *   (`{success, data: {id}}`; the activity is kept deleted for 30 days, lists and reads leave it out).
 *   Activities v2 take `duration` as "HH:MM" and `due_date`/`due_time` in UTC.
 *
 * - Deals, pipelines and stages: tests/sims/pipedrive-deals.ts (its own header).
 *
 * Not simulated: the daily token budget (only reported in `x-daily-requests-left`), OAuth, webhooks.
 */
import type { FaultOptions } from './faults';
import { defaultPipelines, routeDeals, type DealDeps, type PdDeal, type PdPipeline, type PdStage } from './pipedrive-deals';
import { SlidingWindowLimiter } from './rate-limit';
import { startSimServer, type SimHttpServer, type SimRequest, type SimResponse } from './server';

export interface PdLabeled {
  value: string;
  primary: boolean;
  label: string;
}

export interface PdPerson {
  id: number;
  name: string;
  first_name: string | null;
  last_name: string | null;
  owner_id: number;
  org_id: number | null;
  emails: PdLabeled[];
  phones: PdLabeled[];
  job_title: string | null;
  custom_fields: Record<string, string | null>;
  visible_to: number;
  label_ids: number[];
  is_deleted: boolean;
  add_time: string;
  update_time: string;
  indexedAt: number;
}

export interface PdOrganization {
  id: number;
  name: string;
  owner_id: number;
  address: { value: string } | null;
  visible_to: number;
  is_deleted: boolean;
  add_time: string;
  update_time: string;
  indexedAt: number;
}

export interface PdNote {
  id: number;
  user_id: number;
  content: string;
  person_id: number | null;
  org_id: number | null;
  deal_id: number | null;
  active_flag: boolean;
  add_time: string;
  update_time: string;
}

export interface PdActivity {
  id: number;
  subject: string;
  type: string;
  owner_id: number;
  done: boolean;
  due_date: string | null;
  due_time: string | null;
  /** HH:MM */
  duration: string | null;
  participants: { person_id: number; primary: boolean }[];
  person_id: number | null;
  org_id: number | null;
  deal_id: number | null;
  note: string | null;
  is_deleted: boolean;
  add_time: string;
  update_time: string;
}

export type { PdDeal, PdPipeline, PdStage };

export interface PipedriveSimState {
  persons: Map<number, PdPerson>;
  organizations: Map<number, PdOrganization>;
  notes: Map<number, PdNote>;
  activities: Map<number, PdActivity>;
  deals: Map<number, PdDeal>;
  users: Map<number, { id: number; name: string; email: string }>;
  pipelines: Map<number, PdPipeline>;
  stages: Map<number, PdStage>;
  activityTypes: string[];
}

export const PIPEDRIVE_PLAN_LIMITS = { essential: 20, advanced: 40, professional: 80, power: 100, enterprise: 120 } as const;

export interface PipedriveSimOptions {
  /** Accepted API tokens (default ['pd-test-token']); the first belongs to user 1. */
  tokens?: string[];
  companyDomain?: string;
  /** Burst limit per token (default 20 / 2 s, Essential with api_token). */
  rateLimit?: { requests: number; intervalMs: number };
  /** Search limit per token (default 10 / 2 s). */
  searchRateLimit?: { requests: number; intervalMs: number };
  /** Person custom field keys defined in the company. */
  personCustomFields?: string[];
  searchIndexLagMs?: number;
  faults?: FaultOptions;
}

export interface PipedriveSim {
  url: string;
  state: PipedriveSimState;
  server: SimHttpServer;
  counters: SimHttpServer['counters'];
  faults: SimHttpServer['faults'];
  /** Seeds a person directly (as a user would in Pipedrive). */
  createPerson(fields: Partial<PdPerson> & { name: string }): PdPerson;
  updatePerson(id: number, fields: Partial<PdPerson>): PdPerson;
  /** Seeds a deal (pipeline from its stage; the rest defaulted). */
  createDeal(fields: Partial<PdDeal> & Pick<PdDeal, 'title' | 'stage_id'>): PdDeal;
  /** Edits a deal as a user would in Pipedrive (bumps update_time). */
  updateDeal(id: number, fields: Partial<PdDeal>): PdDeal;
  /** Live (not deleted) deals. */
  deals(): PdDeal[];
  /** Live (not deleted) records. */
  persons(): PdPerson[];
  organizations(): PdOrganization[];
  notes(): PdNote[];
  activities(): PdActivity[];
  close(): Promise<void>;
}

const ERROR_INFO = 'Please check developers.pipedrive.com for more information about Pipedrive API.';

function pdError(status: number, error: string, extra: Record<string, unknown> = {}): SimResponse {
  return {
    status,
    body: { success: false, error, errorCode: status, error_info: ERROR_INFO, data: null, additional_data: null, ...extra },
  };
}

function ok(data: unknown, additional?: Record<string, unknown>, status = 200): SimResponse {
  return { status, body: { success: true, data, ...(additional ? { additional_data: additional } : {}) } };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** RFC 3339 at second precision, as the v2 API returns times. */
function rfc3339(d = new Date()): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** "YYYY-MM-DD HH:MM:SS", as the v1 API returns times. */
function v1Time(d = new Date()): string {
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

function decodeCursor(cursor: string | null): number | null {
  if (!cursor) return 0;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o?: unknown };
    return typeof v.o === 'number' && v.o >= 0 ? v.o : null;
  } catch {
    return null;
  }
}

export async function startPipedriveSim(options: PipedriveSimOptions = {}): Promise<PipedriveSim> {
  const tokens = options.tokens ?? ['pd-test-token'];
  const userOfToken = new Map(tokens.map((t, i) => [t, i + 1]));
  const companyDomain = options.companyDomain ?? 'rapport-test';
  const burst = options.rateLimit ?? { requests: PIPEDRIVE_PLAN_LIMITS.essential, intervalMs: 2000 };
  const searchBurst = options.searchRateLimit ?? { requests: 10, intervalMs: 2000 };
  const limiter = new SlidingWindowLimiter(burst.requests, burst.intervalMs);
  const searchLimiter = new SlidingWindowLimiter(searchBurst.requests, searchBurst.intervalMs);
  const lagMs = options.searchIndexLagMs ?? 0;
  const customKeys = new Set(options.personCustomFields ?? []);
  let nextId = 1;
  let dailyLeft = 10_000;
  const seed = defaultPipelines(rfc3339());

  const state: PipedriveSimState = {
    persons: new Map(),
    organizations: new Map(),
    notes: new Map(),
    activities: new Map(),
    deals: new Map(),
    users: new Map(
      tokens.map((_, i) => [
        i + 1,
        { id: i + 1, name: i === 0 ? 'Pat Pipeline' : `User ${i + 1}`, email: `user${i + 1}@${companyDomain}.example` },
      ]),
    ),
    pipelines: new Map(seed.pipelines.map((p) => [p.id, p])),
    stages: new Map(seed.stages.map((st) => [st.id, st])),
    activityTypes: ['call', 'meeting', 'task', 'deadline', 'email', 'lunch'],
  };

  // ---------- shapes ----------

  const personView = (p: PdPerson) => {
    const { indexedAt: _i, ...rest } = p;
    return rest;
  };
  const orgView = (o: PdOrganization) => {
    const { indexedAt: _i, ...rest } = o;
    return rest;
  };

  // ---------- validation ----------

  type Checked<T> = { value: T; error?: undefined } | { value?: undefined; error: SimResponse };

  function labeledList(raw: unknown, field: string): Checked<PdLabeled[]> {
    if (raw === undefined || raw === null) return { value: [] };
    if (!Array.isArray(raw))
      return { error: pdError(400, `Validation failed: ${field}: Expected array`, { code: 'ERR_SCHEMA_VALIDATION_FAILED' }) };
    const out: PdLabeled[] = [];
    for (const [i, e] of raw.entries()) {
      if (!isRecord(e) || typeof e.value !== 'string') {
        return { error: pdError(400, `Validation failed: ${field}[${i}].value: Required`, { code: 'ERR_SCHEMA_VALIDATION_FAILED' }) };
      }
      out.push({ value: e.value, primary: e.primary === true, label: typeof e.label === 'string' ? e.label : 'work' });
    }
    if (out.length > 0 && !out.some((e) => e.primary)) out[0].primary = true;
    return { value: out };
  }

  function checkOrg(raw: unknown): Checked<number | null> {
    if (raw === undefined || raw === null) return { value: null };
    const id = Number(raw);
    const org = state.organizations.get(id);
    if (!Number.isInteger(id) || !org || org.is_deleted)
      return { error: pdError(400, `Organization with id ${String(raw)} does not exist`) };
    return { value: id };
  }

  function checkPerson(raw: unknown): Checked<number | null> {
    if (raw === undefined || raw === null) return { value: null };
    const id = Number(raw);
    const person = state.persons.get(id);
    if (!Number.isInteger(id) || !person || person.is_deleted)
      return { error: pdError(400, `Person with id ${String(raw)} does not exist`) };
    return { value: id };
  }

  function checkCustomFields(raw: unknown): Checked<Record<string, string | null>> {
    if (raw === undefined || raw === null) return { value: {} };
    if (!isRecord(raw))
      return { error: pdError(400, 'Validation failed: custom_fields: Expected object', { code: 'ERR_SCHEMA_VALIDATION_FAILED' }) };
    const out: Record<string, string | null> = {};
    for (const [k, v] of Object.entries(raw)) {
      if (!customKeys.has(k)) return { error: pdError(400, `Unknown custom field key: ${k}`, { code: 'ERR_SCHEMA_VALIDATION_FAILED' }) };
      out[k] = v === null ? null : String(v);
    }
    return { value: out };
  }

  // ---------- persons ----------

  function writePerson(existing: PdPerson | undefined, body: unknown, token: string): SimResponse {
    if (!isRecord(body)) return pdError(400, 'Validation failed: body: Expected object', { code: 'ERR_SCHEMA_VALIDATION_FAILED' });
    const name = body.name === undefined ? existing?.name : typeof body.name === 'string' ? body.name.trim() : '';
    if (!name) return pdError(400, 'Validation failed: name: Name must be given', { code: 'ERR_SCHEMA_VALIDATION_FAILED' });
    const emails = body.emails === undefined ? { value: existing?.emails ?? [] } : labeledList(body.emails, 'emails');
    if (emails.error) return emails.error;
    const phones = body.phones === undefined ? { value: existing?.phones ?? [] } : labeledList(body.phones, 'phones');
    if (phones.error) return phones.error;
    const org = body.org_id === undefined ? { value: existing?.org_id ?? null } : checkOrg(body.org_id);
    if (org.error) return org.error;
    const custom = checkCustomFields(body.custom_fields);
    if (custom.error) return custom.error;
    if (body.job_title !== undefined && body.job_title !== null && typeof body.job_title !== 'string') {
      return pdError(400, 'Validation failed: job_title: Expected string', { code: 'ERR_SCHEMA_VALIDATION_FAILED' });
    }
    const now = new Date();
    const [first, ...rest] = name.split(' ');
    const person: PdPerson = existing ?? {
      id: nextId++,
      name,
      first_name: null,
      last_name: null,
      owner_id: userOfToken.get(token) ?? 1,
      org_id: null,
      emails: [],
      phones: [],
      job_title: null,
      custom_fields: {},
      visible_to: 3,
      label_ids: [],
      is_deleted: false,
      add_time: rfc3339(now),
      update_time: rfc3339(now),
      indexedAt: 0,
    };
    person.name = name;
    person.first_name = first ?? null;
    person.last_name = rest.join(' ') || null;
    person.emails = emails.value;
    person.phones = phones.value;
    person.org_id = org.value;
    if (body.job_title !== undefined) person.job_title = (body.job_title as string | null) || null;
    person.custom_fields = { ...person.custom_fields, ...custom.value };
    person.update_time = rfc3339(now);
    person.indexedAt = now.getTime() + lagMs;
    state.persons.set(person.id, person);
    return ok(personView(person), undefined, existing ? 200 : 201);
  }

  // ---------- organizations ----------

  function writeOrg(existing: PdOrganization | undefined, body: unknown, token: string): SimResponse {
    if (!isRecord(body)) return pdError(400, 'Validation failed: body: Expected object', { code: 'ERR_SCHEMA_VALIDATION_FAILED' });
    const name = body.name === undefined ? existing?.name : typeof body.name === 'string' ? body.name.trim() : '';
    if (!name) return pdError(400, 'Validation failed: name: Name must be given', { code: 'ERR_SCHEMA_VALIDATION_FAILED' });
    let address = existing?.address ?? null;
    if (body.address !== undefined) {
      if (body.address !== null && !(isRecord(body.address) && typeof body.address.value === 'string')) {
        return pdError(400, 'Validation failed: address: Expected object with value', { code: 'ERR_SCHEMA_VALIDATION_FAILED' });
      }
      address = body.address === null ? null : { value: String((body.address as Record<string, unknown>).value) };
    }
    const now = new Date();
    const org: PdOrganization = existing ?? {
      id: nextId++,
      name,
      owner_id: userOfToken.get(token) ?? 1,
      address: null,
      visible_to: 3,
      is_deleted: false,
      add_time: rfc3339(now),
      update_time: rfc3339(now),
      indexedAt: 0,
    };
    org.name = name;
    org.address = address;
    org.update_time = rfc3339(now);
    org.indexedAt = now.getTime() + lagMs;
    state.organizations.set(org.id, org);
    return ok(orgView(org), undefined, existing ? 200 : 201);
  }

  // ---------- search ----------

  function search(kind: 'persons' | 'organizations', q: URLSearchParams): SimResponse {
    const term = (q.get('term') ?? '').trim();
    const exact = q.get('exact_match') === 'true' || q.get('exact_match') === '1';
    if (term.length < (exact ? 1 : 2))
      return pdError(400, 'Validation failed: term: Search term must be at least 2 characters long (1 with exact_match)');
    const allowed =
      kind === 'persons' ? ['name', 'email', 'phone', 'notes', 'custom_fields'] : ['name', 'address', 'notes', 'custom_fields'];
    const fields = (q.get('fields') ?? allowed.join(',')).split(',').filter(Boolean);
    const badField = fields.find((f) => !allowed.includes(f));
    if (badField) return pdError(400, `Validation failed: fields: Invalid enum value '${badField}'`);
    const limit = Number(q.get('limit') ?? 100);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) return pdError(400, 'Validation failed: limit: must be between 1 and 500');
    const offset = decodeCursor(q.get('cursor'));
    if (offset === null) return pdError(400, 'Validation failed: cursor: Invalid cursor');
    const t = term.toLowerCase();
    const hit = (v: string | null | undefined) => {
      const s = (v ?? '').toLowerCase();
      return exact ? s === t : s.includes(t);
    };
    const now = Date.now();
    const items: { result_score: number; item: Record<string, unknown> }[] = [];
    if (kind === 'persons') {
      for (const p of [...state.persons.values()].sort((a, b) => a.id - b.id)) {
        if (p.is_deleted || p.indexedAt > now) continue;
        const match =
          (fields.includes('name') && hit(p.name)) ||
          (fields.includes('email') && p.emails.some((e) => hit(e.value))) ||
          (fields.includes('phone') && p.phones.some((e) => hit(e.value))) ||
          (fields.includes('custom_fields') && Object.values(p.custom_fields).some((v) => hit(v)));
        if (!match) continue;
        const org = p.org_id ? state.organizations.get(p.org_id) : undefined;
        items.push({
          result_score: exact ? 1 : 0.5,
          item: {
            id: p.id,
            type: 'person',
            name: p.name,
            phones: p.phones.map((e) => e.value),
            emails: p.emails.map((e) => e.value),
            visible_to: p.visible_to,
            owner: { id: p.owner_id },
            organization: org ? { id: org.id, name: org.name, address: org.address?.value ?? null } : null,
            custom_fields: [],
            notes: [],
          },
        });
      }
    } else {
      for (const o of [...state.organizations.values()].sort((a, b) => a.id - b.id)) {
        if (o.is_deleted || o.indexedAt > now) continue;
        const match = (fields.includes('name') && hit(o.name)) || (fields.includes('address') && hit(o.address?.value));
        if (!match) continue;
        items.push({
          result_score: exact ? 1 : 0.5,
          item: {
            id: o.id,
            type: 'organization',
            name: o.name,
            address: o.address?.value ?? null,
            visible_to: o.visible_to,
            owner: { id: o.owner_id },
            custom_fields: [],
            notes: [],
          },
        });
      }
    }
    const page = items.slice(offset, offset + limit);
    return ok({ items: page }, { next_cursor: offset + limit < items.length ? encodeCursor(offset + limit) : null });
  }

  /** v2 list with updated_since (inclusive), sort_by/sort_direction, cursor. */
  function list<T extends { id: number; update_time: string; add_time: string; is_deleted: boolean }>(
    all: T[],
    q: URLSearchParams,
    filter: (t: T) => boolean,
    view: (t: T) => unknown,
  ): SimResponse {
    const limit = Number(q.get('limit') ?? 100);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) return pdError(400, 'Validation failed: limit: must be between 1 and 500');
    const offset = decodeCursor(q.get('cursor'));
    if (offset === null) return pdError(400, 'Validation failed: cursor: Invalid cursor');
    const since = q.get('updated_since');
    const sinceMs = since ? Date.parse(since) : NaN;
    if (since && (Number.isNaN(sinceMs) || !/T.*(Z|[+-]\d\d:\d\d)$/.test(since))) {
      return pdError(400, 'Validation failed: updated_since: Invalid RFC3339 date-time');
    }
    const sortBy = q.get('sort_by') ?? 'id';
    if (!['id', 'update_time', 'add_time'].includes(sortBy))
      return pdError(400, `Validation failed: sort_by: Invalid enum value '${sortBy}'`);
    const dir = q.get('sort_direction') === 'desc' ? -1 : 1;
    const key = (t: T) => (sortBy === 'id' ? t.id : Date.parse(sortBy === 'update_time' ? t.update_time : t.add_time));
    const rows = all
      .filter((t) => !t.is_deleted && filter(t) && (!since || Date.parse(t.update_time) >= sinceMs))
      .sort((a, b) => (key(a) - key(b) || a.id - b.id) * dir);
    const page = rows.slice(offset, offset + limit);
    return ok(page.map(view), { next_cursor: offset + limit < rows.length ? encodeCursor(offset + limit) : null });
  }

  // ---------- notes (v1) ----------

  function noteView(n: PdNote) {
    const person = n.person_id ? state.persons.get(n.person_id) : undefined;
    const org = n.org_id ? state.organizations.get(n.org_id) : undefined;
    return {
      ...n,
      lead_id: null,
      pinned_to_person_flag: false,
      pinned_to_organization_flag: false,
      pinned_to_deal_flag: false,
      person: person ? { name: person.name } : null,
      organization: org ? { name: org.name } : null,
      user: { email: state.users.get(n.user_id)?.email, name: state.users.get(n.user_id)?.name },
    };
  }

  function writeNote(existing: PdNote | undefined, body: unknown, token: string): SimResponse {
    if (!isRecord(body)) return pdError(400, 'Invalid request body');
    const content = body.content === undefined ? existing?.content : typeof body.content === 'string' ? body.content : '';
    if (!content || !content.trim()) return pdError(400, 'Note content cannot be empty');
    const person = body.person_id === undefined ? { value: existing?.person_id ?? null } : checkPerson(body.person_id);
    if (person.error) return person.error;
    const org = body.org_id === undefined ? { value: existing?.org_id ?? null } : checkOrg(body.org_id);
    if (org.error) return org.error;
    const dealId = body.deal_id === undefined ? (existing?.deal_id ?? null) : body.deal_id === null ? null : Number(body.deal_id);
    if (dealId !== null && !state.deals.has(dealId)) return pdError(400, `Deal with id ${String(body.deal_id)} does not exist`);
    if (person.value === null && org.value === null && dealId === null) {
      return pdError(400, 'Note must be associated with a deal, person, organization or lead');
    }
    let addTime = existing?.add_time ?? v1Time();
    if (body.add_time !== undefined) {
      if (typeof body.add_time !== 'string' || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(body.add_time)) {
        return pdError(400, 'add_time must be in format YYYY-MM-DD HH:MM:SS');
      }
      addTime = body.add_time;
    }
    const note: PdNote = existing ?? {
      id: nextId++,
      user_id: userOfToken.get(token) ?? 1,
      content,
      person_id: null,
      org_id: null,
      deal_id: null,
      active_flag: true,
      add_time: addTime,
      update_time: v1Time(),
    };
    note.content = content;
    note.person_id = person.value;
    note.org_id = org.value;
    note.deal_id = dealId;
    note.add_time = addTime;
    note.update_time = v1Time();
    state.notes.set(note.id, note);
    return ok(noteView(note), undefined, existing ? 200 : 201);
  }

  function listNotes(q: URLSearchParams): SimResponse {
    const start = Number(q.get('start') ?? 0);
    const limit = Number(q.get('limit') ?? 100);
    if (!Number.isInteger(start) || start < 0 || !Number.isInteger(limit) || limit < 1 || limit > 500) {
      return pdError(400, 'start and limit must be positive integers (limit ≤ 500)');
    }
    const sort = q.get('sort') ?? 'id ASC';
    const m = sort.match(/^(id|add_time|update_time)\s+(ASC|DESC)$/i);
    if (!m) return pdError(400, `Invalid sort field: ${sort}`);
    const field = m[1] as 'id' | 'add_time' | 'update_time';
    const dir = m[2].toUpperCase() === 'DESC' ? -1 : 1;
    const personId = q.get('person_id');
    const orgId = q.get('org_id');
    const rows = [...state.notes.values()]
      .filter((n) => n.active_flag && (!personId || n.person_id === Number(personId)) && (!orgId || n.org_id === Number(orgId)))
      .sort((a, b) => ((field === 'id' ? a.id - b.id : a[field].localeCompare(b[field])) || a.id - b.id) * dir);
    const page = rows.slice(start, start + limit);
    const more = start + limit < rows.length;
    return ok(page.map(noteView), {
      pagination: { start, limit, more_items_in_collection: more, ...(more ? { next_start: start + limit } : {}) },
    });
  }

  // ---------- activities (v2) ----------

  function writeActivity(existing: PdActivity | undefined, body: unknown, token: string): SimResponse {
    if (!isRecord(body)) return pdError(400, 'Validation failed: body: Expected object', { code: 'ERR_SCHEMA_VALIDATION_FAILED' });
    if (body.person_id !== undefined) {
      return pdError(400, "'person_id' is a read-only field. Add a primary participant to set 'person_id' instead.", {
        code: 'ERR_BAD_REQUEST',
      });
    }
    const type = body.type === undefined ? (existing?.type ?? 'task') : String(body.type);
    if (!state.activityTypes.includes(type))
      return pdError(400, `Validation failed: type: Activity type '${type}' does not exist`, { code: 'ERR_SCHEMA_VALIDATION_FAILED' });
    const subject = body.subject === undefined ? (existing?.subject ?? type) : String(body.subject);
    let dueDate = existing?.due_date ?? null;
    if (body.due_date !== undefined) {
      if (
        body.due_date !== null &&
        (typeof body.due_date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(body.due_date) || Number.isNaN(Date.parse(body.due_date)))
      ) {
        return pdError(400, 'Validation failed: due_date: Invalid date, expected YYYY-MM-DD', { code: 'ERR_SCHEMA_VALIDATION_FAILED' });
      }
      dueDate = body.due_date as string | null;
    }
    let dueTime = existing?.due_time ?? null;
    if (body.due_time !== undefined) {
      if (body.due_time !== null && (typeof body.due_time !== 'string' || !/^([01]\d|2[0-3]):[0-5]\d$/.test(body.due_time))) {
        return pdError(400, 'Validation failed: due_time: Invalid time, expected HH:MM', { code: 'ERR_SCHEMA_VALIDATION_FAILED' });
      }
      dueTime = body.due_time as string | null;
    }
    let duration = existing?.duration ?? null;
    if (body.duration !== undefined) {
      if (body.duration !== null && (typeof body.duration !== 'string' || !/^([01]\d|2[0-3]):[0-5]\d$/.test(body.duration))) {
        return pdError(400, 'Validation failed: duration: Invalid duration, expected HH:MM', { code: 'ERR_SCHEMA_VALIDATION_FAILED' });
      }
      duration = body.duration as string | null;
    }
    let participants = existing?.participants ?? [];
    if (body.participants !== undefined) {
      if (!Array.isArray(body.participants))
        return pdError(400, 'Validation failed: participants: Expected array', { code: 'ERR_SCHEMA_VALIDATION_FAILED' });
      participants = [];
      for (const p of body.participants) {
        if (!isRecord(p)) return pdError(400, 'Validation failed: participants: Expected object', { code: 'ERR_SCHEMA_VALIDATION_FAILED' });
        const person = checkPerson(p.person_id);
        if (person.error || person.value === null)
          return person.error ?? pdError(400, 'Validation failed: participants.person_id: Required');
        participants.push({ person_id: person.value, primary: p.primary === true });
      }
    }
    const org = body.org_id === undefined ? { value: existing?.org_id ?? null } : checkOrg(body.org_id);
    if (org.error) return org.error;
    if (body.done !== undefined && typeof body.done !== 'boolean')
      return pdError(400, 'Validation failed: done: Expected boolean', { code: 'ERR_SCHEMA_VALIDATION_FAILED' });
    const now = rfc3339();
    const activity: PdActivity = existing ?? {
      id: nextId++,
      subject,
      type,
      owner_id: userOfToken.get(token) ?? 1,
      done: false,
      due_date: null,
      due_time: null,
      duration: null,
      participants: [],
      person_id: null,
      org_id: null,
      deal_id: null,
      note: null,
      is_deleted: false,
      add_time: now,
      update_time: now,
    };
    activity.subject = subject;
    activity.type = type;
    activity.due_date = dueDate;
    activity.due_time = dueTime;
    activity.duration = duration;
    activity.participants = participants;
    activity.person_id = (participants.find((p) => p.primary) ?? participants[0])?.person_id ?? null;
    activity.org_id = org.value;
    if (body.done !== undefined) activity.done = body.done as boolean;
    if (body.note !== undefined) activity.note = body.note === null ? null : String(body.note);
    activity.update_time = now;
    state.activities.set(activity.id, activity);
    return ok(activity, undefined, existing ? 200 : 201);
  }

  /**
   * PUT /api/v1/persons/{id}/merge {merge_with_id}: the person of `merge_with_id` stays and wins
   * where both have a value; its empty fields take the other's, e-mails and phones are combined,
   * notes, activities and deals move to it, and person {id} is gone. Answers the merged person.
   */
  function mergePersons(p: PdPerson, body: unknown): SimResponse {
    const withId = isRecord(body) ? Number(body.merge_with_id) : NaN;
    if (!Number.isInteger(withId)) return pdError(400, 'merge_with_id is required');
    if (withId === p.id) return pdError(400, 'Cannot merge a person with itself');
    const into = state.persons.get(withId);
    if (!into || into.is_deleted) return pdError(404, 'Person not found');
    const union = (a: PdLabeled[], b: PdLabeled[]) => [
      ...a,
      ...b.filter((x) => !a.some((y) => y.value.toLowerCase() === x.value.toLowerCase())).map((x) => ({ ...x, primary: false })),
    ];
    into.emails = union(into.emails, p.emails);
    into.phones = union(into.phones, p.phones);
    into.job_title ??= p.job_title;
    into.org_id ??= p.org_id;
    for (const n of state.notes.values()) if (n.person_id === p.id) n.person_id = into.id;
    for (const a of state.activities.values()) {
      a.participants = a.participants.map((x) => (x.person_id === p.id ? { ...x, person_id: into.id } : x));
      if (a.person_id === p.id) a.person_id = into.id;
    }
    for (const d of state.deals.values()) if (d.person_id === p.id) d.person_id = into.id;
    p.is_deleted = true;
    into.update_time = rfc3339();
    return ok(personView(into));
  }

  /**
   * DELETE of a person or an organization (v2): marked deleted, answered `{success, data: {id}}`;
   * it is then gone from reads and searches (404 for the id). Pipedrive purges it after 30 days.
   */
  function markDeleted(r: PdPerson | PdOrganization): SimResponse {
    r.is_deleted = true;
    r.update_time = rfc3339();
    return ok({ id: r.id });
  }

  const dealDeps: DealDeps = {
    deals: state.deals,
    pipelines: state.pipelines,
    stages: state.stages,
    nextId: () => nextId++,
    now: () => rfc3339(),
    ok,
    error: pdError,
    checkPerson,
    checkOrg,
    list,
    userOf: (token) => userOfToken.get(token) ?? 1,
  };

  // ---------- routing ----------

  function route(req: SimRequest, token: string): SimResponse {
    const { method, path, query: q, body } = req;
    let m: RegExpMatchArray | null;

    if (method === 'GET' && path === '/api/v1/users/me') {
      const user = state.users.get(userOfToken.get(token) ?? 1)!;
      return ok({ ...user, company_id: 777, company_name: 'Rapport Test Company', company_domain: companyDomain, active_flag: true });
    }
    if (method === 'GET' && (m = path.match(/^\/api\/v1\/users\/(\d+)$/))) {
      const user = state.users.get(Number(m[1]));
      return user ? ok({ ...user, active_flag: true }) : pdError(404, 'User not found');
    }
    if (method === 'GET' && path === '/api/v2/persons/search') return search('persons', q);
    if (method === 'GET' && path === '/api/v2/organizations/search') return search('organizations', q);

    if (path === '/api/v2/persons') {
      if (method === 'POST') return writePerson(undefined, body, token);
      if (method === 'GET')
        return list([...state.persons.values()], q, (p) => !q.get('org_id') || p.org_id === Number(q.get('org_id')), personView);
    }
    if (method === 'PUT' && (m = path.match(/^\/api\/v1\/persons\/(\d+)\/merge$/))) {
      const p = state.persons.get(Number(m[1]));
      if (!p || p.is_deleted) return pdError(404, 'Person not found');
      return mergePersons(p, body);
    }
    if ((m = path.match(/^\/api\/v2\/persons\/(\d+)$/))) {
      const p = state.persons.get(Number(m[1]));
      if (!p || p.is_deleted) return pdError(404, 'Person not found');
      if (method === 'GET') return ok(personView(p));
      if (method === 'PATCH') return writePerson(p, body, token);
      if (method === 'DELETE') return markDeleted(p);
    }
    if (path === '/api/v2/organizations') {
      if (method === 'POST') return writeOrg(undefined, body, token);
      if (method === 'GET') return list([...state.organizations.values()], q, () => true, orgView);
    }
    if ((m = path.match(/^\/api\/v2\/organizations\/(\d+)$/))) {
      const o = state.organizations.get(Number(m[1]));
      if (!o || o.is_deleted) return pdError(404, 'Organization not found');
      if (method === 'GET') return ok(orgView(o));
      if (method === 'PATCH') return writeOrg(o, body, token);
      if (method === 'DELETE') return markDeleted(o);
    }
    if (path === '/api/v1/notes') {
      if (method === 'POST') return writeNote(undefined, body, token);
      if (method === 'GET') return listNotes(q);
    }
    if ((m = path.match(/^\/api\/v1\/notes\/(\d+)$/))) {
      const n = state.notes.get(Number(m[1]));
      if (!n || !n.active_flag) return pdError(404, 'Note not found');
      if (method === 'GET') return ok(noteView(n));
      if (method === 'PUT') return writeNote(n, body, token);
      // v1 DELETE /notes/{id}: {success, data: id}.
      if (method === 'DELETE') {
        n.active_flag = false;
        return ok(n.id);
      }
    }
    if (path === '/api/v2/activities') {
      if (method === 'POST') return writeActivity(undefined, body, token);
      if (method === 'GET') {
        const personId = q.get('person_id');
        const orgId = q.get('org_id');
        return list(
          [...state.activities.values()],
          q,
          (a) => (!personId || a.person_id === Number(personId)) && (!orgId || a.org_id === Number(orgId)),
          (a) => a,
        );
      }
    }
    if ((m = path.match(/^\/api\/v2\/activities\/(\d+)$/))) {
      const a = state.activities.get(Number(m[1]));
      if (!a || a.is_deleted) return pdError(404, 'Activity not found');
      if (method === 'GET') return ok(a);
      if (method === 'PATCH') return writeActivity(a, body, token);
      // v2 DELETE /activities/{id}: marks it deleted (kept 30 days), answers {success, data: {id}}.
      if (method === 'DELETE') {
        a.is_deleted = true;
        a.update_time = rfc3339();
        return ok({ id: a.id });
      }
    }
    const dealAnswer = routeDeals(dealDeps, req, token);
    if (dealAnswer) return dealAnswer;
    return pdError(404, `Unknown method ${method} ${path}`);
  }

  function limitHeaders(d: { limit: number; remaining: number; resetMs: number }): Record<string, string> {
    return {
      'x-ratelimit-limit': String(d.limit),
      'x-ratelimit-remaining': String(d.remaining),
      'x-ratelimit-reset': String(Math.max(1, Math.ceil(d.resetMs / 1000))),
    };
  }

  const overLimit = (retryAfterMs: number, d: { limit: number; remaining: number; resetMs: number }): SimResponse => ({
    ...pdError(429, 'Request over limit'),
    headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterMs / 1000))), ...limitHeaders(d) },
  });

  const server = await startSimServer({
    faults: options.faults,
    faultResponse: (kind, retryAfterSeconds) =>
      kind === 'error500'
        ? pdError(500, 'Internal server error')
        : {
            ...pdError(429, 'Request over limit'),
            headers: {
              'Retry-After': String(retryAfterSeconds),
              'x-ratelimit-limit': String(burst.requests),
              'x-ratelimit-remaining': '0',
              'x-ratelimit-reset': '2',
            },
          },
    handler: (req) => {
      const headerToken = req.headers['x-api-token'];
      const token = (typeof headerToken === 'string' ? headerToken : req.query.get('api_token')) ?? '';
      if (!userOfToken.has(token)) return pdError(401, 'unauthorized access');
      if (req.bodyError) return pdError(400, `Invalid JSON: ${req.bodyError}`);
      const isSearch = req.method === 'GET' && /^\/api\/v2\/(persons|organizations)\/search$/.test(req.path);
      const d = (isSearch ? searchLimiter : limiter).take(token);
      if (!d.allowed) return overLimit(d.retryAfterMs, d);
      const res = route(req, token);
      const writes = req.method !== 'GET';
      if (writes && res.status < 300) dailyLeft = Math.max(0, dailyLeft - 1);
      return { ...res, headers: { ...limitHeaders(d), ...(writes ? { 'x-daily-requests-left': String(dailyLeft) } : {}), ...res.headers } };
    },
  });

  return {
    url: server.url,
    state,
    server,
    get counters() {
      return server.counters;
    },
    faults: server.faults,
    createPerson(fields) {
      const now = new Date();
      const person: PdPerson = {
        id: nextId++,
        first_name: null,
        last_name: null,
        owner_id: 1,
        org_id: null,
        emails: [],
        phones: [],
        job_title: null,
        custom_fields: {},
        visible_to: 3,
        label_ids: [],
        is_deleted: false,
        add_time: rfc3339(now),
        update_time: rfc3339(now),
        indexedAt: 0,
        ...fields,
      };
      state.persons.set(person.id, person);
      return person;
    },
    updatePerson(id, fields) {
      const p = state.persons.get(id);
      if (!p) throw new Error(`no person ${id}`);
      Object.assign(p, fields, { update_time: fields.update_time ?? rfc3339() });
      return p;
    },
    createDeal(fields) {
      const now = rfc3339();
      const deal: PdDeal = {
        id: nextId++,
        value: 0,
        currency: 'EUR',
        pipeline_id: state.stages.get(fields.stage_id)?.pipeline_id ?? 1,
        status: 'open',
        lost_reason: null,
        person_id: null,
        org_id: null,
        owner_id: 1,
        expected_close_date: null,
        origin: 'ManuallyCreated',
        origin_id: null,
        is_deleted: false,
        add_time: now,
        update_time: now,
        stage_change_time: null,
        won_time: null,
        lost_time: null,
        close_time: null,
        ...fields,
      };
      state.deals.set(deal.id, deal);
      return deal;
    },
    updateDeal(id, fields) {
      const d = state.deals.get(id);
      if (!d) throw new Error(`no deal ${id}`);
      if (fields.stage_id !== undefined) fields.pipeline_id ??= state.stages.get(fields.stage_id)?.pipeline_id;
      Object.assign(d, fields, { update_time: fields.update_time ?? rfc3339() });
      return d;
    },
    deals: () => [...state.deals.values()].filter((d) => !d.is_deleted),
    persons: () => [...state.persons.values()].filter((p) => !p.is_deleted),
    organizations: () => [...state.organizations.values()].filter((o) => !o.is_deleted),
    notes: () => [...state.notes.values()].filter((n) => n.active_flag),
    activities: () => [...state.activities.values()].filter((a) => !a.is_deleted),
    close: () => server.close(),
  };
}
