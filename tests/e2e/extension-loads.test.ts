// The built extension loads in a real Chromium, its pages open cleanly, and the fixture server
// answers for the real sites' hostnames. `npm run test:e2e` builds before running this.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchWithExtension, type ExtensionHandle } from './harness/browser';
import { startFixtureServer, type FixtureServer } from './harness/server';

const PINNED_ID = 'okngfgklmnoabbcbakcjdikdgdhemafp';

// The parts of the extension API these in-worker functions use (they run in the service worker, not here).
declare const chrome: {
  runtime: { id: string; getManifest(): { permissions?: string[]; host_permissions?: string[] } };
  permissions: { getAll(): Promise<{ permissions?: string[]; origins?: string[] }> };
};

describe('extension loads', () => {
  let server: FixtureServer;
  let ext: ExtensionHandle;

  beforeAll(async () => {
    server = await startFixtureServer();
    server.route('www.linkedin.com', '/feed/', {
      html: '<!doctype html><title>LinkedIn fixture</title><h1 id="marker">linkedin-fixture-feed</h1>',
    });
    ext = await launchWithExtension({ hostMap: server.port });
  });

  afterAll(async () => {
    await ext?.close();
    await server?.close();
  });

  it('has the id pinned by the manifest key', () => {
    expect(ext.extensionId).toBe(PINNED_ID);
  });

  it('runs with exactly the permissions of the built manifest', async () => {
    const built = JSON.parse(readFileSync(join(ext.extensionDir, 'manifest.json'), 'utf8')) as {
      permissions?: string[];
      host_permissions?: string[];
    };
    const runtime = await ext.evaluateInWorker(() => {
      const m = chrome.runtime.getManifest();
      return { permissions: m.permissions ?? [], host_permissions: m.host_permissions ?? [] };
    });
    expect(runtime.permissions).toEqual(built.permissions ?? []);
    expect(runtime.host_permissions).toEqual(built.host_permissions ?? []);

    const granted = await ext.evaluateInWorker(() => chrome.permissions.getAll());
    expect([...(granted.permissions ?? [])].sort()).toEqual([...(built.permissions ?? [])].sort());
  });

  it('opens the popup without errors', async () => {
    const page = await ext.openPopup();
    expect(page.url()).toBe(`chrome-extension://${PINNED_ID}/popup.html`);
    // The page's script ran and rendered something.
    await page.waitForFunction(() => document.body.innerText.trim().length > 0, { timeout: 5_000 });
    expect(ext.errors(page)).toEqual([]);
    await page.close();
  });

  it('opens the options page without errors', async () => {
    const page = await ext.openOptions();
    expect(page.url()).toBe(`chrome-extension://${PINNED_ID}/options.html`);
    await page.waitForFunction(() => document.body.innerText.trim().length > 0, { timeout: 5_000 });
    expect(ext.errors(page)).toEqual([]);
    await page.close();
  });

  it('serves https://www.linkedin.com/feed/ from the fixture server', async () => {
    const page = await ext.openPage('https://www.linkedin.com/feed/');
    expect(await page.$eval('#marker', (el) => el.textContent)).toBe('linkedin-fixture-feed');
    expect(server.requests).toContainEqual(expect.objectContaining({ host: 'www.linkedin.com', path: '/feed/', matched: true }));
    await page.close();
  });

  it('restarts the service worker after it is stopped (as Chrome does when idle)', async () => {
    await ext.evaluateInWorker(() => {
      (globalThis as { e2eMarker?: number }).e2eMarker = 1;
    });
    await ext.stopServiceWorker();
    // A fresh worker: globals from before the stop are gone, the extension API is there again.
    const after = await ext.evaluateInWorker(() => ({
      marker: (globalThis as { e2eMarker?: number }).e2eMarker ?? null,
      id: chrome.runtime.id,
    }));
    expect(after).toEqual({ marker: null, id: PINNED_ID });
  });

  it('keeps unmapped hosts off the network', async () => {
    const page = await ext.browser.newPage();
    await expect(page.goto('https://example.com/')).rejects.toThrow(/ERR_NAME_NOT_RESOLVED/);
    await page.close();
  });
});
