// What the workspace's pages and the popup's quick actions do, in Chromium (issue 16 items 4 and 6):
// a custom field defined in Settings, set on a contact's page, kept across a reload and in the
// export; a company's page edited in place (name, domain, website, tags) with its people list; the
// popup's quick actions for tags, stage and a follow-up, seen on the person's page.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtensionHandle, launchWithExtension } from './harness/browser';
import { downloadInto, downloadedText } from './harness/downloads';
import { editField, fieldShows, fieldText, fill, searchPopup } from './harness/forms';

const dir = mkdtempSync(join(tmpdir(), 'rapport-e2e-pages-'));

/** Creates a person by hand at #/people/new and returns their id once their page shows. */
async function createPerson(ws: Page, name: string, email: string, company: string): Promise<string> {
  await ws.goto(ws.url().replace(/#.*$/, '#/people/new'));
  const form = '[data-testid="contact-form"]';
  await ws.waitForSelector(form);
  await fill(ws, `${form} [name="name"]`, name);
  await fill(ws, `${form} [name="emails"]`, email);
  await fill(ws, `${form} [name="company"]`, company);
  await ws.click('[data-testid="contact-save"]');
  const detail = await ws.waitForSelector(`[data-testid="contact-detail"]`);
  await ws.waitForFunction((n) => document.querySelector('h1')?.textContent === n, {}, name);
  return (await detail!.evaluate((e) => e.getAttribute('data-contact-id')))!;
}

const people = (ws: Page) => ws.$$eval('[data-testid="company-person"] a', (as) => as.map((a) => a.textContent).sort());

describe('workspace pages: custom fields, a company page, popup quick actions', () => {
  let ext: ExtensionHandle;
  let ws: Page;
  let noor: string;

  beforeAll(async () => {
    ext = await launchWithExtension();
    ws = await ext.openExtensionPage('workspace.html#/settings');
  });
  afterAll(async () => {
    await ext?.close();
  });

  it('a custom field defined in Settings is set on a contact page, kept after a reload and in the export', async () => {
    await ws.waitForSelector('[data-testid="custom-fields"]');
    await fill(ws, '[data-testid="custom-fields"] [data-testid="custom-field-label"]', 'Favourite colour');
    await ws.click('[data-testid="custom-fields"] [data-testid="custom-field-add"]');
    const defined = await ws.waitForSelector('[data-testid="custom-field"]');
    expect(await defined!.evaluate((e) => [e.getAttribute('data-key'), e.firstChild?.textContent])).toEqual([
      'favourite-colour',
      'Favourite colour',
    ]);

    noor = await createPerson(ws, 'Noor Haddad', 'noor@teal.example', 'Teal Works');
    expect(await fieldText(ws, 'custom.favourite-colour')).toBe('—');
    await editField(ws, 'custom.favourite-colour', 'teal');
    await fieldShows(ws, 'custom.favourite-colour', 'teal');
    await ws.reload({ waitUntil: 'load' });
    await fieldShows(ws, 'custom.favourite-colour', 'teal');

    await ws.goto(ws.url().replace(/#.*$/, '#/settings'));
    await downloadInto(ws, dir);
    await ws.waitForSelector('[data-testid="export-json"]:not([disabled])');
    await ws.click('[data-testid="export-json"]');
    const exported = JSON.parse(await downloadedText(dir, /^rapport-export-.*\.json$/));
    expect(exported.settings.customFields).toEqual([{ key: 'favourite-colour', label: 'Favourite colour' }]);
    expect(exported.contacts.find((c: { id: string }) => c.id === noor).custom).toEqual({ 'favourite-colour': 'teal' });
  });

  it("a company's page edits its name, domain, website and tags in place, and lists its people", async () => {
    await ws.goto(ws.url().replace(/#.*$/, `#/people/${encodeURIComponent(noor)}`));
    await ws.waitForSelector('[data-testid="contact-field"][data-field="company"] a');
    await ws.click('[data-testid="contact-field"][data-field="company"] a');
    await ws.waitForSelector('[data-testid="company-detail"]');
    const companyUrl = ws.url();
    expect(await people(ws)).toEqual(['Noor Haddad']);

    await editField(ws, 'name', 'Teal Works Ltd');
    await fieldShows(ws, 'name', 'Teal Works Ltd');
    await editField(ws, 'domain', 'tealworks.example');
    await fieldShows(ws, 'domain', 'tealworks.example');
    await editField(ws, 'website', 'ftp://tealworks.example');
    const error = await ws.waitForSelector('[data-testid="contact-field"][data-field="website"] [data-testid="field-error"]');
    expect(await error!.evaluate((e) => (e as HTMLElement).innerText)).toBe(
      'Website “ftp://tealworks.example” is not a web address (https://…).',
    );
    await ws.keyboard.press('Escape');
    await editField(ws, 'website', 'https://tealworks.example/');
    await ws.waitForSelector('[data-testid="contact-field"][data-field="website"] a[href^="https://tealworks.example"]');
    await editField(ws, 'tags', 'partner, emea');
    await fieldShows(ws, 'tags', 'partner, emea');

    // A second person at the renamed company joins its list; the first carries the new name.
    await createPerson(ws, 'Omar Teal', 'omar@teal.example', 'Teal Works Ltd');
    expect(await fieldText(ws, 'company')).toBe('Teal Works Ltd');
    await ws.goto(companyUrl);
    await ws.waitForSelector('[data-testid="company-detail"]');
    await ws.waitForFunction(() => document.querySelectorAll('[data-testid="company-person"]').length === 2);
    expect(await people(ws)).toEqual(['Noor Haddad', 'Omar Teal']);
    await ws.reload({ waitUntil: 'load' });
    await fieldShows(ws, 'name', 'Teal Works Ltd');
    await fieldShows(ws, 'domain', 'tealworks.example');
    await fieldShows(ws, 'tags', 'partner, emea');
    await ws.click('[data-testid="company-person"] a');
    await ws.waitForSelector('[data-testid="contact-detail"]');
    await fieldShows(ws, 'company', 'Teal Works Ltd');

    await ws.goto(ws.url().replace(/#.*$/, '#/companies'));
    await ws.waitForSelector('[data-testid="result-count"][data-count="1"]');
    const row = await ws.$eval('[data-testid="company-row"]', (r) =>
      ['name', 'domain', 'tags', 'people'].map((c) => r.querySelector(`[data-column="${c}"]`)?.textContent),
    );
    expect(row).toEqual(['Teal Works Ltd', 'tealworks.example', 'partner, emea', '2']);
  });

  it('popup quick actions set the tags, the stage and a follow-up, and the contact page shows them', async () => {
    await ws.goto(ws.url().replace(/#.*$/, `#/people/${encodeURIComponent(noor)}`));
    await ws.waitForSelector('[data-testid="contact-detail"]');
    const popup = await ext.openPopup();
    await searchPopup(popup, 'noor');
    await popup.click('[data-testid="search-result"][data-kind="contact"]');
    await popup.waitForSelector('[data-testid="quick-actions"]');
    const status = (text: string) =>
      popup.waitForFunction((t) => document.querySelector('[data-testid="quick-status"]')?.textContent === t, {}, text);

    await fill(popup, '[data-testid="tags-input"]', 'vip, fair 2027');
    await popup.click('[data-testid="tags-save"]');
    await status('Tags saved.');
    await popup.select('[data-testid="stage-select"]', 'customer');
    await status('Stage set to customer.');
    await popup.click('[data-testid="follow-up"]');
    await popup.waitForSelector('[data-testid="follow-up-form"]');
    await fill(popup, '[data-testid="follow-up-title"]', 'Send the Q1 proposal');
    await fill(popup, '[data-testid="follow-up-date"]', '2027-01-15');
    await fill(popup, '[data-testid="follow-up-time"]', '14:30');
    await popup.click('[data-testid="follow-up-save"]');
    await status('Follow-up set for 2027-01-15.');
    await popup.close();
    // Back to the workspace's tab: a page in a background tab may not run the animation frames
    // waitForFunction polls on.
    await ws.bringToFront();
    await ws.waitForFunction(
      () =>
        [...document.querySelectorAll('[data-testid="contact-field"][data-field="tags"] .chip')].map((c) => c.textContent).join('|') ===
        'vip|fair 2027',
    );
    await fieldShows(ws, 'stage', 'customer');
    const task = await ws.waitForSelector('[data-testid="timeline-item"][data-type="task"]');
    expect(await task!.evaluate((e) => (e as HTMLElement).innerText)).toContain('Send the Q1 proposal');
    await ws.reload({ waitUntil: 'load' });
    await fieldShows(ws, 'stage', 'customer');
    expect(await ws.$eval('[data-testid="timeline-item"][data-type="task"]', (e) => (e as HTMLElement).innerText)).toContain(
      'Send the Q1 proposal',
    );
    expect(ext.errors(ws)).toEqual([]);
  });
});
