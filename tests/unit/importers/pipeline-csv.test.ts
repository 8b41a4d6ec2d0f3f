// A pipeline as CSV (importers/pipeline-csv.ts): one row per item with stage, amounts weighted by the
// stage's probability (sales only), people with their addresses, company, case fields and days in
// stage; cells a spreadsheet would run as formulas are guarded; it reads back with Papaparse.
import Papa from 'papaparse';
import { afterEach, describe, expect, it } from 'vitest';
import { pipelineCsvParts } from '../../../importers/export-files';
import { PIPELINE_CSV_HEADERS, pipelineCsvFileName, pipelineToCsv } from '../../../importers/pipeline-csv';
import { defaultPipelines } from '../../../storage/pipeline-logic';
import { createItem, listPipelines, moveItemTo } from '../../../storage/pipelines';
import { upsertContacts } from '../../../storage/repositories';
import type { Contact, PipelineItem } from '../../../storage/schema';
import { closeDbs, setup, src } from '../sync/helpers';

afterEach(closeDbs);

const [sales, , service] = defaultPipelines('2026-11-01T00:00:00.000Z');
const now = new Date('2026-11-20T12:00:00.000Z');
const base = { createdAt: '2026-11-01T09:00:00.000Z', updatedAt: '2026-11-10T09:00:00.000Z', sources: [], threadIds: [] };
const lookups = {
  people: new Map([
    ['ct_ann', { name: 'Ann Quill', emails: ['ann@quill.example'] }],
    ['ct_zoe', { name: 'Zoë Ng', emails: [] }],
  ]),
  companies: new Map([['co_q', { name: 'Quill, Ltd' }]]),
  now,
};

const parse = (csv: string) => {
  expect(csv.startsWith('\ufeff')).toBe(true);
  const rows = Papa.parse<Record<string, string>>(csv.slice(1), { header: true, skipEmptyLines: true });
  expect(rows.errors).toEqual([]);
  return rows.data;
};

describe('pipeline CSV', () => {
  it('writes one row per item with stage, weighted amount, people, company and days in stage', () => {
    const deal: PipelineItem = {
      ...base,
      id: 'it_1',
      pipelineId: 'pl_sales',
      stageId: 'proposal',
      title: 'Quill rollout',
      contactIds: ['ct_ann', 'ct_zoe', 'ct_gone'],
      companyId: 'co_q',
      amount: 12000.5,
      currency: 'EUR',
      closeDate: '2026-12-31',
      stageEnteredAt: '2026-11-13T10:00:00.000Z',
    };
    const [row] = parse(pipelineToCsv([deal], sales, lookups));
    expect(Object.keys(row)).toEqual([...PIPELINE_CSV_HEADERS]);
    expect(row).toMatchObject({
      'Rapport ID': 'it_1',
      Title: 'Quill rollout',
      Pipeline: 'Sales',
      Stage: 'Proposal',
      'Stage Category': 'open',
      Amount: '12000.5',
      Currency: 'EUR',
      // Proposal: 50 %.
      'Weighted Amount': '6000.25',
      'Close Date': '2026-12-31',
      People: 'Ann Quill <ann@quill.example>; Zoë Ng; ct_gone',
      Company: 'Quill, Ltd',
      Created: base.createdAt,
      Updated: base.updatedAt,
      'Days in Stage': '7',
    });
  });

  it('a case has category, priority, SLA and response times, and no weighted amount', () => {
    const kase: PipelineItem = {
      ...base,
      id: 'it_2',
      pipelineId: 'pl_service',
      stageId: 'resolved',
      title: 'Lieferung beschädigt',
      contactIds: [],
      category: 'complaint',
      priority: 'high',
      amount: 40,
      slaDueAt: '2026-11-02T09:00:00.000Z',
      firstResponseAt: '2026-11-01T10:00:00.000Z',
      resolvedAt: '2026-11-02T08:00:00.000Z',
      stageEnteredAt: '2026-11-02T08:00:00.000Z',
    };
    const [row] = parse(pipelineToCsv([kase], service, lookups));
    expect(row).toMatchObject({
      Stage: 'Resolved',
      'Stage Category': 'resolved',
      Amount: '40',
      'Weighted Amount': '',
      Category: 'complaint',
      Priority: 'high',
      'SLA Due': kase.slaDueAt,
      'First Response': kase.firstResponseAt,
      Resolved: kase.resolvedAt,
      'Days in Stage': '18',
    });
  });

  it('guards cells a spreadsheet would run as formulas', () => {
    const evil: PipelineItem = {
      ...base,
      id: 'it_3',
      pipelineId: 'pl_sales',
      stageId: 'lead',
      title: '=HYPERLINK("http://evil.example","click")',
      contactIds: ['ct_evil'],
      stageEnteredAt: base.createdAt,
    };
    const people = new Map([['ct_evil', { name: '@SUM(1+1)', emails: ['+1@evil.example'] }]]);
    const csv = pipelineToCsv([evil], { ...sales, name: '-2+3' }, { ...lookups, people });
    const [row] = parse(csv);
    expect(row.Title).toBe(`'=HYPERLINK("http://evil.example","click")`);
    expect(row.People).toBe(`'@SUM(1+1) <+1@evil.example>`);
    expect(row.Pipeline).toBe(`'-2+3`);
  });

  it('names the file after the pipeline and the day', () => {
    expect(pipelineCsvFileName('Ventes – Équipe Nord', new Date('2026-11-20T12:00:00Z'))).toBe('rapport-ventes-equipe-nord-2026-11-20.csv');
    expect(pipelineCsvFileName('山田', new Date('2026-11-20T12:00:00Z'))).toBe('rapport-pipeline-2026-11-20.csv');
  });

  it('reads every item of the pipeline from storage, stage by stage, with its people', async () => {
    const { db } = await setup();
    const [ann] = (await upsertContacts([{ name: 'Ann Quill', emails: ['ann@quill.example'] }], src, {}, db)) as { contact: Contact }[];
    const [pipeline] = await listPipelines(db);
    const a = await createItem('pl_sales', { title: 'A', contactIds: [ann.contact.id], amount: 100 }, src, db);
    const b = await createItem('pl_sales', { title: 'B', contactIds: [] }, src, db);
    await moveItemTo(a.id, 'won', db);
    await createItem('pl_service', { title: 'Not this pipeline', contactIds: [] }, src, db);
    let csv = '';
    for await (const p of pipelineCsvParts(pipeline, db, now, 1)) csv += p;
    expect(parse(csv).map((r) => [r.Title, r.Stage, r.People, r['Weighted Amount']])).toEqual([
      ['B', 'Lead', '', ''],
      ['A', 'Won', 'Ann Quill <ann@quill.example>', '100'],
    ]);
    void b;
  });
});
