// Database upgrades in Chromium's own IndexedDB: each migration fixture (tests/unit/storage/
// migrations/, a database as the code of that schema version left it) is written into the
// extension's origin with raw IndexedDB, at the native version Dexie gave it, while the service
// worker is stopped. Then the worker starts: it opens the database (the upgrade), finishes the
// index rebuild, and the popup must find the people again. The unit test checks far more; this one
// checks that Chromium's IndexedDB and Dexie's upgrade from the stored schema agree with it.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { afterUpgrade } from '../unit/storage/migrations/after-upgrade';
import { parseDump } from '../unit/storage/migrations/dump';
import { type ExtensionHandle, launchWithExtension } from './harness/browser';

const fixtureDir = join(import.meta.dirname, '../unit/storage/migrations');
const fixtures = readdirSync(fixtureDir)
  .filter((f) => /^v\d+(-[a-z-]+)?\.json$/.test(f))
  .sort()
  .map((file) => ({ file, text: readFileSync(join(fixtureDir, file), 'utf8') }));

/** In an extension page: the physical schema of 'rapport' (stores, key paths, indexes), its native version. */
function readSchema(): Promise<{ version: number; stores: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open('rapport');
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const idb = req.result;
      const names = Array.from(idb.objectStoreNames).filter((n) => !n.startsWith('$'));
      const tx = idb.transaction(names, 'readonly');
      const stores: Record<string, unknown> = {};
      for (const name of names) {
        const s = tx.objectStore(name);
        stores[name] = {
          keyPath: s.keyPath,
          indexes: Array.from(s.indexNames).map((i) => {
            const x = s.index(i);
            return { name: x.name, keyPath: x.keyPath, unique: x.unique, multiEntry: x.multiEntry };
          }),
        };
      }
      idb.close();
      resolve({ version: idb.version, stores });
    };
  });
}

/**
 * In an extension page: deletes 'rapport' and creates it as the dump describes, with raw
 * IndexedDB — stores and indexes from the Dexie declarations of versions 1…N, at native version
 * N × 10 as Dexie 4 opens it — then writes the dump's rows.
 */
function writeOldDatabase(text: string): Promise<number> {
  const dump = JSON.parse(text, (_k, v) =>
    v && typeof v === 'object' && '$typed' in v
      ? (globalThis as unknown as Record<string, { from(a: number[]): unknown }>)[v.$typed].from(v.values)
      : v,
  ) as { version: number; stores: Record<string, Record<string, string | null>>; tables: Record<string, unknown[]> };
  const keyPathOf = (src: string) => {
    const bare = src.replace(/^[&*]|^\+\+/, '');
    return bare.startsWith('[') ? bare.slice(1, -1).split('+') : bare;
  };
  const schema: Record<string, string> = {};
  for (const stores of Object.values(dump.stores)) {
    for (const [table, spec] of Object.entries(stores)) {
      if (spec === null) delete schema[table];
      else schema[table] = spec;
    }
  }
  return new Promise((resolve, reject) => {
    const del = indexedDB.deleteDatabase('rapport');
    del.onblocked = () => reject(new Error('deleting rapport is blocked: a connection is still open'));
    del.onerror = () => reject(del.error);
    del.onsuccess = () => {
      const req = indexedDB.open('rapport', dump.version * 10);
      req.onerror = () => reject(req.error);
      req.onupgradeneeded = () => {
        const idb = req.result;
        for (const [table, spec] of Object.entries(schema)) {
          const [primary, ...indexes] = spec.split(',').map((s) => s.trim());
          const store = idb.createObjectStore(table, { keyPath: keyPathOf(primary) });
          for (const index of indexes) {
            store.createIndex(index.replace(/^[&*]/, ''), keyPathOf(index), {
              unique: index.startsWith('&'),
              multiEntry: index.startsWith('*'),
            });
          }
        }
      };
      req.onsuccess = () => {
        const idb = req.result;
        const tx = idb.transaction(Object.keys(dump.tables), 'readwrite');
        for (const [table, rows] of Object.entries(dump.tables)) for (const row of rows) tx.objectStore(table).add(row);
        tx.oncomplete = () => {
          idb.close();
          resolve(idb.version);
        };
        tx.onerror = () => reject(tx.error);
      };
    };
  });
}

