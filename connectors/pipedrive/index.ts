/**
 * Pipedrive connector (API v2 where it exists, v1 for notes), API-token auth (`x-api-token`).
 *
 * Pipedrive has no batch write API: items are written one by one (batch size 1).
 *
 * Idempotency (principle 4):
 * - contact: `GET /api/v2/persons/search?term=<email>&fields=email&exact_match=true` (the hit's
 *   emails are checked again locally), then `PATCH /api/v2/persons/{id}` of the empty fields only
 *   (principle 6) or `POST /api/v2/persons`. Without an email: exact name among persons without an
 *   email (oldest wins), else create.
 * - company: organizations searched by exact name, then PATCH (empty address) or POST.
 * - email / note: the Mailbox API cannot create messages, so a logged email becomes a note
 *   (`POST /api/v1/notes`, escaped HTML with subject, from/to/cc, date and body) on the first
 *   linked person (and the first linked organization). Every note we write ends with the marker
 *   `[rapport:<local id>]`; before creating, the person's (or organization's) notes are listed,
 *   newest first, up to 500, and a note carrying the marker is reused. A first send
 *   (PushItem.firstSend: a new local record never handed out before) skips the listing.
 * - task / call / meeting: an activity of type `task` / `call` / `meeting` (`POST /api/v2/activities`),
 *   linked through `participants` (`person_id` is read-only in v2), `due_date`/`due_time` in UTC, `done`
 *   (calls and meetings are logged done, with their `duration` HH:MM), with the same marker at the end
 *   of its `note`, looked for in the person's activities before creating.
 * - deal (items of sales and custom pipelines, deals.ts): `POST/PATCH /api/v2/deals` with the stage
 *   from the pipeline mapping (or by name), won/lost as the status, and `origin_id` = "rapport:<id>"
 *   (settable on create only), looked for among the person's deals before creating. Pipedrive has no
 *   tickets and no recruiting object: cases and candidates are not synced.
 * - Deleted here (archive): notes through `DELETE /api/v1/notes/{id}`, activities through
 *   `DELETE /api/v2/activities/{id}`, deals through `DELETE /api/v2/deals/{id}` (activities and deals
 *   stay restorable for 30 days).
 * - A known `remoteId` updates in place (PATCH / PUT); a record deleted in Pipedrive is reported as
 *   `not-found` and not recreated (the CRM is the system of record).
 * - Someone removing the marker from a note in Pipedrive defeats the look-up: a later retry of that
 *   same record without its remote id would create a second note.
 *
 * Files: config.ts (settings, plans), client.ts (requests, search pacing), mapping.ts (records ↔
 * bodies), push.ts (one record per kind), deals.ts (pipeline items), lookup.ts (the person's card), pull.ts.
 */
import { fail, finish, isPermanent, mergeOneByOne, ok, type Outcomes } from '../outcomes';
import { ConnectorError, type ArchiveOutcome, type Connector, type PushItem, type SyncKind } from '../types';
import { PipedriveClient } from './client';
import { PIPEDRIVE_PLANS, pipedriveBase, pipedriveConfigSchema, type PipedriveConfig } from './config';
import { dealPipelines, pushDeal } from './deals';
import { lookupByEmail } from './lookup';
import { PIPEDRIVE_DEFAULT_MAPPING } from './mapping';
import { pull } from './pull';
import { deleteRemote, pushActivity, pushCompany, pushContact, pushNote } from './push';

export { pipedriveConfigSchema, type PipedriveConfig } from './config';

/** Runs one item; permanent vendor answers become its outcome, the rest fail the batch. */
async function perItem(outcomes: Outcomes, item: PushItem, run: () => Promise<number | string>): Promise<void> {
  try {
    ok(outcomes, item, await run());
  } catch (err) {
    if (isPermanent(err)) fail(outcomes, item, err);
    else throw err;
  }
}

