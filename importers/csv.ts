// CSV contact import: Google Contacts, Outlook, LinkedIn Connections.csv, HubSpot, Pipedrive, Salesforce and
// generic sheets.
//
// Streaming: the input is read slice by slice (text.ts decodes each slice: BOM, UTF-16, UTF-8 or
// Windows-1252), each slice is fed to papaparse's core Parser together with the unfinished last record
// of the previous slice, and rows are yielded in bounded batches. A 50 MB file is never one string.
import Papa from 'papaparse';
import { fold } from '../storage/normalize';
import { buildContact, emptyRaw, splitTags, type CountryCode, type RawContact } from './contact';
import { DEFAULT_CHUNK_BYTES, readTextChunks } from './text';
import type { ImportBatch, ImportError, ImportInput, ImportRow, ImportStream } from './types';

export const CSV_FIELDS = [
  'name',
  'firstName',
  'middleName',
  'lastName',
  'email',
  'phone',
  'company',
  'title',
  'headline',
  'city',
  'region',
  'country',
  'location',
  'tags',
  'linkedinUrl',
  'companyDomain',
  'note',
  'stage',
] as const;
export type CsvField = (typeof CSV_FIELDS)[number];
export type CsvPreset = 'google' | 'outlook' | 'linkedin' | 'hubspot' | 'pipedrive' | 'salesforce' | 'generic';
export const CSV_PRESETS: readonly CsvPreset[] = ['google', 'outlook', 'linkedin', 'hubspot', 'pipedrive', 'salesforce', 'generic'];
/** Which column(s) feed each field (0-based header indexes). Several columns: all values for list fields
 *  (email, phone, tags, linkedinUrl, note), the first non-empty one for the others. */
export type CsvMapping = Partial<Record<CsvField, number | number[]>>;

type Matcher = string | RegExp;
type Table = Partial<Record<CsvField, Matcher[]>>;

/** "E-mail 1 - Value" → "email1value", "Prénom" → "prenom". */
export function normalizeHeader(header: string): string {
  return fold(String(header ?? '').replace(/^\ufeff/, '')).replace(/[^a-z0-9]/g, '');
}

const GENERIC: Table = {
  name: ['name', 'fullname', 'contactname', 'displayname', 'contact', 'person', 'nomcomplet'],
  firstName: ['firstname', 'first', 'givenname', 'forename', 'fname', 'prenom', 'vorname', 'nombre'],
  middleName: ['middlename', 'additionalname'],
  lastName: ['lastname', 'last', 'surname', 'familyname', 'lname', 'nom', 'nachname', 'apellido', 'apellidos'],
  email: [
    /^e?mail\d*$/,
    /^emailaddress\d*$/,
    /^email\d*address$/,
    'emails',
    'workemail',
    'personalemail',
    'businessemail',
    'primaryemail',
    'mailaddress',
    'courriel',
    'emailadresse',
    'correo',
    'correoelectronico',
  ],
  phone: [
    /^phone\d*$/,
    /^phonenumber\d*$/,
    'phones',
    'telephone',
    'tel',
    'mobile',
    'mobilephone',
    'mobilenumber',
    'cell',
    'cellphone',
    'workphone',
    'homephone',
    'businessphone',
    'officephone',
    'directphone',
    'telefon',
    'telefono',
    'portable',
    'handy',
  ],
  company: [
    'company',
    'companyname',
    'organization',
    'organisation',
    'organizationname',
    'org',
    'employer',
    'account',
    'accountname',
    'firma',
    'unternehmen',
    'entreprise',
    'societe',
    'empresa',
  ],
  title: ['title', 'jobtitle', 'position', 'role', 'jobrole', 'occupation', 'poste', 'fonction', 'cargo'],
  headline: ['headline'],
  city: ['city', 'town', 'ville', 'stadt', 'ciudad', 'ort'],
  region: ['state', 'region', 'province', 'stateregion', 'stateprovince', 'county'],
  country: ['country', 'countryregion', 'pays', 'land', 'pais'],
  location: ['location', 'address', 'fulladdress', 'adresse', 'direccion'],
  tags: ['tags', 'tag', 'labels', 'label', 'categories', 'category', 'groups', 'group'],
  linkedinUrl: ['linkedin', 'linkedinurl', 'linkedinprofile', 'linkedinprofileurl', 'profileurl', 'linkedinlink'],
  companyDomain: [
    'website',
    'websiteurl',
    'domain',
    'companydomain',
    'companywebsite',
    'companydomainname',
    'web',
    'url',
    'homepage',
    'site',
  ],
  note: ['notes', 'note', 'comments', 'comment', 'description', 'remarks'],
  stage: ['stage', 'lifecyclestage', 'leadstatus', 'status', 'pipelinestage'],
};

