// The mapping step's model: one target per CSV column (a contact field or "ignore"), proposed from the
// header by the detected preset, edited by the user, and turned into the CsvMapping parseCsv reads.
// Pure: no storage, no DOM.
import { CSV_FIELDS, detectMapping, type CsvField, type CsvMapping, type CsvPreset } from './csv';

export const IGNORE = 'ignore';
export type ColumnTarget = CsvField | typeof IGNORE;
/** Index i is the target of column i of the header. */
export type ColumnMapping = ColumnTarget[];

export const FIELD_LABELS: Record<CsvField, string> = {
  name: 'Full name',
  firstName: 'First name',
  middleName: 'Middle name',
  lastName: 'Last name',
  email: 'E-mail',
  phone: 'Phone',
  company: 'Company',
  title: 'Job title',
  headline: 'Headline',
  city: 'City',
  region: 'Region / state',
  country: 'Country',
  location: 'Location',
  tags: 'Tags',
  linkedinUrl: 'LinkedIn profile URL',
  companyDomain: 'Company website',
  note: 'Note',
  stage: 'Stage',
};

export const PRESET_LABELS: Record<CsvPreset, string> = {
  google: 'Google Contacts',
  outlook: 'Outlook',
  linkedin: 'LinkedIn connections',
  hubspot: 'HubSpot',
  pipedrive: 'Pipedrive',
  salesforce: 'Salesforce',
  generic: 'a spreadsheet (columns recognised by name)',
};

/** Every target a column can have, in the order a menu shows them. */
export const COLUMN_TARGETS: readonly ColumnTarget[] = [IGNORE, ...CSV_FIELDS];

/** Fields whose every mapped column is read (several e-mail or phone columns); the others take the first non-empty one. */
export const LIST_FIELDS: ReadonlySet<CsvField> = new Set(['email', 'phone', 'tags', 'linkedinUrl', 'note']);

export function isColumnTarget(v: string): v is ColumnTarget {
  return (COLUMN_TARGETS as readonly string[]).includes(v);
}

/** One target per column from a field → columns mapping (a column named twice keeps its first field). */
export function columnsFromMapping(columnCount: number, mapping: CsvMapping): ColumnMapping {
  const columns: ColumnMapping = Array.from({ length: columnCount }, () => IGNORE);
  for (const f of CSV_FIELDS) {
    const v = mapping[f];
    if (v === undefined) continue;
    for (const i of Array.isArray(v) ? v : [v]) {
      if (Number.isInteger(i) && i >= 0 && i < columnCount && columns[i] === IGNORE) columns[i] = f;
    }
  }
  return columns;
}

/** The field → columns mapping parseCsv reads; columns of one field keep their left-to-right order. */
export function mappingFromColumns(columns: ColumnMapping): CsvMapping {
  const found: Partial<Record<CsvField, number[]>> = {};
  columns.forEach((t, i) => {
    if (t !== IGNORE) (found[t] ??= []).push(i);
  });
  const mapping: CsvMapping = {};
  for (const f of CSV_FIELDS) {
    const idx = found[f];
    if (idx?.length) mapping[f] = idx.length === 1 ? idx[0] : idx;
  }
  return mapping;
}

/** What the mapping step proposes for a header: the preset it comes from and one target per column. */
export function proposeColumns(headers: string[]): { preset: CsvPreset; columns: ColumnMapping } {
  const { preset, mapping } = detectMapping(headers);
  return { preset, columns: columnsFromMapping(headers.length, mapping) };
}

/** Why a mapping cannot import anything (null when it can): every person needs a name or an e-mail. */
export function mappingProblem(columns: ColumnMapping): string | null {
  const usable = columns.some((t) => t === 'name' || t === 'firstName' || t === 'lastName' || t === 'email');
  return usable ? null : 'Map at least one column to a name (full, first or last) or to E-mail: each person needs one of them.';
}
