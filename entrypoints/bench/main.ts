// Benchmark harness page (test builds only): seeds the database and runs the baselines in the
// extension origin, driven by tests/bench/search.bench.mjs through puppeteer.
import MiniSearch from 'minisearch';
import { type StoredContact, getDb } from '../../storage/db';
import { fold, tokenize } from '../../storage/normalize';
import { putRecords, writeScope } from '../../storage/records';
import { deleteAllData } from '../../storage/repositories';
import { search } from '../../storage/search-index';
import { rebuildState } from '../../storage/index-rebuild';
import { registry } from '../../connectors/registry';
import { saveConnectorInstance } from '../../sync/connectors';
import { activityChanges, enqueue } from '../../storage/outbox';
import { bulkEditContacts } from '../../storage/bulk';
import { backfill, backfillKey } from '../../storage/backfill';
import { runOnce } from '../../sync/engine';
import { testConnection } from '../background/sync-service';
import { makeDataSet, sampleQueries } from '../../tests/bench/generator';
import { parseGmailThread } from '../../sites/gmail/parse';
import { parseLinkedinPage } from '../../sites/linkedin/parse';
import { parseOutlookThread } from '../../sites/outlook/parse';
import { taskBench } from './tasks';
import { pipelineBench } from './pipelines';
import './items';

const db = getDb();

async function seed(opts: {
  contacts: number;
  companies: number;
  activities: number;
  seed: number;
  batch?: number;
  workspaceFields?: boolean;
}) {
  await deleteAllData(db);
  const ds = makeDataSet(opts);
  const batch = opts.batch ?? 50_000;
  const times: Record<string, number> = {};
  const t0 = performance.now();
  let t = performance.now();
  for (let i = 0; i < ds.companies.length; i += batch) {
    const rows = ds.companies.slice(i, i + batch);
    await db.transaction('rw', writeScope(db, 'company'), () => putRecords(db, 'company', rows));
  }
  times.companies = performance.now() - t;
  t = performance.now();
  for (let i = 0; i < opts.contacts; i += batch) {
    const rows = ds.contacts(i, Math.min(batch, opts.contacts - i));
    await db.transaction('rw', writeScope(db, 'contact'), () => putRecords(db, 'contact', rows));
  }
  times.contacts = performance.now() - t;
  t = performance.now();
  let genMs = 0;
  for (let i = 0; i < opts.activities; i += batch) {
    const g = performance.now();
    const rows = ds.activities(i, Math.min(batch, opts.activities - i));
    genMs += performance.now() - g;
    await db.transaction('rw', writeScope(db, 'activity'), () => putRecords(db, 'activity', rows));
  }
  times.activities = performance.now() - t - genMs;
  const total = performance.now() - t0 - genMs;
  const rows = opts.contacts + opts.companies + opts.activities;
  return { rows, ms: total, rowsPerSec: rows / (total / 1000), times, generatorMs: genMs };
}

/** Query texts drawn from random stored records of every kind (people, companies, subjects). */
async function queries(count: number, seedNo: number) {
  const texts: string[] = [];
  const [nc, no, na] = await Promise.all([db.contacts.count(), db.companies.count(), db.activities.count()]);
  const pickN = (max: number, k: number) => Array.from({ length: k }, (_, i) => 1 + ((i * 2654435761 + seedNo) % max));
  const cs = await db.contacts.bulkGet(pickN(nc, count));
  const os = await db.companies.bulkGet(pickN(no, Math.ceil(count / 4)));
  const as = await db.activities.bulkGet(pickN(na, Math.ceil(count / 2)));
  for (const c of cs) if (c) texts.push(`${c.name} ${c.company ?? ''}`, c.emails[0] ?? c.name);
  for (const o of os) if (o) texts.push(o.name);
  for (const a of as) if (a) texts.push(a.subject ?? '', `${a.participants?.[0]?.name ?? ''} ${a.subject ?? ''}`);
  return sampleQueries(texts.filter(Boolean), count, seedNo);
}

