// Runs an import: detects the file kind, streams it through the matching parser and stores each
// batch (merging people) before reading the next, so memory stays bounded for any file size. Each batch
// is one transaction (its contacts, their notes and their outbox entries, or a batch of an export's
// records), so a failure — QuotaExceededError, a file that turns unreadable half-way — leaves every
// earlier batch whole, nothing of the failing one, and a report of where it stopped.
import { getDb, type RapportDB } from '../storage/db';
import { describeStorageError } from '../storage/errors';
import { newRestoreContext, restoreRecords } from '../storage/restore';
import { outboxScope } from '../storage/outbox';
import { writeScope } from '../storage/records';
import { addActivities, upsertContacts } from '../storage/repositories';
import type { Source } from '../storage/schema';
import { restoreSettings } from '../storage/settings';
import { detectImportKind } from '.';
import { parseCsv, type CsvMapping } from './csv';
import { parseVcard } from './vcard';
import { ExportReadError, readExport } from './json';
import { importedContactId, importedNoteId } from './stable-ids';
import type { ImportBatch, ImportError } from './types';
import { readFirstBytes } from './text';

export interface ImportSummary {
  kind: 'csv' | 'vcard' | 'json';
  /** Records stored: contacts created or merged (CSV, vCard); records created or replaced (export). */
  imported: number;
  created: number;
  /** Contacts merged into people already here (CSV, vCard); records replaced by the file's later copy (export). */
  merged: number;
  /** Export only: records kept as they are here, being as new as the file's copy or newer. */
  kept: number;
  /** Notes stored (CSV, vCard); a note imported before is found by its stable id and not added again. */
  notes: number;
  errorCount: number;
  /** The first problems (the rest are counted only). */
  errors: ImportError[];
  /** Set when the import stopped before the end of the file: nothing from `at` on was written. */
  stopped?: { at: string; reason: string };
  /** Export only: the file's settings (rules, privacy lists) replaced the ones here. */
  settingsRestored?: boolean;
}

export interface ImportProgressInfo {
  bytesRead: number;
  totalBytes: number;
  rows: number;
}
export type WorkerReply =
  { type: 'progress'; progress: ImportProgressInfo } | { type: 'done'; summary: ImportSummary } | { type: 'failed'; message: string };

const MAX_REPORTED_ERRORS = 500;
/**
 * CSV rows per transaction. Each batch rewrites the index rows its words share with earlier batches
 * (a company name, a common first name): fewer, larger batches write them fewer times (decision 0039).
 */
export const CSV_BATCH = 20_000;
/** Bytes read per slice of a CSV: the parser hands over what a slice holds, so a slice must hold a batch. */
const CSV_SLICE_BYTES = 4 * 1024 * 1024;

export async function runImport(
  file: Blob & { name?: string },
  onProgress: (p: ImportProgressInfo) => void = () => undefined,
  db: RapportDB = getDb(),
  /** Records per batch (one transaction each); the defaults suit large files. */
  batchSize?: number,
  /** CSV only: the column mapping the user confirmed (default: the one detected from the header). */
  options: { mapping?: CsvMapping } = {},
): Promise<ImportSummary> {
  const name = file.name ?? 'import';
  const kind = detectImportKind(name, await readFirstBytes(file, 4096));
  if (typeof kind !== 'string') throw new Error(kind.error);
  const summary: ImportSummary = { kind, imported: 0, created: 0, merged: 0, kept: 0, notes: 0, errorCount: 0, errors: [] };
  const report = (errs: ImportError[]) => {
    summary.errorCount += errs.length;
    for (const e of errs) if (summary.errors.length < MAX_REPORTED_ERRORS) summary.errors.push(e);
  };
  if (kind === 'json') await restoreFromExport(file, summary, report, onProgress, db, batchSize ?? 2000);
  else
    await importContacts(
      file,
      kind,
      name,
      summary,
      report,
      onProgress,
      db,
      batchSize ?? (kind === 'csv' ? CSV_BATCH : 2000),
      options.mapping,
    );
  return summary;
}

const fmt = (n: number) => n.toLocaleString('en-US');

