// Generic webhook connector: one signed JSON POST per change, for Zapier/Make/n8n or a team's own backend.
// The payload contract is versioned and documented in SCHEMA.md (next to this file).
//
// - Events: contact.upserted, company.upserted, activity.logged (e-mails, notes), call.logged, meeting.logged,
//   task.created / task.updated / task.completed, and for records deleted here task.deleted, activity.deleted
//   (decision 0052); pipeline items (decision 0054): deal.* / case.* / candidate.* — created, updated,
//   stage_changed, deleted — with the item, its pipeline's and stage's names.
// - Body: {schema: 'rapport.webhook/v1', id, type, occurredAt, data}. `id` is the change id (PushItem.changeId):
//   the same for every retry of one change, new for every other change, so receivers deduplicate on it. The
//   body of a retry is byte-identical.
// - Headers: X-Rapport-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>, X-Rapport-Event-Id,
//   X-Rapport-Event-Type, X-Rapport-Timestamp (Unix seconds of this attempt; not signed).
// - Answers: 2xx = delivered (a JSON {"id": "…"} in the answer becomes the remote id); 408/425/5xx =
//   transient; 429 = rate-limit (Retry-After honoured); 401/403 = auth (the receiver refuses our signature
//   or credentials: every event would fail the same way, so the engine should stop and ask the user);
//   3xx = validation (configure the final URL: a redirected POST would lose its body); other 4xx =
//   validation for that event. Retries with backoff are the sync engine's job.
// - Signing uses WebCrypto (crypto.subtle): the same code runs in the service worker and in Node ≥ 20.
// - Limits: no vendor; 10 requests / s and one event per request (batches of 20 sent one after another,
//   stopping at the first failure that would hit the next event too).
// - Archive requests (Connector.archive): one `contact.archived` / `company.archived` event per record, its
//   id the request's change id; 404 and 410 from the receiver count as archived (it has no such record).
import { z } from 'zod';
import { DEFAULT_TIMEOUT_MS, networkError, parseRetryAfter } from '../http';
import type { Pipeline, PipelineItem, Task } from '../../storage/schema';
import {
  ConnectorError,
  type ArchiveOutcome,
  type ArchiveRequest,
  type Connector,
  type ConnectorContext,
  type PushItem,
  type ItemSyncKind,
  type PushOutcome,
  type SyncKind,
  isItemKind,
} from '../types';

export const WEBHOOK_SCHEMA = 'rapport.webhook/v1';
export const SIGNATURE_HEADER = 'X-Rapport-Signature';
export const EVENT_ID_HEADER = 'X-Rapport-Event-Id';
export const EVENT_TYPE_HEADER = 'X-Rapport-Event-Type';
export const TIMESTAMP_HEADER = 'X-Rapport-Timestamp';

export type WebhookEventType =
  | 'contact.upserted'
  | 'company.upserted'
  | 'activity.logged'
  | 'activity.deleted'
  | 'call.logged'
  | 'meeting.logged'
  | 'task.created'
  | 'task.updated'
  | 'task.completed'
  | 'task.deleted'
  | 'contact.archived'
  | 'company.archived'
  | `${ItemSyncKind}.${ItemEventAction}`
  | 'ping';

/** What happened to a pipeline item (decision 0054): `deal.created`, `case.stage_changed`, `candidate.deleted`… */
export type ItemEventAction = 'created' | 'updated' | 'stage_changed' | 'deleted';

export interface WebhookEvent<T = unknown> {
  schema: typeof WEBHOOK_SCHEMA;
  id: string;
  type: WebhookEventType;
  occurredAt: string;
  data: T;
}

export const WebhookConfig = z.object({
  url: z.url({ protocol: /^https?$/ }).describe('Endpoint that receives the events (HTTPS recommended)'),
  secret: z.string().min(16, 'at least 16 characters').max(500).describe('Shared secret for the X-Rapport-Signature HMAC'),
});
export type WebhookConfig = z.infer<typeof WebhookConfig>;

const enc = new TextEncoder();