function naiveMatcher(q: string) {
  const words = tokenize(q);
  return (text: string) => {
    const terms = tokenize(text);
    return words.every((w) => terms.some((t) => t.startsWith(w)));
  };
}

/** Baseline (a): what a plain Dexie app does — scan each table with filter(). */
async function naive(q: string, limit = 20) {
  const m = naiveMatcher(q);
  const t = performance.now();
  const [c, o, a] = await Promise.all([
    db.contacts
      .filter((r) => m([r.name, r.company, r.title, r.location, ...r.emails, ...r.tags].join(' ')))
      .limit(limit)
      .toArray(),
    db.companies
      .filter((r) => m(`${r.name} ${r.domain ?? ''}`))
      .limit(10)
      .toArray(),
    db.activities
      .filter((r) => m([r.subject, r.snippet, ...(r.participants ?? []).flatMap((p) => [p.name, p.email])].join(' ')))
      .limit(limit)
      .toArray(),
  ]);
  return { ms: performance.now() - t, hits: c.length + o.length + a.length };
}

let mini: MiniSearch | undefined;
const miniOptions = {
  fields: ['text'],
  storeFields: ['kind'],
  processTerm: (term: string) => fold(term),
  tokenize: (text: string) => text.split(/[^\p{L}\p{N}]+/u).filter(Boolean),
  searchOptions: { prefix: true, combineWith: 'AND' as const },
};

/** Baseline (b): MiniSearch. Cold cost = read every record from IndexedDB and build, or load a saved index. */
async function miniBuild() {
  const t0 = performance.now();
  mini = new MiniSearch(miniOptions);
  let docs = 0;
  await db.contacts.each((r) => {
    mini!.add({ id: `c${r.n}`, kind: 'contact', text: [r.name, r.company, r.title, r.location, ...r.emails, ...r.tags].join(' ') });
    docs++;
  });
  await db.companies.each((r) => {
    mini!.add({ id: `o${r.n}`, kind: 'company', text: `${r.name} ${r.domain ?? ''}` });
    docs++;
  });
  await db.activities.each((r) => {
    mini!.add({
      id: `a${r.n}`,
      kind: 'activity',
      text: [r.subject, r.snippet, ...(r.participants ?? []).flatMap((p) => [p.name, p.email])].join(' '),
    });
    docs++;
  });
  const buildMs = performance.now() - t0;
  let serialized: { ms: number; chars: number } | { error: string };
  try {
    const s0 = performance.now();
    const json = JSON.stringify(mini);
    serialized = { ms: performance.now() - s0, chars: json.length };
    (globalThis as { __miniJson?: string }).__miniJson = json;
  } catch (e) {
    serialized = { error: (e as Error).message };
  }
  return { docs, buildMs, serialized };
}

/** Loading a saved MiniSearch index (what a popup would do instead of rebuilding). */
function miniLoad() {
  const json = (globalThis as { __miniJson?: string }).__miniJson;
  if (!json) return { error: 'no serialized index (it could not be produced)' };
  const t = performance.now();
  mini = MiniSearch.loadJSON(json, miniOptions);
  return { ms: performance.now() - t };
}

function miniQuery(q: string) {
  const t = performance.now();
  const hits = mini!.search(q).slice(0, 50);
  return { ms: performance.now() - t, hits: hits.length };
}

async function storage() {
  const est = await navigator.storage.estimate();
  let indexBytes = 0;
  await db.postings.each((p) => (indexBytes += (p.offs ?? p.bits)!.byteLength + p.t.length * 2 + 32));
  await db.prefixes.each((p) => (indexBytes += p.ids.byteLength + p.ranks.byteLength + p.p.length * 2 + 40));
  const counts = { contacts: await db.contacts.count(), companies: await db.companies.count(), activities: await db.activities.count() };
  return { usage: est.usage ?? 0, indexBytes, counts, postings: await db.postings.count(), prefixes: await db.prefixes.count() };
}

