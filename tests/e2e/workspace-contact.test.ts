// Contact and company pages in the workspace, and the popup's quick actions (issue 16 items 4 and
// 6): create a person by hand and find them from the popup; a bad e-mail or phone line is named and
// nothing is saved; fields edited in place; notes added, edited and deleted; a note and a stage from
// the popup; delete with a confirmation; the popup's empty state leads to import and settings.
import type { Page, Target } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HubspotSim, startHubspotSim } from '../sims/hubspot';
import { type ExtensionHandle, launchWithExtension } from './harness/browser';
import { fieldShows, fieldText, fill, searchPopup } from './harness/forms';
import { fillHubspotForm } from './harness/options';

describe('workspace contact and company pages, popup quick actions', () => {
  let ext: ExtensionHandle;
  let ws: Page;
  let id: string;

  beforeAll(async () => {
    ext = await launchWithExtension();
  });
  afterAll(async () => {
    await ext?.close();
  });

  it('the popup with no contacts links to import and settings, in the workspace', async () => {
    const popup = await ext.openPopup();
    await popup.waitForSelector('[data-testid="search-empty"] [data-testid="empty-import"]');
    const opened = ext.browser.waitForTarget((t: Target) => t.url().includes('/workspace.html'), { timeout: 15_000 });
    await popup.click('[data-testid="empty-settings"]');
    const tab = (await (await opened).page())!;
    await tab.waitForSelector('[data-testid="import-file"]');
    expect(new URL(tab.url()).hash).toBe('#/settings');
    await tab.close();
  });

  it('creates a contact by hand at #/people/new; the popup finds it and its company page lists it', async () => {
    ws = await ext.openExtensionPage('workspace.html#/people/new');
    const form = '[data-testid="contact-form"]';
    await ws.waitForSelector(form);
    await fill(ws, `${form} [name="firstName"]`, 'Priya');
    await fill(ws, `${form} [name="lastName"]`, 'Raman');
    await fill(ws, `${form} [name="emails"]`, 'Priya@Raman.example');
    await fill(ws, `${form} [name="company"]`, 'Raman Labs');
    await fill(ws, `${form} [name="tags"]`, 'vip, fair 2026');
    await ws.select(`${form} [name="stage"]`, 'lead');
    await ws.click('[data-testid="contact-save"]');
    const detail = await ws.waitForSelector('[data-testid="contact-detail"]');
    id = (await detail!.evaluate((e) => e.getAttribute('data-contact-id')))!;
    expect(new URL(ws.url()).hash).toBe(`#/people/${encodeURIComponent(id)}`);
    expect(await fieldText(ws, 'emails')).toBe('priya@raman.example');
    expect(await fieldText(ws, 'tags')).toMatch(/vip\s*fair 2026/);

    const popup = await ext.openPopup();
    const hits = await searchPopup(popup, 'priya');
    expect(hits.filter((h) => h.kind === 'contact')).toEqual([
      expect.objectContaining({ id, text: expect.stringContaining('Priya Raman') }),
    ]);
    await popup.close();

    await ws.click('[data-testid="contact-field"][data-field="company"] a');
    await ws.waitForSelector('[data-testid="company-detail"]');
    expect(await ws.$$eval('[data-testid="company-person"]', (els) => els.map((e) => (e as HTMLElement).innerText))).toEqual([
      expect.stringContaining('Priya Raman'),
    ]);
    await ws.goBack();
    await ws.waitForSelector('[data-testid="contact-detail"]');
  });

  it('a bad e-mail or phone line is named and nothing is saved; fixed, the form saves', async () => {
    await ws.click('[data-testid="contact-edit"]');
    const form = '[data-testid="contact-form"]';
    await ws.waitForSelector(form);
    await fill(ws, `${form} [name="emails"]`, 'priya@raman.example\npriya@@raman.example');
    await fill(ws, `${form} [name="phones"]`, '+44 20 7946 0958\n12');
    await fill(ws, `${form} [name="title"]`, 'Head of Research');
    await ws.click('[data-testid="contact-save"]');
    const emailError = await ws.waitForSelector('[data-testid="field-error"][data-field="emails"]');
    expect(await emailError!.evaluate((e) => (e as HTMLElement).innerText)).toBe(
      'E-mail on line 2 (“priya@@raman.example”) has more than one @.',
    );
    expect(await ws.$eval('[data-testid="field-error"][data-field="phones"]', (e) => (e as HTMLElement).innerText)).toMatch(
      /^Phone on line 2 \(“12”\) is not a valid phone number/,
    );
    // Nothing was saved: the page shows the stored values once the form is closed.
    await ws.click('[data-testid="contact-edit"]');
    await ws.waitForSelector('[data-testid="contact-field"][data-field="phones"]');
    expect(await fieldText(ws, 'phones')).toBe('—');
    expect(await fieldText(ws, 'title')).toBe('—');

    await ws.click('[data-testid="contact-edit"]');
    await ws.waitForSelector(form);
    await fill(ws, `${form} [name="emails"]`, 'priya.r@raman.example\npriya@raman.example');
    await fill(ws, `${form} [name="phones"]`, '+44 20 7946 0958');
    await fill(ws, `${form} [name="title"]`, 'Head of Research');
    await ws.click('[data-testid="contact-save"]');
    await fieldShows(ws, 'phones', '+442079460958');
    await fieldShows(ws, 'emails', 'priya.r@raman.example primary priya@raman.example');
    await fieldShows(ws, 'title', 'Head of Research');
  });

  it('a field edits in place: Enter saves, Esc puts the value back, a bad value is named', async () => {
    const location = '[data-testid="contact-field"][data-field="location"]';
    await ws.click(`${location} [data-testid="field-edit"]`);
    await ws.waitForSelector(`${location} [data-testid="field-input"]`);
    await ws.type(`${location} [data-testid="field-input"]`, 'Pune');
    await ws.keyboard.press('Enter');
    await ws.waitForSelector(`${location} [data-testid="field-edit"]`);
    await ws.waitForFunction((s) => document.querySelector(s)?.textContent === 'Pune', {}, `${location} [data-testid="field-edit"]`);

    await ws.click(`${location} [data-testid="field-edit"]`);
    await ws.type(`${location} [data-testid="field-input"]`, ' and Mumbai');
    await ws.keyboard.press('Escape');
    await ws.waitForSelector(`${location} [data-testid="field-edit"]`);
    expect(await fieldText(ws, 'location')).toBe('Pune');

    const li = '[data-testid="contact-field"][data-field="linkedinUrl"]';
    await ws.click(`${li} [data-testid="field-edit"]`);
    await ws.type(`${li} [data-testid="field-input"]`, 'https://example.com/priya');
    await ws.keyboard.press('Enter');
    const error = await ws.waitForSelector(`${li} [data-testid="field-error"]`);
    expect(await error!.evaluate((e) => (e as HTMLElement).innerText)).toMatch(/^LinkedIn URL must be a profile address/);
    await ws.keyboard.press('Escape');
    await ws.waitForSelector(`${li} [data-testid="field-edit"]`);
    expect(await fieldText(ws, 'linkedinUrl')).toBe('—');
  });

  it('adds a note, edits it and deletes it in the timeline', async () => {
    await ws.click('[data-testid="add-note"]');
    await ws.type('[data-testid="note-input"]', 'Met at the Pune fair');
    await ws.click('[data-testid="note-save"]');
    const note = '[data-testid="timeline-item"][data-type="note"]';
    await ws.waitForFunction((s) => document.querySelector(s)?.textContent?.includes('Met at the Pune fair'), {}, note);
    await ws.click(`${note} [data-testid="note-edit"]`);
    await fill(ws, '[data-testid="note-edit-input"]', 'Met at the Pune fair; wants a demo in May');
    await ws.click('[data-testid="note-edit-save"]');
    await ws.waitForFunction((s) => document.querySelector(s)?.textContent?.includes('wants a demo in May'), {}, note);
    const popup = await ext.openPopup();
    expect((await searchPopup(popup, 'demo may')).filter((h) => h.kind === 'activity')).toHaveLength(1);
    await popup.close();
    await ws.click(`${note} [data-testid="note-delete"]`);
    await ws.click(`${note} [data-testid="note-delete-confirm"]`);
    await ws.waitForFunction((s) => !document.querySelector(s), {}, note);
  });

  it('popup quick actions: a note and a stage, seen in the workspace at once', async () => {
    const popup = await ext.openPopup();
    await searchPopup(popup, 'priya');
    await popup.click('[data-testid="search-result"][data-kind="contact"]');
    await popup.waitForSelector('[data-testid="contact-detail"]');
    await popup.click('[data-testid="quick-note"]');
    await popup.type('[data-testid="quick-note-input"]', 'Called from the popup');
    await popup.click('[data-testid="quick-note-save"]');
    await popup.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid="timeline-item"][data-type="note"]')].some((e) =>
        e.textContent?.includes('Called from the popup'),
      ),
    );
    await popup.select('[data-testid="stage-select"]', 'qualified');
    await popup.waitForFunction(() => document.querySelector('[data-testid="quick-status"]')?.textContent === 'Stage set to qualified.');

    await ws.waitForFunction(
      () =>
        document.querySelector('[data-testid="contact-field"][data-field="stage"] [data-testid="field-edit"]')?.textContent === 'qualified',
    );
    await ws.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid="timeline-item"][data-type="note"]')].some((e) =>
        e.textContent?.includes('Called from the popup'),
      ),
    );
    await popup.close();
  });

  it('deletes the contact after a confirmation; search no longer finds them', async () => {
    await ws.click('[data-testid="contact-delete"]');
    await ws.waitForSelector('[data-testid="delete-confirmation"]');
    await ws.click('[data-testid="delete-confirm"]');
    await ws.waitForSelector('[data-testid="record-deleted"]');
    const popup = await ext.openPopup();
    expect((await searchPopup(popup, 'priya')).filter((h) => h.kind === 'contact')).toEqual([]);
    await popup.close();
    await ws.reload({ waitUntil: 'load' });
    await ws.waitForSelector('[data-testid="contact-missing"]');
  });
});

