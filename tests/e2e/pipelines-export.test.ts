// Pipelines travel in the JSON export (format version 2) in Chromium: a profile with an edited
// pipeline, items and their stage history exports from the options page; a fresh profile restores
// the file from its options page and then holds the same pipelines, items and history.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, describe, expect, it } from 'vitest';
import { type ExtensionHandle, launchWithExtension } from './harness/browser';
import { chooseImportFile } from './harness/options';

const dir = mkdtempSync(join(tmpdir(), 'rapport-e2e-pipelines-export-'));
const at = (day: number) => new Date(Date.UTC(2026, 10, day, 9)).toISOString();
const sources = [{ type: 'manual', at: at(1) }];

const pipeline = {
  id: 'pl_sales',
  name: 'Ventes Nord',
  kind: 'sales',
  position: 0,
  currency: 'EUR',
  createdAt: at(1),
  updatedAt: at(2),
  sources,
  stages: [
    { id: 'lead', name: 'Lead', category: 'open', probability: 0.1 },
    { id: 'demo', name: 'Démo 🎬', category: 'open', probability: 0.4 },
    { id: 'won', name: 'Won', category: 'won', probability: 1 },
    { id: 'lost', name: 'Lost', category: 'lost', probability: 0 },
  ],
};
const contact = {
  n: 1,
  id: 'ct_ann',
  name: 'Ann Quill',
  emails: ['ann@quill.example'],
  phones: [],
  tags: [],
  createdAt: at(1),
  updatedAt: at(1),
  sources,
};
const items = [
  {
    id: 'it_rollout',
    pipelineId: 'pl_sales',
    stageId: 'won',
    title: 'Quill rollout',
    contactIds: ['ct_ann'],
    threadIds: ['gmail:thread-1'],
    amount: 12000,
    currency: 'EUR',
    closeDate: '2026-12-31',
    stageEnteredAt: at(5),
    closedAt: at(5),
    createdAt: at(3),
    updatedAt: at(5),
    sources,
  },
  {
    id: 'it_pilot',
    pipelineId: 'pl_sales',
    stageId: 'demo',
    title: 'Pilot — Łódź',
    contactIds: ['ct_ann'],
    threadIds: [],
    notes: 'Second site',
    stageEnteredAt: at(4),
    createdAt: at(4),
    updatedAt: at(4),
    sources,
  },
];
const stageChanges = [
  { id: 'sc_1', itemId: 'it_rollout', pipelineId: 'pl_sales', to: 'lead', at: at(3) },
  { id: 'sc_2', itemId: 'it_rollout', pipelineId: 'pl_sales', from: 'lead', to: 'won', at: at(5) },
  { id: 'sc_3', itemId: 'it_pilot', pipelineId: 'pl_sales', to: 'demo', at: at(4) },
];

/** Writes rows into the extension's database (the tables exist: the worker created them). */
function putRows(rows: Record<string, unknown[]>): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open('rapport');
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const idb = req.result;
      const tx = idb.transaction(Object.keys(rows), 'readwrite');
      for (const [table, list] of Object.entries(rows)) for (const r of list) tx.objectStore(table).put(r);
      tx.oncomplete = () => {
        idb.close();
        resolve();
      };
      tx.onerror = () => reject(tx.error);
    };
  });
}

function readRows(tables: string[]): Promise<Record<string, unknown[]>> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open('rapport');
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const idb = req.result;
      const tx = idb.transaction(tables, 'readonly');
      const out: Record<string, unknown[]> = {};
      for (const t of tables) {
        const r = tx.objectStore(t).getAll();
        r.onsuccess = () => (out[t] = r.result);
      }
      tx.oncomplete = () => {
        idb.close();
        resolve(out);
      };
      tx.onerror = () => reject(tx.error);
    };
  });
}

async function optionsWithDownloads(ext: ExtensionHandle): Promise<Page> {
  const options = await ext.openOptions();
  const cdp = await options.createCDPSession();
  await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: dir });
  await options.waitForFunction(async () => (await indexedDB.databases()).some((d) => d.name === 'rapport'), { timeout: 15_000 });
  return options;
}

describe('pipelines in the JSON export', () => {
  const opened: ExtensionHandle[] = [];
  afterAll(async () => {
    for (const ext of opened) await ext.close();
  });

  it('a profile with pipeline items exports them, and a fresh profile restores the same items and history', async () => {
    const first = await launchWithExtension();
    opened.push(first);
    const options = await optionsWithDownloads(first);
    await options.evaluate(putRows, { contacts: [contact], pipelines: [pipeline], items, stageChanges });

    await options.click('[data-testid="export-json"]');
    let file: string | undefined;
    for (let i = 0; i < 100 && !file; i++) {
      file = readdirSync(dir).find((f) => /^rapport-export-\d{4}-\d{2}-\d{2}\.json$/.test(f));
      if (!file) await new Promise((r) => setTimeout(r, 100));
    }
    expect(file, 'export file downloaded').toBeDefined();
    const exported = JSON.parse(readFileSync(join(dir, file!), 'utf8'));
    expect(exported.version).toBe(2);
    expect(exported.items.map((i: { id: string }) => i.id).sort()).toEqual(['it_pilot', 'it_rollout']);
    const before = await options.evaluate(readRows, ['pipelines', 'items', 'stageChanges']);
    await first.close();
    opened.pop();

    const second = await launchWithExtension();
    opened.push(second);
    const fresh = await optionsWithDownloads(second);
    await chooseImportFile(fresh, join(dir, file!));
    const done = await fresh.waitForSelector('[data-testid="import-done"], [data-testid="import-failed"]', { timeout: 60_000 });
    expect(await done!.evaluate((e) => e.getAttribute('data-testid'))).toBe('import-done');
    const after = await fresh.evaluate(readRows, ['pipelines', 'items', 'stageChanges']);
    expect(after).toEqual(before);
    expect(after.items).toHaveLength(2);
    expect((after.pipelines as { id: string; name: string }[]).find((p) => p.id === 'pl_sales')?.name).toBe('Ventes Nord');
    expect(second.errors(fresh)).toEqual([]);
  });
});
