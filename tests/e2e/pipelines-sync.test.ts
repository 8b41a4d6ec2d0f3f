// A deal made in Rapport reaches the simulated HubSpot once, with its contact and company, even when
// the service worker is stopped while its create is on the wire; the pipeline mapping is offered on
// connect with defaults by name; a stage change made in HubSpot comes back by pull (both ways) with a
// stage change recorded here. In Chromium, against the HubSpot simulator.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HubspotSim, startHubspotSim } from '../sims/hubspot';
import { type ExtensionHandle, launchWithExtension } from './harness/browser';
import { chooseImportFile, fillHubspotForm } from './harness/options';

const at = '2026-02-02T09:00:00.000Z';
const dir = mkdtempSync(join(tmpdir(), 'rapport-e2e-pipelines-sync-'));
const file = join(dir, 'people.json');
const base = { createdAt: at, updatedAt: at, sources: [{ type: 'import', ref: 'people.json', at }] };
writeFileSync(
  file,
  JSON.stringify({
    format: 'rapport-export',
    version: 1,
    exportedAt: at,
    contacts: [
      {
        ...base,
        id: 'ct_dana',
        name: 'Dana Deal',
        emails: ['dana@dealco.example'],
        phones: [],
        tags: [],
        companyId: 'co_dealco',
        company: 'DealCo',
      },
    ],
    companies: [{ ...base, id: 'co_dealco', name: 'DealCo', domain: 'dealco.example', tags: [] }],
    activities: [],
    tasks: [],
    deals: [],
  }),
);

interface ItemsApi {
  create(pipelineId: string, fields: Record<string, unknown>): Promise<{ id: string }>;
  get(id: string): Promise<{ stageId: string } | undefined>;
  history(id: string): Promise<{ from?: string; to: string }[]>;
  outboxCount(): Promise<number>;
}
const items = (page: Page) => ({
  create: (fields: Record<string, unknown>) =>
    page.evaluate((f) => (globalThis as unknown as { rapportItems: ItemsApi }).rapportItems.create('pl_sales', f), fields),
  get: (id: string) => page.evaluate((i) => (globalThis as unknown as { rapportItems: ItemsApi }).rapportItems.get(i), id),
  history: (id: string) => page.evaluate((i) => (globalThis as unknown as { rapportItems: ItemsApi }).rapportItems.history(i), id),
  outboxCount: () => page.evaluate(() => (globalThis as unknown as { rapportItems: ItemsApi }).rapportItems.outboxCount()),
  /** "Sync now", as the options page asks for it (queued entries and the pull become due). */
  syncNow: () =>
    page.evaluate(() => {
      const runtime = (globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } } }).chrome.runtime;
      void runtime.sendMessage({ rapport: 1, type: 'syncNow', payload: {} }).catch(() => undefined);
    }),
});

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 60_000, every = 100): Promise<void> {
  for (const deadline = Date.now() + ms; !(await ok());) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

describe('pipeline items sync to HubSpot', () => {
  let sim: HubspotSim;
  let ext: ExtensionHandle;
  let bench: Page;

  beforeAll(async () => {
    // A round trip per request: the deal's create is still on the wire when the worker is stopped.
    sim = await startHubspotSim({ latencyMs: 400 });
    ext = await launchWithExtension();
    const options = await ext.openOptions();
    await chooseImportFile(options, file);
    await options.waitForSelector('[data-testid="import-done"]');
    await fillHubspotForm(options, sim.url, 'hs-test-token');
    await options.select('[data-testid="connector-form"] select[name="direction"]', 'both');
    await options.click('[data-testid="connector-test"]');
    await options.waitForSelector('[data-testid="connector-test-ok"]', { timeout: 60_000 });
    // The mapping, read from HubSpot on the test, with its defaults by name and category.
    await options.waitForSelector('[data-testid="pipeline-map"][data-pipeline="pl_sales"] select[name="stage-map-pl_sales-won"]', {
      timeout: 30_000,
    });
    const chosen = await options.$$eval('[data-testid="pipeline-map"][data-pipeline="pl_sales"] select', (els) =>
      Object.fromEntries(els.map((e) => [(e as HTMLSelectElement).name, (e as HTMLSelectElement).value])),
    );
    expect(chosen).toMatchObject({
      'pipeline-map-pl_sales': 'default',
      'stage-map-pl_sales-lead': 'appointmentscheduled',
      'stage-map-pl_sales-won': 'closedwon',
      'stage-map-pl_sales-lost': 'closedlost',
    });
    // Service cases map to the ticket pipeline; hiring has no HubSpot object, so it is not offered.
    expect(await options.$('[data-testid="pipeline-map"][data-pipeline="pl_service"]')).not.toBeNull();
    expect(await options.$('[data-testid="pipeline-map"][data-pipeline="pl_hiring"]')).toBeNull();
    await options.click('[data-testid="connector-save"]');
    await options.waitForSelector('[data-testid="connector-status"][data-type="hubspot"]');
    await until(
      'the contact and company in HubSpot',
      () => sim.list('contacts').length === 1 && sim.list('companies').length === 1,
      90_000,
    );
    bench = await ext.openExtensionPage('bench.html');
    await bench.waitForFunction(() => 'rapportItems' in globalThis);
  }, 240_000);
  afterAll(async () => {
    await ext?.close();
    await sim?.close();
  });

  it(
    'a deal lands once with its contact and company, though the worker stops while its create is on the wire',
    { timeout: 180_000 },
    async () => {
      const api = items(bench);
      const deal = await api.create({
        title: 'DealCo expansion',
        contactIds: ['ct_dana'],
        companyId: 'co_dealco',
        amount: 25000,
        currency: 'EUR',
      });
      await api.syncNow();
      // HubSpot has made it; its answer is still on the way (the simulator's round trip): stop the worker now.
      await until('the deal created in HubSpot', () => sim.list('deals').length > 0, 60_000, 10);
      await ext.stopServiceWorker();
      await ext.serviceWorker();
      await api.syncNow();
      await until('everything sent', async () => (await api.outboxCount()) === 0, 90_000, 250);
      await new Promise((r) => setTimeout(r, 1000));

      const deals = sim.list('deals');
      expect(deals).toHaveLength(1);
      expect(deals[0].properties).toMatchObject({
        dealname: 'DealCo expansion',
        pipeline: 'default',
        dealstage: 'appointmentscheduled',
        amount: '25000',
        deal_currency_code: 'EUR',
      });
      expect(sim.associationsOf('deals', deals[0].id, 'contacts').map((a) => a.toId)).toEqual([sim.list('contacts')[0].id]);
      expect(sim.associationsOf('deals', deals[0].id, 'companies').map((a) => a.toId)).toEqual([sim.list('companies')[0].id]);

      // Moved in HubSpot to Closed Won: the pull (both ways) brings it back as a stage change here.
      sim.update('deals', deals[0].id, { dealstage: 'closedwon' });
      await api.syncNow();
      await until('the stage change pulled', async () => (await api.get(deal.id))?.stageId === 'won', 60_000, 250);
      expect((await api.history(deal.id)).map((c) => [c.from ?? null, c.to])).toEqual([
        [null, 'lead'],
        ['lead', 'won'],
      ]);
      // Nothing echoes back: still one deal, as HubSpot has it.
      await until('nothing left to send', async () => (await api.outboxCount()) === 0, 30_000, 250);
      expect(sim.list('deals')).toHaveLength(1);
      expect(sim.list('deals')[0].properties.dealstage).toBe('closedwon');
    },
  );
});
