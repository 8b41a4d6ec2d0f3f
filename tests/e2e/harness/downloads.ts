// Downloads in e2e tests: the browser saves them into a folder the test chose, and the test reads
// the file once it is complete (Chromium writes `<name>.crdownload` until then).
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';

/** Makes the browser save downloads from `page` into `dir` (created when missing). */
export async function downloadInto(page: Page, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const cdp = await page.createCDPSession();
  await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: dir });
}

/** The text of the first file in `dir` whose name matches `pattern`, waiting up to `timeoutMs` for it. */
export async function downloadedText(dir: string, pattern: RegExp, timeoutMs = 15_000): Promise<string> {
  for (const end = Date.now() + timeoutMs; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
    const f = readdirSync(dir).find((x) => pattern.test(x));
    if (f) return readFileSync(join(dir, f), 'utf8');
  }
  throw new Error(`no download matching ${pattern} in ${dir}`);
}
