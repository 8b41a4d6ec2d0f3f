// Rapport's own export format (docs/architecture.md, "Export format"): validates the envelope, then every record
// against its schema. A file that is not an export gives one error; invalid records give one error each
// and the valid ones are returned, so importing an export restores it exactly.
import type { z } from 'zod';
import { normalizeEmail } from '../storage/normalize';
import {
  Activity,
  Company,
  Contact,
  Deal,
  EXPORT_FORMAT,
  EXPORT_VERSION,
  EXPORT_VERSIONS_READ,
  ExportFile,
  Pipeline,
  PipelineItem,
  StageChange,
  Task,
} from '../storage/schema';
import { JsonShapeError, TopLevelJsonReader } from './json-stream';
import { DEFAULT_CHUNK_BYTES, decodeBytes, readTextChunks } from './text';
import type { ImportError, ImportInput, ImportProgress } from './types';

export const EXPORT_COLLECTIONS = ['contacts', 'companies', 'activities', 'tasks', 'deals', 'pipelines', 'items', 'stageChanges'] as const;
export type ExportCollection = (typeof EXPORT_COLLECTIONS)[number];

export interface ExportData {
  contacts: Contact[];
  companies: Company[];
  activities: Activity[];
  tasks: Task[];
  /** Older files' deals (version 1): restored as items of the Sales pipeline. */
  deals: Deal[];
  pipelines: Pipeline[];
  items: PipelineItem[];
  stageChanges: StageChange[];
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
  pipelines: Pipeline,
  items: PipelineItem,
  stageChanges: StageChange,
};

function empty(): ExportData {
  return { contacts: [], companies: [], activities: [], tasks: [], deals: [], pipelines: [], items: [], stageChanges: [] };
}

function notExport(reason: string): ExportParseResult {
  return { data: null, errors: [{ row: null, message: `not a Rapport export: ${reason}`, severity: 'error' }] };
}

function describeIssues(issues: readonly { path: PropertyKey[]; message: string }[], max = 3): string {
  const parts = issues.slice(0, max).map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message));
  if (issues.length > max) parts.push(`… ${issues.length - max} more`);
  return parts.join('; ');
}

