// Export files written in pieces (for `new Blob(parts)`), a page of people at a time, so a large database
// never becomes one string: everyone, or a selection (a list of contact ids, as the workspace passes).
import { getDb, type RapportDB } from '../storage/db';
import { contactPages, exportParts, peopleOfCompanies } from '../storage/export';
import type { Pipeline, PipelineItem } from '../storage/schema';
import { csvHeader, csvRows, type CsvExportOptions } from './export-csv';
import { contactsToVcard, type VcardVersion } from './export-vcard';
import { pipelineCsvHeader, pipelineCsvRows } from './pipeline-csv';

export type ExportFormat = 'json' | 'csv' | 'vcard';

export async function* csvExportParts(
  db: RapportDB = getDb(),
  ids?: readonly string[],
  options: CsvExportOptions = {},
): AsyncGenerator<string> {
  yield csvHeader(options);
  for await (const page of contactPages(db, ids)) yield csvRows(page, options);
}

export async function* vcardExportParts(
  db: RapportDB = getDb(),
  ids?: readonly string[],
  version: VcardVersion = '4.0',
): AsyncGenerator<string> {
  for await (const page of contactPages(db, ids)) yield contactsToVcard(page, version);
}

export interface ExportRequest {
  format: ExportFormat;
  /** The selection; everyone when absent. */
  ids?: readonly string[];
  /**
   * A selection of companies (the Companies table): their people, as if selected, and in JSON the
   * companies themselves, with or without people.
   */
  companyIds?: readonly string[];
  csv?: CsvExportOptions;
  vcardVersion?: VcardVersion;
}

export const EXPORT_MIME: Record<ExportFormat, string> = {
  json: 'application/json',
  csv: 'text/csv;charset=utf-8',
  vcard: 'text/vcard;charset=utf-8',
};

export const EXPORT_EXTENSION: Record<ExportFormat, string> = { json: 'json', csv: 'csv', vcard: 'vcf' };

/** The parts of the file a request asks for. */
export async function* exportFileParts(req: ExportRequest, db: RapportDB = getDb()): AsyncGenerator<string> {
  let ids = req.ids;
  if (req.companyIds) ids = [...new Set([...(ids ?? []), ...(await peopleOfCompanies(db, req.companyIds))])];
  if (req.format === 'csv') yield* csvExportParts(db, ids, req.csv);
  else if (req.format === 'vcard') yield* vcardExportParts(db, ids, req.vcardVersion);
  else yield* exportParts(db, undefined, ids, req.companyIds);
}

/** A pipeline's items as CSV (pipeline-csv.ts), stage by stage in the pipeline's order, a page of rows at a time. */
export async function* pipelineCsvParts(
  pipeline: Pipeline,
  db: RapportDB = getDb(),
  now = new Date(),
  page = 5000,
): AsyncGenerator<string> {
  yield pipelineCsvHeader();
  for (const stage of pipeline.stages) {
    const items: PipelineItem[] = await db.items.where('[pipelineId+stageId]').equals([pipeline.id, stage.id]).toArray();
    for (let i = 0; i < items.length; i += page) {
      const slice = items.slice(i, i + page);
      const contactIds = [...new Set(slice.flatMap((it) => it.contactIds))];
      const companyIds = [...new Set(slice.flatMap((it) => (it.companyId ? [it.companyId] : [])))];
      const [people, companies] = await Promise.all([
        contactIds.length ? db.contacts.where('id').anyOf(contactIds).toArray() : [],
        companyIds.length ? db.companies.where('id').anyOf(companyIds).toArray() : [],
      ]);
      yield pipelineCsvRows(slice, pipeline, {
        people: new Map(people.map((p) => [p.id, p])),
        companies: new Map(companies.map((c) => [c.id, c])),
        now,
      });
    }
  }
}
