// The Duplicates page (workspace.html#/duplicates) in Chromium: people imported twice under two
// addresses are suggested with the reason; merging them leaves one person the popup finds with both
// addresses; "not a duplicate" is remembered across a reload.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtensionHandle, launchWithExtension } from './harness/browser';
import { chooseImportFile } from './harness/options';

const dir = mkdtempSync(join(tmpdir(), 'rapport-e2e-dup-'));
const csvPath = join(dir, 'people.csv');
writeFileSync(
  csvPath,
  [
    'Name,Email,Company,Phone,Title',
    'María García,maria@acme-industrial.example,Acme Industrial,,Buyer',
    'Maria Garcia,maria.garcia.home@gmail.com,Acme Industrial,,Head of Purchasing',
    'Tom Berg,tom@berg-one.example,,+49 151 12345678,',
    'Thomas Berg,thomas@berg-two.example,,+4915112345678,',
  ].join('\r\n'),
);

const pairs = (page: Page) =>
  page.$$eval('[data-testid="duplicate-pair"]', (els) =>
    els.map((e) => ({
      a: e.getAttribute('data-a')!,
      b: e.getAttribute('data-b')!,
      reason: e.getAttribute('data-reason'),
      text: (e as HTMLElement).innerText,
    })),
  );

async function search(popup: Page, q: string) {
  await popup.waitForSelector('[data-testid="search-input"]');
  await popup.type('[data-testid="search-input"]', q);
  await popup.waitForFunction(
    (query) => document.querySelector('[data-testid="search-results"]')?.getAttribute('data-query') === query,
    {},
    q,
  );
  return popup.$$eval('[data-testid="search-result"]', (els) =>
    els.map((e) => ({ kind: e.getAttribute('data-kind'), text: (e as HTMLElement).innerText })),
  );
}

describe('duplicates', () => {
  let ext: ExtensionHandle;
  let ws: Page;

  beforeAll(async () => {
    ext = await launchWithExtension();
    const options = await ext.openOptions();
    await chooseImportFile(options, csvPath);
    await options.waitForSelector('[data-testid="import-done"]', { timeout: 60_000 });
    await options.close();
  });
  afterAll(async () => {
    await ext?.close();
  });

  it('lists each suggested pair with its reason', async () => {
    ws = await ext.openExtensionPage('workspace.html#/duplicates');
    await ws.waitForSelector('[data-testid="duplicate-pair"]');
    const found = await pairs(ws);
    expect(found.map((p) => p.reason)).toEqual(['same-name-company', 'same-phone']);
    expect(found[0].text).toContain('maria@acme-industrial.example');
    expect(found[0].text).toContain('maria.garcia.home@gmail.com');
    expect(found[0].text).toContain('Same name at the same company');
  });

  it('merges a pair with a choice per field: the pair goes, and the popup finds one person with both addresses', async () => {
    const [maria] = (await pairs(ws)).filter((p) => p.reason === 'same-name-company');
    const pair = `[data-testid="duplicate-pair"][data-a="${maria.a}"][data-b="${maria.b}"]`;
    await ws.click(`${pair} [data-testid="merge-pair"]`);
    await ws.waitForSelector(`${pair} [data-testid="merge-form"]`);
    // The title differs: one radio per side, the fuller, newer value chosen to begin with; take the other.
    const titles = await ws.$$eval(`${pair} input[name="field-title"]`, (els) =>
      els.map((e) => ({ value: (e as HTMLInputElement).value, checked: (e as HTMLInputElement).checked })),
    );
    expect(titles.map((t) => t.value)).toEqual(['a', 'b']);
    expect(titles.filter((t) => t.checked)).toHaveLength(1);
    const buyerSide = await ws.$$eval(`${pair} tr[data-field="title"] label`, (els) =>
      els.findIndex((l) => (l as HTMLElement).innerText.includes('Buyer')),
    );
    await ws.click(`${pair} input[name="field-title"][value="${buyerSide === 0 ? 'a' : 'b'}"]`);
    await ws.click(`${pair} [data-testid="merge-confirm"]`);
    await ws.waitForSelector('[data-testid="merge-report"]');
    await ws.waitForFunction((sel) => !document.querySelector(sel), {}, pair);
    expect((await pairs(ws)).map((p) => p.reason)).toEqual(['same-phone']);
    const survivor = await ws.$eval('[data-testid="merge-report"] [data-testid="contact-detail"]', (el) => (el as HTMLElement).innerText);
    expect(survivor).toContain('maria@acme-industrial.example');
    expect(survivor).toContain('maria.garcia.home@gmail.com');
    expect(survivor).toContain('Buyer');

    const popup = await ext.openPopup();
    const people = (await search(popup, 'garcia')).filter((r) => r.kind === 'contact');
    expect(people).toHaveLength(1);
    await popup.click('[data-testid="search-result"][data-kind="contact"]');
    const detail = await popup.waitForSelector('[data-testid="contact-detail"]');
    const text = await detail!.evaluate((el) => (el as HTMLElement).innerText);
    expect(text).toContain('maria@acme-industrial.example');
    expect(text).toContain('maria.garcia.home@gmail.com');
    await popup.close();
  });

  it('"not a duplicate" removes the pair, also after a reload', async () => {
    await ws.click('[data-testid="duplicate-pair"][data-reason="same-phone"] [data-testid="not-duplicate"]');
    await ws.waitForSelector('[data-testid="duplicates-empty"]');
    await ws.reload({ waitUntil: 'load' });
    await ws.waitForSelector('[data-testid="duplicates-empty"]');
    expect(await pairs(ws)).toEqual([]);
    expect(ext.errors(ws)).toEqual([]);
  });
});
