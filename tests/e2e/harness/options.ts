// Options-page steps shared by the e2e files that connect a CRM.
import type { Page } from 'puppeteer-core';

/** Opens the connection form, chooses HubSpot and fills its token and address (nothing saved yet). */
export async function fillHubspotForm(options: Page, baseUrl: string, token: string): Promise<void> {
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
