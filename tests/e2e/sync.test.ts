// Sync end to end in Chromium: connect the simulated HubSpot from the options page (generated
// form, test connection, save), import 2,000 contacts, and stop the service worker at random
// moments while it syncs against a server that fails and rate-limits. Every contact must reach
// the server exactly once, nothing may be lost locally, and the final status must be clean.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HubspotSim, startHubspotSim } from '../sims/hubspot';
import { type ExtensionHandle, launchWithExtension } from './harness/browser';
import { type FixtureServer, startFixtureServer } from './harness/server';

const N = 2000;
const dir = mkdtempSync(join(tmpdir(), 'rapport-e2e-sync-'));
const csv = join(dir, 'people.csv');
const early = join(dir, 'early.csv');
writeFileSync(early, 'Name,Email\nEarly Bird,early.bird@before.example\n');
writeFileSync(
  csv,
  [
    'Name,Email,Company',
    ...Array.from({ length: N }, (_, i) => `Sync Person ${i},sync.person${i}@client${i % 40}.example,Client ${i % 40}`),
  ].join('\n'),
);

async function connectHubspot(options: Page, baseUrl: string, token: string) {
  await options.click('[data-testid="connector-add"]');
  await options.waitForSelector('[data-testid="connector-form"]');
  await options.select('[data-testid="connector-form"] select[name="type"]', 'hubspot');
  await options.waitForSelector('[data-testid="connector-form"][data-type="hubspot"] input[name="accessToken"]');
  await options.type('[data-testid="connector-form"] input[name="accessToken"]', token);
  await options.$eval('[data-testid="connector-form"] input[name="baseUrl"]', (el) => {
    (el as HTMLInputElement).value = '';
  });
  await options.type('[data-testid="connector-form"] input[name="baseUrl"]', baseUrl);
}

const statusOf = (options: Page) =>
  options.$eval('[data-testid="connector-status"]', (el) => ({
    pending: el.getAttribute('data-pending'),
    failed: el.getAttribute('data-failed'),
    paused: el.getAttribute('data-paused'),
  }));