function toHex(buf: ArrayBuffer): string {
  return Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');
}

function fromHex(hex: string): Uint8Array<ArrayBuffer> | null {
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(hex)) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function bytesOf(body: string | Uint8Array): Uint8Array<ArrayBuffer> {
  if (typeof body === 'string') return enc.encode(body);
  const copy = new Uint8Array(body.byteLength);
  copy.set(body);
  return copy;
}

function hmacKey(secret: string, usage: 'sign' | 'verify'): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [usage]);
}

/** `sha256=<hex>` of the raw body. */
export async function signBody(body: string | Uint8Array, secret: string): Promise<string> {
  const sig = await crypto.subtle.sign('HMAC', await hmacKey(secret, 'sign'), bytesOf(body));
  return `sha256=${toHex(sig)}`;
}

/**
 * For receivers: checks an X-Rapport-Signature header against the raw request body (the exact bytes
 * received, before any JSON parsing). Accepts a comma-separated list of signatures (secret rotation).
 * Constant-time (crypto.subtle.verify).
 */
export async function verifySignature(body: string | Uint8Array, header: string | null | undefined, secret: string): Promise<boolean> {
  if (!header || !secret) return false;
  const key = await hmacKey(secret, 'verify');
  const data = bytesOf(body);
  for (const part of header.split(',')) {
    const m = /^\s*sha256=([0-9a-fA-F]{64})\s*$/.exec(part);
    const sig = m && fromHex(m[1]);
    if (sig && (await crypto.subtle.verify('HMAC', key, sig, data))) return true;
  }
  return false;
}

const TYPE_OF: Record<Exclude<SyncKind, ItemSyncKind | 'task'>, WebhookEventType> = {
  contact: 'contact.upserted',
  company: 'company.upserted',
  email: 'activity.logged',
  note: 'activity.logged',
  call: 'call.logged',
  meeting: 'meeting.logged',
};

/**
 * A task's event: `task.created` until this connection has received the task once (no remote id
 * yet), then `task.completed` when the change marked it done (its completion is its last change:
 * completedAt ≥ updatedAt), else `task.updated` (an edit, a snooze, reopening). Decided from the
 * item alone, so every retry of a change is the same event.
 */
export function taskEventType(task: Task, delivered: boolean): WebhookEventType {
  if (!delivered) return 'task.created';
  if (task.done && task.completedAt && task.completedAt >= task.updatedAt) return 'task.completed';
  return 'task.updated';
}

/**
 * A pipeline item's action: `created` until this connection has received it once, then
 * `stage_changed` when the change moved it (entering its stage is its last change:
 * stageEnteredAt ≥ updatedAt), else `updated`. Decided from the item alone, like taskEventType.
 */
export function itemEventAction(item: PipelineItem, delivered: boolean): ItemEventAction {
  if (!delivered) return 'created';
  return item.stageEnteredAt >= item.updatedAt ? 'stage_changed' : 'updated';
}

/** The item as sent: its fields, and its pipeline's and stage's names (and the stage's category) as they are now. */
export function itemData(
  item: PipelineItem,
  pipeline: Pipeline,
): PipelineItem & { pipelineName: string; stageName?: string; stageCategory?: string } {
  const stage = pipeline.stages.find((st) => st.id === item.stageId);
  return { ...item, pipelineName: pipeline.name, ...(stage ? { stageName: stage.name, stageCategory: stage.category } : {}) };
}

/** The event for one outbox item (pure: the same item always gives the same bytes). */
export function eventFor(item: PushItem): WebhookEvent {
  const it = item.item;
  if ('pipeline' in it) {
    const type = `${it.kind}.${itemEventAction(it.record, !!item.remoteId)}` as WebhookEventType;
    return { schema: WEBHOOK_SCHEMA, id: item.changeId, type, occurredAt: it.record.updatedAt, data: itemData(it.record, it.pipeline) };
  }
  if (it.kind === 'task') {
    const type = taskEventType(it.record, !!item.remoteId);
    return { schema: WEBHOOK_SCHEMA, id: item.changeId, type, occurredAt: it.record.updatedAt, data: it.record };
  }
  const occurredAt =
    it.kind === 'contact' || it.kind === 'company' ? it.record.updatedAt : (it.record as { occurredAt: string }).occurredAt;
  return { schema: WEBHOOK_SCHEMA, id: item.changeId, type: TYPE_OF[it.kind], occurredAt, data: it.record };
}