/** The floor of this browser's IndexedDB: plain puts of the same activity rows into a store without indexes. */
async function idbFloor(count = 20_000) {
  const ds = makeDataSet({ contacts: 1000, companies: 100, seed: 3 });
  const rows = ds.activities(0, count).map((r, i) => ({ ...r, n: i }));
  const name = 'rapport-bench-floor';
  await new Promise((res) => {
    const d = indexedDB.deleteDatabase(name);
    d.onsuccess = d.onerror = () => res(undefined);
  });
  const idb: IDBDatabase = await new Promise((res, rej) => {
    const r = indexedDB.open(name, 1);
    r.onupgradeneeded = () => r.result.createObjectStore('s', { keyPath: 'n' });
    r.onsuccess = () => res(r.result);
    r.onerror = () => rej(r.error);
  });
  const t = performance.now();
  await new Promise((res, rej) => {
    const tx = idb.transaction('s', 'readwrite');
    const st = tx.objectStore('s');
    for (const r of rows) st.put(r);
    tx.oncomplete = res;
    tx.onerror = () => rej(tx.error);
  });
  const ms = performance.now() - t;
  idb.close();
  indexedDB.deleteDatabase(name);
  return { rows: count, ms, rowsPerSec: count / (ms / 1000) };
}

/** Parse time of a page with the real parsers, in this browser (median of `runs`). */
function parseTimes(html: string, url: string, site: 'gmail' | 'outlook' | 'linkedin', runs = 15) {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const parse = site === 'gmail' ? parseGmailThread : site === 'outlook' ? parseOutlookThread : parseLinkedinPage;
  const times: number[] = [];
  let kind = '';
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    kind = parse(doc, url).kind;
    times.push(performance.now() - t);
  }
  const first = times[0];
  times.sort((a, b) => a - b);
  return { first, median: times[Math.floor(times.length / 2)], max: times[times.length - 1], kind };
}

/**
 * Connects a (simulated) HubSpot the way the options page does. `queue: 'backfill'` queues what is
 * stored as a new connection does (everything looked up before it is created); `'logged'` queues
 * it as if each record had just been saved or logged in the sidebar, through the same enqueue the
 * repositories call (new activities are first sends).
 */
async function connectHubspot(
  baseUrl: string,
  accessToken: string,
  opts: { existingContacts?: 'fill-empty' | 'overwrite'; kinds?: ('contact' | 'email')[]; queue?: 'backfill' | 'logged' } = {},
) {
  const inst = await saveConnectorInstance(db, registry, {
    type: 'hubspot',
    values: { accessToken, baseUrl, existingContacts: opts.existingContacts ?? 'overwrite' },
    kinds: opts.kinds ?? ['contact'],
  });
  // As the options page does after a save: the connection test, which also sets the account up (the
  // unique rapport_id property) and keeps that in the connection's memory. Returns its request count.
  const test = await testConnection(db, registry, 'hubspot', {}, inst.id);
  if (!test.ok) throw new Error(`connection test failed: ${test.error}`);
  if (opts.queue !== 'logged') return { id: inst.id, queued: await backfill(db, inst.id) };
  // Queued below as saves would queue them, not by the backfill the saved connection planned.
  await db.syncState.delete(backfillKey(inst.id));
  let queued = 0;
  const contacts = (await db.contacts.toArray()).map((c) => ({ kind: 'contact' as const, localId: c.id }));
  for (let i = 0; i < contacts.length; i += 2000) queued += await enqueue(db, contacts.slice(i, i + 2000));
  const activities = await db.activities.toArray();
  const changes = activityChanges(activities, new Set(activities.map((a) => a.id)));
  for (let i = 0; i < changes.length; i += 2000) queued += await enqueue(db, changes.slice(i, i + 2000));
  return { id: inst.id, queued };
}

/** Runs the sync engine in this page (same IndexedDB) and returns its log with timestamps (profiling). */
async function runEngineHere() {
  const events: { t: number; message: string }[] = [];
  const t0 = performance.now();
  const summary = await runOnce(db, registry, { log: (e) => events.push({ t: Math.round(performance.now() - t0), message: e.message }) });
  return { summary, events, ms: performance.now() - t0 };
}

