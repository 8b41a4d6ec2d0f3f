// Bulk actions of the Companies table and the export of a selection (issue 16 items 2, 3 and 8), in
// Chromium: the people-count column sorts; companies are tagged, queued for a connected CRM (the
// simulated HubSpot), exported and deleted with a confirmation and an undo, their people staying;
// the People table's selection exports as CSV (columns chosen, BOM off) and vCard 3.0 holding
// exactly the selected people, by hand or "all N matching".
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseVcardText } from '../../importers/vcard';
import { type HubspotSim, startHubspotSim } from '../sims/hubspot';
import { type ExtensionHandle, launchWithExtension } from './harness/browser';
import { downloadInto, downloadedText } from './harness/downloads';
import { chooseImportFile, fillHubspotForm } from './harness/options';

// All people below are invented. Alder Works 5 people, Birch Labs 3, Dune Ltd 2, Cedar Co 1, one without.
const PEOPLE: [string, string, string, string][] = [
  ['Ana Alder', 'ana@alder.example', 'Alder Works', 'fair'],
  ['Ben Alder', 'ben@alder.example', 'Alder Works', ''],
  ['Cy Alder', 'cy@alder.example', 'Alder Works', 'fair'],
  ['Di Alder', 'di@alder.example', 'Alder Works', ''],
  ['Ed Alder', 'ed@alder.example', 'Alder Works', ''],
  ['Fay Birch', 'fay@birch.example', 'Birch Labs', 'fair'],
  ['Gus Birch', 'gus@birch.example', 'Birch Labs', ''],
  ['Hal Birch', 'hal@birch.example', 'Birch Labs', ''],
  ['Ivy Cedar', 'ivy@cedar.example', 'Cedar Co', 'fair'],
  ['Jo Dune', 'jo@dune.example', 'Dune Ltd', ''],
  ['Kim Dune', 'kim@dune.example', 'Dune Ltd', ''],
  ['Lou Free', 'lou@free.example', '', 'fair'],
];
const dir = mkdtempSync(join(tmpdir(), 'rapport-e2e-bulk-'));
const csvPath = join(dir, 'people.csv');
writeFileSync(csvPath, ['Name,Email,Company,Tags', ...PEOPLE.map((p) => p.join(','))].join('\r\n'));
const FAIR = PEOPLE.filter((p) => p[3] === 'fair');