interface PresetDef {
  table: Table;
  /** Headers the generic fallback must leave alone for this preset (e.g. Outlook "Title" is Mr./Ms.). */
  skip?: string[];
}

const PRESETS: Record<Exclude<CsvPreset, 'generic'>, PresetDef> = {
  // Both Google CSV generations: legacy ("Given Name", "Group Membership", "Organization 1 - Name") and the
  // current one ("First Name", "Labels", "Organization Name"); multi-values in one cell are " ::: "-separated.
  google: {
    table: {
      name: ['name'],
      firstName: ['firstname', 'givenname'],
      middleName: ['middlename', 'additionalname'],
      lastName: ['lastname', 'familyname'],
      email: [/^email\d+value$/],
      phone: [/^phone\d+value$/],
      company: ['organizationname', /^organization\d+name$/],
      title: ['organizationtitle', /^organization\d+title$/],
      city: [/^address\d+city$/],
      region: [/^address\d+region$/],
      country: [/^address\d+country$/],
      tags: ['labels', 'groupmembership'],
      linkedinUrl: [/^website\d+value$/],
      note: ['notes'],
      location: ['location'],
    },
    skip: ['fileas', 'nickname', 'shortname'],
  },
  outlook: {
    table: {
      firstName: ['firstname'],
      middleName: ['middlename'],
      lastName: ['lastname'],
      email: ['emailaddress', 'email2address', 'email3address'],
      phone: [
        'mobilephone',
        'businessphone',
        'businessphone2',
        'homephone',
        'homephone2',
        'primaryphone',
        'otherphone',
        'carphone',
        'companymainphone',
        'radiophone',
      ],
      company: ['company'],
      title: ['jobtitle'],
      city: ['businesscity', 'homecity', 'othercity'],
      region: ['businessstate', 'homestate', 'otherstate'],
      country: ['businesscountryregion', 'businesscountry', 'homecountryregion', 'homecountry', 'othercountryregion', 'othercountry'],
      tags: ['categories'],
      note: ['notes'],
      linkedinUrl: ['webpage', 'personalwebpage', 'businesswebpage'],
    },
    // "Title" is the courtesy title (Mr., Dr.); the job title is "Job Title".
    skip: ['title', 'suffix', 'emaildisplayname', 'email2displayname', 'email3displayname'],
  },
  linkedin: {
    table: {
      firstName: ['firstname'],
      lastName: ['lastname'],
      linkedinUrl: ['url', 'profileurl'],
      email: ['emailaddress'],
      company: ['company'],
      title: ['position'],
    },
    skip: ['connectedon'],
  },
  hubspot: {
    table: {
      firstName: ['firstname'],
      lastName: ['lastname'],
      email: ['email', 'additionalemailaddresses', 'workemail'],
      phone: ['phonenumber', 'mobilephonenumber'],
      company: ['companyname', 'associatedcompany', 'associatedcompanyprimary'],
      title: ['jobtitle'],
      stage: ['lifecyclestage'],
      city: ['city'],
      region: ['stateregion', 'state'],
      country: ['countryregion', 'country'],
      companyDomain: ['websiteurl', 'companydomainname', 'website'],
      linkedinUrl: ['linkedinurl', 'linkedinprofile', 'linkedinbio'],
      note: ['notes', 'message'],
    },
    skip: ['leadstatus', 'recordid', 'contactowner'],
  },
  // People export: every column is "Person - <field>", repeated values split by label ("Person - Email - Work").
  pipedrive: {
    table: {
      name: ['personname'],
      firstName: ['personfirstname'],
      lastName: ['personlastname'],
      email: [/^personemail/],
      phone: [/^personphone/],
      company: ['personorganization', 'organizationname'],
      title: ['personjobtitle', 'persontitle', 'personposition'],
      tags: ['personlabel', 'personlabels'],
      city: ['personpostaladdresscitytown', 'personpostaladdresslocality', 'personcity'],
      region: ['personpostaladdressstatecounty', 'personpostaladdressregion', 'personstate'],
      country: ['personpostaladdresscountry', 'personcountry'],
      location: ['personpostaladdress', 'personaddress'],
      linkedinUrl: ['personlinkedinpage', 'personlinkedin', 'personlinkedinprofile', 'personlinkedinurl'],
      companyDomain: ['personwebsite', 'organizationwebsite'],
      note: ['personnotes', 'personnote'],
    },
    skip: ['personid', 'personowner', 'personmarketingstatus', 'personvisibleto', 'personlabelid'],
  },
  // Both the report export ("Account Name", "Mailing City") and the Data Export / Data Loader files that use
  // API names ("AccountId", "MailingCity", "MobilePhone"). "Salutation" is the courtesy title; "Title" the job.
  salesforce: {
    table: {
      name: ['name', 'fullname'],
      firstName: ['firstname'],
      middleName: ['middlename'],
      lastName: ['lastname'],
      email: ['email'],
      phone: ['phone', 'mobile', 'mobilephone', 'homephone', 'otherphone'],
      company: ['accountname', 'company', 'accountaccountname'],
      title: ['title'],
      city: ['mailingcity', 'city'],
      region: ['mailingstate', 'mailingstateprovince', 'state', 'stateprovince'],
      country: ['mailingcountry', 'country'],
      linkedinUrl: ['linkedinc', 'linkedinprofilec', 'linkedinurlc'],
      companyDomain: ['website'],
      note: ['description'],
      stage: ['status', 'leadstatus'],
    },
    skip: [
      'salutation',
      'id',
      'contactid',
      'leadid',
      'accountid',
      'ownerid',
      'contactowner',
      'leadowner',
      'masterrecordid',
      'reportstoid',
      'createdbyid',
      'lastmodifiedbyid',
      'assistantphone',
      'assistantname',
      'fax',
      'leadsource',
    ],
  },
};

