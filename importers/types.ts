// Shapes shared by the import parsers (CSV, vCard, Rapport JSON export).
// The parsers are pure: they read a File/Blob/string and hand back plain data; storing it is the caller's job.
import type { ContactInput } from '../storage/schema';

/** One contact read from a file. */
export interface ImportRow {
  /**
   * Where it came from, 1-based: the CSV record number as a spreadsheet shows it (the header is a row too),
   * or the card's position in a vCard file.
   */
  row: number;
  contact: ContactInput & {
    /** Always present (possibly empty) in what the importers produce. */
    emails: string[];
    phones: string[];
    tags: string[];
    /** The employer's web domain when the file names one (HubSpot "Website URL", vCard work URL…). */
    companyDomain?: string;
  };
  /** Free-text notes from the file (CSV "Notes", vCard NOTE): the caller may store them as a note activity. */
  note?: string;
}

/**
 * A problem found while reading. `row: null` means the whole file (e.g. unreadable, wrong format).
 * `severity: 'warning'` means the row/card was still imported (e.g. one invalid e-mail next to a valid name);
 * `'error'` (the default when absent) means it was skipped.
 */
export interface ImportError {
  row: number | null;
  message: string;
  /** vCard only: a short label of the card (its FN, or the start of its text) so the user can find it. */
  card?: string;
  severity?: 'error' | 'warning';
}

export interface ImportProgress {
  /** Bytes of the input consumed so far (UTF-8 bytes for string input). */
  bytesRead: number;
  /** Size of the input in bytes. */
  totalBytes: number;
}

/**
 * What the streaming parsers yield: a bounded batch of rows plus the problems found while reading them.
 * Callers store each batch before asking for the next one, so memory stays bounded whatever the file size.
 */
export interface ImportBatch {
  rows: ImportRow[];
  errors: ImportError[];
  progress: ImportProgress;
}

/** The streaming parsers' type: `for await (const batch of parseCsv(file)) { … }`. */
export type ImportStream<B extends ImportBatch = ImportBatch> = AsyncGenerator<B, void, void>;

export type ImportInput = Blob | string;

/** Drains a stream into memory (small files, tests). */
export async function collectImport<B extends ImportBatch>(
  stream: AsyncIterable<B>,
): Promise<{ rows: ImportRow[]; errors: ImportError[]; batches: number; progress: ImportProgress[] }> {
  const rows: ImportRow[] = [];
  const errors: ImportError[] = [];
  const progress: ImportProgress[] = [];
  let batches = 0;
  for await (const b of stream) {
    batches++;
    for (const r of b.rows) rows.push(r);
    for (const e of b.errors) errors.push(e);
    progress.push(b.progress);
  }
  return { rows, errors, batches, progress };
}
