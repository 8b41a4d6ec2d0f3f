// Every database version upgrades: each fixture in ./migrations/ is a database as the release that
// had that schema version left it (written by that release's own code, see
// ./migrations/README.md). Each is re-created in fake-indexeddb with exactly its release's
// declared versions, then opened by today's RapportDB, and must come out with:
// - the same tables and indexes as a database created at the current version;
// - every record, setting and sync row as it was (nothing re-queued, nothing lost);
// - a search index that answers like one built from the same data at the current version;
// - an outbox that the engine then pushes once per waiting change, to the remote records it had.
// A new schema version without its fixture fails the first test.
import Dexie from 'dexie';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry } from '../../../connectors/registry';
import { type IndexKind, RapportDB } from '../../../storage/db';
import { continueIndexRebuild, rebuildIndexStep, rebuildState } from '../../../storage/index-rebuild';
import { normalizeEmail } from '../../../storage/normalize';
import { decodeOffsets } from '../../../storage/posting-chunk';
import { findContactByEmail, findContactByLinkedinIds, resolveContactId } from '../../../storage/queries';
import { upsertContact } from '../../../storage/repositories';
import { putRecords, writeScope } from '../../../storage/records';
import type { Activity, Company, Contact } from '../../../storage/schema';
import { type SearchHit, docRank, search } from '../../../storage/search-index';
import { getSettings } from '../../../storage/settings';
import { BATCH_PREFIX, type LinkRow, type OutboxEntry, type SyncStateRow } from '../../../storage/sync-rows';
import { releaseDeadLeases, runOnce } from '../../../sync/engine';
import { FakeClock, MemoryCrm, fakeFetch } from '../sync/helpers';
import { afterUpgrade } from './migrations/after-upgrade';
import { type DatabaseDump, parseDump, restoreDump } from './migrations/dump';

const here = join(dirname(fileURLToPath(import.meta.url)), 'migrations');
/** v<N>.json, and variants of a version such as v5-rebuilding.json (a rebuild left half-way). */
const fixtures = readdirSync(here)
  .filter((f) => /^v\d+(-[a-z-]+)?\.json$/.test(f))
  .map((file) => ({ file, dump: parseDump(readFileSync(join(here, file), 'utf8')) }))
  .sort((a, b) => a.dump.version - b.dump.version || a.file.localeCompare(b.file));

/** The highest version today's RapportDB declares (Dexie counts declared versions before opening). */
const CURRENT = new RapportDB('migrations-declared-only').verno;

const RECORD_TABLES = ['contacts', 'companies', 'activities', 'tasks', 'deals', 'pipelines', 'items', 'stageChanges'] as const;
const SYNC_TABLES = ['connectors', 'secrets', 'outbox', 'links', 'syncState', 'crmCache'] as const;
const KIND_TABLES: [IndexKind, 'contacts' | 'companies' | 'activities'][] = [
  ['contact', 'contacts'],
  ['company', 'companies'],
  ['activity', 'activities'],
];

/** Names, addresses (as typed, in any case), companies, non-ASCII scripts, accents, prefixes. */
const QUERIES = [
  'lukasz',
  'Łukasz Wróbel',
  'wrob',
  'lw@firma.pl',
  'firma',
  'jose',
  'José Müller',
  'mull',
  'mueller',
  'JOSE.MULLER@ACME-BAU.DE',
  'acme bau',
  'acme-bau.de',
  'ana perez',
  'ANA.PEREZ@acme-bau.de',
  'cto madrid',
  'geschaftsfuhrer',
  'zoe',
  'Zoë Ng',
  'only.email@nowhere.io',
  'nowhere',
  '山田',
  '太郎',
  '部長',
  'Σωκράτης',
  'σωκ',
  'αθηνα',
  'ørsted',
  'orsted ae',
  'aenergi',
  'angebot',
  'Rückfrage',
  'ruckfr',
  'koln',
  'spotkanie lodzi',
  'naive cafe',
  'résumé',
  'vip kunde',
  'temporary',
  'gone.example',
  'a',
];

/**
 * Ids of the hits, best first. Hits that tie on everything search orders by (match score, last
 * activity, rank) come in the order of the index's top lists, which depends on the order records
 * were written: a tie is listed by id.
 */
