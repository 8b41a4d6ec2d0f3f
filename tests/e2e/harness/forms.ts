// Page steps shared by the e2e files: typing into a form control (in a page or a frame), clicking
// what draws late, searching from the popup, reading a field edited in place.
import type { Frame, Page } from 'puppeteer-core';

/** Sets a form control's value as typing would (an input event Preact listens to). */
export async function fill(page: Page | Frame, selector: string, value: string) {
  await page.$eval(
    selector,
    (el, v) => {
      (el as HTMLInputElement).value = v;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    },
    value,
  );
}

/** Types a query into the popup's search and returns the results once they answer it. */
export async function searchPopup(popup: Page, q: string) {
  await fill(popup, '[data-testid="search-input"]', q);
  await popup.waitForFunction(
    (query) => document.querySelector('[data-testid="search-results"]')?.getAttribute('data-query') === query,
    {},
    q,
  );
  return popup.$$eval('[data-testid="search-result"]', (els) =>
    els.map((e) => ({ kind: e.getAttribute('data-kind'), id: e.getAttribute('data-id'), text: (e as HTMLElement).innerText })),
  );
}

const fieldSelector = (field: string) => `[data-testid="contact-field"][data-field="${field}"] [data-testid="field-edit"]`;

/** Waits until a field edited in place shows `text` (the page follows the database a moment after a save). */
export async function fieldShows(page: Page, field: string, text: string) {
  await page.waitForFunction(
    (sel, t) => (document.querySelector(sel) as HTMLElement | null)?.innerText.replace(/\s+/g, ' ').trim() === t,
    {},
    fieldSelector(field),
    text,
  );
}

/** What a field edited in place shows. */
export const fieldText = (page: Page, field: string) => page.$eval(fieldSelector(field), (el) => (el as HTMLElement).innerText);

/** Opens a field edited in place, replaces its value with `value` and presses Enter. */
export async function editField(page: Page, field: string, value: string) {
  const at = `[data-testid="contact-field"][data-field="${field}"]`;
  await page.click(`${at} [data-testid="field-edit"]`);
  await page.waitForSelector(`${at} [data-testid="field-input"]`);
  await fill(page, `${at} [data-testid="field-input"]`, value);
  await page.focus(`${at} [data-testid="field-input"]`);
  await page.keyboard.press('Enter');
}

/** Clicks an element once it is there (lists and menus draw after the data they show). */
export async function clickWhenThere(page: Page | Frame, selector: string) {
  await (await page.waitForSelector(selector))!.click();
}
