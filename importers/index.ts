// Entry point of the importers: which parser a file needs, and the parsers themselves.
//
//   const kind = detectImportKind(file.name, await readFirstBytes(file));
//   if (typeof kind !== 'string') throw new Error(kind.error);
//   if (kind === 'csv') for await (const b of parseCsv(file)) …
//   if (kind === 'vcard') for await (const b of parseVcard(file)) …
//   if (kind === 'json') { const r = await parseExportJson(file); if (r.data) … }
import { parseCsv, type CsvOptions } from './csv';
import { decodeBytes, readFirstBytes } from './text';
import type { ImportBatch, ImportInput, ImportStream } from './types';
import { parseVcard, type VcardOptions } from './vcard';

export * from './types';
export { parseCsv, detectMapping, detectPreset, findHeaderRow, mapRow, readCsvHeader, normalizeHeader, CSV_FIELDS } from './csv';
export type { CsvBatch, CsvField, CsvInfo, CsvMapping, CsvOptions, CsvPreset } from './csv';
export { parseVcard, parseVcardText } from './vcard';
export type { VcardOptions } from './vcard';
export { parseExportJson, parseExportText, validateExport, EXPORT_COLLECTIONS } from './json';
export type { ExportData, ExportImportError, ExportParseResult } from './json';
export { normalizePhone, splitTags, normalizeStage } from './contact';
export { readFirstBytes } from './text';

export type ImportKind = 'csv' | 'vcard' | 'json';
/** A known kind, or why the file cannot be imported. */
export type DetectedKind = ImportKind | { kind: 'unknown'; error: string };

const EXT_KIND: Record<string, ImportKind> = {
  csv: 'csv',
  tsv: 'csv',
  txt: 'csv',
  vcf: 'vcard',
  vcard: 'vcard',
  vct: 'vcard',
  json: 'json',
  jcard: 'vcard',
};

function extensionOf(fileName: string): string {
  const m = /\.([A-Za-z0-9]+)$/.exec(fileName.trim());
  return m ? m[1].toLowerCase() : '';
}

function startsWithBytes(b: Uint8Array, sig: number[]): boolean {
  return sig.every((x, i) => b[i] === x);
}

/**
 * Which importer a file needs, from its name and first bytes (a few KB are plenty). Content wins over the
 * extension when it is unambiguous (a .txt holding vCards, a .csv that is really JSON); binary files
 * (spreadsheets, archives, images) get an explanatory error.
 */
export function detectImportKind(fileName: string, firstBytes: Uint8Array | ArrayBuffer | string): DetectedKind {
  const ext = extensionOf(fileName || '');
  let text: string;
  if (typeof firstBytes === 'string') text = firstBytes;
  else {
    const bytes = firstBytes instanceof Uint8Array ? firstBytes : new Uint8Array(firstBytes);
    if (startsWithBytes(bytes, [0x50, 0x4b, 0x03, 0x04])) {
      return {
        kind: 'unknown',
        error:
          ext === 'xlsx' || ext === 'numbers' || ext === 'ods'
            ? `"${fileName}" is a spreadsheet workbook: save or export it as CSV (UTF-8) and import that file`
            : `"${fileName}" is a ZIP archive: unzip it and import the .csv, .vcf or .json file inside`,
      };
    }
    if (startsWithBytes(bytes, [0xd0, 0xcf, 0x11, 0xe0])) {
      return { kind: 'unknown', error: `"${fileName}" is an old Excel/Office file: save it as CSV (UTF-8) and import that file` };
    }
    if (startsWithBytes(bytes, [0x25, 0x50, 0x44, 0x46]))
      return { kind: 'unknown', error: `"${fileName}" is a PDF: contacts can be imported from .csv, .vcf or Rapport .json files` };
    // Decode the sample (BOM, UTF-16, UTF-8 or Windows-1252); a cut multi-byte character at the end is harmless.
    text = decodeBytes(bytes).text;
    // eslint-disable-next-line no-control-regex
    const nul = (text.match(/\u0000/g) ?? []).length;
    if (nul > 0 && nul > text.length / 20) {
      return {
        kind: 'unknown',
        error: `"${fileName}" looks like a binary file: contacts can be imported from .csv, .vcf or Rapport .json files`,
      };
    }
  }
  const head = text.replace(/^[\ufeff\s]+/, '');
  if (!head) {
    return EXT_KIND[ext] ?? { kind: 'unknown', error: `"${fileName}" is empty` };
  }
  if (/^BEGIN\s*:\s*VCARD/i.test(head) || (/(^|[\r\n])BEGIN\s*:\s*VCARD\s*[\r\n]/i.test(head.slice(0, 2000)) && ext !== 'csv')) {
    return 'vcard';
  }
  if (head.startsWith('{')) return 'json';
  if (head.startsWith('[')) {
    // jCard is a JSON array starting with "vcard"; other JSON arrays are not something we read.
    if (/^\[\s*(\[\s*)?"vcard"/i.test(head)) return 'vcard';
    return {
      kind: 'unknown',
      error: `"${fileName}" is a JSON array, not a Rapport export (which is a JSON object with "format": "rapport-export")`,
    };
  }
  if (head.startsWith('<')) {
    if (/urn:ietf:params:xml:ns:vcard-4\.0|<vcards[\s>]/i.test(head)) return 'vcard'; // xCard: parseVcard explains it is unsupported
    return { kind: 'unknown', error: `"${fileName}" is an XML/HTML file: contacts can be imported from .csv, .vcf or Rapport .json files` };
  }
  if (EXT_KIND[ext] === 'vcard') return { kind: 'unknown', error: `"${fileName}" does not contain a vCard (no BEGIN:VCARD)` };
  if (EXT_KIND[ext] === 'json') return { kind: 'unknown', error: `"${fileName}" is not JSON` };
  // Anything else that is text with a delimiter on its first lines is treated as CSV.
  const firstLines = head
    .split(/\r\n|\n|\r/)
    .slice(0, 10)
    .join('\n');
  if (ext === 'csv' || ext === 'tsv' || /[,;\t|]/.test(firstLines)) return 'csv';
  return {
    kind: 'unknown',
    error: `"${fileName}" is not a recognised contacts file: import a .csv (Google, Outlook, LinkedIn, HubSpot or any sheet with a name or email column), a .vcf vCard file, or a Rapport .json export`,
  };
}

/** detectImportKind on a File (or any Blob with a name). */
export async function detectFileKind(file: Blob & { name?: string }): Promise<DetectedKind> {
  return detectImportKind(file.name ?? '', await readFirstBytes(file, 4096));
}

/** The contact stream for a CSV or vCard file (JSON exports go through parseExportFile instead). */
export function parseContacts(
  input: ImportInput,
  kind: 'csv' | 'vcard',
  options: CsvOptions & VcardOptions = {},
): ImportStream<ImportBatch> {
  return kind === 'csv' ? parseCsv(input, options) : parseVcard(input, options);
}
