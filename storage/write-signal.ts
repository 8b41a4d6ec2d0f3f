// Writes this JavaScript realm committed, told to whoever listens (decision 0050). Pages write
// IndexedDB directly; a service worker that is stopped hears nothing of it (Dexie's cross-context
// signal is a BroadcastChannel message, which does not start a worker), so a page listens here
// and wakes the background with a message. A Dexie middleware installed by RapportDB sees every
// write of its connection, whichever module makes it; it costs one check per write while nobody
// listens.
import type { DBCore, DBCoreMutateRequest, DBCoreTransaction, Middleware } from 'dexie';

export interface CommittedWrite {
  table: string;
  /** The rows written by an add or a put (none for a delete). */
  values?: readonly unknown[];
}

type Listener = (write: CommittedWrite) => void;
const listeners = new Set<Listener>();

/** Calls `listener` after each committed write of this realm's database connection; returns the unsubscribe. */
export function onCommittedWrite(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function afterCommit(trans: DBCoreTransaction, fn: () => void): void {
  // Dexie's IndexedDB core hands the native transaction down as the DBCore transaction.
  const idb = trans as unknown as Partial<Pick<IDBTransaction, 'addEventListener'>>;
  if (typeof idb.addEventListener === 'function') idb.addEventListener('complete', fn);
  else queueMicrotask(fn);
}

function emit(write: CommittedWrite): void {
  for (const l of listeners) {
    try {
      l(write);
    } catch (e) {
      console.warn('Rapport: a write listener failed', e);
    }
  }
}

export const writeSignalMiddleware: Middleware<DBCore> = {
  stack: 'dbcore',
  name: 'rapport-write-signal',
  create: (down) => ({
    ...down,
    table(name: string) {
      const table = down.table(name);
      return {
        ...table,
        mutate(req: DBCoreMutateRequest) {
          if (listeners.size === 0) return table.mutate(req);
          const values = req.type === 'add' || req.type === 'put' ? req.values : undefined;
          return table.mutate(req).then((res) => {
            afterCommit(req.trans, () => emit({ table: name, ...(values ? { values } : {}) }));
            return res;
          });
        },
      };
    },
  }),
};

/** What a committed write means to the background: tasks changed, a cadence was set, or the settings changed. */
export type WriteSignal = 'tasks' | 'cadence' | 'settings';

export function writeSignalOf(write: CommittedWrite): WriteSignal | undefined {
  if (write.table === 'tasks') return 'tasks';
  if (write.table === 'meta')
    return write.values?.some((v) => (v as { key?: unknown } | null)?.key === 'settings') ? 'settings' : undefined;
  if (write.table === 'contacts') {
    return write.values?.some((v) => typeof (v as { cadenceDays?: unknown } | null)?.cadenceDays === 'number') ? 'cadence' : undefined;
  }
  return undefined;
}