function hitIds(kind: IndexKind, hits: SearchHit<{ id: string; n: number }>[]): string[] {
  const tie = (h: SearchHit<{ id: string; n: number }>) =>
    `${h.score}|${(h.record as { lastActivityAt?: string }).lastActivityAt ?? ''}|${docRank(kind, h.record as never)}`;
  const group = new Map<string, number>();
  for (const h of hits) if (!group.has(tie(h))) group.set(tie(h), group.size);
  return [...hits]
    .sort((a, b) => group.get(tie(a))! - group.get(tie(b))! || (a.record.id < b.record.id ? -1 : a.record.id > b.record.id ? 1 : 0))
    .map((h) => h.record.id);
}

async function answers(db: RapportDB): Promise<Record<string, Record<IndexKind, string[]>>> {
  const out: Record<string, Record<IndexKind, string[]>> = {};
  for (const q of QUERIES) {
    const r = await search(db, q, { limit: 50 });
    out[q] = {
      contact: hitIds('contact', r.contacts),
      company: hitIds('company', r.companies),
      activity: hitIds('activity', r.activities),
    };
  }
  return out;
}

/** The index's content by record id rather than internal number (a fresh database numbers anew). */
async function indexById(db: RapportDB) {
  const idOf = new Map<string, string>();
  for (const [kind, table] of KIND_TABLES) for (const r of await db.table(table).toArray()) idOf.set(`${kind}|${r.n}`, r.id);
  const postings = new Map<string, string[]>();
  for (const row of await db.postings.toArray()) {
    const key = `${row.k}|${row.t}`;
    const ids = Array.from(decodeOffsets(row), (o) => idOf.get(`${row.k}|${(row.c << 16) + o}`) ?? `missing ${(row.c << 16) + o}`);
    postings.set(key, [...(postings.get(key) ?? []), ...ids].sort());
  }
  const prefixes = new Map<string, { count: number; truncated: boolean; ranked: string[] }>();
  for (const e of await db.prefixes.toArray()) {
    const ranked = Array.from(e.ids, (n, i) => `${idOf.get(`${e.k}|${n}`) ?? `missing ${n}`}@${e.ranks[i]}`).sort();
    prefixes.set(`${e.k}|${e.p}`, { count: e.count, truncated: e.truncated, ranked });
  }
  return { postings, prefixes };
}

/** Object stores and indexes as IndexedDB holds them (not as Dexie declares them). */
async function physicalSchema(db: Dexie) {
  const idb = db.backendDB();
  const names = Array.from(idb.objectStoreNames).filter((n) => !n.startsWith('$'));
  const tx = idb.transaction(names, 'readonly');
  return Object.fromEntries(
    names.map((name) => {
      const store = tx.objectStore(name);
      const indexes = Array.from(store.indexNames)
        .map((i) => store.index(i))
        .map((i) => ({ name: i.name, keyPath: i.keyPath, unique: i.unique, multiEntry: i.multiEntry }));
      return [name, { keyPath: store.keyPath, autoIncrement: store.autoIncrement, indexes }];
    }),
  );
}

/** The same logical data written at the current version through today's write path. */
async function freshCopy(name: string, dump: DatabaseDump): Promise<RapportDB> {
  const db = new RapportDB(name);
  await db.open();
  const rows = (table: string) => afterUpgrade(dump, table) as { n?: number }[];
  for (const [kind, table] of KIND_TABLES) {
    const records = rows(table).map(({ n: _n, ...rec }) => rec) as (Contact | Company | Activity)[];
    await db.transaction('rw', writeScope(db, kind), () => putRecords(db, kind, records as never));
  }
  await db.tasks.bulkAdd(rows('tasks') as never);
  await db.deals.bulkAdd(rows('deals') as never);
  // Settings; not a rebuild's progress (this index is complete).
  await db.meta.bulkAdd(rows('meta').filter((m) => (m as { key: string }).key !== 'indexRebuild') as never);
  return db;
}

it('has a fixture for every schema version, 1 … current', () => {
  expect([...new Set(fixtures.map((f) => f.dump.version))]).toEqual(Array.from({ length: CURRENT }, (_, i) => i + 1));
});