/**
 * The event asking the receiver to archive a record the user deleted in Rapport (pure, like eventFor):
 * `data` names it by Rapport's id and by the id the receiver gave it (or Rapport's, when it gave none).
 */
export function archiveEventFor(kind: 'contact' | 'company', request: ArchiveRequest): WebhookEvent<{ id: string; remoteId: string }> {
  return {
    schema: WEBHOOK_SCHEMA,
    id: request.changeId,
    type: kind === 'contact' ? 'contact.archived' : 'company.archived',
    occurredAt: request.requestedAt,
    data: { id: request.localId, remoteId: request.remoteId },
  };
}

/** The event for a record deleted here (Connector.archive): its id, the receiver's id, and for activities their type. */
export function deletionEvent(kind: SyncKind, r: ArchiveRequest): WebhookEvent {
  const own = kind === 'task' || isItemKind(kind);
  const type: WebhookEventType = isItemKind(kind) ? `${kind}.deleted` : kind === 'task' ? 'task.deleted' : 'activity.deleted';
  const data = { id: r.localId, ...(own ? {} : { type: kind }), ...(r.remoteId !== r.localId ? { remoteId: r.remoteId } : {}) };
  return { schema: WEBHOOK_SCHEMA, id: r.changeId, type, occurredAt: r.requestedAt, data };
}

interface Delivery {
  status: number;
  remoteId?: string;
}

async function deliver(ctx: ConnectorContext<WebhookConfig>, event: WebhookEvent): Promise<Delivery> {
  const body = JSON.stringify(event);
  const headers: Record<string, string> = {
    'Content-Type': 'application/json; charset=utf-8',
    [SIGNATURE_HEADER]: await signBody(body, ctx.config.secret),
    [EVENT_ID_HEADER]: event.id,
    [EVENT_TYPE_HEADER]: event.type,
    [TIMESTAMP_HEADER]: String(Math.floor(Date.now() / 1000)),
  };
  let res: Response;
  try {
    res = await ctx.fetch(ctx.config.url, {
      method: 'POST',
      headers,
      body,
      redirect: 'manual',
      credentials: 'omit',
      cache: 'no-store',
      signal: AbortSignal.timeout(DEFAULT_TIMEOUT_MS),
    });
  } catch (e) {
    throw networkError(e, 'Webhook', false, DEFAULT_TIMEOUT_MS);
  }
  const text = await res.text().catch(() => '');
  const what = `Webhook ${event.type} ${event.id}`;
  const detail = text.replace(/\s+/g, ' ').trim().slice(0, 200);
  const msg = `${what}: HTTP ${res.status}${detail ? ` ${detail}` : ''}`;
  if (res.type === 'opaqueredirect' || (res.status >= 300 && res.status < 400)) {
    throw new ConnectorError(
      `${what}: the URL redirects${res.headers.get('Location') ? ` to ${res.headers.get('Location')}` : ''}; configure the final URL`,
      'validation',
      res.status || undefined,
    );
  }
  if (res.status >= 200 && res.status < 300) {
    let remoteId: string | undefined;
    try {
      const j = JSON.parse(text) as { id?: unknown };
      if (j && typeof j.id === 'string' && j.id && j.id.length <= 500) remoteId = j.id;
    } catch {
      /* any body is fine */
    }
    return { status: res.status, remoteId };
  }
  const retryAfter = parseRetryAfter(res.headers.get('Retry-After'));
  if (res.status === 429) throw new ConnectorError(msg, 'rate-limit', res.status, retryAfter);
  if (res.status === 408 || res.status === 425 || res.status >= 500) throw new ConnectorError(msg, 'transient', res.status, retryAfter);
  if (res.status === 401 || res.status === 403) throw new ConnectorError(msg, 'auth', res.status);
  throw new ConnectorError(msg, 'validation', res.status);
}

