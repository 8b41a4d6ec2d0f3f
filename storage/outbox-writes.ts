// Tells a page that its own writes queued work for the CRMs: after each transaction of this
// context that wrote the outbox commits. Writes made by other contexts (the service worker's sync
// engine, another tab) are not seen here: they have their own listeners, or none.
import type { DBCore, DBCoreMutateRequest, Dexie } from 'dexie';

/**
 * Calls `listener` once per committed transaction of `db` (this context only) that wrote the
 * outbox; a transaction that fails or is aborted calls nothing. Install before the database opens
 * (Dexie builds its middleware stack on open).
 */
export function watchOutboxWrites(db: Dexie, listener: () => void): void {
  const seen = new WeakSet<object>();
  db.use({
    stack: 'dbcore',
    name: 'outbox-writes',
    create(down: DBCore): DBCore {
      return {
        ...down,
        table(name) {
          const table = down.table(name);
          if (name !== 'outbox') return table;
          return {
            ...table,
            mutate(req: DBCoreMutateRequest) {
              // With IndexedDB underneath, Dexie's core transaction is the IDBTransaction itself.
              const trans = req.trans as unknown as EventTarget;
              if (!seen.has(trans) && typeof trans.addEventListener === 'function') {
                seen.add(trans);
                trans.addEventListener('complete', () => listener(), { once: true });
              }
              return table.mutate(req);
            },
          };
        },
      };
    },
  });
}
