// Backfill and delete, end to end in Chromium against the simulated HubSpot: a connection saved
// and its options page closed at once still sends everything stored before, once, even with the
// worker stopped right then (the service worker runs the backfill and resumes it); "Delete all
// local data" while a sync is on the wire deletes the records and nothing comes back, keeping the
// connection; the second choice deletes the connection and settings too.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HubspotSim, startHubspotSim } from '../sims/hubspot';
import { type ExtensionHandle, launchWithExtension } from './harness/browser';
import { chooseImportFile } from './harness/options';

const BEFORE = 3000;
const DURING = 1500;
const dir = mkdtempSync(join(tmpdir(), 'rapport-e2e-delete-'));
const people = (n: number, tag: string) =>
  ['Name,Email', ...Array.from({ length: n }, (_, i) => `${tag} Person ${i},${tag}.${i}@client${i % 30}.example`)].join('\n');
const beforeCsv = join(dir, 'before.csv');
const duringCsv = join(dir, 'during.csv');
writeFileSync(beforeCsv, people(BEFORE, 'before'));
writeFileSync(duringCsv, people(DURING, 'during'));

async function importFile(options: Page, path: string) {
  await chooseImportFile(options, path);
  await options.waitForSelector('[data-testid="import-done"]', { timeout: 120_000 });
}

