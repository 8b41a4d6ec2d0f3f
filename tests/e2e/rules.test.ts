// Rules and privacy end to end: viewing pages stores nothing by default; never-capture hides a
// person; an auto-log rule the user turned on logs a thread without a click; a site can be off.
import { readFileSync } from 'node:fs';
import type { Frame, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtensionHandle, launchWithExtension } from './harness/browser';
import { type FixtureServer, startFixtureServer } from './harness/server';

const fixture = (p: string) => readFileSync(new URL(`../fixtures/${p}`, import.meta.url), 'utf8');
const CONV_EN = 'AAQkADAwATM0MDAAMS1hYjE5LTkyZWMtMDACLTAwCgAQAK4v2xHL/UmOcP0mXwz7FvU=';

async function sidebarFrame(page: Page): Promise<Frame> {
  await page.waitForSelector('[data-testid="rapport-sidebar"]', { timeout: 15_000 });
  let frame = page.frames().find((f) => f.url().includes('/sidebar.html'));
  for (let i = 0; !frame && i < 100; i++) {
    await new Promise((r) => setTimeout(r, 100));
    frame = page.frames().find((f) => f.url().includes('/sidebar.html'));
  }
  return frame!;
}

async function sidebarEmails(page: Page): Promise<string[]> {
  const frame = await sidebarFrame(page);
  await frame.waitForSelector('[data-testid="sidebar-contact"]');
  return frame.$$eval('[data-testid="sidebar-contact"]', (els) => els.map((e) => e.getAttribute('data-email')!).sort());
}

async function stats(ext: ExtensionHandle): Promise<string> {
  const options = await ext.openOptions();
  await options.waitForFunction(() => !document.querySelector('[data-testid="data-stats"]')?.textContent?.includes('Counting'));
  const text = await options.$eval('[data-testid="data-stats"]', (e) => (e as HTMLElement).innerText.replace(/\s+/g, ' '));
  await options.close();
  return text;
}

describe('rules and privacy', () => {
  let server: FixtureServer;
  let ext: ExtensionHandle;
  beforeAll(async () => {
    server = await startFixtureServer();
    server.route('mail.google.com', '/mail/u/0/', { html: fixture('gmail/thread-3-messages-cc.html') });
    server.route('outlook.office.com', '/mail/', { html: fixture('outlook/thread-en.html') });
    ext = await launchWithExtension({ hostMap: server.port });
  });
  afterAll(async () => {
    await ext?.close();
    await server?.close();
  });

  it('stores nothing when pages are only viewed', async () => {
    const gmail = await ext.openPage('https://mail.google.com/mail/u/0/#inbox/18c2f4a9b7d3e601');
    expect(await sidebarEmails(gmail)).toHaveLength(2);
    const outlook = await ext.openPage(`https://outlook.office.com/mail/inbox/id/${encodeURIComponent(CONV_EN)}`);
    expect(await sidebarEmails(outlook)).toHaveLength(2);
    await gmail.close();
    await outlook.close();
    expect(await stats(ext)).toMatch(/^0 contacts 0 companies 0 activities/);
  });

  it('never-capture hides a person; an auto-log domain rule logs without a click; a site can be switched off', async () => {
    const options = await ext.openOptions();
    await options.waitForSelector('[data-testid="rules-never-capture"]');
    await options.type('[data-testid="rules-never-capture"]', 'sabine.krueger@globex.example.de');
    await options.type('[data-testid="rules-autolog-domains"]', 'hooli.example.com');
    await options.click('[data-testid="site-gmail"]'); // off…
    await options.click('[data-testid="site-gmail"]'); // …and on again
    await options.click('[data-testid="rules-save"]');
    await options.waitForSelector('[data-testid="rules-saved"]');

    const gmail = await ext.openPage('https://mail.google.com/mail/u/0/#inbox/18c2f4a9b7d3e601');
    expect(await sidebarEmails(gmail)).toEqual(['marco.rossi@globex.example.de']);
    await gmail.close();

    const outlook = await ext.openPage(`https://outlook.office.com/mail/inbox/id/${encodeURIComponent(CONV_EN)}`);
    await sidebarEmails(outlook);
    // The sidebar says that a rule, not the user, logged this conversation.
    const logged = await (await sidebarFrame(outlook)).waitForSelector('[data-testid="thread-logged-by-rule"]', { timeout: 10_000 });
    expect(await logged!.evaluate((e) => e.getAttribute('data-count'))).toBe('3');
    await outlook.close();
    await new Promise((r) => setTimeout(r, 500));
    expect(await stats(ext)).toMatch(/^2 contacts \d+ companies 3 activities/);

    await options.bringToFront();
    await options.click('[data-testid="site-gmail"]');
    await options.click('[data-testid="rules-save"]');
    await options.waitForSelector('[data-testid="rules-saved"]');
    const off = await ext.openPage('https://mail.google.com/mail/u/0/#inbox/18c2f4a9b7d3e601');
    await new Promise((r) => setTimeout(r, 1500));
    expect(await off.$('[data-testid="rapport-sidebar"]')).toBeNull();
    // The frame preloaded at document_start is dropped too: nothing of Rapport stays in the page.
    expect(await off.$('[data-rapport-preloaded]')).toBeNull();
    expect(off.frames().some((f) => f.url().includes('/sidebar.html'))).toBe(false);
  });
});
