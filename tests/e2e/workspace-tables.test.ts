// The workspace's People table with real data: 300 people imported from a CSV, filtered by stage
// and tag with the count, sorted, columns chosen, the view kept in the URL across a reload and
// saved into the navigation, driven from the keyboard, then bulk-tagged and bulk-deleted (undo).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtensionHandle, launchWithExtension } from './harness/browser';
import { chooseImportFile } from './harness/options';

const PEOPLE = 300;
const STAGES = ['lead', 'customer', 'qualified'];
const pad = (i: number) => String(i).padStart(3, '0');
const dir = mkdtempSync(join(tmpdir(), 'rapport-e2e-tables-'));
const csvPath = join(dir, 'people.csv');
writeFileSync(
  csvPath,
  [
    'Name,Email,Company,Title,Stage,Tags',
    ...Array.from({ length: PEOPLE }, (_, i) => {
      const tags = [i % 4 === 0 ? 'vip' : '', i % 5 === 0 ? 'cold' : ''].filter(Boolean).join(';');
      return `Person ${pad(i)},person${i}@firm${i % 7}.example,Firm ${i % 7},Role ${i % 3},${STAGES[i % 3]},"${tags}"`;
    }),
  ].join('\r\n'),
);
// stage lead: i % 3 == 0; vip: i % 4 == 0 → i % 12 == 0.
const LEAD_VIPS = Array.from({ length: PEOPLE }, (_, i) => i).filter((i) => i % 12 === 0);