/** search() alone (no UI), per query: how long it took. */
async function searchTimes(qs: string[]) {
  const out: { q: string; ms: number }[] = [];
  for (const q of qs) {
    const t = performance.now();
    await search(db, q);
    out.push({ q, ms: performance.now() - t });
  }
  return out;
}

/** Where a search-index rebuild stands (undefined when none runs). */
function indexRebuild() {
  return rebuildState(db);
}

async function outboxCount() {
  return db.outbox.count();
}

/** Whether the outbox is empty: one key read (a count walks every row, ~20k here, and would compete with the engine). */
async function outboxEmpty() {
  return (await db.outbox.limit(1).primaryKeys()).length === 0;
}

/**
 * Baseline of bench:workspace: the People table's combined filter (stage + tag + last-contact range)
 * as a plain Dexie app does it, filter() over the contacts table, rows and count.
 */
async function dexieFilter(f: { stage: string; tag: string; after: string; before: string }) {
  const t = performance.now();
  const rows = await db.contacts
    .filter(
      (c) =>
        c.stage === f.stage && c.tags.includes(f.tag) && !!c.lastActivityAt && c.lastActivityAt >= f.after && c.lastActivityAt < f.before,
    )
    .toArray();
  return { ms: performance.now() - t, count: rows.length };
}

/**
 * bench:workspace's bulk tag, in steps so the bench can watch the workspace page between them.
 * bulkTagStart: a connection that takes contacts (written straight into its table: no backfill,
 * nothing pushed; paused, so a woken sync engine sends nothing).
 */
let bulkSaved: StoredContact[] = [];
async function bulkTagStart(count: number) {
  // Kept to be put back at the end: each edit adds a source to the records, which would grow from run to run.
  bulkSaved = await db.contacts.limit(count).toArray();
  const at = Date.now();
  await db.connectors.put({
    id: 'bench-bulk',
    type: 'webhook',
    name: 'bench bulk',
    config: {},
    enabled: true,
    kinds: ['contact'],
    direction: 'push',
    fieldMapping: {},
    status: { paused: true },
    createdAt: at,
    updatedAt: at,
  });
}

// With their numbers, as the People table passes them.
const bulkIds = async (count: number) => (await db.contacts.limit(count).toArray()).map((c) => ({ id: c.id, n: c.n }));

/** `count` people tagged through storage/bulk.ts: how many changed, the time, and when it started (epoch ms, to compare across pages). */
async function bulkTag(count: number, tag: string) {
  const ids = await bulkIds(count);
  const source = { type: 'manual' as const, at: new Date().toISOString() };
  const t = performance.now();
  const changed = await bulkEditContacts(ids, { addTags: [tag] }, source, { db });
  return { changed, ms: performance.now() - t, startedAt: performance.timeOrigin + t };
}

/**
 * The outbox entries of those people (coalesced: one per person), then the bench's traces taken
 * away untimed (entries, connection, and the records as they were, with their index), so a kept
 * profile stays as seeded.
 */
async function bulkTagEnd(count: number) {
  const ids = await bulkIds(count);
  const entries = await db.outbox
    .where('[kind+localId]')
    .anyOf(ids.map((k) => ['contact', k.id]))
    .toArray();
  await db.outbox.bulkDelete(entries.map((e) => e.id));
  await db.connectors.delete('bench-bulk');
  const saved = bulkSaved.map(({ n: _n, ...c }) => c);
  await db.transaction('rw', writeScope(db, 'contact'), () => putRecords(db, 'contact', saved));
  return { entries: entries.length, versions: [...new Set(entries.map((e) => e.version))] };
}

Object.assign(globalThis, {
  bench: {
    parseTimes,
    idbFloor,
    seed,
    queries,
    naive,
    miniBuild,
    miniLoad,
    miniQuery,
    storage,
    connectHubspot,
    outboxCount,
    outboxEmpty,
    runEngineHere,
    searchTimes,
    indexRebuild,
    dexieFilter,
    bulkTagStart,
    bulkTag,
    bulkTagEnd,
    ...taskBench,
    ...pipelineBench,
  },
  benchReady: true,
});
