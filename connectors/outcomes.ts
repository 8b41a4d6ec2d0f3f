// Per-item push outcomes, shared by the connectors that settle a batch item by item.
import { ConnectorError, type MergeOutcome, type MergeRequest, type PushItem, type PushOutcome } from './types';

/** Outcomes by entry id, filled while a batch is pushed. */
export type Outcomes = Map<string, PushOutcome>;

export function ok(outcomes: Outcomes, item: PushItem, remoteId: string | number): void {
  outcomes.set(item.entryId, { entryId: item.entryId, ok: true, remoteId: String(remoteId) });
}

export function fail(outcomes: Outcomes, item: PushItem, error: ConnectorError): void {
  outcomes.set(item.entryId, { entryId: item.entryId, ok: false, error });
}

/** The outcome of every item in batch order; an item nothing settled is a transient failure. */
export function finish(items: PushItem[], outcomes: Outcomes): PushOutcome[] {
  return items.map(
    (i) => outcomes.get(i.entryId) ?? { entryId: i.entryId, ok: false, error: new ConnectorError('not processed', 'transient') },
  );
}

/** A vendor answer about this one record (it fails the item, not the batch). */
export function isPermanent(err: unknown): err is ConnectorError {
  return err instanceof ConnectorError && (err.kind === 'validation' || err.kind === 'conflict' || err.kind === 'not-found');
}

/** Of several records matching one local record, the oldest (the lowest id: ids grow with creation). */
export function oldest<T extends { id: string | number }>(list: T[]): T | undefined {
  return [...list].sort((a, b) => Number(a.id) - Number(b.id))[0];
}

/**
 * Merges records one by one with the CRM's merge call (`send`: the id of the record left). When the
 * CRM refuses one (a 4xx), `current` reads what its id stands for now: nothing (gone) or another
 * record (merged before: a retry after a lost answer) count as merged; the record still itself: the
 * refusal is its outcome. Rate limits and server errors are thrown for the engine to retry.
 */
export async function mergeOneByOne(
  requests: MergeRequest[],
  send: (r: MergeRequest) => Promise<string>,
  current: (remoteId: string) => Promise<string | null>,
): Promise<MergeOutcome[]> {
  const out: MergeOutcome[] = [];
  for (const r of requests) {
    try {
      out.push({ remoteId: r.remoteId, ok: true, resultId: await send(r) });
    } catch (err) {
      if (!isPermanent(err)) throw err;
      const now = await current(r.remoteId);
      if (now === null) out.push({ remoteId: r.remoteId, ok: true, resultId: r.intoRemoteId });
      else if (now !== r.remoteId) out.push({ remoteId: r.remoteId, ok: true, resultId: now });
      else out.push({ remoteId: r.remoteId, ok: false, error: err });
    }
  }
  return out;
}