describe('sync to a CRM', () => {
  let sim: HubspotSim;
  let ext: ExtensionHandle;
  let options: Page;
  let server: FixtureServer;

  beforeAll(async () => {
    sim = await startHubspotSim();
    server = await startFixtureServer();
    // A Gmail thread in which one of the outside people is the contact HubSpot knows.
    const thread = readFileSync(new URL('../fixtures/gmail/thread-3-messages-cc.html', import.meta.url), 'utf8').replaceAll(
      'sabine.krueger@globex.example.de',
      'early.bird@before.example',
    );
    server.route('mail.google.com', '/mail/u/0/', { html: thread });
    ext = await launchWithExtension({ hostMap: server.port });
    options = await ext.openOptions();
    // Someone saved before any CRM was connected: connecting must send them too.
    const input = await options.waitForSelector('[data-testid="import-file"]');
    await (input as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(early);
    await options.waitForSelector('[data-testid="import-done"]');
  });
  afterAll(async () => {
    await ext?.close();
    await sim?.close();
    await server?.close();
  });

  it('a wrong token fails the connection test with the vendor message and saves nothing', async () => {
    await connectHubspot(options, sim.url, 'wrong-token');
    await options.click('[data-testid="connector-test"]');
    const failed = await options.waitForSelector('[data-testid="connector-test-failed"]', { timeout: 60_000 });
    expect(await failed!.evaluate((e) => e.textContent)).toMatch(/401|auth|token/i);
    expect(await failed!.evaluate((e) => e.textContent)).not.toContain('wrong-token');
    await options.click('[data-testid="connector-form"] button[type="button"]:last-of-type');
  });

  it('connects HubSpot from the generated form', async () => {
    await connectHubspot(options, sim.url, 'hs-test-token');
    await options.click('[data-testid="connector-test"]');
    await options.waitForSelector('[data-testid="connector-test-ok"]', { timeout: 60_000 });
    await options.click('[data-testid="connector-save"]');
    await options.waitForSelector('[data-testid="connector-status"][data-type="hubspot"]');
    // The token never comes back into the page.
    expect(await options.content()).not.toContain('hs-test-token');
  });

  it(
    'delivers 2,000 imported contacts exactly once while the service worker is killed at random moments',
    { timeout: 900_000 },
    async () => {
      // From now on the server fails 20 % of requests, rate-limits 10 % and drops 2 % of connections.
      sim.faults.set({ error500: 0.2, rate429: 0.1, reset: 0.02, retryAfterSeconds: 1, seed: 11 });
      const input = await options.waitForSelector('[data-testid="import-file"]:not([disabled])');
      await (input as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(csv);
      await options.waitForSelector('[data-testid="import-done"]', { timeout: 300_000 });

      let kills = 0;
      const deadline = Date.now() + 600_000;
      let rnd = 7;
      const random = () => (rnd = (rnd * 48271) % 2147483647) / 2147483647;
      for (;;) {
        const delivered = sim.list('contacts').length;
        const st = await statusOf(options);
        if (st.pending === '0' && st.failed === '0' && delivered >= N + 1) break;
        if (process.env.RAPPORT_E2E_VERBOSE) console.log(`sync: ${delivered} delivered, status ${JSON.stringify(st)}, ${kills} kills`);
        if (Date.now() > deadline) throw new Error(`sync did not finish: ${delivered} delivered, status ${JSON.stringify(st)}`);
        if (kills < 6 && delivered > kills * 250) {
          await new Promise((r) => setTimeout(r, 200 + random() * 800));
          await ext.stopServiceWorker();
          kills++;
          // The harness drives the worker from a tab of its own: bring the options page back to front.
          await options.bringToFront();
        }
        // What the alarm would do a minute later: wake the worker (here: "Sync now").
        await options.click('[data-testid="connector-status"] [data-testid="connector-sync"]').catch(() => undefined);
        await new Promise((r) => setTimeout(r, 1500));
      }
      const emails = sim.list('contacts').map((c) => c.properties.email);
      expect(kills).toBeGreaterThanOrEqual(3);
      expect(emails).toHaveLength(N + 1);
      expect(new Set(emails).size).toBe(N + 1);
      expect(emails).toContain('early.bird@before.example');
      for (let i = 0; i < N; i += 397) expect(emails).toContain(`sync.person${i}@client${i % 40}.example`);
      expect(sim.counters.total).toBeGreaterThan(0);
      const badge = await options.$eval('[data-testid="sync-status"]', (el) => ({
        pending: el.getAttribute('data-pending'),
        failed: el.getAttribute('data-failed'),
      }));
      expect(badge).toEqual({ pending: '0', failed: '0' });
      // Nothing lost locally.
      await options.reload();
      await options.waitForFunction(() => !document.querySelector('[data-testid="data-stats"]')?.textContent?.includes('Counting'));
      const stats = await options.$eval('[data-testid="data-stats"]', (el) => (el as HTMLElement).innerText);
      expect(stats.replace(/[,\s]/g, '')).toContain(`${N + 1}contacts`);
    },
  );

  it('the popup shows what HubSpot knows about a person (owner, stage, deals, record link), cached with its age', async () => {
    sim.faults.set({}); // the CRM is healthy again after the previous test's faults
    const remote = sim.list('contacts').find((c) => c.properties.email === 'early.bird@before.example')!;
    sim.state.owners.set('31', { id: '31', email: 'olivia@team.example', firstName: 'Olivia', lastName: 'Owner' });
    sim.update('contacts', remote.id, { hubspot_owner_id: '31', lifecyclestage: 'opportunity' });
    const deal = sim.create('deals', {
      dealname: 'Early <b>pilot</b>',
      dealstage: 'contractsent',
      amount: '4800',
      deal_currency_code: 'EUR',
    });
    sim.associate('deals', deal.id, 'contacts', remote.id);

    const popup = await ext.openPopup();
    await popup.type('[data-testid="search-input"]', 'early bird');
    await popup.waitForFunction(
      () => document.querySelector('[data-testid="search-results"]')?.getAttribute('data-query') === 'early bird',
    );
    await popup.keyboard.press('Enter');
    await popup.waitForSelector('[data-testid="contact-detail"]');
    const info = await popup.waitForSelector('[data-testid="crm-info"][data-state="found"]', { timeout: 30_000 });
    const text = await info!.evaluate((el) => (el as HTMLElement).innerText);
    expect(text).toContain('Olivia Owner');
    expect(text).toContain('Opportunity');
    expect(text).toContain('Early <b>pilot</b>'); // CRM text is rendered as text
    expect(await popup.$('[data-testid="crm-info"] b')).toBeNull();
    const href = await popup.$eval('[data-testid="crm-link"]', (a) => (a as HTMLAnchorElement).href);
    expect(href).toBe(`https://app.hubspot.com/contacts/${sim.portalId}/record/0-1/${remote.id}`);
    expect(text).toMatch(/Updated just now/);

    // Reopened while fresh: painted from the local cache, no new request to HubSpot.
    const before = sim.counters.total;
    await popup.reload();
    await popup.type('[data-testid="search-input"]', 'early bird');
    await popup.waitForFunction(
      () => document.querySelector('[data-testid="search-results"]')?.getAttribute('data-query') === 'early bird',
    );
    await popup.keyboard.press('Enter');
    await popup.waitForSelector('[data-testid="crm-info"][data-state="found"][data-stale="false"]');
    expect(sim.counters.total).toBe(before);
    await popup.close();
  });

  it('the sidebar card of that person in a Gmail thread shows the same CRM facts', async () => {
    const page = await ext.openPage('https://mail.google.com/mail/u/0/#inbox/18c2f4a9b7d3e601');
    const card = '[data-testid="sidebar-contact"][data-email="early.bird@before.example"]';
    let info: string | undefined;
    for (const deadline = Date.now() + 60_000; !info && Date.now() < deadline;) {
      const frame = page.frames().find((f) => f.url().includes('/sidebar.html') && !f.detached);
      info = await frame
        ?.waitForSelector(`${card} [data-testid="crm-info"][data-state="found"]`, { timeout: 5_000 })
        .then((el) => el!.evaluate((e) => (e as HTMLElement).innerText))
        .catch(() => undefined);
    }
    expect(info).toContain('Olivia Owner');
    expect(info).toContain('Opportunity');
    expect(info).toContain('Early <b>pilot</b>');
    // Marco is not in HubSpot: his card says so instead of showing nothing.
    const frame = page.frames().find((f) => f.url().includes('/sidebar.html') && !f.detached)!;
    await frame.waitForSelector(
      '[data-testid="sidebar-contact"][data-email="marco.rossi@globex.example.de"] [data-testid="crm-info"][data-state="missing"]',
    );
    await page.close();
  });
});