export const pipedriveConnector: Connector<PipedriveConfig> = {
  id: 'pipedrive',
  displayName: 'Pipedrive',
  authKind: 'token',
  configSchema: pipedriveConfigSchema,
  secretKeys: ['apiToken'],
  origins: (config) => [`${new URL(pipedriveBase(config)).origin}/*`],
  capabilities: {
    contacts: true,
    companies: true,
    emailLogging: true,
    notes: true,
    tasks: true,
    calls: true,
    meetings: true,
    deals: true,
    cases: false,
    candidates: false,
    pull: true,
  },
  batchSize: { contact: 1, company: 1, email: 1, note: 1, call: 1, meeting: 1, task: 1, deal: 1 },
  maxInFlight: 8,
  rateLimit: { requests: PIPEDRIVE_PLANS.essential, intervalMs: 2000 },
  rateLimitFor: (config) => ({ requests: PIPEDRIVE_PLANS[config.plan] ?? PIPEDRIVE_PLANS.essential, intervalMs: 2000 }),
  defaultFieldMapping: PIPEDRIVE_DEFAULT_MAPPING,

  async testConnection(ctx) {
    const client = new PipedriveClient(ctx);
    const me = (await client.get<{ name?: string; email?: string; company_name?: string }>('/api/v1/users/me')).data;
    return { account: [me.company_name, me.email && `(${me.email})`].filter(Boolean).join(' ') || client.base };
  },

  async push(ctx, kind: SyncKind, items) {
    const client = new PipedriveClient(ctx);
    const outcomes: Outcomes = new Map();
    for (const item of items) {
      const { item: rec } = item;
      if (kind === 'contact' && rec.kind === 'contact') await perItem(outcomes, item, () => pushContact(client, ctx, item, rec.record));
      else if (kind === 'company' && rec.kind === 'company') await perItem(outcomes, item, () => pushCompany(client, item, rec.record));
      else if ((kind === 'email' || kind === 'note') && rec.kind === kind)
        await perItem(outcomes, item, () => pushNote(client, item, rec.record));
      else if (kind === 'task' && rec.kind === 'task') await perItem(outcomes, item, () => pushActivity(client, item, rec.record));
      else if ((kind === 'call' || kind === 'meeting') && rec.kind === kind)
        await perItem(outcomes, item, () => pushActivity(client, item, rec.record));
      else if (kind === 'deal' && rec.kind === 'deal')
        await perItem(outcomes, item, () => pushDeal(client, ctx, item, rec.record, rec.pipeline));
      else fail(outcomes, item, new ConnectorError(`Pipedrive connector cannot push a ${rec.kind} as ${kind}`, 'validation'));
    }
    return finish(items, outcomes);
  },

  /**
   * People and organizations: `DELETE /api/v2/persons/{id}` or `/organizations/{id}` (Pipedrive marks
   * the record deleted and keeps it restorable for 30 days). Notes (logged e-mails too) and
   * activities Rapport wrote: deleted; deals: `DELETE /api/v2/deals/{id}` (restorable for 30 days).
   * A record already deleted there (404) counts as done.
   */
  archivable: ['contact', 'company', 'email', 'note', 'call', 'meeting', 'task', 'deal'],
  async archive(ctx, kind, requests) {
    if (kind === 'case' || kind === 'candidate') throw new ConnectorError(`Pipedrive connector cannot delete a ${kind}`, 'validation');
    const client = new PipedriveClient(ctx);
    const out: ArchiveOutcome[] = [];
    for (const { remoteId } of requests) {
      try {
        if (kind === 'contact' || kind === 'company') {
          await client.request('DELETE', `/api/v2/${kind === 'contact' ? 'persons' : 'organizations'}/${encodeURIComponent(remoteId)}`);
        } else if (kind === 'deal') await client.request('DELETE', `/api/v2/deals/${encodeURIComponent(remoteId)}`);
        else await deleteRemote(client, kind, remoteId);
        out.push({ remoteId, ok: true });
      } catch (err) {
        if (err instanceof ConnectorError && err.kind === 'not-found') out.push({ remoteId, ok: true });
        else if (isPermanent(err)) out.push({ remoteId, ok: false, error: err });
        else throw err; // 429, 5xx, a lost connection: the batch is retried
      }
    }
    return out;
  },

  /**
   * `PUT /api/v1/persons/{id}/merge` with `merge_with_id`: the survivor's person is kept (its data
   * wins on conflicts, related data moves to it) and the other one is gone.
   */
  async merge(ctx, _kind, requests) {
    const client = new PipedriveClient(ctx);
    return mergeOneByOne(
      requests,
      async (r) =>
        String(
          (
            await client.request<{ id: number }>('PUT', `/api/v1/persons/${encodeURIComponent(r.remoteId)}/merge`, {
              body: { merge_with_id: Number(r.intoRemoteId) },
            })
          ).data.id,
        ),
      async (id) => {
        const p = await client.getOrNull<{ id: number }>(`/api/v2/persons/${encodeURIComponent(id)}`);
        return p ? String(p.id) : null;
      },
    );
  },

  /** Deals only: their pipelines with the stages in order, then "Won" and "Lost" (statuses in Pipedrive). */
  async listPipelines(ctx, kind) {
    return kind === 'deal' ? dealPipelines(new PipedriveClient(ctx)) : [];
  },

  lookupByEmail,
  pull,
};
