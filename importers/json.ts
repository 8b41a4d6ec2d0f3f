// Rapport's own export format (docs/architecture.md, "Export format"): validates the envelope, then every record
// against its schema. A file that is not an export gives one error; invalid records give one error each
// and the valid ones are returned, so importing an export restores it exactly.
import type { z } from 'zod';
import { Activity, Company, Contact, Deal, EXPORT_FORMAT, EXPORT_VERSION, ExportFile, Task } from '../storage/schema';
import { decodeBytes } from './text';
import type { ImportError, ImportInput } from './types';

export const EXPORT_COLLECTIONS = ['contacts', 'companies', 'activities', 'tasks', 'deals'] as const;
export type ExportCollection = (typeof EXPORT_COLLECTIONS)[number];

export interface ExportData {
  contacts: Contact[];
  companies: Company[];
  activities: Activity[];
  tasks: Task[];
  deals: Deal[];
}

export interface ExportImportError extends ImportError {
  /** Which array the record was in, and its 0-based index there (row is that index + 1). */
  collection?: ExportCollection;
  index?: number;
  id?: string;
}

export interface ExportParseResult {
  /** The valid records; null when the file is not a Rapport export at all (then `errors` has exactly one entry). */
  data: ExportData | null;
  exportedAt?: string;
  errors: ExportImportError[];
}

const SCHEMAS: { [K in ExportCollection]: z.ZodType<ExportData[K][number]> } = {
  contacts: Contact,
  companies: Company,
  activities: Activity,
  tasks: Task,
  deals: Deal,
};

function empty(): ExportData {
  return { contacts: [], companies: [], activities: [], tasks: [], deals: [] };
}

function notExport(reason: string): ExportParseResult {
  return { data: null, errors: [{ row: null, message: `not a Rapport export: ${reason}`, severity: 'error' }] };
}

function describeIssues(issues: readonly { path: PropertyKey[]; message: string }[], max = 3): string {
  const parts = issues.slice(0, max).map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message));
  if (issues.length > max) parts.push(`… ${issues.length - max} more`);
  return parts.join('; ');
}

/** Validates an already-parsed JSON value as a Rapport export. */
export function validateExport(value: unknown): ExportParseResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return notExport(
      `expected a JSON object with "format": "${EXPORT_FORMAT}", got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`,
    );
  }
  const obj = value as Record<string, unknown>;
  if (obj.format !== EXPORT_FORMAT) {
    return notExport(
      obj.format === undefined
        ? `missing "format": "${EXPORT_FORMAT}"`
        : `"format" is ${JSON.stringify(obj.format)}, expected "${EXPORT_FORMAT}"`,
    );
  }
  if (obj.version !== EXPORT_VERSION) {
    return notExport(`unsupported version ${JSON.stringify(obj.version)} (this version of Rapport reads version ${EXPORT_VERSION})`);
  }
  const envelope = ExportFile.safeParse(obj);
  if (!envelope.success) return notExport(describeIssues(envelope.error.issues));

  const data = empty();
  const errors: ExportImportError[] = [];
  for (const collection of EXPORT_COLLECTIONS) {
    const schema = SCHEMAS[collection];
    const seen = new Set<string>();
    const out = data[collection] as unknown[];
    envelope.data[collection].forEach((record, index) => {
      const id =
        typeof record === 'object' && record !== null && typeof (record as { id?: unknown }).id === 'string'
          ? (record as { id: string }).id
          : undefined;
      const where = `${collection}[${index}]${id ? ` (${id})` : ''}`;
      const parsed = schema.safeParse(record);
      if (!parsed.success) {
        errors.push({
          row: index + 1,
          collection,
          index,
          id,
          message: `${where}: ${describeIssues(parsed.error.issues)}`,
          severity: 'error',
        });
        return;
      }
      const rec = parsed.data as { id: string };
      if (seen.has(rec.id)) {
        errors.push({ row: index + 1, collection, index, id, message: `${where}: duplicate id, record skipped`, severity: 'error' });
        return;
      }
      seen.add(rec.id);
      out.push(parsed.data);
    });
  }
  return { data, exportedAt: envelope.data.exportedAt, errors };
}

/** Parses export text held in memory. Never throws. */
export function parseExportText(text: string): ExportParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\ufeff/, ''));
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return notExport(`the file is not valid JSON (${msg.length > 200 ? `${msg.slice(0, 200)}…` : msg})`);
  }
  return validateExport(value);
}

/** Reads and parses an export file (File/Blob) or its text. Never rejects. */
export async function parseExportJson(input: ImportInput): Promise<ExportParseResult> {
  if (typeof input === 'string') return parseExportText(input);
  let text: string;
  try {
    text = decodeBytes(new Uint8Array(await input.arrayBuffer())).text;
  } catch (e) {
    return notExport(`the file could not be read (${e instanceof Error ? e.message : String(e)})`);
  }
  return parseExportText(text);
}
