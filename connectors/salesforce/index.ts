// Salesforce connector (REST API, sObject Collections, SOQL). The simulated org used by the contract tests,
// with the vendor documentation it follows, is tests/sims/salesforce.ts.
//
// What goes where
//   contact → Contact (or Lead, config objectForPeople): FirstName, LastName (required; derived from the
//             name or e-mail when missing), Email, Phone, Title, AccountId (the linked company) — Lead: Company
//             (required; "[not provided]" when unknown, Salesforce's own placeholder).
//   company → Account: Name, Website.
//   email   → Task, TaskSubtype 'Email', Status 'Completed', Subject "Email: <subject>", ActivityDate = day
//             sent, Description = From/To/Cc/Date header lines + body, WhoId = first linked contact/lead,
//             WhatId = linked account (never with a lead: Salesforce forbids WhatId when WhoId is a lead).
//   note    → Task, TaskSubtype 'Task', Subject 'Note', Status 'Completed', Description = the note. (A Task
//             rather than a ContentNote: ContentNote needs a second call (ContentDocumentLink) per note, is
//             not creatable through sObject Collections in one call with its link, and a Task shows in the
//             Activity timeline of the contact and the account like the logged e-mails.)
//   task    → Task, TaskSubtype 'Task', Subject = title, ActivityDate = due day (Task has no due time),
//             Status 'Not Started' or 'Completed', Priority High/Normal/Low, Description = notes.
//   call    → Task, TaskSubtype 'Call', Status 'Completed', ActivityDate = day, CallDurationInSeconds,
//             CallDisposition = the outcome, CallType Inbound/Outbound when known.
//   meeting → Event: StartDateTime, EndDateTime (start + duration), Description = attendees + notes.
//   deal    → Opportunity (items.ts): Name, StageName (a picklist value: the mapping's or by name), CloseDate
//             (required: the item's, else 30 days from the first push, then left to Salesforce), Amount,
//             CurrencyIsoCode (multi-currency orgs only), AccountId, Description = notes + lost reason;
//             OpportunityContactRole per linked Contact (the first primary).
//   case    → Case: Subject, Status (picklist value), Priority High/Medium/Low, Origin 'Email' with a thread,
//             ContactId (first linked Contact), AccountId, Description = category, notes, resolution.
//   Candidates are not synced (no standard recruiting object).
//   Deleted here (archive): DELETE /composite/sobjects?ids=… of the Tasks/Events/Opportunities/Cases (Recycle Bin).
//   An e-mail, note or task that names contacts/companies none of which is linked yet fails with
//   'not-found' (the engine retries after they sync) instead of creating a Task attached to nothing.
//
// Idempotency (docs/architecture.md, principle 4)
//   - An update when the engine knows the remote id.
//   - People and accounts: look-up-then-create on their natural key (Email; else first+last name with the
//     account/company; Account by Website domain or Name), which also links records the CRM already had.
//   - Tasks: the Description ends with a marker "[rapport:<local id>]". Salesforce cannot filter on a long
//     text area (Description) in SOQL, so candidates are selected by Subject and CreatedDate (≥ the local
//     record's creation minus a day) and the marker is matched on the returned Description.
//   - With `externalIdField` configured (a Text External ID, Unique field of that API name on Contact/Lead,
//     Account and Task), creates become upserts keyed by the local id:
//     PATCH /composite/sobjects/{Object}/{ExternalIdField} — native idempotency, no look-up query.
//
// Principle 6 (the CRM owns its values): updates of contacts, leads and accounts only fill fields that are
// empty in Salesforce; they never overwrite a value. Tasks Rapport created are Rapport's: a task update
// writes its subject, due date, priority, notes and status (completed, or reopened); a note, call or
// meeting update rewrites its fields but the create-only ones (TaskSubtype, WhoId, WhatId); a logged
// e-mail is never rewritten.
//
// Limits: Salesforce has no per-second API limit — calls count against the org's rolling 24-hour allocation
// (403 REQUEST_LIMIT_EXCEEDED when spent) and at most 25 long-running (≥ 20 s) requests run at once. The
// connector's own bucket of 25 requests per second keeps bursts polite; batches use the documented 200
// records per Collections call.
//
// Tokens: the access token is sent as a bearer token; a 401 INVALID_SESSION_ID is an 'auth' error. The
// OAuth helpers (oauth.ts) give a new token from the refresh token; storing it is the caller's job (the
// connector interface has no way to persist rotated tokens), so push/pull never refresh by themselves.
//
// Files: config.ts (settings), api.ts (requests, SOQL, Collections), oauth.ts (the web-server flow),
// mapping.ts (records → fields), plans.ts (writing a batch), push.ts (per kind), read.ts (look-up, pull),
// items.ts / item-read.ts (pipeline items: Opportunity and Case, their stages, their pull).
import { ConnectorError, type Connector, type PullResult, type PushItem, type PushOutcome, type SyncKind } from '../types';
import { COLLECTION_MAX, sfClient } from './api';
import { archiveRecords } from './archive';
import { SalesforceConfig } from './config';
import { itemPipelines, pullItems } from './item-read';
import { pushItems } from './items';
import { DEFAULT_FIELD_MAPPING } from './mapping';
import { DEFAULT_LOGIN_URL, buildAuthorizeUrl, exchangeCode, refreshAccessToken, type SalesforceTokens } from './oauth';
import { deleteRecords, pushAccounts, pushPeople, pushTasks } from './push';
import { lookup, pullPeople } from './read';

