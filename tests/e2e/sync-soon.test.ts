// An edit made in the workspace reaches the CRM within seconds, not on the one-minute alarm: the
// workspace page tells the background that it queued outbox entries (decision 0048), and the
// background syncs at once. Against the simulated HubSpot, in Chromium.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HubspotSim, startHubspotSim } from '../sims/hubspot';
import { type ExtensionHandle, launchWithExtension } from './harness/browser';
import { chooseImportFile, fillHubspotForm } from './harness/options';

const at = '2026-02-02T09:00:00.000Z';
const dir = mkdtempSync(join(tmpdir(), 'rapport-e2e-sync-soon-'));
const file = join(dir, 'one.json');
writeFileSync(
  file,
  JSON.stringify({
    format: 'rapport-export',
    version: 1,
    exportedAt: at,
    contacts: [
      {
        id: 'ct_soon',
        name: 'Sonia Quick',
        firstName: 'Sonia',
        lastName: 'Quick',
        emails: ['sonia.quick@soon.example'],
        phones: [],
        tags: [],
        createdAt: at,
        updatedAt: at,
        sources: [{ type: 'import', ref: 'one.json', at }],
      },
    ],
    companies: [],
    activities: [],
    tasks: [],
    deals: [],
  }),
);

describe('sync soon after a workspace edit', () => {
  let sim: HubspotSim;
  let ext: ExtensionHandle;
  let options: Page;

  beforeAll(async () => {
    sim = await startHubspotSim();
    ext = await launchWithExtension();
    options = await ext.openOptions();
    await chooseImportFile(options, file);
    await options.waitForSelector('[data-testid="import-done"]');
    await fillHubspotForm(options, sim.url, 'hs-test-token');
    await options.click('[data-testid="connector-test"]');
    await options.waitForSelector('[data-testid="connector-test-ok"]', { timeout: 60_000 });
    await options.click('[data-testid="connector-save"]');
    await options.waitForSelector('[data-testid="connector-status"][data-type="hubspot"]');
  });
  afterAll(async () => {
    await ext?.close();
    await sim?.close();
  });

  it("a title edited on the contact's page is in HubSpot seconds later, without waiting for the alarm", { timeout: 120_000 }, async () => {
    const inHubspot = () => sim.list('contacts').find((c) => c.properties.email === 'sonia.quick@soon.example');
    for (const until = Date.now() + 60_000; !inHubspot();) {
      if (Date.now() > until) throw new Error('the imported contact never reached HubSpot');
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(inHubspot()!.properties.jobtitle).toBeUndefined();
    const ws = await ext.openExtensionPage('workspace.html#/people/ct_soon');
    const title = '[data-testid="contact-field"][data-field="title"]';
    await ws.waitForSelector(`${title} [data-testid="field-edit"]`);
    await ws.click(`${title} [data-testid="field-edit"]`);
    await ws.waitForSelector(`${title} [data-testid="field-input"]`);
    await ws.type(`${title} [data-testid="field-input"]`, 'Head of Speed');
    await ws.keyboard.press('Enter');
    await ws.waitForFunction((s) => document.querySelector(s)?.textContent === 'Head of Speed', {}, `${title} [data-testid="field-edit"]`);
    const saved = Date.now();
    // The alarm comes once a minute; the page's signal within a few seconds.
    for (;;) {
      if (inHubspot()?.properties.jobtitle === 'Head of Speed') break;
      if (Date.now() - saved > 15_000) throw new Error('the edit did not reach HubSpot within 15 s');
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(Date.now() - saved).toBeLessThan(15_000);
  });
});
