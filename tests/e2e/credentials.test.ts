// Credentials in the options page, in Chromium: a 403 (a missing scope) pauses only the kind it
// concerns, the page says why and Resume sends it once the scope is granted; plain http:// to
// another machine needs the confirmation box (loopback, where the simulators run, does not).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HubspotSim, startHubspotSim } from '../sims/hubspot';
import { type ExtensionHandle, launchWithExtension } from './harness/browser';
import { fillHubspotForm, chooseImportFile } from './harness/options';

const dir = mkdtempSync(join(tmpdir(), 'rapport-e2e-credentials-'));
const csv = join(dir, 'people.csv');
writeFileSync(csv, 'Name,Email,Company\nAda Scope,ada@scoped.example,Scoped Inc\nBob Scope,bob@scoped.example,Scoped Inc\n');

describe('credentials in the options page', () => {
  let sim: HubspotSim;
  let ext: ExtensionHandle;
  let options: Page;

  beforeAll(async () => {
    sim = await startHubspotSim({ missingScopes: ['contacts'] });
    ext = await launchWithExtension();
    options = await ext.openOptions();
  });
  afterAll(async () => {
    await ext?.close();
    await sim?.close();
  });

  it('plain http:// to another machine asks for the confirmation box; Test connection is refused without it', async () => {
    await fillHubspotForm(options, 'http://crm.example.com', 'hs-test-token');
    await options.waitForSelector('[data-testid="connector-allow-http"]');
    await options.click('[data-testid="connector-test"]');
    const failed = await options.waitForSelector('[data-testid="connector-test-failed"]', { timeout: 30_000 });
    expect(await failed!.evaluate((e) => e.textContent)).toMatch(/plain http:\/\/.*confirm/);
    // Save is refused before the browser's permission prompt.
    await options.click('[data-testid="connector-save"]');
    await options.waitForFunction(() =>
      /plain http:\/\/: tick/.test(document.querySelector('[data-testid="connector-form"] [role="alert"]')?.textContent ?? ''),
    );
    // Loopback (here: the simulator) needs no confirmation.
    await options.$eval('[data-testid="connector-form"] input[name="baseUrl"]', (el) => {
      (el as HTMLInputElement).value = '';
    });
    await options.type('[data-testid="connector-form"] input[name="baseUrl"]', sim.url);
    await options.waitForFunction(() => !document.querySelector('[data-testid="connector-allow-http"]'));
    await options.click('[data-testid="connector-form"] button[type="button"]:last-of-type'); // Cancel
  });

  it('a 403 pauses only the refused kind, shows HubSpot’s reason, and Resume sends it once granted', async () => {
    await chooseImportFile(options, csv);
    await options.waitForSelector('[data-testid="import-done"]');
    await fillHubspotForm(options, sim.url, 'hs-test-token');
    await options.click('[data-testid="connector-save"]');
    await options.waitForSelector('[data-testid="connector-status"][data-type="hubspot"]');

    const paused = await options.waitForSelector('[data-testid="connector-kind-paused"][data-scope="contact"]', { timeout: 60_000 });
    expect(await paused!.evaluate((e) => e.textContent)).toMatch(/Contacts paused: .*granted all required scopes/);
    // The rest went on: the company is in HubSpot, and the connection itself is not paused.
    await options.waitForFunction(
      () => document.querySelector('[data-testid="connector-status"]')?.getAttribute('data-paused') === 'false',
    );
    expect(sim.list('companies').map((c) => c.properties.name)).toEqual(['Scoped Inc']);
    expect(sim.list('contacts')).toEqual([]);
    expect(await options.$('[data-testid="connector-paused"]')).toBeNull();

    sim.missingScopes.delete('contacts');
    await options.click('[data-testid="connector-resume-kind"][data-scope="contact"]');
    await options.waitForFunction(() => !document.querySelector('[data-testid="connector-kind-paused"]'), { timeout: 30_000 });
    await options.waitForFunction(() => document.querySelector('[data-testid="connector-status"]')?.getAttribute('data-pending') === '0', {
      timeout: 60_000,
    });
    expect(
      sim
        .list('contacts')
        .map((c) => c.properties.email)
        .sort(),
    ).toEqual(['ada@scoped.example', 'bob@scoped.example']);
  });
});
