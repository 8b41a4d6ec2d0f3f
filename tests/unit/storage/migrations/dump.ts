// A database dump as the migration fixtures hold it: the versions a release declared (each
// version's stores, as its storage/db.ts wrote them) and every row of every table. JSON cannot hold
// typed arrays (the search index's postings and prefix lists), so they are written as
// { "$typed": "Uint32Array", "values": [...] } and read back as the same typed array.
import Dexie from 'dexie';

export interface DatabaseDump {
  /** The schema version the database was left at. */
  version: number;
  /** Which commit's code wrote it, and how (see README.md beside the fixtures). */
  writtenBy: string;
  /** Version number → the stores that version declared. */
  stores: Record<string, Record<string, string | null>>;
  /** Table name → its rows, in primary-key order. */
  tables: Record<string, unknown[]>;
}

const TYPED = { Uint8Array, Uint16Array, Uint32Array, Int32Array, Float64Array } as const;
type TypedName = keyof typeof TYPED;

function encode(_key: string, value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return { $typed: value.constructor.name, values: Array.from(value as unknown as ArrayLike<number>) };
  }
  return value;
}

function decode(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && '$typed' in value) {
    const { $typed, values } = value as { $typed: TypedName; values: number[] };
    return TYPED[$typed].from(values);
  }
  return value;
}

/** One row per line: fixtures stay readable and their diffs small. */
export function stringifyDump(dump: DatabaseDump): string {
  const tables = Object.entries(dump.tables)
    .map(([name, rows]) => `    ${JSON.stringify(name)}: [\n${rows.map((r) => `      ${JSON.stringify(r, encode)}`).join(',\n')}\n    ]`)
    .join(',\n');
  const head = { version: dump.version, writtenBy: dump.writtenBy, stores: dump.stores };
  return `${JSON.stringify(head, null, 2).replace(/\n}$/, '')},\n  "tables": {\n${tables}\n  }\n}\n`;
}

export function parseDump(text: string): DatabaseDump {
  return JSON.parse(text, decode) as DatabaseDump;
}

/** Every row of every table of an open database, in primary-key order. */
export async function dumpTables(db: Dexie, tableNames: string[]): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const name of tableNames) out[name] = await db.table(name).toArray();
  return out;
}

/**
 * Re-creates the database a dump describes: a Dexie instance declaring exactly the versions the
 * dump's release declared (no upgrade functions: the database is created at its last version),
 * filled with the dump's rows, then closed.
 */
export async function restoreDump(name: string, dump: DatabaseDump): Promise<void> {
  const db = new Dexie(name);
  for (const [version, stores] of Object.entries(dump.stores)) db.version(Number(version)).stores(stores);
  await db.open();
  if (db.verno !== dump.version) throw new Error(`dump of version ${dump.version} declares up to ${db.verno}`);
  await db.transaction('rw', Object.keys(dump.tables), async () => {
    for (const [table, rows] of Object.entries(dump.tables)) await db.table(table).bulkAdd(rows);
  });
  db.close();
}
