// Imports and restores in Chromium (worker, real IndexedDB, the options page): re-importing a CSV adds
// no person and no note; an export cut short restores every record before the break and says where it
// stopped; a record edited here after the export is kept.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtensionHandle, launchWithExtension } from './harness/browser';
import { chooseImportFile } from './harness/options';

const dir = mkdtempSync(join(tmpdir(), 'rapport-e2e-restore-'));
const csvPath = join(dir, 'people.csv');
writeFileSync(
  csvPath,
  [
    'Name,Email,Company,Notes',
    'Ann Lee,ann@lee.io,Lee Ltd,Met at the Madrid fair',
    'Bo Chen,bo@chen.io,,"Prefers calls, after 3pm"',
    'Dee Evans,,Evans & Co,Call back in May',
  ].join('\n'),
);

/** Uploads a file and waits for the outcome: import-done, or import-failed when it stopped. */
async function importFile(options: Page, path: string) {
  await chooseImportFile(options, path);
  const el = await options.waitForSelector('[data-testid="import-done"], [data-testid="import-failed"]', { timeout: 60_000 });
  return el!.evaluate((e) => ({
    testid: e.getAttribute('data-testid'),
    count: Number(e.getAttribute('data-count')),
    text: (e as HTMLElement).innerText,
  }));
}

async function stats(options: Page, what: 'contacts' | 'activities', count: number) {
  await options.waitForFunction(
    (what, count) =>
      new RegExp(`(^|\\D)${count}\\s*${what}`).test(
        (document.querySelector('[data-testid="data-stats"]') as HTMLElement | null)?.innerText ?? '',
      ),
    { timeout: 10_000 },
    what,
    count,
  );
}

describe('imports and restores lose nothing and duplicate nothing', () => {
  let ext: ExtensionHandle;
  let options: Page;

  beforeAll(async () => {
    ext = await launchWithExtension();
    options = await ext.openOptions();
    const cdp = await options.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: dir });
  });
  afterAll(async () => {
    await ext?.close();
  });

  it('re-importing the same CSV adds no person and no note', async () => {
    expect(await importFile(options, csvPath)).toMatchObject({ testid: 'import-done', count: 3 });
    await stats(options, 'contacts', 3);
    await stats(options, 'activities', 3);
    await options.reload();
    const again = await importFile(options, csvPath);
    expect(again.testid).toBe('import-done');
    expect(again.text).toContain('(0 new, 3 merged)');
    await stats(options, 'contacts', 3);
    await stats(options, 'activities', 3);
  });

  it('an export cut short restores what came before the break and says where it stopped', async () => {
    await options.click('[data-testid="export-json"]');
    let file: string | undefined;
    for (let i = 0; i < 100 && !file; i++) {
      file = readdirSync(dir).find((f) => /^rapport-export-\d{4}-\d{2}-\d{2}\.json$/.test(f));
      if (!file) await new Promise((r) => setTimeout(r, 100));
    }
    expect(file, 'export file downloaded').toBeDefined();
    const text = readFileSync(join(dir, file!), 'utf8');
    const exported = JSON.parse(text);
    expect(exported.settings).toBeDefined();

    options.on('dialog', (d) => void d.accept());
    await options.click('[data-testid="delete-all"]');
    await options.waitForFunction(() => document.querySelector('[data-testid="data-notice"]')?.textContent?.includes('deleted'));
    await stats(options, 'contacts', 0);

    // Cut inside the companies, after the contacts: the contacts are restored, the rest is not.
    const cutPath = join(dir, 'cut.json');
    writeFileSync(cutPath, text.slice(0, text.indexOf('"companies":[') + '"companies":[{"id":'.length));
    await options.reload();
    const cut = await importFile(options, cutPath);
    expect(cut.testid).toBe('import-failed');
    expect(cut.count).toBe(3);
    expect(cut.text).toMatch(
      /Imported 3 from cut\.json, then stopped at .*the file ends before the JSON object does.*Nothing from there on was written/s,
    );
    await stats(options, 'contacts', 3);
    await stats(options, 'activities', 0);

    // The whole export: what is here already is kept, the rest is added.
    await options.reload();
    const whole = await importFile(options, join(dir, file!));
    expect(whole.testid).toBe('import-done');
    expect(whole.count).toBe(exported.companies.length + exported.activities.length);
    expect(whole.text).toContain(`kept`);
    await stats(options, 'contacts', 3);
    await stats(options, 'activities', 3);
  });
});
