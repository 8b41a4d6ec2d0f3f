// LinkedIn Recruiter in real Chromium: the constructed candidate pages served on www.linkedin.com
// (tests/fixtures/linkedin/constructed-recruiter-*-2026-12.html) give the candidate's card, not
// the people around it; a candidate without a public profile saved twice is one person (found
// again by its candidate id, decision 0038).
import { readFileSync } from 'node:fs';
import type { Frame, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtensionHandle, launchWithExtension } from './harness/browser';
import { type FixtureServer, startFixtureServer } from './harness/server';

const fixture = (p: string) => readFileSync(new URL(`../fixtures/linkedin/${p}`, import.meta.url), 'utf8');
const HIRE_PATH = '/talent/hire/412000777/manage/all/profile/AEMAAConstructedRecruiter02Qm';
const PROFILE_PATH = '/talent/profile/AEMAAConstructedRecruiter01Xk';
const CARD = '[data-testid="sidebar-contact"]';

// After a reload the previous document's frame can stay listed for a moment: never hand one out twice.
const handedOut = new WeakSet<Frame>();

async function sidebarFrame(page: Page, text: string): Promise<Frame> {
  await page.waitForSelector('[data-testid="rapport-sidebar"]', { timeout: 30_000 });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const f = page
      .frames()
      .filter((fr) => fr.url().includes('/sidebar.html') && !fr.detached && !handedOut.has(fr))
      .pop();
    if (f) {
      try {
        await f.waitForFunction((sel, t) => document.querySelector(sel)?.textContent?.includes(t), { timeout: 10_000 }, CARD, text);
        // Its buttons act once the frame has seen itself on screen (visibility-guard.ts).
        await f.waitForSelector('html[data-actions="on"]', { timeout: 10_000 });
        handedOut.add(f);
        return f;
      } catch {
        /* a frame that is still loading: look again */
      }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no sidebar card showing ${text}`);
}

async function popupSearch(ext: ExtensionHandle, q: string) {
  const popup = await ext.openPopup();
  await popup.type('[data-testid="search-input"]', q);
  await popup.waitForFunction((qq) => document.querySelector('[data-testid="search-results"]')?.getAttribute('data-query') === qq, {}, q);
  const rows = await popup.$$eval('[data-testid="search-result"]', (els) =>
    els.map((e) => ({ kind: e.getAttribute('data-kind'), text: (e as HTMLElement).innerText })),
  );
  await popup.close();
  return rows;
}

describe('LinkedIn Recruiter', () => {
  let server: FixtureServer;
  let ext: ExtensionHandle;

  beforeAll(async () => {
    server = await startFixtureServer();
    server.route('www.linkedin.com', HIRE_PATH, { html: fixture('constructed-recruiter-hire-2026-12.html') });
    server.route('www.linkedin.com', PROFILE_PATH, { html: fixture('constructed-recruiter-profile-2026-12.html') });
    ext = await launchWithExtension({ hostMap: server.port });
  });
  afterAll(async () => {
    await ext?.close();
    await server?.close();
  });

  it('a candidate without a public profile: the card shows name, title and company; saved twice, one person', async () => {
    const url = `https://www.linkedin.com${HIRE_PATH}?project=412000777`;
    const page = await ext.openPage(url);
    let frame = await sidebarFrame(page, 'Aksel Nygård');
    const text = await frame.$eval(CARD, (e) => (e as HTMLElement).innerText);
    expect(text).toContain('Site Reliability Engineer · Fjordline Cloud');
    expect(text).toContain('Ålesund, Møre og Romsdal, Norway');
    expect(text).not.toMatch(/Rune Pipeline|Decoy|Accountant/);
    await frame.click(`${CARD} [data-testid="save-contact"]`);
    await frame.waitForSelector(`${CARD} [data-testid="contact-saved"]`);
    await frame.waitForSelector(`${CARD} [data-testid="already-saved"]`);

    // Opened again: known by its candidate id (no public profile to go by), and saving again adds no one.
    await page.reload();
    frame = await sidebarFrame(page, 'Aksel Nygård');
    await frame.waitForSelector(`${CARD} [data-testid="already-saved"]`);
    await frame.click(`${CARD} [data-testid="already-saved"] [data-testid="save-contact"]`);
    await frame.waitForSelector(`${CARD} [data-testid="contact-saved"]`);

    const hits = (await popupSearch(ext, 'aksel nyg')).filter((r) => r.kind === 'contact');
    expect(hits).toHaveLength(1);
    expect(hits[0].text).toContain('Aksel Nygård');
    await page.close();
  });

  it('a candidate with positions and a public profile: their experience and education, not the people also viewed', async () => {
    const page = await ext.openPage(`https://www.linkedin.com${PROFILE_PATH}`);
    const frame = await sidebarFrame(page, 'Solveig Aune-Lindqvist');
    const card = `${CARD}[data-linkedin="https://www.linkedin.com/in/solveig-aune-lindqvist/"]`;
    const text = await frame.$eval(card, (e) => (e as HTMLElement).innerText);
    expect(text).toContain('Lead Data Engineer · Polarlys Energi');
    expect(text).not.toMatch(/Torvald|Maren|Henrik|Kjell|Decoy/);
    const summaries = await frame.$$eval(`${card} details summary`, (els) => els.map((e) => e.textContent));
    expect(summaries).toEqual(['Experience (2)', 'Education (1)']);
    await page.close();
  });
});
