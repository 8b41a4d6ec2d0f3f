// A miniature of the sync engine for contract tests (tests only; never bundled): builds PushItems
// with the links known so far, records the remote ids that come back, and (in `syncUntilDone`)
// retries what the engine would retry. Shared by the HubSpot and Pipedrive contract tests.
import type { Activity, Company, Contact, Task } from '../../storage/schema';
import {
  ConnectorError,
  type ArchiveRequest,
  type Connector,
  type ConnectorContext,
  type PushItem,
  type PushOutcome,
  type SyncKind,
} from '../../connectors/types';

export const T0 = '2025-03-03T09:15:00.000Z';

let archiveSeq = 0;
/** Archive requests for records known by their remote ids, as the engine builds them (a new change id each). */
export function archiveRequests(remoteIds: string[]): ArchiveRequest[] {
  return remoteIds.map((remoteId) => ({ remoteId, localId: `local-${remoteId}`, changeId: `archive-${++archiveSeq}`, requestedAt: T0 }));
}

export function contact(id: string, fields: Partial<Contact>): Contact {
  return { id, createdAt: T0, updatedAt: T0, sources: [], name: '', emails: [], phones: [], tags: [], ...fields };
}

export function company(id: string, fields: Partial<Company>): Company {
  return { id, createdAt: T0, updatedAt: T0, sources: [], name: '', tags: [], ...fields };
}

export function activity(id: string, fields: Partial<Activity> & Pick<Activity, 'type'>): Activity {
  return { id, createdAt: T0, updatedAt: T0, sources: [], contactIds: [], occurredAt: T0, ...fields };
}

export function task(id: string, fields: Partial<Task>): Task {
  return { id, createdAt: T0, updatedAt: T0, sources: [], title: '', done: false, contactIds: [], ...fields };
}

export type Rec = Contact | Company | Activity | Task;

/** Stand-in for the engine's links table: local id → remote id, per record kind. */
export class Links {
  readonly contacts: Record<string, string> = {};
  readonly companies: Record<string, string> = {};
  readonly other: Record<string, string> = {};

  record(kind: SyncKind, localId: string, remoteId: string): void {
    if (kind === 'contact') this.contacts[localId] = remoteId;
    else if (kind === 'company') this.companies[localId] = remoteId;
    else this.other[localId] = remoteId;
  }

  remoteOf(kind: SyncKind, localId: string): string | undefined {
    return kind === 'contact' ? this.contacts[localId] : kind === 'company' ? this.companies[localId] : this.other[localId];
  }
}

let entrySeq = 0;

export interface PushOptions {
  useRemoteIds?: boolean;
  /** Items flagged as first sends (see PushItem.firstSend): the records' ids, or true for all. */
  firstSend?: boolean | ReadonlySet<string>;
}

export function items(kind: SyncKind, records: readonly Rec[], links: Links, opts: PushOptions = {}): PushItem[] {
  return records.map((record) => {
    const remoteId = opts.useRemoteIds ? links.remoteOf(kind, record.id) : undefined;
    const item = { kind, record } as PushItem['item'];
    const first = opts.firstSend === true || (opts.firstSend instanceof Set && opts.firstSend.has(record.id));
    const seq = ++entrySeq;
    return {
      entryId: `out_${kind}_${record.id}_${seq}`,
      changeId: `chg_${kind}_${record.id}_${seq}`,
      item,
      ...(remoteId ? { remoteId } : {}),
      ...(first && !remoteId ? { firstSend: true } : {}),
      linked: { contacts: { ...links.contacts }, companies: { ...links.companies } },
    };
  });
}

/** One push; ok outcomes are recorded in `links`. */
export async function push<C>(
  connector: Connector<C>,
  ctx: ConnectorContext<C>,
  kind: SyncKind,
  records: readonly Rec[],
  links: Links,
  opts: PushOptions = {},
): Promise<PushOutcome[]> {
  const batch = items(kind, records, links, opts);
  const outcomes = await connector.push(ctx, kind, batch);
  for (const o of outcomes) {
    const it = batch.find((b) => b.entryId === o.entryId);
    if (o.ok && it) links.record(kind, it.item.record.id, o.remoteId);
  }
  return outcomes;
}

/**
 * What the engine does under failures: retry a thrown transient/rate-limit error for the whole
 * batch, retry items whose outcome is transient/rate-limit/not-found, until all are ok. A record's
 * first push is flagged `firstSend` (as the engine does for brand-new local records), every later
 * one is not. Waits are capped to keep tests fast (the real engine honours Retry-After).
 */
export async function syncUntilDone<C>(
  connector: Connector<C>,
  ctx: ConnectorContext<C>,
  kind: SyncKind,
  records: readonly Rec[],
  links: Links,
  batchSize: number,
  maxAttempts = 200,
): Promise<{ attempts: number; thrown: ConnectorError[] }> {
  let pending = [...records];
  let attempts = 0;
  const thrown: ConnectorError[] = [];
  const handedOut = new Set<string>();
  while (pending.length > 0) {
    if (++attempts > maxAttempts) throw new Error(`gave up after ${maxAttempts} attempts; ${pending.length} pending`);
    const batch = pending.slice(0, batchSize);
    const firstSend = new Set(batch.map((r) => r.id).filter((id) => !handedOut.has(id)));
    batch.forEach((r) => handedOut.add(r.id));
    try {
      const outcomes = await push(connector, ctx, kind, batch, links, { useRemoteIds: true, firstSend });
      const failed = outcomes.filter((o) => !o.ok);
      for (const o of failed) {
        if (!o.ok && !['transient', 'rate-limit', 'not-found'].includes(o.error.kind)) throw o.error;
      }
      const done = new Set(batch.filter((r) => links.remoteOf(kind, r.id)).map((r) => r.id));
      pending = pending.filter((r) => !done.has(r.id));
    } catch (err) {
      if (!(err instanceof ConnectorError) || !['transient', 'rate-limit'].includes(err.kind)) throw err;
      thrown.push(err);
      await new Promise((r) => setTimeout(r, Math.min(err.retryAfterMs ?? 20, 50)));
    }
  }
  return { attempts, thrown };
}

/** ctx.fetch as the engine gives it: the engine's timeout applied to every request. */
export function fetchWithTimeout(ms: number): typeof fetch {
  return (input, init) =>
    fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, AbortSignal.timeout(ms)]) : AbortSignal.timeout(ms) });
}

/** Rejection of a promise as a ConnectorError (fails the test when it resolves or throws another type). */
export async function connectorError(p: Promise<unknown>): Promise<ConnectorError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ConnectorError) return err;
    throw err;
  }
  throw new Error('expected a ConnectorError, got success');
}

/**
 * ctx.fetch with the connector's declared rate limit applied per request (a rolling window, as the
 * engine's limiter would), so contract tests run against the vendor's real limits without 429s.
 */
export function rateLimitedFetch(inner: typeof fetch, limit: { requests: number; intervalMs: number }): typeof fetch {
  const sent: number[] = [];
  // A margin: the server counts arrivals, which trail our send times (by more on a busy machine).
  const span = limit.intervalMs + 250;
  let queue: Promise<void> = Promise.resolve();
  const slot = async () => {
    for (;;) {
      const now = Date.now();
      while (sent.length > 0 && sent[0] <= now - span) sent.shift();
      if (sent.length < limit.requests) {
        sent.push(now);
        return;
      }
      await new Promise((r) => setTimeout(r, sent[0] + span - now + 1));
    }
  };
  return (input, init) => {
    const turn = queue.then(slot);
    queue = turn;
    return turn.then(() => inner(input, init));
  };
}
