import Dexie, { type DBCore, type Table } from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deleteInRuns, getManyInCompoundRange, getManyInRange } from '../../../storage/key-ranges';

interface Row {
  id: string;
  n: number;
  v: number;
}

/** A database whose DBCore calls are counted: what reached IndexedDB, by request type. */
class CountingDB extends Dexie {
  rows!: Table<Row, string>;
  byN!: Table<Row, number>;
  pairs!: Table<{ a: string; b: string; v: number }, [string, string]>;
  calls: Record<string, number> = {};
  constructor(name: string) {
    super(name);
    this.version(1).stores({ rows: 'id', byN: 'n, &id', pairs: '[a+b]' });
    this.use({
      stack: 'dbcore',
      name: 'count',
      create: (down: DBCore): DBCore => ({
        ...down,
        table: (name) => {
          const t = down.table(name);
          const bump = (k: string) => (this.calls[k] = (this.calls[k] ?? 0) + 1);
          return {
            ...t,
            get: (req) => (bump('get'), t.get(req)),
            getMany: (req) => (bump(`getMany×${req.keys.length}`), t.getMany(req)),
            query: (req) => (bump('query'), t.query(req)),
            mutate: (req) => (bump(req.type === 'delete' ? `delete×${req.keys.length}` : req.type), t.mutate(req)),
          };
        },
      }),
    });
  }
}

let db: CountingDB;
const name = `key-ranges-${Math.random()}`;
const id = (i: number) => `ct_${i.toString().padStart(5, '0')}`;

beforeEach(async () => {
  db = new CountingDB(name);
  const rows = Array.from({ length: 1000 }, (_, i) => ({ id: id(i), n: i + 1, v: i }));
  await db.rows.bulkAdd(rows);
  await db.byN.bulkAdd(rows);
  db.calls = {};
});
afterEach(async () => {
  db.close();
  await Dexie.delete(name);
});

describe('reading many keys with one range read', () => {
  it('finds neighbouring keys (with strangers and missing keys among them) in one read, primary key or unique index', async () => {
    const wanted = [...Array.from({ length: 100 }, (_, i) => id((200 + i * 1.5) | 0)), 'ct_00250x', 'ct_00300x'].reverse();
    for (const [table, field] of [
      [db.rows, 'id'],
      [db.byN, 'id'],
    ] as const) {
      db.calls = {};
      const { found, scanned } = await db.transaction('r', table, () =>
        getManyInRange(table as Table<Row, string | number>, field, wanted),
      );
      const calls = { ...db.calls };
      const truth = (await db.rows.bulkGet(wanted)).filter((r): r is Row => !!r);
      expect([...found.values()].sort((a, b) => a.v - b.v)).toEqual(truth.sort((a, b) => a.v - b.v));
      expect(found.size).toBe(100);
      // Every row between the first and last key wanted, in key order: 200 … 348 and nothing else.
      expect(scanned[0]).toBe(id(200));
      expect(scanned).toEqual([...scanned].sort());
      expect(scanned.length).toBeLessThanOrEqual(2 * wanted.length + 16);
      expect(calls).toEqual({ query: 1 });
    }
  });

  it('reads what the range read did not reach key by key, so widely spread keys are all found', async () => {
    const wanted = Array.from({ length: 20 }, (_, i) => id(i * 50)); // spans 951 rows: past the cap of 2 × 21 + 16 = 58
    wanted.push('ct_99999');
    const { found, scanned } = await db.transaction('r', db.byN, () => getManyInRange(db.byN, 'id', wanted));
    expect([...found.keys()].sort()).toEqual(wanted.filter((k) => k !== 'ct_99999').sort());
    expect(scanned).toHaveLength(58);
    // One range read, then one look-up per key past the 58th row (ids 100…950 and the missing one).
    expect(db.calls.query).toBe(1 + 18 + 1);
  });
});

describe('compound keys', () => {
  it('finds rows by [a+b] keys in one range read, in key order, and none when the range is empty', async () => {
    await db.pairs.bulkAdd(Array.from({ length: 300 }, (_, i) => ({ a: i < 150 ? 'x' : 'y', b: id(i), v: i })));
    db.calls = {};
    const wanted = [
      ['y', id(152)],
      ['x', id(140)],
      ['x', id(149)],
      ['x', `${id(145)}x`],
      ['x', id(140)],
    ];
    const rows = await db.transaction('r', db.pairs, () => getManyInCompoundRange(db.pairs, '[a+b]', wanted, (r) => [r.a, r.b]));
    expect(rows.map((r) => r.v)).toEqual([140, 149, 152]);
    expect(db.calls).toEqual({ query: 1 });
    db.calls = {};
    expect(
      await db.transaction('r', db.pairs, () =>
        getManyInCompoundRange(
          db.pairs,
          '[a+b]',
          [
            ['z', 'a'],
            ['z', 'b'],
          ],
          (r) => [r.a, r.b],
        ),
      ),
    ).toEqual([]);
    expect(db.calls).toEqual({ query: 1 });
  });
});

describe('deleting in runs', () => {
  it('deletes exactly the doomed rows: one range delete per run of neighbours, rows kept between them split the runs', async () => {
    const wanted = Array.from({ length: 60 }, (_, i) => id(100 + i));
    const keep = new Set([id(120), id(121), id(140)]);
    const doomed = new Set(wanted.filter((k) => !keep.has(k)));
    doomed.add(id(900)); // outside the range read
    await db.transaction('rw', db.rows, async () => {
      const { scanned } = await getManyInRange(db.rows, 'id', wanted);
      db.calls = {};
      await deleteInRuns(db.rows, scanned, doomed);
    });
    const left = new Set((await db.rows.toArray()).map((r) => r.id));
    expect(left.size).toBe(1000 - doomed.size);
    for (const k of doomed) expect(left.has(k)).toBe(false);
    for (const k of keep) expect(left.has(k)).toBe(true);
    // 100–119, 122–139, 141–159: three range deletes; 900 on its own.
    expect(db.calls.deleteRange).toBe(3);
    expect(db.calls['delete×1']).toBe(1);
  });
});