async function restoreFromExport(
  file: Blob,
  summary: ImportSummary,
  report: (errs: ImportError[]) => void,
  onProgress: (p: ImportProgressInfo) => void,
  db: RapportDB,
  batchSize: number,
): Promise<void> {
  let rows = 0;
  let at = 'the start of the file';
  const ctx = newRestoreContext();
  try {
    for await (const batch of readExport(file, { batchSize })) {
      report(batch.errors);
      if (batch.settings !== undefined) {
        at = '"settings"';
        const why = await restoreSettings(batch.settings, db);
        if (why) report([{ row: null, message: `settings not restored: ${why}`, severity: 'warning' }]);
        else summary.settingsRestored = true;
      }
      if (batch.collection && batch.records.length) {
        at = `${batch.collection}[${batch.records[0].index}] (record ${fmt(batch.records[0].index + 1)} of "${batch.collection}")`;
        const r = await restoreRecords(
          batch.collection,
          batch.records.map((x) => x.record),
          db,
          ctx,
        );
        if (r.problems) report(r.problems.map((message) => ({ row: null, message, severity: 'warning' as const })));
        summary.created += r.created;
        summary.merged += r.replaced;
        summary.kept += r.kept;
        summary.imported += r.created + r.replaced;
        rows += batch.records.length;
        // Stored: a later failure (the file unreadable, say) stops at the record after this batch.
        const next = batch.records[batch.records.length - 1].index + 1;
        at = `${batch.collection}[${next}] (record ${fmt(next + 1)} of "${batch.collection}")`;
      }
      onProgress({ bytesRead: batch.progress.bytesRead, totalBytes: batch.progress.totalBytes, rows });
    }
  } catch (e) {
    if (e instanceof ExportReadError) {
      // Not an export at all: refused before anything was stored, as one error on the whole file.
      if (e.notAnExport) report([{ row: null, message: e.message, severity: 'error' }]);
      else {
        // The record after the last one read is where the text broke.
        const where = !e.collection ? at : e.index === undefined ? `the start of "${e.collection}"` : `${e.collection}[${e.index + 1}]`;
        summary.stopped = { at: where, reason: e.message };
      }
      return;
    }
    summary.stopped = { at, reason: describeStorageError(e) };
  }
}

/** The batches a CSV import stores: CSV_BATCH rows each (the last one fewer), from CSV_SLICE_BYTES slices. */
export function csvBatches(file: Blob | string, mapping?: CsvMapping, batchSize = CSV_BATCH) {
  return parseCsv(file, { batchSize, mapping, chunkBytes: CSV_SLICE_BYTES });
}

async function importContacts(
  file: Blob,
  kind: 'csv' | 'vcard',
  name: string,
  summary: ImportSummary,
  report: (errs: ImportError[]) => void,
  onProgress: (p: ImportProgressInfo) => void,
  db: RapportDB,
  batchSize: number,
  mapping?: CsvMapping,
): Promise<void> {
  const source: Source = { type: 'import', ref: name, at: new Date().toISOString() };
  // Large batches: each one is a single transaction that also merges the index once (decision 0039).
  const stream: AsyncIterable<ImportBatch> = kind === 'csv' ? csvBatches(file, mapping, batchSize) : parseVcard(file, { batchSize });
  const unit = kind === 'csv' ? 'row' : 'card';
  let rows = 0;
  let at = `the first ${unit}`;
  const batches = stream[Symbol.asyncIterator]();
  try {
    let next = batches.next();
    for (;;) {
      const step = await next;
      if (step.done) break;
      const batch = step.value;
      // Parse the next batch while this one is written: the worker otherwise sits idle while the
      // database commits. Its failure (the file breaking off) is met at the top of the next turn.
      next = batches.next();
      next.catch(() => undefined);
      rows += batch.rows.length;
      if (batch.rows.length) {
        at = `${unit} ${fmt(batch.rows[0].row)}`;
        const tally = await storeContactBatch(batch, source, db);
        report(tally.errors);
        summary.imported += tally.created + tally.merged;
        summary.created += tally.created;
        summary.merged += tally.merged;
        summary.notes += tally.notes;
        at = `the ${unit} after ${unit} ${fmt(batch.rows[batch.rows.length - 1].row)}`;
      }
      report(batch.errors);
      onProgress({ bytesRead: batch.progress.bytesRead, totalBytes: batch.progress.totalBytes, rows });
    }
  } catch (e) {
    summary.stopped = { at, reason: describeStorageError(e) };
  }
}

/** One parsed batch: its people, then their notes, in one transaction; what has no merge key gets a stable id. */
async function storeContactBatch(batch: ImportBatch, source: Source, db: RapportDB) {
  return db.transaction('rw', [...writeScope(db, 'contact', 'company', 'activity'), ...outboxScope(db)], async () => {
    const tally = { created: 0, merged: 0, notes: 0, errors: [] as ImportError[] };
    const results = await upsertContacts(
      batch.rows.map((r) => r.contact),
      source,
      { stableIds: batch.rows.map((r) => importedContactId(r.contact)) },
      db,
    );
    const notes: Parameters<typeof addActivities>[0] = [];
    results.forEach((r, i) => {
      const row = batch.rows[i];
      if (r instanceof Error) {
        tally.errors.push({ row: row.row, message: r.message });
        return;
      }
      if (r.status === 'created') tally.created++;
      else tally.merged++;
      if (row.note) {
        notes.push({
          id: importedNoteId(r.contact.id, row.note),
          type: 'note',
          contactIds: [r.contact.id],
          body: row.note,
          snippet: row.note.slice(0, 200),
          occurredAt: source.at,
        });
      }
    });
    if (notes.length) tally.notes = (await addActivities(notes, source, db)).added.length;
    return tally;
  });
}