describe('edits and deletes from the workspace reach a connected CRM (simulated HubSpot)', () => {
  let ext: ExtensionHandle;
  let sim: HubspotSim;
  let options: Page;

  beforeAll(async () => {
    sim = await startHubspotSim();
    ext = await launchWithExtension();
    options = await ext.openOptions();
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

  /** Clicks "Sync now" (what the alarm does a minute later) until `done` holds. */
  async function syncUntil(what: string, done: () => boolean) {
    for (const end = Date.now() + 60_000; !done();) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await options.bringToFront();
      await options.click('[data-testid="connector-status"] [data-testid="connector-sync"]').catch(() => undefined);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  it('a person created and edited by hand reaches HubSpot; deleted with "archive", HubSpot archives them', async () => {
    const ws = await ext.openExtensionPage('workspace.html#/people/new');
    const form = '[data-testid="contact-form"]';
    await ws.waitForSelector(form);
    await fill(ws, `${form} [name="name"]`, 'Omar Haddad');
    await fill(ws, `${form} [name="emails"]`, 'omar@haddad.example');
    await ws.click('[data-testid="contact-save"]');
    await ws.waitForSelector('[data-testid="contact-detail"]');
    const title = '[data-testid="contact-field"][data-field="title"]';
    await ws.click(`${title} [data-testid="field-edit"]`);
    await ws.type(`${title} [data-testid="field-input"]`, 'Buyer');
    await ws.keyboard.press('Enter');
    await fieldShows(ws, 'title', 'Buyer');

    const remote = () => sim.list('contacts').find((c) => c.properties.email === 'omar@haddad.example');
    await syncUntil('the edit in HubSpot', () => remote()?.properties.jobtitle === 'Buyer');
    const remoteId = remote()!.id;

    await ws.bringToFront();
    await ws.click('[data-testid="contact-delete"]');
    await ws.click('[data-testid="delete-archive"]');
    await ws.click('[data-testid="delete-confirm"]');
    await ws.waitForSelector('[data-testid="record-deleted"]');
    await syncUntil('the archive in HubSpot', () => sim.state.contacts.get(remoteId)?.archived === true);
    expect(remote()).toBeUndefined();
  });
});