describe('workspace tables', () => {
  let ext: ExtensionHandle;
  let ws: Page;

  beforeAll(async () => {
    ext = await launchWithExtension();
    const options = await ext.openOptions();
    await chooseImportFile(options, csvPath);
    await options.waitForSelector('[data-testid="import-done"]', { timeout: 60_000 });
    await options.close();
    ws = await ext.openExtensionPage('workspace.html#/people');
  });
  afterAll(async () => {
    await ext?.close();
  });

  const count = (n: number) => ws.waitForSelector(`[data-testid="result-count"][data-count="${n}"]`, { timeout: 15_000 });
  const rowNames = () => ws.$$eval('[data-testid="person-row"] [data-column="name"]', (cells) => cells.map((c) => c.textContent));
  const headers = () => ws.$$eval('[data-testid="column-header"]', (hs) => hs.map((h) => h.getAttribute('data-column')));

  it('filters by stage and tag with the matching count, sorts, chooses columns, and reloads as it was', async () => {
    await count(PEOPLE);
    expect(await ws.$$eval('[data-testid="filter-stage"] option', (o) => o.map((x) => (x as HTMLOptionElement).value))).toEqual(
      expect.arrayContaining(['lead', 'customer', 'qualified']),
    );
    await ws.select('[data-testid="filter-stage"]', 'lead');
    await count(PEOPLE / 3);
    await ws.select('[data-testid="filter-tag"]', 'vip');
    await count(LEAD_VIPS.length);
    expect(new URL(ws.url()).hash).toMatch(/^#\/people\?(?=.*stage=lead)(?=.*tag=vip)/);

    await ws.click('[data-testid="column-header"][data-column="name"]');
    await ws.waitForFunction(() => location.hash.includes('sort=name'));
    expect((await rowNames()).slice(0, 3)).toEqual(LEAD_VIPS.slice(0, 3).map((i) => `Person ${pad(i)}`));
    await ws.click('[data-testid="column-header"][data-column="name"]');
    await ws.waitForFunction(() => location.hash.includes('sort=-name'));
    expect((await rowNames())[0]).toBe(`Person ${pad(LEAD_VIPS.at(-1)!)}`);

    await ws.click('[data-testid="columns-button"]');
    await ws.click('[data-testid="column-toggle"][data-column="title"]');
    await ws.click('[data-testid="column-toggle"][data-column="email"]');
    await ws.waitForFunction(() => location.hash.includes('cols='));
    expect(await headers()).toContain('title');
    expect(await headers()).not.toContain('email');

    await ws.reload({ waitUntil: 'load' });
    await count(LEAD_VIPS.length);
    expect((await rowNames())[0]).toBe(`Person ${pad(LEAD_VIPS.at(-1)!)}`);
    expect(await headers()).toContain('title');
    expect(await headers()).not.toContain('email');
    expect(await ws.$eval('[data-testid="filter-stage"]', (s) => (s as HTMLSelectElement).value)).toBe('lead');
  });

  it('saves the view into the navigation, and the saved view opens as it was saved', async () => {
    await ws.click('[data-testid="save-view"]');
    await ws.type('[data-testid="save-view-name"]', 'Lead VIPs');
    await ws.click('[data-testid="save-view-confirm"]');
    const link = await ws.waitForSelector('[data-testid="workspace-nav"] [data-testid="saved-view"]');
    expect(await link!.evaluate((a) => a.textContent)).toBe('Lead VIPs');
    await ws.click('[data-testid="nav-people"]');
    await count(PEOPLE);
    await ws.click('[data-testid="saved-view"]');
    await count(LEAD_VIPS.length);
    expect(await headers()).not.toContain('email');
  });

  it('moves with the arrows, selects with x and opens with Enter', async () => {
    await ws.focus('[data-testid="people-table"]');
    await ws.keyboard.press('ArrowDown');
    await ws.keyboard.press('ArrowDown');
    await ws.keyboard.press('x');
    await ws.waitForSelector('[data-testid="selection-count"][data-count="1"]');
    const picked = await ws.$eval('[data-testid="person-row"][aria-selected="true"]', (r) => r.getAttribute('data-id'));
    const third = await ws.$$eval('[data-testid="person-row"]', (rs) => rs[2].getAttribute('data-id'));
    expect(picked).toBe(third);
    await ws.keyboard.press('x');
    await ws.waitForSelector('[data-testid="bulk-bar"]', { hidden: true });
    await ws.keyboard.press('Enter');
    await ws.waitForFunction((id) => location.hash === `#/people/${encodeURIComponent(id!)}`, {}, third);
    await ws.goBack();
    await count(LEAD_VIPS.length);
  });

  it('tags all matching people at once; deletes with a confirmation, and undo brings them back', async () => {
    await ws.click('[data-testid="select-all-matching"]');
    await ws.waitForSelector(`[data-testid="selection-count"][data-count="${LEAD_VIPS.length}"]`);
    await ws.type('[data-testid="bulk-tag"]', 'hot');
    await ws.click('[data-testid="bulk-apply"]');
    await ws.waitForSelector('[data-testid="bulk-message"]');
    await ws.waitForFunction(
      (n) => {
        const cells = [...document.querySelectorAll('[data-testid="person-row"] [data-column="tags"]')].map((c) => c.textContent ?? '');
        return cells.length > 0 && cells.length <= n && cells.every((t) => t.split(', ').includes('hot'));
      },
      {},
      LEAD_VIPS.length,
    );
    await ws.select('[data-testid="filter-tag"]', 'hot');
    await count(LEAD_VIPS.length);

    await ws.click('[data-testid="select-all-matching"]');
    await ws.click('[data-testid="bulk-delete"]');
    await ws.click('[data-testid="bulk-delete-confirm"]');
    await count(0);
    await ws.click('[data-testid="bulk-undo"]');
    await count(LEAD_VIPS.length);
    // Past the undo window: nothing was deleted.
    await new Promise((r) => setTimeout(r, 7000));
    await ws.reload({ waitUntil: 'load' });
    await count(LEAD_VIPS.length);

    // Without undo, the delete commits when the window ends.
    await ws.click('[data-testid="row-select"]');
    await ws.click('[data-testid="bulk-delete"]');
    await ws.click('[data-testid="bulk-delete-confirm"]');
    await count(LEAD_VIPS.length - 1);
    await ws.waitForSelector('[data-testid="bulk-message"]', { timeout: 15_000 });
    await ws.reload({ waitUntil: 'load' });
    await count(LEAD_VIPS.length - 1);
    expect(ext.errors(ws)).toEqual([]);
  });

  it('lists the companies, filtered by text through the index', async () => {
    await ws.click('[data-testid="nav-companies"]');
    await count(7);
    expect(await ws.$$eval('[data-testid="company-row"]', (rs) => rs.length)).toBe(7);
    await ws.type('[data-testid="filter-text"]', 'firm 3');
    await count(1);
    expect(await ws.$eval('[data-testid="company-row"] [data-column="name"]', (c) => c.textContent)).toBe('Firm 3');
    expect(new URL(ws.url()).hash).toBe('#/companies?text=firm+3');
  });
});
