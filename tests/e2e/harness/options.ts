// Options-page steps shared by the e2e files that connect a CRM.
import type { Page } from 'puppeteer-core';

/** Opens the connection form, chooses HubSpot and fills its token and address (nothing saved yet). */
export async function fillHubspotForm(options: Page, baseUrl: string, token: string): Promise<void> {
  // Under a full suite's load the first click after a browser launch is now and then not answered
  // (docs/testing.md, Known flakes): click again while the form has not appeared.
  for (let attempt = 1; ; attempt++) {
    await options.waitForSelector('[data-testid="connector-add"]');
    await options.click('[data-testid="connector-add"]');
    const form = await options.waitForSelector('[data-testid="connector-form"]', { timeout: 10_000 }).catch(() => null);
    if (form) break;
    if (attempt === 3) throw new Error('the connection form did not open after three clicks on connector-add');
  }
  await options.select('[data-testid="connector-form"] select[name="type"]', 'hubspot');
  await options.waitForSelector('[data-testid="connector-form"][data-type="hubspot"] input[name="accessToken"]');
  await options.type('[data-testid="connector-form"] input[name="accessToken"]', token);
  await options.$eval('[data-testid="connector-form"] input[name="baseUrl"]', (el) => {
    (el as HTMLInputElement).value = '';
  });
  await options.type('[data-testid="connector-form"] input[name="baseUrl"]', baseUrl);
}

/**
 * Chooses a file in the options page's import. A CSV first shows the mapping step: this accepts the
 * proposed mapping (tests of the step itself drive it by hand).
 */
export async function chooseImportFile(options: Page, path: string): Promise<void> {
  const input = await options.waitForSelector('[data-testid="import-file"]:not([disabled])');
  await (input as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(path);
  if (!/\.csv$/i.test(path)) return;
  const step = await options.waitForSelector('[data-testid="import-confirm"], [data-testid="import-failed"]', { timeout: 60_000 });
  if ((await step!.evaluate((e) => e.getAttribute('data-testid'))) === 'import-confirm') await step!.click();
}