const readable = (version: unknown) => typeof version === 'number' && EXPORT_VERSIONS_READ.includes(version);
const unsupported = (version: unknown) =>
  `unsupported version ${JSON.stringify(version)} (this version of Rapport reads versions 1 to ${EXPORT_VERSION})`;

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
  if (!readable(obj.version)) return notExport(unsupported(obj.version));
  const envelope = ExportFile.safeParse(obj);
  if (!envelope.success) return notExport(describeIssues(envelope.error.issues));

  const data = empty();
  const errors: ExportImportError[] = [];
  for (const collection of EXPORT_COLLECTIONS) {
    const schema = SCHEMAS[collection];
    const seen = new Set<string>();
    const out = data[collection] as unknown[];
    (envelope.data[collection] ?? []).forEach((record, index) => {
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

/**
 * Reads and parses an export file (File/Blob) or its text. Never rejects. Holds the whole file: for small
 * inputs and tests; the import job streams with readExport.
 */
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

// ------------------------------------------------------------------ streaming (what the import job uses)

/** One record of an export as the stream hands it over, with where it was in the file. */
export interface ExportRecordAt<C extends ExportCollection = ExportCollection> {
  index: number;
  record: ExportData[C][number];
}

/** A bounded piece of an export: records of one collection, the settings, or only problems and progress. */
export interface ExportBatch {
  collection?: ExportCollection;
  records: ExportRecordAt[];
  /** The file's `settings` member (validated by the storage side), when this batch carries it. */
  settings?: unknown;
  errors: ExportImportError[];
  progress: ImportProgress;
}

/**
 * The file cannot be read on from here. `notAnExport`: found before any record, so nothing was stored;
 * otherwise it is the text after `collection[index]` that is broken, and what came before it was read.
 */
export class ExportReadError extends Error {
  constructor(
    message: string,
    readonly notAnExport: boolean,
    readonly collection?: string,
    readonly index?: number,
  ) {
    super(message);
    this.name = 'ExportReadError';
  }
}

const ENVELOPE_KEYS = new Set(['format', 'version', 'exportedAt']);

/** A contact's e-mails through normalizeEmail (lower-cased, "Name <addr>" and mailto: unwrapped, invalid ones dropped). */
function normalizeContactEmails(contact: Contact, where: string, errors: ExportImportError[], index: number): Contact {
  const emails: string[] = [];
  for (const raw of contact.emails) {
    const e = normalizeEmail(raw);
    if (!e) {
      errors.push({
        row: index + 1,
        collection: 'contacts',
        index,
        id: contact.id,
        message: `${where}: invalid email ${JSON.stringify(raw.slice(0, 100))} left out`,
        severity: 'warning',
      });
    } else if (!emails.includes(e)) emails.push(e);
  }
  return emails.length === contact.emails.length && emails.every((e, i) => e === contact.emails[i]) ? contact : { ...contact, emails };
}

/**
 * Reads an export slice by slice and yields its records in batches of at most `batchSize`, validated one
 * by one (an invalid record is an error entry; the others go on). "format" and "version" must come before
 * the records (Rapport writes them first), so a file that is not an export is refused before anything is
 * handed out. Throws ExportReadError when the file stops being readable.
 */
export async function* readExport(
  input: ImportInput,
  options: { batchSize?: number; chunkBytes?: number; maxRecordChars?: number } = {},
): AsyncGenerator<ExportBatch, void, void> {
  const batchSize = Math.max(1, options.batchSize ?? 2000);
  const reader = new TopLevelJsonReader(options.maxRecordChars);
  let format: unknown;
  let version: unknown;
  let exportedAt: unknown;
  let progress: ImportProgress = { bytesRead: 0, totalBytes: typeof input === 'string' ? 0 : input.size };
  let records: ExportRecordAt[] = [];
  let collection: ExportCollection | undefined;
  let errors: ExportImportError[] = [];
  let last: { key: string; index?: number } = { key: '' };
  const known = (key: string): key is ExportCollection => (EXPORT_COLLECTIONS as readonly string[]).includes(key);

  const checkEnvelope = (before: string) => {
    if (format !== EXPORT_FORMAT) {
      const why =
        format === undefined
          ? `missing "format": "${EXPORT_FORMAT}" before ${before}`
          : `"format" is ${JSON.stringify(format)}, expected "${EXPORT_FORMAT}"`;
      throw new ExportReadError(`not a Rapport export: ${why}`, true);
    }
    if (!readable(version)) throw new ExportReadError(`not a Rapport export: ${unsupported(version)}`, true);
  };
  const brokenAt = (e: JsonShapeError): ExportReadError => {
    const after = last.index !== undefined ? ` after ${last.key}[${last.index}]` : last.key ? ` after "${last.key}"` : '';
    return format === EXPORT_FORMAT
      ? new ExportReadError(`the file is not valid JSON${after}: ${e.message}`, false, last.key || undefined, last.index)
      : new ExportReadError(`not a Rapport export: the file is not valid JSON (${e.message})`, true);
  };
  const flush = (): ExportBatch => {
    const batch: ExportBatch = { collection, records, errors, progress: { ...progress } };
    records = [];
    errors = [];
    return batch;
  };

  for await (const chunk of readTextChunks(input, { chunkBytes: options.chunkBytes ?? DEFAULT_CHUNK_BYTES })) {
    progress = { bytesRead: chunk.bytesRead, totalBytes: chunk.totalBytes };
    const { tokens, error } = reader.push(chunk.text, chunk.final);
    for (const t of tokens) {
      if (t.type === 'member') {
        last = { key: t.key };
        if (t.key === 'format') format = t.value;
        else if (t.key === 'version') version = t.value;
        else if (t.key === 'exportedAt') {
          exportedAt = t.value;
          if (typeof exportedAt !== 'string' || Number.isNaN(Date.parse(exportedAt))) {
            errors.push({ row: null, message: `"exportedAt" is not an ISO date (${JSON.stringify(exportedAt)})`, severity: 'warning' });
          }
        } else if (t.key === 'settings') {
          checkEnvelope('"settings"');
          yield { settings: t.value, records: [], errors: [], progress: { ...progress } };
        } else if (known(t.key)) {
          checkEnvelope(`"${t.key}"`);
          errors.push({ row: null, message: `"${t.key}" is not an array: nothing of it was restored`, severity: 'error' });
        } else if (!ENVELOPE_KEYS.has(t.key) && format === EXPORT_FORMAT) {
          errors.push({
            row: null,
            message: `"${t.key}" is not part of an export this version of Rapport reads: ignored`,
            severity: 'warning',
          });
        }
      } else if (t.type === 'arrayStart') {
        last = { key: t.key };
        checkEnvelope(`"${t.key}"`);
        if (records.length || errors.length) yield flush();
        collection = known(t.key) ? t.key : undefined;
      } else if (t.type === 'element') {
        last = { key: t.key, index: t.index };
        if (!collection) continue;
        const raw = t.value;
        const id =
          typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'string'
            ? (raw as { id: string }).id
            : undefined;
        const where = `${collection}[${t.index}]${id ? ` (${id})` : ''}`;
        const parsed = SCHEMAS[collection].safeParse(raw);
        if (!parsed.success) {
          errors.push({
            row: t.index + 1,
            collection,
            index: t.index,
            id,
            message: `${where}: ${describeIssues(parsed.error.issues)}`,
            severity: 'error',
          });
          continue;
        }
        const record = collection === 'contacts' ? normalizeContactEmails(parsed.data as Contact, where, errors, t.index) : parsed.data;
        records.push({ index: t.index, record });
        if (records.length >= batchSize) yield flush();
      } else {
        last = { key: t.key, index: t.count ? t.count - 1 : undefined };
        if (!collection && t.count) {
          errors.push({
            row: null,
            message: `"${t.key}": ${t.count} records not restored: this version of Rapport does not read them`,
            severity: 'warning',
          });
        }
        if (records.length || errors.length) yield flush();
        collection = undefined;
      }
    }
    if (error) {
      // What was read before the break goes first; then the reason, and where.
      if (records.length || errors.length) yield flush();
      throw brokenAt(error);
    }
    // Progress (and problems) once per slice, even while a batch is filling.
    yield flush();
  }
  if (format === undefined) throw new ExportReadError(`not a Rapport export: missing "format": "${EXPORT_FORMAT}"`, true);
  checkEnvelope('the end of the file');
}
