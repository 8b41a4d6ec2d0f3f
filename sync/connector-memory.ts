// ConnectorContext.memory, kept in the connection's state row (`connector:<id>`). Each write is its
// own small transaction that changes only its key, so it never overwrites what the engine keeps in
// the same row (limiter, pull cursor).
import type { ConnectorMemory } from '../connectors/types';
import type { RapportDB } from '../storage/db';
import { connectorStateKey } from '../storage/sync-rows';

const MAX_KEYS = 100;
const MAX_CHARS = 1000;

export function connectorMemory(db: RapportDB, connectorId: string): ConnectorMemory {
  const key = connectorStateKey(connectorId);
  return {
    async get(name) {
      return (await db.syncState.get(key))?.remembered?.[name];
    },
    async set(name, value) {
      if (name.length > MAX_CHARS || (value !== undefined && value.length > MAX_CHARS)) return;
      await db.transaction('rw', db.syncState, db.connectors, async () => {
        // Forgotten with its connection: nothing is written for one that was removed meanwhile.
        if (!(await db.connectors.get(connectorId))) return;
        const row = (await db.syncState.get(key)) ?? { key };
        const remembered = { ...row.remembered };
        if (value === undefined) delete remembered[name];
        else if (remembered[name] !== value && (name in remembered || Object.keys(remembered).length < MAX_KEYS)) remembered[name] = value;
        else return;
        await db.syncState.put({ ...row, remembered });
      });
    },
  };
}

/** Forgets what the connector kept (inside the caller's transaction on syncState). */
export async function forgetConnectorMemory(db: RapportDB, connectorId: string): Promise<void> {
  const key = connectorStateKey(connectorId);
  const row = await db.syncState.get(key);
  if (!row?.remembered) return;
  const { remembered: _gone, ...rest } = row;
  await db.syncState.put(rest);
}
