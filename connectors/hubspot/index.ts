/**
 * HubSpot connector (CRM v3 objects, v4 associations), private-app token auth.
 *
 * Idempotency (principle 4), per kind:
 * - contact: batch read by `email` first, then `batch/upsert` with `idProperty: 'email'` for new
 *   ones (native upsert) and `batch/update` of the empty properties only for existing ones
 *   (principle 6: the CRM keeps what it has). Without an email: the LinkedIn URL
 *   (`hs_linkedin_url` IN …), else the exact first + last name among contacts that have no email
 *   (oldest wins), else a create. A retry therefore finds what a lost response created.
 * - The Rapport-id property (rapport-id.ts): a unique-valued `rapport_id` (or `rapportIdProperty`) on
 *   contacts, companies, emails, notes and tasks, created on connect or first push when the token
 *   has the schema scopes. Creates carry the local id; a retry reads it back by batch/read (never
 *   the search index, which lags writes) and a repeated create is refused with the existing id.
 * - company: `domain` is not a unique property in HubSpot (the API does not de-duplicate companies
 *   by domain, and batch/upsert only takes unique-valued id properties), so companies are found by
 *   Rapport id, then searched by domain (IN, lowercase), else by exact name, then updated (empty
 *   properties) or created. Without a unique Rapport id, a retry that search missed searches again
 *   once the index has settled.
 * - email / note / call / meeting / task: HubSpot has no idempotency key. A record's first send (PushItem.firstSend:
 *   a new local id never handed out before) is created directly; every later attempt looks first
 *   (earlier-creates.ts): by the unique Rapport id, else among the engagements associated with the
 *   record's contacts, matching on content and associations. A known `remoteId` updates via
 *   batch/update.
 * - deal / case (pipeline items, items.ts): deals and tickets, exactly once the same way as engagements
 *   (first send created directly, else looked up by the Rapport id on deals/tickets, else through the
 *   associations of the item's first contact or company); pipeline and stage through the connection's
 *   pipeline mapping, a pipeline not mapped by name (pipelines.ts).
 * - An email/note/task none of whose contacts or companies is linked yet fails with `not-found`
 *   (retried later by the engine) instead of creating an orphan.
 *
 * Files: config.ts (settings), client.ts (requests, search pacing, batch writes), mapping.ts (records
 * ↔ properties), batch.ts (grouping and writing a batch), rapport-id.ts (the unique property),
 * earlier-creates.ts (finding a retried engagement), contacts.ts, companies.ts, engagements.ts (push
 * per kind), account.ts, lookup.ts (the person's card), pull.ts.
 */
import { fail, finish, mergeOneByOne, type Outcomes } from '../outcomes';
import { ConnectorError, type Connector, type PushItem, type SyncKind, isItemKind } from '../types';
import { accountInfo } from './account';
import { BATCH_LIMIT, HubspotClient, type HsObjectType } from './client';
import { pushCompanies } from './companies';
import { HUBSPOT_BASE_URL, hubspotConfigSchema, type HubspotConfig } from './config';
import { pushContacts } from './contacts';
import { ENGAGEMENTS, pushEngagements } from './engagements';
import { ITEM_SPECS, pushItems } from './items';
import { listPipelines } from './pipelines';
import { lookupByEmail } from './lookup';
import { HUBSPOT_DEFAULT_MAPPING } from './mapping';
import { pull } from './pull';
import { RAPPORT_ID_TYPES, exactnessNotice, rapportIdMode, type RapportIdMode } from './rapport-id';

export { hubspotConfigSchema, type HubspotConfig } from './config';

