// The workspace page: opened from the popup (for the workspace, and for a contact or company),
// hash routes that survive a reload, an unknown route sent home, Settings with the same sections as
// the options page.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, Target } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtensionHandle, launchWithExtension } from './harness/browser';
import { chooseImportFile } from './harness/options';

const dir = mkdtempSync(join(tmpdir(), 'rapport-e2e-ws-'));
const csvPath = join(dir, 'people.csv');
writeFileSync(csvPath, ['First Name,Last Name,E-mail Address,Company', 'Wanda,Okoro,wanda@okoro.example,Okoro Labs'].join('\r\n'));

describe('workspace', () => {
  let ext: ExtensionHandle;

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

  /** Clicks `selector` in `page` and returns the workspace tab it opens. */
  async function opensWorkspaceTab(page: Page, selector: string): Promise<Page> {
    const opened = ext.browser.waitForTarget((t: Target) => t.url().includes('/workspace.html'), { timeout: 15_000 });
    await page.click(selector);
    const tab = await (await opened).page();
    if (!tab) throw new Error('the workspace tab has no page');
    await tab.waitForSelector('[data-testid="workspace-nav"]');
    return tab;
  }

  it('opens from the popup on People; sections are routes in the hash that survive a reload; an unknown route goes home', async () => {
    const popup = await ext.openPopup();
    const ws = await opensWorkspaceTab(popup, '[data-testid="open-workspace"]');
    expect(new URL(ws.url()).hash).toBe('#/people');
    expect(await ws.$eval('[data-testid="nav-people"]', (a) => a.getAttribute('aria-current'))).toBe('page');

    await ws.click('[data-testid="nav-settings"]');
    await ws.waitForSelector('[data-testid="export-json"]'); // the data section, as on the options page
    await ws.waitForSelector('[data-testid="connector-add"]');
    expect(new URL(ws.url()).hash).toBe('#/settings');
    await ws.reload({ waitUntil: 'load' });
    await ws.waitForSelector('[data-testid="export-json"]');
    expect(await ws.$eval('[data-testid="nav-settings"]', (a) => a.getAttribute('aria-current'))).toBe('page');
    expect(await ws.title()).toBe('Settings · Rapport');

    await ws.goto(ws.url().replace(/#.*$/, '#/no-such-view'), { waitUntil: 'load' });
    await ws.waitForFunction(() => location.hash === '#/people');
    await ws.close();
  });

  it("a contact opened in the popup opens its page's route in the workspace", async () => {
    const popup = await ext.openPopup();
    await popup.type('[data-testid="search-input"]', 'wanda');
    await popup.waitForSelector('[data-testid="search-result"][data-kind="contact"]');
    await popup.click('[data-testid="search-result"][data-kind="contact"]');
    const id = await (await popup.waitForSelector('[data-testid="contact-detail"]'))!.evaluate((e) => e.getAttribute('data-contact-id'));
    const ws = await opensWorkspaceTab(popup, '[data-testid="open-in-workspace"]');
    expect(new URL(ws.url()).hash).toBe(`#/people/${encodeURIComponent(id!)}`);
    expect(await ws.$eval('[data-testid="nav-people"]', (a) => a.getAttribute('aria-current'))).toBe('page');
    await ws.close();
  });
});