/** In an extension page: every row of the given tables, and whether a rebuild is pending. */
function readTables(tables: string[]): Promise<{ rows: Record<string, unknown[]>; rebuilding: boolean; version: number }> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open('rapport');
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const idb = req.result;
      const names = tables.filter((t) => idb.objectStoreNames.contains(t));
      const tx = idb.transaction([...names, 'meta'], 'readonly');
      const rows: Record<string, unknown[]> = {};
      for (const t of names) {
        const r = tx.objectStore(t).getAll();
        r.onsuccess = () => (rows[t] = r.result);
      }
      const rebuild = tx.objectStore('meta').get('indexRebuild');
      tx.oncomplete = () => {
        idb.close();
        resolve({ rows, rebuilding: rebuild.result !== undefined, version: idb.version });
      };
      tx.onerror = () => reject(tx.error);
    };
  });
}

async function search(popup: Page, q: string): Promise<string[]> {
  await popup.$eval('[data-testid="search-input"]', (el) => {
    (el as HTMLInputElement).value = '';
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await popup.waitForFunction(() => document.querySelector('[data-testid="search-results"]')?.getAttribute('data-query') === '');
  await popup.type('[data-testid="search-input"]', q);
  await popup.waitForFunction(
    (query) => document.querySelector('[data-testid="search-results"]')?.getAttribute('data-query') === query,
    {},
    q.trim(),
  );
  return popup.$$eval('[data-testid="search-result"]', (els) => els.map((e) => (e as HTMLElement).innerText));
}

/** The first hit's text ('' when nothing is found, so a failure shows the query's answer). */
async function first(popup: Page, q: string): Promise<string> {
  return (await search(popup, q))[0] ?? `nothing for ${q}`;
}

const RECORD_TABLES = ['contacts', 'companies', 'activities', 'tasks', 'deals', 'pipelines', 'items', 'stageChanges'];

describe('a database of each earlier version upgrades in Chromium', () => {
  let ext: ExtensionHandle;
  let page: Page;
  let current: { version: number; stores: Record<string, unknown> };

  beforeAll(async () => {
    ext = await launchWithExtension();
    // A page of the extension's origin that runs none of its code (so holds no connection).
    page = await ext.openExtensionPage('manifest.json');
    // The worker created the database at the current version when it started.
    await page.waitForFunction(async () => (await indexedDB.databases()).some((d) => d.name === 'rapport'), { timeout: 15_000 });
    current = await page.evaluate(readSchema);
  });
  afterAll(async () => {
    await ext?.close();
  });

  it.each(fixtures)('$file', async ({ text }) => {
    const dump = parseDump(text);
    await ext.stopServiceWorker();
    expect(await page.evaluate(writeOldDatabase, text)).toBe(dump.version * 10);
    // The worker starts: it opens the database (the upgrade) and finishes the index rebuild.
    await ext.serviceWorker();
    const deadline = Date.now() + 30_000;
    let state = await page.evaluate(readTables, RECORD_TABLES);
    while (state.version !== current.version || state.rebuilding) {
      if (Date.now() > deadline) throw new Error(`not upgraded and rebuilt within 30 s (version ${state.version})`);
      await new Promise((r) => setTimeout(r, 200));
      state = await page.evaluate(readTables, RECORD_TABLES);
    }
    expect(await page.evaluate(readSchema)).toEqual(current);
    const byKey = (rows: unknown[]) => [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    for (const t of RECORD_TABLES) expect(byKey(state.rows[t]), t).toEqual(byKey(afterUpgrade(dump, t)));

    const popup = await ext.openPopup();
    expect(await first(popup, 'lukasz')).toContain('Łukasz Wróbel');
    expect(await first(popup, 'mull')).toContain('José Müller');
    expect(await first(popup, 'σωκ')).toContain('Σωκράτης Παπαδόπουλος');
    expect(await first(popup, '山田')).toContain('山田 太郎');
    expect(await first(popup, 'ANA.PEREZ@acme-bau.de')).toContain('Ana Pérez');
    // Words longer than a prefix list's six letters: read from the postings, which v5 re-laid.
    expect(await first(popup, 'Σωκράτης Παπαδόπουλος')).toContain('Σωκράτης Παπαδόπουλος');
    expect(await first(popup, 'παπαδοπουλ')).toContain('Σωκράτης Παπαδόπουλος');
    expect(await first(popup, 'angebot rückfrage')).toContain('Angebot für Q3');
    expect(await search(popup, 'temporary')).toEqual([]);
    expect(ext.errors(popup)).toEqual([]);
    await popup.close();
  });
});
