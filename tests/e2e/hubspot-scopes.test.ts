// The options page tells, after a HubSpot connection test and on the saved connection's status card,
// when the private app lacks the schema scopes that let Rapport create its unique rapport_id property
// (exact de-duplication), and says nothing more when it has them.
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HubspotSim, startHubspotSim } from '../sims/hubspot';
import { type ExtensionHandle, launchWithExtension } from './harness/browser';
import { fillHubspotForm } from './harness/options';

const FULL = 'hs-full-scopes-token';
const LIMITED = 'hs-no-schema-scopes-token';

async function testConnection(options: Page, baseUrl: string, token: string) {
  await fillHubspotForm(options, baseUrl, token);
  await options.click('[data-testid="connector-test"]');
  await options.waitForSelector('[data-testid="connector-test-ok"]', { timeout: 60_000 });
}

describe('HubSpot connection test and the Rapport-id property', () => {
  let sim: HubspotSim;
  let ext: ExtensionHandle;
  let options: Page;

  beforeAll(async () => {
    sim = await startHubspotSim({
      tokens: [FULL, LIMITED],
      scopes: { [LIMITED]: ['crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.objects.companies.write'] },
    });
    ext = await launchWithExtension();
    options = await ext.openOptions();
  });
  afterAll(async () => {
    await ext?.close();
    await sim?.close();
  });

  it('without the crm.schemas.* scopes: connected, with a notice that exactness needs them', async () => {
    await testConnection(options, sim.url, LIMITED);
    const notice = await options.waitForSelector('[data-testid="connector-test-notice"]');
    const text = await notice!.evaluate((e) => e.textContent ?? '');
    expect(text).toContain('crm.schemas.tasks.write');
    expect(text).toContain('rapport_id');
    // Saved, the connection's status card keeps saying it.
    await options.click('[data-testid="connector-save"]');
    const card = await options.waitForSelector('[data-testid="connector-status"][data-type="hubspot"] [data-testid="connector-notice"]', {
      timeout: 60_000,
    });
    expect(await card!.evaluate((e) => e.textContent ?? '')).toContain('crm.schemas.tasks.write');
  });

  it('with them: the property is created and there is no notice', async () => {
    await testConnection(options, sim.url, FULL);
    expect(await options.$('[data-testid="connector-test-notice"]')).toBeNull();
    const res = await fetch(`${sim.url}/crm/v3/properties/tasks/rapport_id`, { headers: { authorization: `Bearer ${FULL}` } });
    expect(await res.json()).toMatchObject({ hasUniqueValue: true });
  });
});