function isPerEvent(e: unknown): e is ConnectorError {
  return e instanceof ConnectorError && e.kind === 'validation' && !!e.status && e.status >= 400 && e.status < 500;
}

type Sent = { ok: true; remoteId?: string } | { ok: false; error: ConnectorError };

/**
 * Delivers events one after another. A receiver refusing one event: recorded, and the next one goes.
 * Anything else (down, rate-limited, refusing our signature, redirecting) would hit the next event
 * too: the first such failure is thrown, a later one fails the rest for the engine to retry.
 */
async function sendInTurn(ctx: ConnectorContext<WebhookConfig>, events: WebhookEvent[]): Promise<Sent[]> {
  const out: Sent[] = [];
  for (const event of events) {
    try {
      const d = await deliver(ctx, event);
      out.push({ ok: true, ...(d.remoteId ? { remoteId: d.remoteId } : {}) });
    } catch (e) {
      if (isPerEvent(e)) out.push({ ok: false, error: e });
      else if (out.length === 0) throw e;
      else {
        const err = e instanceof ConnectorError ? e : new ConnectorError(String(e), 'transient');
        while (out.length < events.length) out.push({ ok: false, error: err });
        break;
      }
    }
  }
  return out;
}

export const webhookConnector: Connector<WebhookConfig> = {
  id: 'webhook',
  displayName: 'Webhook',
  authKind: 'secret',
  configSchema: WebhookConfig,
  secretKeys: ['secret'],
  origins: (config) => [`${new URL(config.url).origin}/*`],
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
    candidates: true,
    pull: false,
  },
  batchSize: { contact: 20, company: 20, email: 20, note: 20, call: 20, meeting: 20, task: 20, deal: 20, case: 20, candidate: 20 },
  rateLimit: { requests: 10, intervalMs: 1000 },
  defaultFieldMapping: {},

  async testConnection(ctx) {
    const rand = crypto.getRandomValues(new Uint8Array(8));
    const event: WebhookEvent = {
      schema: WEBHOOK_SCHEMA,
      id: `ping_${Array.from(rand, (b) => b.toString(16).padStart(2, '0')).join('')}`,
      type: 'ping',
      occurredAt: new Date().toISOString(),
      data: { message: 'Rapport webhook test' },
    };
    await deliver(ctx, event);
    return { account: new URL(ctx.config.url).host };
  },

  async push(ctx, kind: SyncKind, items: PushItem[]): Promise<PushOutcome[]> {
    const sent = await sendInTurn(
      ctx,
      items.map((item) => eventFor(item)),
    );
    return sent.map((r, i) => {
      const item = items[i];
      return r.ok
        ? { entryId: item.entryId, ok: true, remoteId: r.remoteId ?? item.remoteId ?? item.item.record.id }
        : { entryId: item.entryId, ok: false, error: r.error };
    });
  },

  /**
   * A person or company deleted here with "archive it there too": `contact.archived` /
   * `company.archived`; a task or a logged activity deleted here: `task.deleted` /
   * `activity.deleted` (SCHEMA.md). A receiver answering 404 or 410 no longer has it: done.
   */
  archivable: ['contact', 'company', 'email', 'note', 'call', 'meeting', 'task', 'deal', 'case', 'candidate'],
  async archive(ctx, kind, requests): Promise<ArchiveOutcome[]> {
    const sent = await sendInTurn(
      ctx,
      requests.map((r) => (kind === 'contact' || kind === 'company' ? archiveEventFor(kind, r) : deletionEvent(kind, r))),
    );
    return requests.map(({ remoteId }, i): ArchiveOutcome => {
      const r = sent[i];
      if (r.ok || r.error.status === 404 || r.error.status === 410) return { remoteId, ok: true };
      return { remoteId, ok: false, error: r.error };
    });
  },
};

export default webhookConnector;