/** Row counts of the extension's database, read from an extension page (same origin). */
function storeCounts(page: Page, stores: string[]): Promise<Record<string, number>> {
  return page.evaluate(
    (names) =>
      new Promise<Record<string, number>>((resolve, reject) => {
        const open = indexedDB.open('rapport');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(names, 'readonly');
          const out: Record<string, number> = {};
          for (const n of names) {
            const req = tx.objectStore(n).count();
            req.onsuccess = () => (out[n] = req.result);
          }
          tx.oncomplete = () => {
            db.close();
            resolve(out);
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    stores,
  );
}

const contactsShown = (options: Page) =>
  options.$eval('[data-testid="data-stats"]', (el) => (el as HTMLElement).innerText.replace(/[,\s]/g, ''));

describe('backfill in the service worker, and delete-all with its two choices', () => {
  let sim: HubspotSim;
  let ext: ExtensionHandle;

  beforeAll(async () => {
    // A real round trip per request, so a sync of 1,500 people is still on the wire when we delete.
    sim = await startHubspotSim({ latencyMs: 300 });
    ext = await launchWithExtension();
  });
  afterAll(async () => {
    await ext?.close();
    await sim?.close();
  });

  it('a connection saved and its page closed at once still sends everything stored before it, exactly once, across a worker restart', async () => {
    const options = await ext.openOptions();
    await importFile(options, beforeCsv);
    await options.click('[data-testid="connector-add"]');
    await options.select('[data-testid="connector-form"] select[name="type"]', 'hubspot');
    await options.waitForSelector('[data-testid="connector-form"][data-type="hubspot"] input[name="accessToken"]');
    await options.type('[data-testid="connector-form"] input[name="accessToken"]', 'hs-test-token');
    await options.$eval('[data-testid="connector-form"] input[name="baseUrl"]', (el) => {
      (el as HTMLInputElement).value = '';
    });
    await options.type('[data-testid="connector-form"] input[name="baseUrl"]', sim.url);
    await options.click('[data-testid="connector-save"]');
    // The connection is stored: close the page at once (before, the backfill ran in this page).
    await options.waitForSelector('[data-testid="connector-status"][data-type="hubspot"]');
    await options.close();
    // And the worker stopped at once, somewhere in the backfill or the first batches: it resumes on start.
    await ext.stopServiceWorker();
    await ext.serviceWorker();

    for (const deadline = Date.now() + 120_000; sim.list('contacts').length < BEFORE;) {
      if (Date.now() > deadline) throw new Error(`backfill did not finish: ${sim.list('contacts').length} of ${BEFORE} in HubSpot`);
      await new Promise((r) => setTimeout(r, 250));
    }
    await new Promise((r) => setTimeout(r, 1000));
    const emails = sim.list('contacts').map((c) => c.properties.email);
    expect(emails).toHaveLength(BEFORE);
    expect(new Set(emails).size).toBe(BEFORE);
  });

  it('"Delete all local data" (records only) while a sync is on the wire: nothing comes back, the connection stays', async () => {
    const options = await ext.openOptions();
    await options.waitForSelector('[data-testid="connector-status"][data-pending="0"]', { timeout: 60_000 });
    await importFile(options, duringCsv);
    // The import wakes the sync: delete while it is sending.
    for (const deadline = Date.now() + 60_000; sim.list('contacts').length <= BEFORE;) {
      if (Date.now() > deadline) throw new Error('the sync of the imported people did not start');
      await new Promise((r) => setTimeout(r, 10));
    }
    let dialog = '';
    options.once('dialog', (d) => {
      dialog = d.message();
      void d.accept();
    });
    await options.click('[data-testid="delete-all"]');
    await options.waitForFunction(() => document.querySelector('[data-testid="data-notice"]')?.textContent?.includes('deleted'), {
      timeout: 60_000,
    });
    const sentWhenDeleted = sim.list('contacts').length;
    expect(sentWhenDeleted, 'the delete came while the sync was still sending').toBeLessThan(BEFORE + DURING);
    // It said exactly what goes and what stays.
    expect(dialog).toContain(`${new Intl.NumberFormat('en-US').format(BEFORE + DURING)} contacts`);
    expect(dialog).toContain('CRM connections, rules and settings are kept');
    expect(await options.$eval('[data-testid="data-notice"]', (el) => el.textContent)).toContain('kept');

    // Give the stopped sync time to write anything it still held: nothing may come back.
    await new Promise((r) => setTimeout(r, 3000));
    expect(await storeCounts(options, ['contacts', 'companies', 'outbox', 'links', 'postings'])).toEqual({
      contacts: 0,
      companies: 0,
      outbox: 0,
      links: 0,
      postings: 0,
    });
    await options.reload();
    await options.waitForFunction(() => !document.querySelector('[data-testid="data-stats"]')?.textContent?.includes('Counting'));
    expect(await contactsShown(options)).toMatch(/(^|\D)0contacts/);
    expect(await options.$('[data-testid="connector-status"][data-type="hubspot"]')).not.toBeNull();
    // Nothing is sent after the delete for what it removed.
    const settled = sim.list('contacts').length;
    await new Promise((r) => setTimeout(r, 1500));
    expect(sim.list('contacts').length).toBe(settled);
  });

  it('the second choice also deletes the connection, its token, and the rules and settings', async () => {
    const options = await ext.openOptions();
    await importFile(options, beforeCsv);
    await options.waitForSelector('[data-testid="connector-status"][data-type="hubspot"]');
    await options.click('[data-testid="delete-all-settings"]');
    let dialog = '';
    options.once('dialog', (d) => {
      dialog = d.message();
      void d.accept();
    });
    await options.click('[data-testid="delete-all"]');
    await options.waitForFunction(() => document.querySelector('[data-testid="data-notice"]')?.textContent?.includes('connection'), {
      timeout: 60_000,
    });
    expect(dialog).toContain('CRM connections');
    expect(dialog).toContain('rules and settings');
    expect(await options.$eval('[data-testid="data-notice"]', (el) => el.textContent)).toContain('1 CRM connection');
    await options.waitForFunction(() => !document.querySelector('[data-testid="connector-status"]'));
    expect(await storeCounts(options, ['contacts', 'connectors', 'secrets', 'outbox', 'syncState', 'meta'])).toEqual({
      contacts: 0,
      connectors: 0,
      secrets: 0,
      outbox: 0,
      syncState: 0,
      meta: 0,
    });
  });
});
