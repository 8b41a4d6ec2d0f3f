// LinkedIn's 2026 server-driven profile layout in real Chromium: the constructed page served on
// www.linkedin.com gives the person's card; experience that loads later (as when the user scrolls)
// reaches the card without a reload.
import { readFileSync } from 'node:fs';
import type { Frame, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtensionHandle, launchWithExtension } from './harness/browser';
import { type FixtureServer, startFixtureServer } from './harness/server';

const fixture = (p: string) => readFileSync(new URL(`../fixtures/linkedin/${p}`, import.meta.url), 'utf8');
const LAZY = fixture('constructed-2026-loggedin-profile-lazy.html');
const LOADED = fixture('constructed-2026-loggedin-profile-loaded.html');
const PROFILE_URL = 'https://www.linkedin.com/in/ingrid-solberg-2026/';
const CARD = `[data-testid="sidebar-contact"][data-linkedin="${PROFILE_URL}"]`;

async function sidebarFrame(page: Page): Promise<Frame> {
  await page.waitForSelector('[data-testid="rapport-sidebar"]', { timeout: 30_000 });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const f = page
      .frames()
      .filter((fr) => fr.url().includes('/sidebar.html') && !fr.detached)
      .pop();
    if (f) {
      try {
        await f.waitForSelector(CARD, { timeout: 10_000 });
        return f;
      } catch {
        /* a frame that is still loading: look again */
      }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('no sidebar card for the 2026 profile');
}

/** The lazily loaded part as LinkedIn fills it in: the loaded fixture's Part1. */
function loadedPart1(): string {
  const start = LOADED.indexOf('<div componentkey="profileCardsBelowActivityPart1');
  const end = LOADED.indexOf('<div componentkey="profileCardsBelowActivityPart2');
  const part = LOADED.slice(start, end);
  return part.slice(part.indexOf('>') + 1, part.lastIndexOf('</div>'));
}

describe('LinkedIn 2026 layout', () => {
  let server: FixtureServer;
  let ext: ExtensionHandle;

  beforeAll(async () => {
    server = await startFixtureServer();
    server.route('www.linkedin.com', '/in/ingrid-solberg-2026/', { html: LAZY });
    ext = await launchWithExtension({ hostMap: server.port });
  });
  afterAll(async () => {
    await ext?.close();
    await server?.close();
  });

  it('shows the top card of a 2026 profile, then its experience once LinkedIn loads it', async () => {
    const page = await ext.openPage(PROFILE_URL);
    const frame = await sidebarFrame(page);
    const text = await frame.$eval(CARD, (e) => (e as HTMLElement).innerText);
    expect(text).toContain('Ingrid Solberg');
    expect(text).toContain('Head of Customer Success at Havbris Analytics | B2B SaaS');
    expect(text).toContain('Head of Customer Success · Havbris Analytics');
    expect(text).toContain('Stavanger, Rogaland, Norway');
    expect(text).not.toMatch(/Torstein|Marit|Henrik|Fjellnett/);
    expect(await frame.$(`${CARD} details`)).toBeNull();

    await page.evaluate((html) => {
      document.querySelector('[componentkey^="profileCardsBelowActivityPart1"]')!.innerHTML = html;
    }, loadedPart1());
    const summary = await frame.waitForSelector(`${CARD} details summary`, { timeout: 15_000 });
    expect(await summary!.evaluate((e) => e.textContent)).toBe('Experience (3)');
    const education = await frame.$$eval(`${CARD} details summary`, (els) => els.map((e) => e.textContent));
    expect(education).toEqual(['Experience (3)', 'Education (1)']);
    await page.close();
  });
});
