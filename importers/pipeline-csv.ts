// A pipeline as CSV (issue 18 item 6): one row per item with its stage, amounts (weighted by the
// stage's probability in a sales pipeline), people, company, case fields and time in stage. Written
// like the People export (export-csv.ts): Papaparse with the same guard against cells a spreadsheet
// would run as formulas, CRLF lines, a byte order mark for Excel. Pure: items and look-ups in, text out.
import Papa from 'papaparse';
import { fold } from '../storage/normalize';
import { stageOf } from '../storage/pipeline-logic';
import type { Company, Contact, Pipeline, PipelineItem } from '../storage/schema';
import { FORMULA_START } from './export-csv';

export const PIPELINE_CSV_HEADERS = [
  'Rapport ID',
  'Title',
  'Pipeline',
  'Stage',
  'Stage Category',
  'Amount',
  'Currency',
  'Weighted Amount',
  'Close Date',
  'People',
  'Company',
  'Category',
  'Priority',
  'SLA Due',
  'First Response',
  'Resolved',
  'Created',
  'Updated',
  'Days in Stage',
] as const;

/** What the rows name by id: the items' people and companies (an id not found is written as it is). */
export interface PipelineCsvLookups {
  people: ReadonlyMap<string, Pick<Contact, 'name' | 'emails'>>;
  companies: ReadonlyMap<string, Pick<Company, 'name'>>;
  /** Days in stage are counted up to this time. */
  now: Date;
}

const DAY = 86_400_000;

/** "Ann Quill <ann@quill.example>", the name alone, or the address alone. */
function person(id: string, lookups: PipelineCsvLookups): string {
  const p = lookups.people.get(id);
  if (!p) return id;
  const email = p.emails[0];
  if (p.name && email) return `${p.name} <${email}>`;
  return p.name || email || id;
}

/** Money with at most two decimals, no grouping (a spreadsheet reads it as a number in any locale that reads "."). */
const money = (n: number) => String(Math.round(n * 100) / 100);

function row(item: PipelineItem, pipeline: Pipeline, lookups: PipelineCsvLookups): string[] {
  const stage = stageOf(pipeline, item.stageId);
  const weighted = pipeline.kind === 'sales' && item.amount !== undefined ? money(item.amount * (stage?.probability ?? 1)) : '';
  const entered = Date.parse(item.stageEnteredAt);
  const days = Number.isNaN(entered) ? '' : String(Math.max(0, Math.floor((lookups.now.getTime() - entered) / DAY)));
  return [
    item.id,
    item.title,
    pipeline.name,
    stage?.name ?? item.stageId,
    stage?.category ?? '',
    item.amount === undefined ? '' : money(item.amount),
    item.amount === undefined ? (item.currency ?? '') : (item.currency ?? pipeline.currency ?? ''),
    weighted,
    item.closeDate ?? '',
    item.contactIds.map((id) => person(id, lookups)).join('; '),
    item.companyId ? (lookups.companies.get(item.companyId)?.name ?? item.companyId) : '',
    item.category ?? '',
    item.priority ?? '',
    item.slaDueAt ?? '',
    item.firstResponseAt ?? '',
    item.resolvedAt ?? '',
    item.createdAt,
    item.updatedAt,
    days,
  ];
}

/** The header line, with a byte order mark when asked (Excel reads UTF-8 right only with one). */
export function pipelineCsvHeader(bom = true): string {
  return (bom ? '\ufeff' : '') + Papa.unparse([[...PIPELINE_CSV_HEADERS]], { escapeFormulae: FORMULA_START }) + '\r\n';
}

/** Data lines for some items of `pipeline` (each ends with CRLF), to follow pipelineCsvHeader. */
export function pipelineCsvRows(items: readonly PipelineItem[], pipeline: Pipeline, lookups: PipelineCsvLookups): string {
  if (!items.length) return '';
  return (
    Papa.unparse(
      items.map((i) => row(i, pipeline, lookups)),
      { escapeFormulae: FORMULA_START, newline: '\r\n' },
    ) + '\r\n'
  );
}

/** A whole CSV file for these items. */
export function pipelineToCsv(items: readonly PipelineItem[], pipeline: Pipeline, lookups: PipelineCsvLookups, bom = true): string {
  return pipelineCsvHeader(bom) + pipelineCsvRows(items, pipeline, lookups);
}

/** `rapport-<pipeline-name>-<date>.csv`, the name folded to lower-case letters, digits and dashes. */
export function pipelineCsvFileName(name: string, date = new Date()): string {
  const slug =
    fold(name.slice(0, 200))
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'pipeline';
  return `rapport-${slug}-${date.toISOString().slice(0, 10)}.csv`;
}
