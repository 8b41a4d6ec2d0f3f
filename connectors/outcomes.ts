// Per-item push outcomes, shared by the connectors that settle a batch item by item.
import { ConnectorError, type PushItem, type PushOutcome } from './types';

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
