// "Connect with Salesforce" in Chromium: the options page asks for the sign-in permission, the
// background opens the provider's sign-in window (identity.launchWebAuthFlow) on the simulated
// Salesforce, which approves and redirects to the extension; the code is exchanged with PKCE and
// the connection is saved with its tokens, which never reach the page.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SalesforceSim, startSalesforceSim } from '../sims/salesforce';
import { type ExtensionHandle, launchWithExtension } from './harness/browser';
import { chooseImportFile } from './harness/options';

const CLIENT = '3MVG9-rapport-e2e-client';
const csv = join(mkdtempSync(join(tmpdir(), 'rapport-e2e-oauth-')), 'people.csv');
writeFileSync(csv, 'First Name,Last Name,E-mail Address\nAda,Lovelace,ada@analytical.example\n');

describe('OAuth sign-in', () => {
  let sim: SalesforceSim;
  let ext: ExtensionHandle;
  let options: Page;

  beforeAll(async () => {
    ext = await launchWithExtension();
    sim = await startSalesforceSim({
      tokens: [],
      clients: [{ clientId: CLIENT, redirectUris: [`https://${ext.extensionId}.chromiumapp.org/`] }],
    });
    options = await ext.openOptions();
    await chooseImportFile(options, csv);
    await options.waitForSelector('[data-testid="import-done"]');
  });
  afterAll(async () => {
    await ext?.close();
    await sim?.close();
  });

  it('connects Salesforce through the sign-in window and syncs with the tokens it got (tokens never in the page)', async () => {
    await options.click('[data-testid="connector-add"]');
    await options.waitForSelector('[data-testid="connector-form"]');
    await options.select('[data-testid="connector-form"] select[name="type"]', 'salesforce');
    await options.waitForSelector('[data-testid="connector-form"][data-type="salesforce"] input[name="clientId"]');
    await options.type('[data-testid="connector-form"] input[name="clientId"]', CLIENT);
    await options.$eval('[data-testid="connector-form"] input[name="loginUrl"]', (el) => {
      (el as HTMLInputElement).value = '';
    });
    await options.type('[data-testid="connector-form"] input[name="loginUrl"]', sim.url);
    await options.click('[data-testid="connector-oauth"]');
    await options.waitForSelector('[data-testid="connector-status"][data-type="salesforce"]', { timeout: 60_000 });
    const calls = sim.requests.map((r) => `${r.method} ${r.path} ${r.status}`);
    expect(calls).toContain('GET /services/oauth2/authorize 302');
    expect(calls).toContain('POST /services/oauth2/token 200');
    // The tokens stay in the background's database: not in the page.
    const html = await options.content();
    expect(html).not.toMatch(/00DRs0000000001!/);
    expect(html).not.toMatch(/5Aep/);
    // Saved before the connection existed, delivered with the tokens from the sign-in.
    const deadline = Date.now() + 60_000;
    while (!sim.all('Contact').some((c) => c.Email === 'ada@analytical.example')) {
      if (Date.now() > deadline) throw new Error(`not delivered: ${JSON.stringify(sim.requests.slice(-5))}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(sim.all('Contact').find((c) => c.Email === 'ada@analytical.example')).toMatchObject({ FirstName: 'Ada', LastName: 'Lovelace' });
  });
});