function matches(key: string, matchers: Matcher[] | undefined): boolean {
  if (!matchers) return false;
  return matchers.some((m) => (typeof m === 'string' ? m === key : m.test(key)));
}

function fieldFor(key: string, table: Table): CsvField | undefined {
  for (const f of CSV_FIELDS) if (matches(key, table[f])) return f;
  return undefined;
}

/** Which export a header row comes from. */
export function detectPreset(headers: string[]): CsvPreset {
  const keys = new Set(headers.map(normalizeHeader));
  // Google numbers its repeated columns "E-mail 1 - Value"; Outlook writes "E-mail 2 Address".
  const googleNumbered = headers.some((h) =>
    /^\s*(e-?mail|phone|website|address|organization|relation|event|im)\s+\d+\s+-\s+/i.test(String(h ?? '')),
  );
  const has = (k: string) => keys.has(k);
  const some = (re: RegExp) => [...keys].some((k) => re.test(k));
  if (has('connectedon') || (has('url') && has('position') && has('emailaddress'))) return 'linkedin';
  if (
    some(/^person(name|firstname|lastname|email|phone|organization)/) &&
    headers.some((h) => /^\s*person\s+-\s+/i.test(String(h ?? '')))
  ) {
    return 'pipedrive';
  }
  if (
    has('mailingcity') ||
    has('mailingstreet') ||
    has('mailingstateprovince') ||
    has('masterrecordid') ||
    has('accountid') ||
    has('leadsource') ||
    (has('accountname') && (has('contactid') || has('leadid') || has('contactowner') || has('leadowner')))
  ) {
    return 'salesforce';
  }
  if (
    has('lifecyclestage') ||
    has('recordid') ||
    has('contactowner') ||
    has('hubspotscore') ||
    (has('phonenumber') && has('companyname'))
  ) {
    return 'hubspot';
  }
  if (
    has('emailaddress') &&
    (has('email2address') || has('businessphone') || has('mobilephone') || has('businesscity') || has('homephone') || has('jobtitle'))
  ) {
    return 'outlook';
  }
  if (
    googleNumbered ||
    some(/^(email|phone|website|address)\d+value$/) ||
    some(/^organization\d+name$/) ||
    has('organizationname') ||
    has('groupmembership') ||
    (has('givenname') && has('familyname'))
  ) {
    return 'google';
  }
  return 'generic';
}