it('declares every version as its newest fixture recorded it: a released version is never edited, a new one is added', () => {
  const declared = (
    new RapportDB('migrations-declared-only') as unknown as { _versions: { _cfg: { version: number; storesSource: object } }[] }
  )._versions;
  const newest = fixtures.filter((f) => f.dump.version === CURRENT).map((f) => f.dump.stores);
  expect(newest.length).toBeGreaterThan(0);
  for (const stores of newest) {
    expect(Object.fromEntries(declared.map((v) => [String(v._cfg.version), v._cfg.storesSource]))).toEqual(stores);
  }
});

describe.each(fixtures.map((f) => [f.file, f.dump.writtenBy, f.dump] as const))('%s (written by %s)', (file, _by, dump) => {
  const name = `migrate-${file}-${Math.random().toString(36).slice(2)}`;
  let db: RapportDB;
  let fresh: RapportDB;
  const rows = <T>(table: string) => (dump.tables[table] ?? []) as T[];

  beforeAll(async () => {
    await restoreDump(name, dump);
    db = new RapportDB(name);
    await db.open();
    fresh = await freshCopy(`${name}-fresh`, dump);
  });
  afterAll(async () => {
    db.close();
    fresh.close();
    await Dexie.delete(name);
    await Dexie.delete(`${name}-fresh`);
  });

  it('opens at the current version with the tables and indexes of a database created at it', async () => {
    expect(db.verno).toBe(CURRENT);
    expect(await physicalSchema(db)).toEqual(await physicalSchema(fresh));
  });

  it('keeps every record and setting as it was', async () => {
    for (const table of RECORD_TABLES) expect(await db.table(table).toArray(), table).toEqual(afterUpgrade(dump, table));
    const settings = rows<{ key: string; value: unknown }>('meta').find((m) => m.key === 'settings');
    if (settings) {
      // The one `sidebarCollapsed` flag of older releases now starts each site's sidebar layout.
      const { sidebarCollapsed, ...rest } = settings.value as Record<string, unknown>;
      const read = await getSettings(db);
      expect(read).toMatchObject(rest);
      if (typeof sidebarCollapsed === 'boolean') {
        expect(Object.values(read.sidebar).map((s) => s.collapsed)).toEqual([sidebarCollapsed, sidebarCollapsed, sidebarCollapsed]);
      }
    }
    // Other meta rows stay; the upgrade may add only the rebuild's progress.
    const meta = (await db.meta.toArray()).filter((m) => m.key !== 'indexRebuild');
    expect(meta).toEqual(rows('meta').filter((m) => (m as { key: string }).key !== 'indexRebuild'));
  });

  it("finds every person by each address it had, typed in any case: the next capture merges, it doesn't duplicate", async () => {
    const before = rows<Contact>('contacts');
    expect(before.some((c) => c.emails.length > 1)).toBe(true);
    for (const c of before) {
      for (const e of c.emails) expect((await findContactByEmail(` ${e.toUpperCase()} `, db))?.id, e).toBe(c.id);
    }
    // Stored as identity keys (today's form): a change to that form needs an upgrade that re-keys.
    for (const c of await db.contacts.toArray()) for (const e of c.emails) expect(normalizeEmail(e), e).toBe(e);
  });

  it('keeps the merge rows: a merged-away id still finds its person, a dismissed pair stays dismissed', async () => {
    for (const table of ['notDuplicates', 'redirects']) expect(await db.table(table).toArray(), table).toEqual(afterUpgrade(dump, table));
    for (const r of rows<{ from: string; to: string }>('redirects')) expect(await resolveContactId(r.from, db)).toBe(r.to);
  });

  it('keeps every sync row: nothing queued again, nothing lost', async () => {
    for (const table of SYNC_TABLES) expect(await db.table(table).toArray(), table).toEqual(afterUpgrade(dump, table));
  });

  it('answers every query as a database built at the current version, once its index is rebuilt (resumably)', async () => {
    const expected = await answers(fresh);
    expect(expected['Łukasz Wróbel'].contact).toHaveLength(1);
    if (await rebuildState(db)) {
      // Pages of two records: the rebuild stops and resumes many times.
      expect(await rebuildIndexStep(db, 2)).toBe(false);
      expect(await continueIndexRebuild(db, Infinity, 2)).toBe(true);
    }
    expect(await rebuildState(db)).toBeUndefined();
    expect(await answers(db)).toEqual(expected);
    expect(await indexById(db)).toEqual(await indexById(fresh));
  });

  it('then pushes each waiting change once, to the remote record it already has', async () => {
    const entries = rows<OutboxEntry>('outbox');
    const state = rows<SyncStateRow>('syncState');
    const remoteOf = new Map(rows<LinkRow>('links').map((l) => [`${l.kind}|${l.localId}`, l.remoteId]));
    for (const j of state.filter((s) => s.linkJournal))
      for (const [local, remote] of j.linkJournal!.links) remoteOf.set(`${j.linkJournal!.kind}|${local}`, remote);
    // In flight when a worker died: a request may have reached the CRM, so no longer a first send.
    const inFlight = new Set(
      state.flatMap((s) =>
        s.key.startsWith(BATCH_PREFIX) && s.batch ? (s.batch.localIds ?? s.batch.entries!.map(([id]) => id.split('|')[2])) : [],
      ),
    );

    const crm = new MemoryCrm();
    for (const [key, remoteId] of remoteOf) {
      const [kind, localId] = key.split('|') as [OutboxEntry['kind'], string];
      crm.records.set(key, { remoteId, kind, localId, writes: 0, linked: { contacts: {}, companies: {} } });
    }
    const registry = createRegistry([crm.connector()]);
    const clock = new FakeClock();
    const opts = { now: clock.now, sleep: clock.sleep, fetch: fakeFetch(), random: () => 0.5 };
    // What the service worker does when it starts: the leases of the worker that died are freed.
    await releaseDeadLeases(db, clock.now());
    for (let i = 0; i < 20 && (await db.outbox.filter((e) => e.state !== 'dead').count()) > 0; i++) {
      const run = await runOnce(db, registry, opts);
      if (run.nextDueAt) clock.advance(Math.max(0, run.nextDueAt - clock.now()));
    }

    const waiting = entries.filter((e) => e.state !== 'dead');
    const pushed = crm.pushes.flatMap((p) =>
      p.items.map((it) => ({ key: `${p.kind}|${it.item.record.id}`, remoteId: it.remoteId, firstSend: !!it.firstSend })),
    );
    expect(pushed.map((p) => p.key).sort()).toEqual(waiting.map((e) => `${e.kind}|${e.localId}`).sort());
    for (const p of pushed) {
      const entry = waiting.find((e) => `${e.kind}|${e.localId}` === p.key)!;
      expect(p, p.key).toEqual({ key: p.key, remoteId: remoteOf.get(p.key), firstSend: !!entry.fresh && !inFlight.has(entry.localId) });
    }
    // Every remote record written at most once; those already linked keep their remote id.
    expect([...crm.records.values()].every((r) => r.writes <= 1)).toBe(true);
    const links = new Map((await db.links.toArray()).map((l) => [`${l.kind}|${l.localId}`, l.remoteId]));
    for (const [key, remoteId] of remoteOf) expect(links.get(key), key).toBe(remoteId);
    expect(links.size).toBe(new Set([...remoteOf.keys(), ...waiting.map((e) => `${e.kind}|${e.localId}`)]).size);
    // Only what the CRM rejected for good is left, as it was.
    expect(await db.outbox.toArray()).toEqual(entries.filter((e) => e.state === 'dead'));
  });

  // Last: it writes (a capture after the upgrade).
  it('finds people by their LinkedIn URNs: a lead saved after the upgrade merges by public id, then by URN alone', async () => {
    const before = rows<Contact>('contacts');
    for (const c of before)
      for (const u of c.linkedinUrns ?? []) expect((await findContactByLinkedinIds(undefined, [u], db))?.id, u).toBe(c.id);
    const jose = before.find((c) => c.linkedinId === 'josé-muller-1')!;
    const urn = 'urn:li:fs_salesProfile:ACwAAAfterUpgrade0001';
    const src = { type: 'linkedin' as const, at: '2026-12-07T10:00:00.000Z' };
    const byProfile = await upsertContact(
      { name: 'José Müller', linkedinUrl: 'https://www.linkedin.com/in/josé-muller-1/', linkedinUrns: [urn] },
      src,
      {},
      db,
    );
    expect(byProfile.contact.id).toBe(jose.id);
    const byUrn = await upsertContact({ name: 'José Müller', title: 'Bauleiter', linkedinUrns: [urn] }, src, {}, db);
    expect(byUrn.contact.id).toBe(jose.id);
    expect(await db.contacts.count()).toBe(before.length);
  });
});
