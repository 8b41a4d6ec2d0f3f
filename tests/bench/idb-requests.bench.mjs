// What one IndexedDB request costs in Chromium, by kind: the figures behind the sync engine's
// design (sync/README.md → "Why rows per batch"). A plain page on 127.0.0.1 (no extension), Dexie
// from node_modules, 30 repetitions of each operation on 100 rows; medians in ms.
//
//   npm run bench:idb
import fs from 'node:fs';
import http from 'node:http';
import { launch } from './browser.mjs';

const dexie = fs.readFileSync(new URL('../../node_modules/dexie/dist/dexie.js', import.meta.url));

// Runs in the page.
async function measure() {
  /* global Dexie */
  const out = [];
  await Dexie.delete('idb-requests');
  const db = new Dexie('idb-requests');
  db.version(1).stores({
    contacts: 'n, &id, *emails, companyId, updatedAt',
    outbox: 'id, [connectorId+kind+nextAt+id], [connectorId+state], [kind+localId]',
    links: '[connectorId+kind+localId], [connectorId+kind+remoteId]',
    syncState: 'key',
  });
  const N = 10_000;
  const cid = 'hs1';
  const people = Array.from({ length: N }, (_, i) => ({
    n: i + 1,
    id: `ct_${(1_700_000_000_000 + i).toString(36)}${'x'.repeat(16)}`,
    name: `Person ${i}`,
    emails: [`p${i}@example.com`],
    companyId: `co${i % 100}`,
    updatedAt: 1,
  }));
  const entry = (c, extra = {}) => ({
    id: `${cid}|contact|${c.id}`,
    connectorId: cid,
    kind: 'contact',
    localId: c.id,
    state: 'pending',
    attempts: 0,
    nextAt: 1000,
    version: 1,
    createdAt: 1,
    updatedAt: 1,
    ...extra,
  });
  for (let i = 0; i < N; i += 2000) {
    await db.contacts.bulkAdd(people.slice(i, i + 2000));
    await db.outbox.bulkAdd(people.slice(i, i + 2000).map((c) => entry(c)));
  }
  const slice = (r) => people.slice(r * 100, r * 100 + 100);
  const time = async (name, fn) => {
    const ts = [];
    for (let r = 0; r < 30; r++) {
      const s = performance.now();
      await fn(r);
      ts.push(performance.now() - s);
    }
    ts.sort((a, b) => a - b);
    out.push([name, ts[15]]);
  };
  await time('empty read-write transaction', () => db.transaction('rw', db.outbox, async () => {}));
  await time('100 gets by a unique index (issued at once)', (r) =>
    db.transaction('r', db.contacts, () => Promise.all(slice(r).map((c) => db.contacts.get({ id: c.id })))),
  );
  await time('100 gets by primary key (bulkGet)', (r) => db.contacts.bulkGet(slice(r).map((c) => c.n)));
  await time('one range read of 100 rows (unique index)', (r) =>
    db.contacts.where('id').between(slice(r)[0].id, slice(r)[99].id, true, true).toArray(),
  );
  await time('100 puts, 3 compound indexes (bulkPut)', (r) => db.outbox.bulkPut(slice(r).map((c) => entry(c, { nextAt: 5000 + r }))));
  await time('100 puts, link rows (bulkPut)', (r) =>
    db.links.bulkPut(slice(r).map((c) => ({ connectorId: cid, kind: 'contact', localId: c.id, remoteId: String(r), syncedAt: 1 }))),
  );
  await time('one put of a row holding 100 pairs', (r) =>
    db.syncState.put({ key: `links|${r}`, links: slice(r).map((c) => [c.id, String(r)]) }),
  );
  await time('100 deletes (bulkDelete)', (r) => db.outbox.bulkDelete(slice(r + 30).map((c) => `${cid}|contact|${c.id}`)));
  // 2,500 rows: what the engine reads for a lease of 25 batches (the same range each time, so
  // warm; a first read of rows is ~2–3× slower, and under the load of a sync slower again).
  const dueRange = [
    [cid, 'contact', 1000, `${cid}|contact|${people[0].id}`],
    [cid, 'contact', 1000, `${cid}|contact|${people[2499].id}`],
  ];
  await time('2,500 rows by a compound index range (getAll)', () =>
    db.outbox
      .where('[connectorId+kind+nextAt+id]')
      .between(...dueRange, true, true)
      .toArray(),
  );
  await time('2,500 primary keys by the same range', () =>
    db.outbox
      .where('[connectorId+kind+nextAt+id]')
      .between(...dueRange, true, true)
      .primaryKeys(),
  );
  await time('2,500 contacts by a unique index range', () =>
    db.contacts.where('id').between(people[0].id, people[2499].id, true, true).toArray(),
  );
  await time('2,500 contacts by a primary-key range', () =>
    db.contacts.where(':id').between(people[0].n, people[2499].n, true, true).toArray(),
  );
  await time('one range delete of 100 rows', (r) =>
    db.outbox
      .where('id')
      .between(`${cid}|contact|${slice(r + 60)[0].id}`, `${cid}|contact|${slice(r + 60)[99].id}`, true, true)
      .delete(),
  );
  db.close();
  await Dexie.delete('idb-requests');
  return out;
}

const page = `<!doctype html><script src="/dexie.js"></script>`;
const server = http
  .createServer((req, res) => {
    res.setHeader('content-type', req.url === '/dexie.js' ? 'text/javascript' : 'text/html');
    res.end(req.url === '/dexie.js' ? dexie : page);
  })
  .listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const b = await launch({ noExtension: true });
try {
  const tab = await b.browser.newPage();
  await tab.goto(`http://127.0.0.1:${server.address().port}/`);
  const rows = await tab.evaluate(measure);
  console.log('\nIndexedDB in Chromium — median of 30, on 100 rows unless the line says otherwise (tests/bench/idb-requests.bench.mjs)');
  for (const [name, ms] of rows) console.log(`  ${name.padEnd(48)} ${ms.toFixed(1).padStart(6)} ms`);
} finally {
  await b.close();
  server.close();
}