/** The preset a header row comes from and which column feeds which field (for a UI to show and override). */
export function detectMapping(headers: string[]): { preset: CsvPreset; mapping: CsvMapping } {
  const preset = detectPreset(headers);
  const def = preset === 'generic' ? undefined : PRESETS[preset];
  const found: Partial<Record<CsvField, number[]>> = {};
  headers.forEach((h, i) => {
    const key = normalizeHeader(h);
    if (!key) return;
    let field = def ? fieldFor(key, def.table) : undefined;
    if (!field && !def?.skip?.includes(key)) field = fieldFor(key, GENERIC);
    if (!field) return;
    (found[field] ??= []).push(i);
  });
  const mapping: CsvMapping = {};
  for (const f of CSV_FIELDS) {
    const idx = found[f];
    if (idx?.length) mapping[f] = idx.length === 1 ? idx[0] : idx;
  }
  return { preset, mapping };
}

const ALL_TABLES: Table[] = [GENERIC, ...Object.values(PRESETS).map((p) => p.table)];

function headerScore(cells: string[]): number {
  let score = 0;
  for (const c of cells) {
    if (!c || c.length > 60) continue;
    const key = normalizeHeader(c);
    if (key && ALL_TABLES.some((t) => fieldFor(key, t))) score++;
  }
  return score;
}

function isBlankRow(cells: string[]): boolean {
  return cells.every((c) => !c || !c.trim());
}

/**
 * Index of the header among the first records: the first one naming at least two known columns, which skips
 * preambles such as LinkedIn's "Notes:" paragraph; otherwise the first non-blank record.
 */
export function findHeaderRow(rows: string[][], maxScan = 20): number {
  let firstNonBlank = -1;
  let scanned = 0;
  for (let i = 0; i < rows.length && scanned < maxScan; i++) {
    if (isBlankRow(rows[i])) continue;
    scanned++;
    if (firstNonBlank < 0) firstNonBlank = i;
    if (headerScore(rows[i]) >= 2) return i;
  }
  return Math.max(0, firstNonBlank);
}

const NONE: string[] = [];
const HONORIFIC_RE = /^(mr|mrs|ms|miss|mx|dr|prof|sir|madam|mme|mlle|m|herr|frau|sr|sra|srta)\.?$/i;

type CompiledMapping = Partial<Record<CsvField, number[]>>;
const compiledMappings = new WeakMap<CsvMapping, CompiledMapping>();

function compile(mapping: CsvMapping): CompiledMapping {
  let c = compiledMappings.get(mapping);
  if (!c) {
    c = {};
    for (const f of CSV_FIELDS) {
      const v = mapping[f];
      if (v === undefined) continue;
      const list = (Array.isArray(v) ? v : [v]).filter((i) => Number.isInteger(i) && i >= 0);
      if (list.length) c[f] = list;
    }
    compiledMappings.set(mapping, c);
  }
  return c;
}

/**
 * A cell as written before a spreadsheet guard: exports (ours included, importers/export-csv.ts) put a `'`
 * before a value starting with = + - @ so that Excel does not run it as a formula.
 */
export function unguard(cell: string | undefined): string | undefined {
  return cell !== undefined && cell.charCodeAt(0) === 39 && /^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell;
}

