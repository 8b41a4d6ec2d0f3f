// The CSV import's mapping step and the CSV and vCard exports, in Chromium on the options page: the
// columns come with a select each, changing one changes the preview (and whom a row merges with), Import
// stores what the preview showed; the exports download files that parse back as the same people.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtensionHandle, launchWithExtension } from './harness/browser';
import { parseVcardText } from '../../importers/vcard';

// All people below are invented.
const dir = mkdtempSync(join(tmpdir(), 'rapport-e2e-mapping-'));
const known = join(dir, 'known.vcf');
writeFileSync(known, 'BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ada Known\r\nEMAIL:ada@quist.example\r\nEND:VCARD\r\n');
const csvPath = join(dir, 'people.csv');
writeFileSync(
  csvPath,
  [
    'Full Name,Work Mail,Employer,Role',
    'Ada Quist,ada@quist.example,Quist & Co,Founder',
    'Ben Ortega,ben@ortega.example,Ortega Ltd,=cmd|calc',
    'Cleo Park,cleo@park.example,Park Studio,Designer',
  ].join('\n'),
);

async function waitForDownload(pattern: RegExp): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const f = readdirSync(dir).find((x) => pattern.test(x));
    if (f) return readFileSync(join(dir, f), 'utf8');
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no download matching ${pattern}`);
}

const previewCell = (options: Page, row: number, field: string) =>
  options.$eval(`[data-testid="import-preview-row"][data-row="${row}"] [data-field="${field}"]`, (el) => (el as HTMLElement).innerText);

describe('import with mapping and preview; CSV and vCard export', () => {
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

  it('a CSV shows its columns with a select each; changing one changes the preview; Import stores what it showed', async () => {
    // Someone already here, whom the first row will merge with once its e-mail column is mapped.
    const vcf = await options.waitForSelector('[data-testid="import-file"]:not([disabled])');
    await (vcf as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(known);
    await options.waitForSelector('[data-testid="import-done"]');

    const input = await options.waitForSelector('[data-testid="import-file"]:not([disabled])');
    await (input as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(csvPath);
    await options.waitForSelector('[data-testid="import-mapping"] [data-testid="import-preview"][data-lookup="ready"]');
    expect(await options.$$eval('[data-testid="import-kind"] option', (os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual([
      'contacts',
    ]);
    const proposed = await options.$$eval('[data-testid="import-mapping"] select[data-column]', (ss) =>
      ss.map((s) => [s.getAttribute('data-column'), (s as HTMLSelectElement).value]),
    );
    expect(proposed).toEqual([
      ['Full Name', 'name'],
      ['Work Mail', 'ignore'],
      ['Employer', 'company'],
      ['Role', 'title'],
    ]);
    expect(await previewCell(options, 2, 'emails')).toBe('');
    expect(await previewCell(options, 2, 'merge')).toBe('new');

    await options.select('select[data-column="Work Mail"]', 'email');
    await options.waitForFunction(
      () =>
        document.querySelector('[data-testid="import-preview-row"][data-row="2"] [data-field="emails"]')?.textContent ===
          'ada@quist.example' &&
        document.querySelector('[data-testid="import-preview"]')?.getAttribute('data-lookup') === 'ready' &&
        document.querySelector('[data-testid="import-preview-row"][data-row="2"]')?.getAttribute('data-merge') === 'existing',
    );
    expect(await previewCell(options, 2, 'merge')).toContain('Ada Known');
    expect(await previewCell(options, 3, 'merge')).toBe('new');

    await options.click('[data-testid="import-confirm"]');
    const done = await options.waitForSelector('[data-testid="import-done"]', { timeout: 60_000 });
    const outcome = await done!.evaluate((e) => ({ count: Number(e.getAttribute('data-count')), text: (e as HTMLElement).innerText }));
    expect(outcome.count).toBe(3);
    expect(outcome.text).toContain('(2 new, 1 merged)');
    await options.waitForFunction(() => document.querySelector('[data-testid="data-stats"]')?.textContent?.includes('3contacts'));
  });

  it('export-csv and export-vcard download files that parse back as the same people', async () => {
    await options.click('[data-testid="export-csv"]');
    const csv = await waitForDownload(/^rapport-export-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(csv.charCodeAt(0)).toBe(0xfeff); // Excel-friendly by default
    const rows = Papa.parse<Record<string, string>>(csv.slice(1).trim(), { header: true }).data;
    expect(rows.map((r) => [r.Name, r.Email, r.Company]).sort()).toEqual([
      ['Ada Known', 'ada@quist.example', 'Quist & Co'],
      ['Ben Ortega', 'ben@ortega.example', 'Ortega Ltd'],
      ['Cleo Park', 'cleo@park.example', 'Park Studio'],
    ]);
    expect(rows.find((r) => r.Name === 'Ben Ortega')!['Job Title']).toBe(`'=cmd|calc`);

    await options.select('[data-testid="export-vcard-version"]', '3.0');
    await options.click('[data-testid="export-vcard"]');
    const vcf = await waitForDownload(/^rapport-export-\d{4}-\d{2}-\d{2}\.vcf$/);
    expect(vcf.match(/^VERSION:3\.0\r$/gm)).toHaveLength(3);
    const back = parseVcardText(vcf).rows.map((r) => [r.contact.name, r.contact.emails[0], r.contact.company]);
    expect(back.sort()).toEqual([
      ['Ada Known', 'ada@quist.example', 'Quist & Co'],
      ['Ben Ortega', 'ben@ortega.example', 'Ortega Ltd'],
      ['Cleo Park', 'cleo@park.example', 'Park Studio'],
    ]);
  });
});
