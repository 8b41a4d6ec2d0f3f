// Runs an import: detects the file kind, streams it through the matching parser and stores each
// batch (merging people) before reading the next, so memory stays bounded for any file size.
import { getDb, type RapportDB } from '../storage/db';
import { restoreExport } from '../storage/export';
import { addActivities, upsertContacts } from '../storage/repositories';
import type { Source } from '../storage/schema';
import { detectImportKind } from '.';
import { parseCsv } from './csv';
import { parseVcard } from './vcard';
import { parseExportJson } from './json';
import type { ImportBatch, ImportError } from './types';
import { readFirstBytes } from './text';

export interface ImportSummary {
  kind: 'csv' | 'vcard' | 'json';
  /** Records stored (created + merged for contacts; every record for an export). */
  imported: number;
  created: number;
  merged: number;
  errorCount: number;
  /** The first problems (the rest are counted only). */
  errors: ImportError[];
}
export interface ImportProgressInfo {
  bytesRead: number;
  totalBytes: number;
  rows: number;
}
export type WorkerReply =
  { type: 'progress'; progress: ImportProgressInfo } | { type: 'done'; summary: ImportSummary } | { type: 'failed'; message: string };

const MAX_REPORTED_ERRORS = 500;

export async function runImport(
  file: Blob & { name?: string },
  onProgress: (p: ImportProgressInfo) => void = () => undefined,
  db: RapportDB = getDb(),
): Promise<ImportSummary> {
  const name = file.name ?? 'import';
  const kind = detectImportKind(name, await readFirstBytes(file, 4096));
  if (typeof kind !== 'string') throw new Error(kind.error);
  const source: Source = { type: 'import', ref: name, at: new Date().toISOString() };
  const summary: ImportSummary = { kind, imported: 0, created: 0, merged: 0, errorCount: 0, errors: [] };
  const report = (errs: ImportError[]) => {
    summary.errorCount += errs.length;
    for (const e of errs) if (summary.errors.length < MAX_REPORTED_ERRORS) summary.errors.push(e);
  };

  if (kind === 'json') {
    const parsed = await parseExportJson(file);
    report(parsed.errors);
    if (!parsed.data) return summary;
    const total = await restoreExport(parsed.data, (done, all) => onProgress({ bytesRead: done, totalBytes: all, rows: done }), db);
    summary.imported = total;
    summary.created = total;
    return summary;
  }

  // Large batches: each one is a single transaction that also merges the index once.
  const stream: AsyncIterable<ImportBatch> = kind === 'csv' ? parseCsv(file, { batchSize: 5000 }) : parseVcard(file, { batchSize: 2000 });
  let rows = 0;
  for await (const batch of stream) {
    report(batch.errors);
    rows += batch.rows.length;
    if (batch.rows.length) {
      const results = await upsertContacts(
        batch.rows.map((r) => r.contact),
        source,
        {},
        db,
      );
      const notes: Parameters<typeof addActivities>[0] = [];
      results.forEach((r, i) => {
        const row = batch.rows[i];
        if (r instanceof Error) {
          report([{ row: row.row, message: r.message }]);
          return;
        }
        summary.imported++;
        if (r.status === 'created') summary.created++;
        else summary.merged++;
        if (row.note) {
          notes.push({ type: 'note', contactIds: [r.contact.id], body: row.note, snippet: row.note.slice(0, 200), occurredAt: source.at });
        }
      });
      if (notes.length) await addActivities(notes, source, db);
    }
    onProgress({ bytesRead: batch.progress.bytesRead, totalBytes: batch.progress.totalBytes, rows });
  }
  return summary;
}
