// The release build (what `npm run build` / `npm start` ship), built into a folder of its own:
// every content script is in it, it asks for no more than the design allows, and nothing
// test-only (bench page, 127.0.0.1 access, identity granted at install) leaks into it. Loaded
// in Chromium on the three sites, it leaves no trace in their pages but the sidebar's host and the docked root's style.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchWithExtension } from './harness/browser';
import { readPageSpy, withPageSpy } from './harness/page-spy';
import { startFixtureServer } from './harness/server';

const OUTDIR = 'release-check-chrome-mv3';
const dir = join(process.cwd(), '.output', OUTDIR);

describe('release build', () => {
  let manifest: {
    permissions?: string[];
    optional_permissions?: string[];
    host_permissions?: string[];
    optional_host_permissions?: string[];
    content_scripts?: { matches: string[]; js: string[] }[];
    web_accessible_resources?: { resources: string[]; matches?: string[]; use_dynamic_url?: boolean }[];
    commands?: Record<string, unknown>;
  };

  beforeAll(async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, RAPPORT_OUTDIR: OUTDIR };
    delete env.RAPPORT_TEST_BUILD;
    delete env.WXT_INBOXSDK_APP_ID;
    await promisify(execFile)('npx', ['wxt', 'build'], { env, cwd: process.cwd(), timeout: 170_000 });
    manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  });

  it('ships the three sites’ content scripts', () => {
    const matches = (manifest.content_scripts ?? []).flatMap((c) => c.matches).sort();
    // LinkedIn's country hosts (de., uk., se. …) serve logged-out public profiles and company pages.
    // Chrome has no narrower host pattern than *.linkedin.com for them, so their paths are narrowed
    // to those page kinds; every other LinkedIn page is on www (decision 0032).
    expect(matches).toEqual([
      'https://*.linkedin.com/company/*',
      'https://*.linkedin.com/in/*',
      'https://*.linkedin.com/pub/*',
      'https://*.linkedin.com/school/*',
      'https://*.linkedin.com/showcase/*',
      'https://mail.google.com/*',
      'https://outlook.live.com/*',
      'https://outlook.office.com/*',
      'https://outlook.office365.com/*',
      'https://www.linkedin.com/*',
    ]);
    for (const c of manifest.content_scripts ?? []) for (const js of c.js) expect(existsSync(join(dir, js))).toBe(true);
  });

  it('asks for the fewest permissions: CRM hosts and sign-in only when the user connects one', () => {
    // contextMenus: "Save to Rapport" and "Open the workspace" (a permission without an install warning).
    expect([...(manifest.permissions ?? [])].sort()).toEqual(['alarms', 'contextMenus', 'unlimitedStorage']);
    // identity: "Connect with <CRM>"; notifications: asked for when the user turns task reminders on.
    expect(manifest.optional_permissions).toEqual(['identity', 'notifications']);
    expect(manifest.host_permissions ?? []).toEqual([]);
    expect(manifest.optional_host_permissions).toEqual(['https://*/*', 'http://*/*']);
    expect(manifest.web_accessible_resources).toEqual([expect.objectContaining({ resources: ['sidebar.html'], use_dynamic_url: true })]);
    // Keyboard commands (they need no permission): the sidebar of the current tab, the popup, the
    // workspace; a new task without a suggested key (the user sets one).
    expect(manifest.commands).toEqual({
      'toggle-sidebar': { suggested_key: { default: 'Alt+Shift+R' }, description: 'Open or collapse the Rapport sidebar' },
      _execute_action: { suggested_key: { default: 'Alt+Shift+K' }, description: 'Search your contacts' },
      'open-workspace': { suggested_key: { default: 'Alt+Shift+W' }, description: 'Open the Rapport workspace' },
      'new-task': { description: 'New Rapport task' },
    });
    // The sidebar page, for the three sites only: Chrome reads only the origin here, so LinkedIn's
    // country hosts take *.linkedin.com (behind the per-session random URL all the same).
    expect([...(manifest.web_accessible_resources?.[0]?.matches ?? [])].sort()).toEqual([
      'https://*.linkedin.com/*',
      'https://mail.google.com/*',
      'https://outlook.live.com/*',
      'https://outlook.office.com/*',
      'https://outlook.office365.com/*',
    ]);
  });

  it('contains no test-only page', () => {
    expect(existsSync(join(dir, 'bench.html'))).toBe(false);
    expect(existsSync(join(dir, 'pageWorld.js'))).toBe(false); // InboxSDK only with an app id
  });

  it('leaves the sidebar’s measurement hooks out (they exist in the test build only)', () => {
    const scripts = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
    const shipped = scripts.map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
    expect(shipped).toContain('sidebar'); // the sidebar's own code is there…
    for (const marker of ['rapport:cards-painted', 'rapport:capture-direct', '__rapportPainted', '__rapportLookupShown']) {
      expect(shipped).not.toContain(marker); // …its measurement is not
    }
  });

  it('its content scripts carry no test-only marker', () => {
    const scripts = readdirSync(join(dir, 'content-scripts')).filter((f) => f.endsWith('.js'));
    expect(scripts.sort()).toEqual(['gmail.js', 'linkedin.js', 'outlook.js']);
    for (const file of scripts) {
      const code = readFileSync(join(dir, 'content-scripts', file), 'utf8');
      for (const marker of ['data-rapport', 'data-placement', 'data-collapsed', 'rapportSidebarReady', 'console.info', 'console.log']) {
        expect({ file, marker, found: code.includes(marker) }).toEqual({ file, marker, found: false });
      }
    }
  });

  describe('in the sites’ pages', () => {
    const pages = {
      gmail: 'https://mail.google.com/mail/u/0/#inbox/18c2f4a9b7d3e601',
      outlook: `https://outlook.office.com/mail/inbox/id/${encodeURIComponent('AAQkADAwATM0MDAAMS1hYjE5LTkyZWMtMDACLTAwCgAQAK4v2xHL/UmOcP0mXwz7FvU=')}`,
      linkedin: 'https://www.linkedin.com/in/mateo-quintero-vale/',
    };
    const fixtures = {
      gmail: 'gmail/thread-3-messages-cc.html',
      outlook: 'outlook/thread-en.html',
      linkedin: 'linkedin/scoutr-loggedin-profile1-2024-07.html',
    };
    let close: (() => Promise<void>) | undefined;
    afterAll(async () => close?.());

    it('the sidebar host and the docked root’s style are the only traces: no other element or attribute, no message, no WXT event', async () => {
      const server = await startFixtureServer();
      const ext = await launchWithExtension({ hostMap: server.port, extensionDir: dir });
      close = async () => {
        await ext.close();
        await server.close();
      };
      const html = (f: string) => withPageSpy(readFileSync(new URL(`../fixtures/${f}`, import.meta.url), 'utf8'), ext.extensionId);
      server.route('mail.google.com', '/mail/u/0/', { html: html(fixtures.gmail) });
      server.route('outlook.office.com', '/mail/', { html: html(fixtures.outlook) });
      server.route('www.linkedin.com', '/in/mateo-quintero-vale/', { html: html(fixtures.linkedin) });
      for (const [site, url] of Object.entries(pages)) {
        const page = await ext.openPage(url);
        await page.waitForSelector('[data-testid="rapport-sidebar"]', { timeout: 30_000 });
        // The frame has shown its cards (so every part of Rapport has run in this page).
        const frame = await (async () => {
          for (let i = 0; i < 300; i++) {
            const f = page.frames().find((fr) => fr.url().includes('/sidebar.html') && !fr.detached);
            if (f && (await f.$('[data-testid="sidebar-contact"]').catch(() => null))) return f;
            await new Promise((r) => setTimeout(r, 100));
          }
          throw new Error(`${site}: the sidebar showed no card`);
        })();
        expect(frame.url()).not.toContain('session');
        // An in-app navigation (WXT would announce it as an event named after the extension's id).
        await page.evaluate(() => history.pushState(null, '', `${location.pathname}?nav=1${location.hash}`));
        await new Promise((r) => setTimeout(r, 300));
        const seen = await readPageSpy(page);
        const [root, host, ...others] = seen.addedElements;
        // The page's root narrowed by the docked sidebar (decision 0037): a style, nothing else.
        const dock =
          site === 'linkedin'
            ? 'width: calc(100% - 340px) !important; box-sizing: border-box !important;'
            : 'width: calc(100% - 340px) !important; contain: layout !important; min-height: 100% !important; box-sizing: border-box !important;';
        expect({ site, root: root?.replace(/^HTML .*?(?=style=)/, 'HTML '), host: host?.replace(/ style=.*/, ''), others }).toEqual({
          site,
          root: `HTML style=${dock}`,
          host: 'DIV data-testid=rapport-sidebar popover=manual',
          others: [],
        });
        expect({ site, messages: seen.messages, wxtEvents: seen.wxtEvents }).toEqual({ site, messages: [], wxtEvents: [] });
        expect(seen.reachableFrames).toBe(seen.ownIframes);
        expect(seen.timingEntries.join(' ')).not.toContain('chrome-extension:');
        await page.close();
      }
    });
  });
});
