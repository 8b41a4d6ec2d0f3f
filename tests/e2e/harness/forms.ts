// Filling forms in extension pages and frames as a user would.
import type { Frame, Page } from 'puppeteer-core';

/** Sets a form control's value as typing would: the input (and change) events Preact listens to. */
export async function fill(page: Page | Frame, selector: string, value: string) {
  await page.$eval(
    selector,
    (el, v) => {
      (el as HTMLInputElement).value = v;
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
    },
    value,
  );
}

/** Clicks an element once it is there (lists and menus draw after the data they show). */
export async function clickWhenThere(page: Page | Frame, selector: string) {
  await (await page.waitForSelector(selector))!.click();
}