describe('bulk actions on companies; exports of a selection', () => {
  let ext: ExtensionHandle;
  let sim: HubspotSim;
  let ws: Page;
  let downloads = 0;

  beforeAll(async () => {
    sim = await startHubspotSim();
    ext = await launchWithExtension();
    const options = await ext.openOptions();
    await chooseImportFile(options, csvPath);
    await options.waitForSelector('[data-testid="import-done"]', { timeout: 60_000 });
    await fillHubspotForm(options, sim.url, 'hs-test-token');
    await options.click('[data-testid="connector-test"]');
    await options.waitForSelector('[data-testid="connector-test-ok"]', { timeout: 60_000 });
    await options.click('[data-testid="connector-save"]');
    await options.waitForSelector('[data-testid="connector-status"][data-type="hubspot"]');
    await options.close();
    ws = await ext.openExtensionPage('workspace.html#/companies');
  });
  afterAll(async () => {
    await ext?.close();
    await sim?.close();
  });

  const count = (n: number) => ws.waitForSelector(`[data-testid="result-count"][data-count="${n}"]`, { timeout: 15_000 });
  const cells = (row: string, column: string) =>
    ws.$$eval(`[data-testid="${row}"] [data-column="${column}"]`, (cs) => cs.map((c) => c.textContent ?? ''));
  const idsByName = (row: string) =>
    ws.$$eval(`[data-testid="${row}"]`, (rs) =>
      Object.fromEntries(rs.map((r) => [r.querySelector('[data-column="name"]')?.textContent ?? '', r.getAttribute('data-id')!])),
    );
  const select = async (row: string, names: string[]) => {
    const ids = await idsByName(row);
    for (const name of names) await ws.click(`[data-testid="${row}"][data-id="${ids[name]}"] [data-testid="row-select"]`);
    await ws.waitForSelector(`[data-testid="selection-count"][data-count="${names.length}"]`);
  };
  const message = (text: string) =>
    ws.waitForFunction((t) => document.querySelector('[data-testid="bulk-message"]')?.textContent === t, { timeout: 15_000 }, text);

  /** Clicks an export button of the bulk bar's export panel and returns the downloaded file's text. */
  async function exportFile(button: 'export-json' | 'export-csv' | 'export-vcard'): Promise<string> {
    const into = join(dir, `download-${++downloads}`);
    await downloadInto(ws, into);
    await ws.click(`[data-testid="bulk-export-panel"] [data-testid="${button}"]`);
    return downloadedText(into, /^rapport-export-\d{4}-\d{2}-\d{2}\.(json|csv|vcf)$/);
  }
  const openExport = async () => {
    if ((await ws.$('[data-testid="bulk-export-panel"]')) === null) await ws.click('[data-testid="bulk-export"]');
    await ws.waitForSelector('[data-testid="bulk-export-panel"]');
  };

  it('shows how many people each company has, and sorts by that count', async () => {
    await count(4);
    const byName = async () => {
      const names = await cells('company-row', 'name');
      const people = await cells('company-row', 'people');
      return names.map((n, i) => [n, people[i]]);
    };
    expect(await byName()).toEqual([
      ['Alder Works', '5'],
      ['Birch Labs', '3'],
      ['Cedar Co', '1'],
      ['Dune Ltd', '2'],
    ]);
    await ws.click('[data-testid="column-header"][data-column="people"]');
    await ws.waitForFunction(() => location.hash.includes('sort=people'));
    expect((await byName()).map(([n]) => n)).toEqual(['Cedar Co', 'Dune Ltd', 'Birch Labs', 'Alder Works']);
    await ws.click('[data-testid="column-header"][data-column="people"]');
    await ws.waitForFunction(() => location.hash.includes('sort=-people'));
    expect((await byName()).map(([n]) => n)).toEqual(['Alder Works', 'Birch Labs', 'Dune Ltd', 'Cedar Co']);
  });

  it('tags selected companies, removes a tag, and queues them for the connected CRM', async () => {
    await select('company-row', ['Birch Labs', 'Cedar Co', 'Dune Ltd']);
    await ws.type('[data-testid="bulk-tag"]', 'key account');
    await ws.click('[data-testid="bulk-apply"]');
    await message('Tagged 3 companies “key account”.');
    await ws.select('[data-testid="filter-tag"]', 'key account');
    await count(3);
    await select('company-row', ['Dune Ltd']);
    await ws.select('[data-testid="bulk-tag-mode"]', 'remove');
    await ws.type('[data-testid="bulk-tag"]', 'key account');
    await ws.click('[data-testid="bulk-apply"]');
    await message('Untagged 1 company “key account”.');
    await count(2);
    expect((await cells('company-row', 'tags')).sort()).toEqual(['key account', 'key account']);

    await ws.click('[data-testid="select-all-matching"]');
    await ws.waitForSelector('[data-testid="selection-count"][data-count="2"]');
    await ws.click('[data-testid="bulk-sync"]');
    await message('Queued 2 pushes for your CRMs.');
  });

  it('exports the selected companies: JSON holds them and their people, CSV their people', async () => {
    await openExport();
    const json = JSON.parse(await exportFile('export-json'));
    expect(json.format).toBe('rapport-export');
    expect(json.companies.map((c: { name: string }) => c.name).sort()).toEqual(['Birch Labs', 'Cedar Co']);
    expect(json.contacts.map((c: { name: string }) => c.name).sort()).toEqual(['Fay Birch', 'Gus Birch', 'Hal Birch', 'Ivy Cedar']);
    const csv = await exportFile('export-csv');
    const rows = Papa.parse<Record<string, string>>(csv.replace(/^\ufeff/, '').trim(), { header: true }).data;
    expect(rows.map((r) => r.Name).sort()).toEqual(['Fay Birch', 'Gus Birch', 'Hal Birch', 'Ivy Cedar']);
  });

  it('deletes companies after a confirmation; undo keeps them; without undo they go and their people stay', async () => {
    await ws.click('[data-testid="bulk-delete"]');
    await ws.click('[data-testid="bulk-delete-confirm"]');
    await count(0);
    await ws.click('[data-testid="bulk-undo"]');
    await count(2);
    await message('Delete undone.');

    await select('company-row', ['Cedar Co']);
    await ws.click('[data-testid="bulk-delete"]');
    await ws.click('[data-testid="bulk-delete-confirm"]');
    await count(1);
    await message('Deleted 1 company.');
    await ws.reload({ waitUntil: 'load' });
    await count(1);
    await ws.select('[data-testid="filter-tag"]', '');
    await count(3);
    expect((await cells('company-row', 'name')).sort()).toEqual(['Alder Works', 'Birch Labs', 'Dune Ltd']);

    await ws.click('[data-testid="nav-people"]');
    await count(PEOPLE.length);
    expect(await ws.$$eval('[data-testid="person-row"]', (rs) => rs.map((r) => r.textContent))).toContainEqual(
      expect.stringContaining('Ivy Cedar'),
    );
    expect(ext.errors(ws)).toEqual([]);
  });

  it('exports the selected people as CSV with the columns chosen and no BOM, and as vCard 3.0', async () => {
    const chosen = ['Ben Alder', 'Hal Birch', 'Lou Free'];
    await select('person-row', chosen);
    await openExport();
    const panel = '[data-testid="bulk-export-panel"]';
    for (const column of ['firstName', 'lastName', 'phones', 'title', 'location', 'linkedinUrl', 'tags', 'stage'])
      await ws.click(`${panel} [data-testid="export-csv-columns"] input[name="${column}"]`);
    await ws.click(`${panel} [data-testid="export-csv-bom"]`);
    const csv = await exportFile('export-csv');
    expect(csv.charCodeAt(0)).not.toBe(0xfeff);
    const lines = Papa.parse<string[]>(csv.trim()).data;
    expect(lines[0]).toEqual(['Name', 'Email', 'Company']);
    expect(lines.slice(1).sort()).toEqual(PEOPLE.filter((p) => chosen.includes(p[0])).map((p) => p.slice(0, 3)));

    await ws.select(`${panel} [data-testid="export-vcard-version"]`, '3.0');
    const vcf = await exportFile('export-vcard');
    expect(vcf.match(/^VERSION:3\.0\r$/gm)).toHaveLength(3);
    expect(
      parseVcardText(vcf)
        .rows.map((r) => [r.contact.name, r.contact.emails[0]])
        .sort(),
    ).toEqual(PEOPLE.filter((p) => chosen.includes(p[0])).map((p) => [p[0], p[1]]));
  });

  it('exports all N matching people', async () => {
    await ws.select('[data-testid="filter-tag"]', 'fair');
    await count(FAIR.length);
    await ws.click('[data-testid="select-all-matching"]');
    await ws.waitForSelector(`[data-testid="selection-count"][data-count="${FAIR.length}"]`);
    await openExport();
    const csv = await exportFile('export-csv');
    const rows = Papa.parse<Record<string, string>>(csv.trim(), { header: true }).data;
    expect(rows.map((r) => r.Email).sort()).toEqual(FAIR.map((p) => p[1]).sort());
    expect(ext.errors(ws)).toEqual([]);
  });
});