export { SalesforceConfig } from './config';
export {
  buildAuthorizeUrl,
  createPkcePair,
  createState,
  exchangeCode,
  pkceChallenge,
  refreshAccessToken,
  type SalesforceTokens,
} from './oauth';

const tokenValues = (t: SalesforceTokens): Partial<SalesforceConfig> => ({
  accessToken: t.accessToken,
  instanceUrl: t.instanceUrl,
  ...(t.refreshToken ? { refreshToken: t.refreshToken } : {}),
});

function originPattern(u: string): string {
  return `${new URL(u).origin}/*`;
}

export const salesforceConnector: Connector<SalesforceConfig> = {
  id: 'salesforce',
  displayName: 'Salesforce',
  authKind: 'oauth',
  configSchema: SalesforceConfig,
  secretKeys: ['accessToken', 'refreshToken'],
  origins: (config) => [...new Set([originPattern(config.instanceUrl), originPattern(config.loginUrl ?? DEFAULT_LOGIN_URL)])],
  capabilities: {
    contacts: true,
    companies: true,
    emailLogging: true,
    notes: true,
    tasks: true,
    calls: true,
    meetings: true,
    deals: true,
    cases: true,
    candidates: false,
    pull: true,
  },
  batchSize: {
    contact: COLLECTION_MAX,
    company: COLLECTION_MAX,
    email: COLLECTION_MAX,
    note: COLLECTION_MAX,
    call: COLLECTION_MAX,
    meeting: COLLECTION_MAX,
    task: COLLECTION_MAX,
    deal: COLLECTION_MAX,
    case: COLLECTION_MAX,
  },
  maxInFlight: 8,
  rateLimit: { requests: 25, intervalMs: 1000 },
  defaultFieldMapping: DEFAULT_FIELD_MAPPING,

  async testConnection(ctx) {
    const sf = sfClient(ctx);
    await sf.request('GET', '/'); // token and API version
    const me = await sf.request<{ preferred_username?: string; name?: string; organization_id?: string }>(
      'GET',
      '/services/oauth2/userinfo',
    );
    return {
      account: `${me.preferred_username ?? me.name ?? 'Salesforce user'}${me.organization_id ? ` (org ${me.organization_id})` : ''}`,
    };
  },

  async push(ctx, kind: SyncKind, items: PushItem[]): Promise<PushOutcome[]> {
    if (!items.length) return [];
    // Whole-request errors (401, 403 REQUEST_LIMIT_EXCEEDED, 5xx, or a 400 such as a mapped field that does
    // not exist) are thrown for the engine to classify; per-record errors come back per item.
    switch (kind) {
      case 'contact':
        return pushPeople(ctx, items);
      case 'company':
        return pushAccounts(ctx, items);
      case 'email':
      case 'note':
      case 'call':
      case 'meeting':
      case 'task':
        return pushTasks(ctx, kind, items);
      case 'deal':
      case 'case':
        return pushItems(ctx, kind, items);
      default:
        throw new ConnectorError(`Salesforce connector does not sync ${kind}`, 'validation');
    }
  },

  /**
   * People and accounts: deleted into the Recycle Bin (15 days); an account that still has contacts
   * is left for the user (archive.ts). Tasks, Events, Opportunities (with their contact roles) and
   * Cases Rapport created: deleted (push.ts).
   */
  archivable: ['contact', 'company', 'email', 'note', 'call', 'meeting', 'task', 'deal', 'case'],
  archive: (ctx, kind, requests) =>
    kind === 'contact' || kind === 'company'
      ? archiveRecords(
          ctx,
          kind,
          requests.map((r) => r.remoteId),
        )
      : deleteRecords(ctx, requests),

  lookupByEmail: (ctx, email) => lookup(ctx, email),
  /** Opportunity stages (OpportunityStage) or Case statuses (CaseStatus), each as one pipeline; none for candidates. */
  listPipelines: (ctx, kind) => itemPipelines(sfClient(ctx), kind),

  /**
   * People (and tasks), then with `opts.items` Opportunities and Cases. The cursor is the people's and
   * tasks' one, then `~` and the items' one (a cursor without it starts the items from the beginning).
   */
  async pull(ctx, cursor, opts = {}): Promise<PullResult> {
    const at = (cursor ?? '').indexOf('~');
    const head = at < 0 ? (cursor ?? '') : (cursor ?? '').slice(0, at);
    const itemsCursor = at < 0 ? '' : (cursor ?? '').slice(at + 1);
    const people = await pullPeople(ctx, head || undefined, opts);
    const kinds = (opts.items ?? []).filter((k) => k === 'deal' || k === 'case');
    if (!kinds.length) return itemsCursor ? { ...people, cursor: `${people.cursor}~${itemsCursor}` } : people;
    const items = await pullItems(sfClient(ctx), ctx, itemsCursor, kinds);
    return { ...people, items: items.items, cursor: `${people.cursor}~${items.cursor}`, more: people.more || items.more };
  },

  // "Connect with Salesforce": web-server flow with PKCE; the token answer names the org's instance.
  oauth: {
    requiredKeys: ['clientId'],
    // The token endpoint, and (signing in at Salesforce) every Salesforce host an org's instance
    // URL can be on: it is only known from the token answer. A login URL elsewhere (a proxy, a
    // test server) serves the API itself.
    origins: (config) => {
      const login = new URL(config.loginUrl ?? DEFAULT_LOGIN_URL);
      const atSalesforce = login.protocol === 'https:' && /(^|\.)salesforce\.com$/i.test(login.hostname);
      return [originPattern(login.href), ...(atSalesforce ? ['https://*.salesforce.com/*'] : [])];
    },
    authorizeUrl: (config, p) =>
      buildAuthorizeUrl({
        clientId: config.clientId ?? '',
        redirectUri: p.redirectUri,
        codeChallenge: p.codeChallenge,
        state: p.state,
        loginUrl: config.loginUrl,
      }),
    exchange: async (fetchFn, config, p) =>
      tokenValues(
        await exchangeCode(fetchFn, {
          clientId: config.clientId ?? '',
          redirectUri: p.redirectUri,
          code: p.code,
          codeVerifier: p.codeVerifier,
          loginUrl: config.loginUrl,
        }),
      ),
    refresh: async (fetchFn, config) => {
      if (!config.refreshToken || !config.clientId) return null;
      return tokenValues(
        await refreshAccessToken(fetchFn, { clientId: config.clientId, refreshToken: config.refreshToken, loginUrl: config.loginUrl }),
      );
    },
  },
};

export default salesforceConnector;
