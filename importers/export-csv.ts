// People as CSV: the columns the user chose, headers this project's own import recognises (so an export
// imports back as the same people), several values in one cell joined with "; ". Pure: contacts in, text out.
import Papa from 'papaparse';
import type { Contact } from '../storage/schema';

export const CSV_EXPORT_COLUMNS = [
  'name',
  'firstName',
  'lastName',
  'emails',
  'phones',
  'company',
  'title',
  'location',
  'headline',
  'linkedinUrl',
  'tags',
  'stage',
  'lastActivityAt',
  'createdAt',
  'updatedAt',
  'id',
] as const;
export type CsvExportColumn = (typeof CSV_EXPORT_COLUMNS)[number];

export const CSV_EXPORT_HEADERS: Record<CsvExportColumn, string> = {
  name: 'Name',
  firstName: 'First Name',
  lastName: 'Last Name',
  emails: 'Email',
  phones: 'Phone',
  company: 'Company',
  title: 'Job Title',
  location: 'Location',
  headline: 'Headline',
  linkedinUrl: 'LinkedIn URL',
  tags: 'Tags',
  stage: 'Stage',
  lastActivityAt: 'Last Activity',
  createdAt: 'Created',
  updatedAt: 'Updated',
  id: 'Rapport ID',
};

/** What a fresh export offers ticked: who the person is and how to reach them. */
export const DEFAULT_CSV_COLUMNS: readonly CsvExportColumn[] = [
  'name',
  'firstName',
  'lastName',
  'emails',
  'phones',
  'company',
  'title',
  'location',
  'linkedinUrl',
  'tags',
  'stage',
];

export interface CsvExportOptions {
  columns?: readonly CsvExportColumn[];
  /** Start with a UTF-8 byte order mark, which Excel needs to read UTF-8 (accents, other scripts) right. */
  bom?: boolean;
}

/**
 * A cell a spreadsheet would run as a formula (= + - @, or a tab or carriage return before one) gets a
 * leading `'`, as OWASP's CSV-injection advice says; the import takes it off again (csv.ts unguard).
 * Papaparse's own escapeFormulae misses such a cell when it spans several lines, hence this pattern.
 */
export const FORMULA_START = /^[=+\-@\t\r]/;

function cell(c: Contact, col: CsvExportColumn): string {
  const v = c[col];
  // A tag with a comma or semicolon in it: Google's " ::: " separator, which the import then splits on
  // alone (a single such tag gets a trailing one).
  if (col === 'tags' && c.tags.some((t) => /[;,]/.test(t))) return c.tags.length > 1 ? c.tags.join(' ::: ') : `${c.tags[0]} :::`;
  if (Array.isArray(v)) return v.join('; ');
  return v === undefined || v === null ? '' : String(v);
}

/** The header line (with the BOM when asked), for the first part of a file written in pieces. */
export function csvHeader(options: CsvExportOptions = {}): string {
  const columns = options.columns?.length ? options.columns : DEFAULT_CSV_COLUMNS;
  return (
    (options.bom ? '\ufeff' : '') + Papa.unparse([columns.map((k) => CSV_EXPORT_HEADERS[k])], { escapeFormulae: FORMULA_START }) + '\r\n'
  );
}

/** Data lines for some people (each ends with CRLF), to follow csvHeader. */
export function csvRows(contacts: readonly Contact[], options: CsvExportOptions = {}): string {
  if (!contacts.length) return '';
  const columns = options.columns?.length ? options.columns : DEFAULT_CSV_COLUMNS;
  const rows = contacts.map((c) => columns.map((k) => cell(c, k)));
  return Papa.unparse(rows, { escapeFormulae: FORMULA_START, newline: '\r\n' }) + '\r\n';
}

/** A whole CSV file for these people. */
export function contactsToCsv(contacts: readonly Contact[], options: CsvExportOptions = {}): string {
  return csvHeader(options) + csvRows(contacts, options);
}