export const hubspotConnector: Connector<HubspotConfig> = {
  id: 'hubspot',
  displayName: 'HubSpot',
  authKind: 'token',
  configSchema: hubspotConfigSchema,
  secretKeys: ['accessToken'],
  origins: (config) => [`${new URL(config.baseUrl || HUBSPOT_BASE_URL).origin}/*`],
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
    // HubSpot has no hiring object (a candidate is no deal or ticket): see README.
    candidates: false,
    pull: true,
  },
  batchSize: { contact: 100, company: 100, email: 100, note: 100, call: 100, meeting: 100, task: 100, deal: 100, case: 100 },
  maxInFlight: 8,
  rateLimit: { requests: 100, intervalMs: 10_000 },
  defaultFieldMapping: HUBSPOT_DEFAULT_MAPPING,

  async testConnection(ctx) {
    const client = new HubspotClient(ctx);
    await client.request('GET', '/crm/v3/objects/contacts', undefined, { limit: 1 });
    const account = await accountInfo(client).catch(() => null);
    // On connect: the unique Rapport-id property on every object Rapport writes, made if the token may.
    const modes: Partial<Record<HsObjectType, RapportIdMode>> = {};
    for (const type of RAPPORT_ID_TYPES)
      modes[type] = await rapportIdMode(client, type, ctx.config.rapportIdProperty || undefined, ctx.memory, true);
    const notice = exactnessNotice(modes);
    return { account: account?.portalId ? `HubSpot portal ${account.portalId}` : new URL(client.base).host, ...(notice ? { notice } : {}) };
  },

  async push(ctx, kind: SyncKind, items) {
    const client = new HubspotClient(ctx);
    const outcomes: Outcomes = new Map();
    const expected: Record<SyncKind, PushItem['item']['kind'][]> = {
      contact: ['contact'],
      company: ['company'],
      email: ['email'],
      note: ['note'],
      call: ['call'],
      meeting: ['meeting'],
      task: ['task'],
      deal: ['deal'],
      case: ['case'],
      candidate: ['candidate'],
    };
    for (const item of items) {
      if (kind === 'candidate' || !expected[kind].includes(item.item.kind)) {
        fail(outcomes, item, new ConnectorError(`HubSpot connector cannot push a ${item.item.kind} as ${kind}`, 'validation'));
      }
    }
    const todo = items.filter((i) => !outcomes.has(i.entryId));
    if (todo.length > 0) {
      if (kind === 'contact') await pushContacts(client, ctx, todo, outcomes);
      else if (kind === 'company') await pushCompanies(client, ctx, todo, outcomes);
      else if (isItemKind(kind)) await pushItems(client, ctx, kind, todo, outcomes);
      else await pushEngagements(client, ctx, kind, todo, outcomes);
    }
    return finish(items, outcomes);
  },

  /**
   * batch/archive (HubSpot's own archive: the record can be restored there for 90 days) of people,
   * companies, tasks and logged e-mails, notes, calls, meetings; unknown ids archive as a no-op.
   */
  archivable: ['contact', 'company', 'email', 'note', 'call', 'meeting', 'task', 'deal', 'case'],
  async archive(ctx, kind, requests) {
    const client = new HubspotClient(ctx);
    const type =
      kind === 'contact'
        ? 'contacts'
        : kind === 'company'
          ? 'companies'
          : kind === 'deal' || kind === 'case'
            ? ITEM_SPECS[kind].type
            : isItemKind(kind)
              ? undefined
              : ENGAGEMENTS[kind].type;
    if (!type) throw new ConnectorError(`HubSpot connector cannot archive a ${kind}`, 'validation');
    for (let i = 0; i < requests.length; i += BATCH_LIMIT) {
      await client.request('POST', `/crm/v3/objects/${type}/batch/archive`, {
        inputs: requests.slice(i, i + BATCH_LIMIT).map((r) => ({ id: r.remoteId })),
      });
    }
    return requests.map(({ remoteId }) => ({ remoteId, ok: true as const }));
  },

  /**
   * `POST /crm/v3/objects/contacts/merge`: the survivor's record is the primary (its values win). HubSpot
   * answers the merged record, whose id may be a new one; a merged-away id reads as that record after.
   */
  async merge(ctx, _kind, requests) {
    const client = new HubspotClient(ctx);
    return mergeOneByOne(
      requests,
      async (r) =>
        String(
          (
            await client.request<{ id: string }>('POST', '/crm/v3/objects/contacts/merge', {
              primaryObjectId: r.intoRemoteId,
              objectIdToMerge: r.remoteId,
            })
          ).id,
        ),
      async (id) => {
        try {
          return String((await client.request<{ id: string }>('GET', `/crm/v3/objects/contacts/${encodeURIComponent(id)}`)).id);
        } catch (err) {
          if (err instanceof ConnectorError && err.kind === 'not-found') return null;
          throw err;
        }
      },
    );
  },

  /** `GET /crm/v3/pipelines/deals` for deals, `…/tickets` for cases; none for candidates. */
  async listPipelines(ctx, kind) {
    if (kind === 'candidate') return [];
    return listPipelines(new HubspotClient(ctx), kind, true);
  },

  lookupByEmail,
  pull,
};