/** Reads one record through a mapping. Missing cells (short rows) are simply absent; extra cells are ignored. */
export function mapRow(cells: string[], mapping: CsvMapping): RawContact {
  const raw = emptyRaw();
  const m = compile(mapping);
  const values = (f: CsvField): string[] => {
    const idx = m[f];
    if (!idx) return NONE;
    const out: string[] = [];
    for (const i of idx) {
      const v = unguard(cells[i]);
      if (typeof v === 'string' && v.trim()) out.push(v);
    }
    return out;
  };
  const first = (f: CsvField): string | undefined => {
    const idx = m[f];
    if (!idx) return undefined;
    for (const i of idx) {
      const v = unguard(cells[i]);
      if (typeof v === 'string' && v.trim()) return v;
    }
    return undefined;
  };

  raw.name = first('name');
  raw.firstName = first('firstName');
  raw.middleName = first('middleName');
  raw.lastName = first('lastName');
  raw.company = first('company');
  raw.title = values('title').find((t) => !HONORIFIC_RE.test(t.trim()));
  raw.headline = first('headline');
  raw.city = first('city');
  raw.region = first('region');
  raw.country = first('country');
  raw.location = first('location');
  raw.stage = first('stage');
  raw.emails.push(...values('email'));
  for (const v of values('phone')) raw.phones.push(...v.split(/\s*(?::::|;|\n)\s*/).filter(Boolean));
  for (const v of values('tags')) raw.tags.push(...splitTags(v));
  for (const v of values('linkedinUrl')) raw.urls.push(...v.split(/\s*(?::::|\s)\s*/).filter(Boolean));
  for (const v of values('companyDomain')) {
    if (/linkedin\.com\//i.test(v)) raw.urls.push(v.trim());
    else raw.companyDomain ??= v;
  }
  raw.notes.push(...values('note'));
  return raw;
}

export interface CsvOptions {
  /** Column mapping chosen by the user; default: detectMapping on the header. */
  mapping?: CsvMapping;
  /** 1-based record number of the header; default: detected (skips preambles). */
  headerRow?: number;
  /** Maximum rows per yielded batch (default 1000). */
  batchSize?: number;
  /** Bytes read per slice (default 1 MiB). */
  chunkBytes?: number;
  /** Country for phone numbers without international prefix. */
  defaultCountry?: CountryCode;
  /** Force a text encoding (label understood by TextDecoder); default: sniffed. */
  encoding?: string;
  /** Force a delimiter; default: detected among , ; tab |. */
  delimiter?: string;
  signal?: AbortSignal;
}

export interface CsvInfo {
  headers: string[];
  /** 1-based record number of the header row. */
  headerRow: number;
  preset: CsvPreset;
  mapping: CsvMapping;
  delimiter: string;
  encoding: string;
}

export interface CsvBatch extends ImportBatch {
  /** Header, preset and mapping in use (null only for an empty file). */
  info: CsvInfo | null;
}

const HEADER_SCAN_ROWS = 20;

function usable(m: CsvMapping): boolean {
  return ['name', 'firstName', 'lastName', 'email'].some(
    (f) => m[f as CsvField] !== undefined && (!Array.isArray(m[f as CsvField]) || (m[f as CsvField] as number[]).length > 0),
  );
}
/** An unterminated quote would otherwise make the carried-over record grow to the file's size. */
const MAX_RECORD_CHARS = 8 * 1024 * 1024;

function guessFormat(sample: string, forced?: string): { delimiter: string; newline: '\n' | '\r\n' | '\r' } {
  const res = Papa.parse<string[]>(sample.slice(0, 256 * 1024), {
    preview: 10,
    skipEmptyLines: true,
    delimitersToGuess: [',', ';', '\t', '|'],
    delimiter: forced,
  });
  const nl = res.meta.linebreak;
  return {
    delimiter: forced || res.meta.delimiter || ',',
    newline: nl === '\r\n' || nl === '\r' ? nl : '\n',
  };
}

interface PapaCoreResult {
  data: string[][];
  errors: { code?: string; message?: string; row?: number }[];
  meta: { cursor: number };
}

/**
 * Parses a CSV file of contacts in bounded batches.
 *
 *   for await (const batch of parseCsv(file)) { await store(batch.rows); showProgress(batch.progress); }
 *
 * Never throws for bad content: unreadable rows become `errors` entries ("row 7: no name or email").
 */
export async function* parseCsv(input: ImportInput, options: CsvOptions = {}): ImportStream<CsvBatch> {
  const batchSize = Math.max(1, options.batchSize ?? 1000);
  let parser: Papa.Parser | null = null;
  let delimiter = ',';
  let carry = '';
  let recordNo = 0;
  let info: CsvInfo | null = null;
  let encoding = 'utf-8';
  const before: { no: number; cells: string[] }[] = []; // records seen while the header is not yet known
  let rows: ImportRow[] = [];
  let errors: ImportError[] = [];
  let progress = { bytesRead: 0, totalBytes: typeof input === 'string' ? 0 : input.size };

  let unusable = false;

  const handleData = (no: number, cells: string[]) => {
    if (!info || unusable || isBlankRow(cells)) return;
    const res = buildContact(mapRow(cells, info.mapping), { defaultCountry: options.defaultCountry });
    for (const w of res.warnings) errors.push({ row: no, message: `row ${no}: ${w}`, severity: 'warning' });
    if (res.ok) rows.push({ row: no, ...res.row });
    else errors.push({ row: no, message: `row ${no}: ${res.error}`, severity: 'error' });
  };

  const settleHeader = (force: boolean) => {
    if (info) return;
    let idx: number;
    if (options.headerRow !== undefined) {
      idx = before.findIndex((r) => r.no === options.headerRow);
      if (idx < 0 && !force) return;
    } else {
      const nonBlank = before.filter((r) => !isBlankRow(r.cells)).length;
      const scored = before.findIndex((r) => !isBlankRow(r.cells) && headerScore(r.cells) >= 2);
      if (scored < 0 && nonBlank < HEADER_SCAN_ROWS && !force) return;
      idx =
        scored >= 0
          ? scored
          : findHeaderRow(
              before.map((r) => r.cells),
              HEADER_SCAN_ROWS,
            );
    }
    if (idx < 0 || !before[idx]) {
      if (force && before.some((r) => !isBlankRow(r.cells)))
        errors.push({ row: null, message: `header row ${options.headerRow ?? ''} not found`, severity: 'error' });
      return;
    }
    if (isBlankRow(before[idx].cells)) return; // only blank lines so far: an empty file
    const headers = before[idx].cells.map((h) =>
      String(h ?? '')
        .replace(/^\ufeff/, '')
        .trim(),
    );
    const detected = detectMapping(headers);
    info = {
      headers,
      headerRow: before[idx].no,
      preset: detected.preset,
      mapping: options.mapping ?? detected.mapping,
      delimiter,
      encoding,
    };
    if (!usable(info.mapping)) {
      // Every row would fail the same way: say it once and stop (the UI can offer a mapping).
      unusable = true;
      errors.push({
        row: info.headerRow,
        message: `no name or email column found in the header (${headers.slice(0, 8).join(', ')}${headers.length > 8 ? ', …' : ''}): choose the columns to import`,
        severity: 'error',
      });
      before.length = 0;
      return;
    }
    for (const r of before.slice(idx + 1)) handleData(r.no, r.cells);
    before.length = 0;
  };

  const onRecords = (res: PapaCoreResult, base: number) => {
    for (const e of res.errors) {
      const no = base + (e.row ?? 0) + 1;
      const what = e.code === 'MissingQuotes' ? 'unterminated quoted field' : e.message || e.code || 'malformed record';
      errors.push({ row: no, message: `row ${no}: ${what}`, severity: 'warning' });
    }
    for (const cells of res.data) {
      recordNo++;
      if (info) handleData(recordNo, cells);
      else {
        before.push({ no: recordNo, cells });
        settleHeader(false);
      }
    }
  };

  /** Full batches only; the remainder goes out at the end of the slice. */
  function* fullBatches(): Generator<CsvBatch> {
    while (rows.length >= batchSize) {
      const out = rows.slice(0, batchSize);
      rows = rows.slice(batchSize);
      const errs = errors;
      errors = [];
      yield { rows: out, errors: errs, progress: { ...progress }, info };
    }
  }

  for await (const chunk of readTextChunks(input, { chunkBytes: options.chunkBytes ?? DEFAULT_CHUNK_BYTES, encoding: options.encoding })) {
    if (options.signal?.aborted) return;
    encoding = chunk.encoding;
    progress = { bytesRead: chunk.bytesRead, totalBytes: chunk.totalBytes };
    const text = carry + chunk.text;
    carry = '';
    if (!parser) {
      if (!chunk.final && text.length < 4096) {
        carry = text; // too little to guess the delimiter from
        continue;
      }
      const fmt = guessFormat(text, options.delimiter);
      delimiter = fmt.delimiter;
      parser = new Papa.Parser({ delimiter: fmt.delimiter, newline: fmt.newline });
    }
    const base = recordNo;
    const res = parser.parse(text, 0, !chunk.final) as PapaCoreResult;
    if (!chunk.final) carry = text.slice(res.meta.cursor);
    onRecords(res, base);
    if (carry.length > MAX_RECORD_CHARS) {
      // A record this long is an unterminated quote: close it here rather than buffer the rest of the file.
      const forced = parser.parse(carry, 0, false) as PapaCoreResult;
      carry = '';
      onRecords(forced, recordNo);
    }
    if (chunk.final) settleHeader(true);
    if (unusable) break;
    yield* fullBatches();
    if (!chunk.final && (rows.length || errors.length)) {
      // Report progress once per slice even when the batch is not full.
      const errs = errors;
      errors = [];
      const out = rows;
      rows = [];
      yield { rows: out, errors: errs, progress: { ...progress }, info };
    }
  }
  if (!info && !errors.length) {
    errors.push({ row: null, message: 'the file is empty', severity: 'error' });
  }
  // Always end with a batch carrying the final progress.
  yield { rows, errors, progress: { ...progress, bytesRead: progress.totalBytes }, info };
}

/** The header and the first data records of a file, raw (for a mapping step to map again as the user edits). */
export interface CsvSample extends CsvInfo {
  /** Data records after the header, 1-based record numbers as parseCsv reports them; blank ones left out. */
  records: { row: number; cells: string[] }[];
}

/**
 * Reads just enough of a file to show its header, detected preset and mapping, and its first `rows` records
 * (for a mapping UI). Returns null when no header could be found.
 */
export async function readCsvSample(
  input: ImportInput,
  options: Pick<CsvOptions, 'encoding' | 'delimiter' | 'headerRow' | 'chunkBytes'> & { rows?: number } = {},
): Promise<CsvSample | null> {
  const want = Math.max(0, options.rows ?? 20);
  let text = '';
  for await (const chunk of readTextChunks(input, { chunkBytes: options.chunkBytes ?? 256 * 1024, encoding: options.encoding })) {
    text += chunk.text;
    const encoding = chunk.encoding;
    if (text.length >= 256 * 1024 || chunk.final) {
      const fmt = guessFormat(text, options.delimiter);
      const parsed = new Papa.Parser({ delimiter: fmt.delimiter, newline: fmt.newline }).parse(text, 0, !chunk.final) as PapaCoreResult;
      const data = parsed.data;
      if (!data.length) return null;
      const idx =
        options.headerRow !== undefined ? options.headerRow - 1 : findHeaderRow(data.slice(0, HEADER_SCAN_ROWS * 3), HEADER_SCAN_ROWS);
      if (!data[idx]) return null;
      const headers = data[idx].map((h) =>
        String(h ?? '')
          .replace(/^\ufeff/, '')
          .trim(),
      );
      const { preset, mapping } = detectMapping(headers);
      const records: CsvSample['records'] = [];
      for (let i = idx + 1; i < data.length && records.length < want; i++) {
        if (!isBlankRow(data[i])) records.push({ row: i + 1, cells: data[i] });
      }
      return { headers, headerRow: idx + 1, preset, mapping, delimiter: fmt.delimiter, encoding, records };
    }
  }
  return null;
}

/**
 * Reads just enough of a file to show its header, detected preset and mapping (for a mapping UI).
 * Returns null when no header could be found.
 */
export async function readCsvHeader(
  input: ImportInput,
  options: Pick<CsvOptions, 'encoding' | 'delimiter' | 'headerRow' | 'chunkBytes'> = {},
): Promise<CsvInfo | null> {
  const sample = await readCsvSample(input, { ...options, rows: 0 });
  if (!sample) return null;
  const { records: _records, ...info } = sample;
  return info;
}
