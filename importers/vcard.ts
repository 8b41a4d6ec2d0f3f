// vCard import (.vcf 2.1 / 3.0 / 4.0, and jCard JSON) with ical.js.
//
// Real address-book exports are messy, so the file is not handed to ical.js whole:
//  1. The file is split into cards here (BEGIN:VCARD … END:VCARD, any case, CRLF/LF/CR, nested AGENT
//     cards, missing END), so one broken card gives one per-card error and the others still import.
//  2. Each card is unfolded here (RFC folding, Outlook quoted-printable soft line breaks, unindented
//     vCard 2.1 base64 lines), its values decoded (QUOTED-PRINTABLE, BASE64 text, CHARSET=…; undeclared
//     bytes as UTF-8 or, when invalid, Windows-1252), and only the properties we map are kept (so PHOTO,
//     KEY, TZ and other oddities can't break the parse). vCard 2.1 bare parameters become TYPE=….
//  3. That clean card goes to ical.js; if ical.js still rejects it, a small tolerant reader of our own
//     extracts the same fields. Only a card with neither a name nor an e-mail is an error.
// xCard (XML) is reported as unsupported.
import ICAL from 'ical.js';
import { normalizeLinkedinUrl } from '../storage/normalize';
import { buildContact, cleanLine, emptyRaw, splitTags, type CountryCode, type RawContact } from './contact';
import {
  DEFAULT_CHUNK_BYTES,
  binaryToBytes,
  bytesToBinary,
  decodeBytes,
  readBlobChunks,
  readFirstBytes,
  readTextChunks,
  sniffBom,
  sniffUtf16WithoutBom,
  utf8Length,
} from './text';
import type { ImportBatch, ImportError, ImportInput, ImportRow, ImportStream } from './types';
import { splitEscaped, unescapeText } from './vcard-text';

export interface VcardOptions {
  /** Country for phone numbers without international prefix. */
  defaultCountry?: CountryCode;
  /** Maximum rows per yielded batch (default 500). */
  batchSize?: number;
  /** Bytes read per slice (default 1 MiB). */
  chunkBytes?: number;
  signal?: AbortSignal;
  /** Diagnostics/tests: false skips ical.js and uses only the built-in tolerant reader. Default true. */
  useIcal?: boolean;
}

/** Properties we read; everything else (PHOTO, KEY, TZ, X-…) is dropped before parsing. */
const WANTED = new Set([
  'FN',
  'N',
  'EMAIL',
  'TEL',
  'ORG',
  'TITLE',
  'ADR',
  'URL',
  'CATEGORIES',
  'NOTE',
  'X-SOCIALPROFILE',
  'KIND',
  'X-ADDRESSBOOKSERVER-KIND',
]);
/** Text properties whose commas are literal in vCard 2.1 but separators in 3.0/4.0. */
const TEXT_PROPS = new Set(['FN', 'N', 'ORG', 'TITLE', 'ADR', 'NOTE']);

const BEGIN_RE = /^\s*BEGIN\s*:\s*VCARD\s*$/i;
const END_RE = /^\s*END\s*:\s*VCARD\s*$/i;
const PROPERTY_RE = /^(?:[A-Za-z0-9-]+\.)?[A-Za-z0-9-]+[ \t]*[;:]/;
const AGENT_OPEN_RE = /^(?:[A-Za-z0-9-]+\.)?AGENT[^:]*:\s*$/i;

// ---------------------------------------------------------------------------------------------------
// Splitting a file into cards

interface RawCard {
  /** 1-based position in the file. */
  index: number;
  lines: string[];
  /** The card had no END:VCARD (truncated file, or the next BEGIN came first). */
  unterminated: boolean;
}

/** Line-oriented card splitter; feed it text (or binary strings) in pieces. */
class CardSplitter {
  private buf = '';
  private inCard = false;
  private depth = 0;
  private lines: string[] = [];
  private stray: string[] = [];
  private prevLine = '';
  count = 0;

  constructor(
    private readonly onCard: (card: RawCard) => void,
    private readonly onOrphan: (index: number, lines: string[]) => void,
  ) {}

  push(text: string, final: boolean): void {
    this.buf += text;
    let end = this.buf.length;
    if (!final) {
      // Keep a trailing CR: its LF may be in the next piece.
      while (end > 0 && this.buf.charCodeAt(end - 1) === 13) end--;
      const lastBreak = Math.max(this.buf.lastIndexOf('\n', end - 1), this.buf.lastIndexOf('\r', end - 1));
      if (lastBreak < 0) return;
      end = lastBreak + 1;
    }
    const complete = this.buf.slice(0, end);
    this.buf = this.buf.slice(end);
    // CR CR LF (seen in iPhone exports) is one line break.
    const lines = complete.replace(/\r+\n/g, '\n').split(/\n|\r/);
    if (!final || lines[lines.length - 1] === '') lines.pop();
    for (const line of lines) this.line(line);
    if (final) this.finish();
  }

  private line(line: string): void {
    if (!this.inCard) {
      if (BEGIN_RE.test(line)) {
        this.inCard = true;
        this.depth = 0;
        this.lines = [];
        this.flushStray(false);
      } else if (END_RE.test(line)) {
        this.flushStray(true);
      } else if (line.trim()) {
        if (this.stray.length < 200) this.stray.push(line);
      }
      this.prevLine = line;
      return;
    }
    if (BEGIN_RE.test(line)) {
      if (AGENT_OPEN_RE.test(this.prevLine) || this.depth > 0) {
        this.depth++; // vCard 2.1 AGENT: an embedded card (someone else's), skipped
      } else {
        this.emit(true);
        this.inCard = true;
        this.lines = [];
      }
    } else if (END_RE.test(line)) {
      if (this.depth > 0) this.depth--;
      else this.emit(false);
    } else if (this.depth === 0) {
      this.lines.push(line);
    }
    this.prevLine = line;
  }

  private emit(unterminated: boolean): void {
    this.count++;
    const lines = this.lines;
    this.lines = [];
    this.inCard = false;
    this.onCard({ index: this.count, lines, unterminated });
  }

  private flushStray(endSeen: boolean): void {
    if (endSeen) {
      this.count++;
      this.onOrphan(this.count, this.stray);
    }
    this.stray = [];
  }

  private finish(): void {
    if (this.inCard) this.emit(true);
  }
}

// ---------------------------------------------------------------------------------------------------
// Unfolding and tokenizing a card

interface Param {
  key: string | null; // null: a vCard 2.1 bare parameter ("TEL;WORK;VOICE:")
  value: string;
}

interface Prop {
  name: string;
  params: Param[];
  /** Decoded to Unicode and put in vCard 3.0/4.0 escaped form. */
  value: string;
}

function splitNameParams(line: string): { name: string; params: Param[]; value: string } | null {
  let i = 0;
  const n = line.length;
  while (i < n && line[i] !== ';' && line[i] !== ':') i++;
  if (i >= n) return null;
  let name = line.slice(0, i).trim();
  const dot = name.lastIndexOf('.');
  if (dot >= 0) name = name.slice(dot + 1); // drop the "item1." group
  const params: Param[] = [];
  if (line[i] === ';') {
    i++;
    let cur = '';
    let inQuote = false;
    for (; i < n; i++) {
      const c = line[i];
      if (c === '"') inQuote = !inQuote;
      else if (!inQuote && (c === ';' || c === ':')) {
        pushParam(params, cur);
        cur = '';
        if (c === ':') break;
        continue;
      }
      cur += c;
    }
    if (i >= n) return null;
  }
  return { name: name.toUpperCase(), params, value: line.slice(i + 1) };
}

function pushParam(params: Param[], raw: string): void {
  const s = raw.trim();
  if (!s) return;
  const eq = s.indexOf('=');
  if (eq < 0) params.push({ key: null, value: s.replace(/"/g, '') });
  else
    params.push({
      key: s.slice(0, eq).trim().toUpperCase(),
      value: s
        .slice(eq + 1)
        .trim()
        .replace(/"/g, ''),
    });
}

function encodingOf(params: Param[]): 'qp' | 'b64' | null {
  for (const p of params) {
    const v = p.value.toUpperCase();
    if ((p.key === 'ENCODING' || p.key === null) && (v === 'QUOTED-PRINTABLE' || v === 'QP')) return 'qp';
    if ((p.key === 'ENCODING' || p.key === null) && (v === 'BASE64' || v === 'B')) return 'b64';
  }
  return null;
}

function headOf(line: string): string {
  const c = line.indexOf(':');
  return c < 0 ? line : line.slice(0, c);
}

/** Joins folded lines into logical lines. Also reports lines that are not properties at all. */
function unfold(lines: string[]): { logical: string[]; junk: number } {
  const logical: string[] = [];
  let junk = 0;
  let qpOpen = false; // the last logical line is quoted-printable and ends with a soft line break "="
  let b64 = false; // the last logical line is base64 data (vCard 2.1 may continue it unindented)
  for (const line of lines) {
    const last = logical.length - 1;
    if (qpOpen && last >= 0) {
      logical[last] = logical[last].slice(0, -1) + line;
      qpOpen = logical[last].endsWith('=');
      continue;
    }
    if (line === '' || !line.trim()) {
      b64 = false;
      continue;
    }
    if ((line[0] === ' ' || line[0] === '\t') && last >= 0) {
      logical[last] += line.slice(1);
      qpOpen = isQpLine(logical[last]) && logical[last].endsWith('=');
      continue;
    }
    if (PROPERTY_RE.test(line)) {
      logical.push(line);
      const head = headOf(line);
      qpOpen = /QUOTED-PRINTABLE/i.test(head) && line.endsWith('=');
      b64 = /(^|;)\s*(ENCODING\s*=\s*)?(BASE64|B)\s*(;|$)/i.test(head);
      continue;
    }
    if (b64 && last >= 0 && /^[A-Za-z0-9+/=\s]+$/.test(line)) {
      logical[last] += line.trim();
      continue;
    }
    junk++;
  }
  return { logical, junk };
}

function isQpLine(line: string): boolean {
  return /QUOTED-PRINTABLE/i.test(headOf(line));
}

// ---------------------------------------------------------------------------------------------------
// Decoding values

function qpDecode(s: string, binary: boolean): Uint8Array {
  const out: number[] = [];
  const enc = new TextEncoder();
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x3d) {
      const h = s.slice(i + 1, i + 3);
      if (/^[0-9A-Fa-f]{2}$/.test(h)) {
        out.push(parseInt(h, 16));
        i += 2;
      } else if (i < s.length - 1) {
        out.push(c);
      }
      continue;
    }
    if (binary || c < 0x80) out.push(c & 0xff);
    else {
      const cp = s.codePointAt(i) ?? c;
      if (cp > 0xffff) i++;
      out.push(...enc.encode(String.fromCodePoint(cp)));
    }
  }
  return Uint8Array.from(out);
}

function base64Decode(s: string): Uint8Array | null {
  try {
    const bin = atob(s.replace(/\s+/g, ''));
    return binaryToBytes(bin);
  } catch {
    return null;
  }
}

/**
 * Bytes of one value → text. A declared charset is honoured; UTF-8 (declared or not) that is mostly valid
 * keeps its valid characters (stray bytes become U+FFFD); bytes that are not UTF-8 at all are Windows-1252.
 */
export function decodeValueBytes(bytes: Uint8Array, charset?: string): string {
  const label = charset?.trim().toLowerCase();
  if (label && label !== 'utf-8' && label !== 'utf8') return decodeBytes(bytes, label).text;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const lossy = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    // eslint-disable-next-line no-control-regex
    if (/[^\u0000-\u007f\ufffd]/.test(lossy)) return lossy;
    return decodeBytes(bytes, 'windows-1252').text;
  }
}

function paramValue(params: Param[], key: string): string | undefined {
  return params.find((p) => p.key === key)?.value;
}

/**
 * Escape raw vCard 2.1 text into the vCard 3.0 escaped form: commas in text values are literal in 2.1, raw
 * line breaks (from quoted-printable) become \n. Escapes some 2.1 writers already use (\; \, \n \\) are kept.
 */
function escape21(value: string, name: string): string {
  const text = TEXT_PROPS.has(name);
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\') {
      const next = value[i + 1];
      if (next !== undefined && ';,nN\\'.includes(next)) {
        out += c + next;
        i++;
      } else out += '\\\\';
    } else if (c === ',' && text) out += '\\,';
    else if (c === '\r') {
      if (value[i + 1] === '\n') i++;
      out += '\\n';
    } else if (c === '\n') out += '\\n';
    else out += c;
  }
  return out;
}

function decodeProp(line: string, binary: boolean, version: string): Prop | null {
  const parts = splitNameParams(line);
  if (!parts) return null;
  const { name, params } = parts;
  let value = parts.value;
  const enc = encodingOf(params);
  const charset = paramValue(params, 'CHARSET');
  let decoded = false;
  if (enc === 'qp') {
    value = decodeValueBytes(qpDecode(value, binary), charset);
    decoded = true;
  } else if (enc === 'b64' && WANTED.has(name)) {
    const bytes = base64Decode(value);
    if (bytes) {
      value = decodeValueBytes(bytes, charset);
      decoded = true;
    }
  } else if (binary) {
    // eslint-disable-next-line no-control-regex
    value = /[^\u0000-\u007f]/.test(value) ? decodeValueBytes(binaryToBytes(value), charset) : value;
  }
  if (version === '2.1') value = escape21(value, name);
  else if (decoded) value = value.replace(/\r\n|\r|\n/g, '\\n');
  return { name, params, value };
}

// ---------------------------------------------------------------------------------------------------
// Rebuilding a clean card for ical.js

const TYPE_TOKEN_RE = /^[A-Za-z0-9_.-]{1,40}$/;

function typeTokens(params: Param[]): string[] {
  const out: string[] = [];
  for (const p of params) {
    if (p.key === 'TYPE' || p.key === null) {
      for (const t of p.value.split(',')) {
        const tok = t.trim();
        const up = tok.toUpperCase();
        if (p.key === null && (up === 'QUOTED-PRINTABLE' || up === 'BASE64' || up === 'B' || up === 'QP' || up.startsWith('CHARSET')))
          continue;
        if (TYPE_TOKEN_RE.test(tok)) out.push(tok.toLowerCase());
      }
    }
  }
  return out;
}

function cleanLineFor(prop: Prop, outVersion: string): string {
  const types = typeTokens(prop.params);
  const pref = paramValue(prop.params, 'PREF');
  const valueType = paramValue(prop.params, 'VALUE')?.toLowerCase();
  let head = prop.name;
  if (types.length) head += `;TYPE=${types.join(',')}`;
  if (outVersion === '4.0' && pref && /^\d{1,3}$/.test(pref)) head += `;PREF=${pref}`;
  if (valueType === 'uri' && (prop.name === 'TEL' || prop.name === 'URL')) head += ';VALUE=uri';
  // eslint-disable-next-line no-control-regex
  const value = prop.value.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
  return `${head}:${value}`;
}

// ---------------------------------------------------------------------------------------------------
// Reading fields

/** A property reduced to what the mapping needs (from ical.js or from our own reader). */
interface Field {
  name: string; // lower case
  types: string[];
  /** For structured properties (N, ADR, ORG): components; otherwise one element per value. */
  values: (string | string[])[];
}

function flatText(v: unknown): string {
  if (v == null) return '';
  if (Array.isArray(v)) return v.map(flatText).filter(Boolean).join(', ');
  return String(v);
}

/** ical.js leaves escapes it does not expect in a given property (\; in NOTE, Apple's \: and \"). */
function leftoverEscapes(s: string): string {
  return s.replace(/\\([;:,"])/g, '$1');
}

function fieldsFromIcal(comp: InstanceType<typeof ICAL.Component>): Field[] {
  const out: Field[] = [];
  for (const p of comp.getAllProperties()) {
    const raw = p.getParameter('type');
    const types = (Array.isArray(raw) ? raw : raw ? [raw] : [])
      .flatMap((t: unknown) => String(t).split(','))
      .map((t: string) => t.trim().toLowerCase())
      .filter(Boolean);
    if (p.getParameter('pref')) types.push('pref');
    const vals = p.getValues();
    const values: (string | string[])[] = [];
    for (const v of vals) {
      if (Array.isArray(v)) values.push(v.map((x) => leftoverEscapes(flatText(x))));
      else values.push(leftoverEscapes(flatText(v)));
    }
    out.push({ name: p.name.toLowerCase(), types, values });
  }
  return out;
}

/** Our own tolerant reader: used when ical.js rejects a card. */
function fieldsFromProps(props: Prop[]): Field[] {
  return props.map((p) => {
    const name = p.name.toLowerCase();
    const types = typeTokens(p.params);
    if (paramValue(p.params, 'PREF')) types.push('pref');
    let values: (string | string[])[];
    if (name === 'n' || name === 'adr' || name === 'org') {
      values = [splitEscaped(p.value, ';').map((c) => splitEscaped(c, ',').map(unescapeText).join(', '))];
    } else if (name === 'categories') {
      values = splitEscaped(p.value, ',').map(unescapeText);
    } else {
      values = [unescapeText(p.value)];
    }
    return { name, types, values };
  });
}

function firstText(fields: Field[], name: string): string | undefined {
  for (const f of fields) {
    if (f.name !== name) continue;
    for (const v of f.values) {
      const s = Array.isArray(v) ? v.join(' ') : v;
      if (s.trim()) return s;
    }
  }
  return undefined;
}

function components(f: Field): string[] {
  const v = f.values[0];
  if (Array.isArray(v)) return v;
  // Both readers give several components as an array; a string is one component, already unescaped
  // (ical.js reads "ORG:Atelier\; Lumière" as the single string "Atelier; Lumière").
  if (typeof v === 'string') return [v];
  return [];
}

function unescapeUri(s: string): string {
  return s.replace(/\\([:,;\\])/g, '$1').trim();
}

function rank(types: string[]): number {
  return (types.includes('pref') ? 2 : 0) + (types.includes('work') ? 1 : 0);
}

function toRaw(fields: Field[]): RawContact {
  const raw = emptyRaw();
  raw.name = firstText(fields, 'fn');
  const n = fields.find((f) => f.name === 'n');
  if (n) {
    const [family, given, additional] = components(n);
    raw.lastName = family;
    raw.firstName = given;
    raw.middleName = additional;
  }
  const org = fields.find((f) => f.name === 'org' && components(f).some((c) => c.trim()));
  if (org) raw.company = components(org).find((c) => c.trim());
  raw.title = firstText(fields, 'title');

  const adrs = fields.filter((f) => f.name === 'adr').map((f) => ({ types: f.types, c: components(f) }));
  adrs.sort((a, b) => rank(b.types) - rank(a.types));
  for (const a of adrs) {
    const [, , , locality, region, , country] = a.c;
    if ([locality, region, country].some((x) => x && x.trim())) {
      raw.city = locality;
      raw.region = region;
      raw.country = country;
      break;
    }
  }

  for (const f of fields) {
    switch (f.name) {
      case 'email':
        for (const v of f.values) raw.emails.push(flatText(v));
        break;
      case 'tel':
        if (f.types.includes('fax') || f.types.includes('pager')) break;
        for (const v of f.values) raw.phones.push(flatText(v));
        break;
      case 'url':
      case 'x-socialprofile':
        for (const v of f.values) {
          const u = unescapeUri(flatText(v));
          if (!u) continue;
          if (normalizeLinkedinUrl(u)) raw.urls.push(u);
          else if (f.name === 'url' && f.types.includes('work') && raw.company && !raw.companyDomain) raw.companyDomain = u;
        }
        break;
      case 'categories':
        // Escaped commas split too: Thunderbird writes its list as one value, "a\, b\, c".
        for (const v of f.values) for (const t of Array.isArray(v) ? v : [v]) raw.tags.push(...splitTags(t));
        break;
      case 'note':
        for (const v of f.values) raw.notes.push(flatText(v));
        break;
    }
  }
  return raw;
}

function isGroup(fields: Field[]): boolean {
  const kind = firstText(fields, 'kind') ?? firstText(fields, 'x-addressbookserver-kind');
  return !!kind && kind.trim().toLowerCase() === 'group';
}

// ---------------------------------------------------------------------------------------------------
// One card

interface CardResult {
  row?: ImportRow;
  errors: ImportError[];
}

function labelFrom(lines: string[], binary: boolean): string | undefined {
  for (const key of ['FN', 'N', 'EMAIL', 'ORG', 'TEL']) {
    const line = lines.find((l) => new RegExp(`^(?:[A-Za-z0-9-]+\\.)?${key}[;:]`, 'i').test(l));
    if (!line) continue;
    const p = decodeProp(line, binary, '3.0');
    if (!p) continue;
    const text = cleanLine(unescapeText(p.value).replace(/;+/g, ' '), 80);
    if (text) return text;
  }
  const first = lines.find((l) => l.trim() && !/^(VERSION|PRODID|REV|UID)\s*[:;]/i.test(l));
  return first ? cleanLine(binary ? decodeValueBytes(binaryToBytes(first)) : first, 80) : undefined;
}

function cardError(index: number, label: string | undefined, message: string, severity: 'error' | 'warning' = 'error'): ImportError {
  const e: ImportError = { row: index, message: `card ${index}${label ? ` (${label})` : ''}: ${message}`, severity };
  if (label) e.card = label;
  return e;
}

function parseCard(card: RawCard, binary: boolean, options: VcardOptions): CardResult {
  const errors: ImportError[] = [];
  try {
    const { logical, junk } = unfold(card.lines);
    let version = '3.0';
    for (const l of logical) {
      const m = /^VERSION\s*:\s*(\S+)/i.exec(l);
      if (m) {
        version = m[1].trim();
        break;
      }
    }
    const props: Prop[] = [];
    for (const l of logical) {
      const name = headOf(l).split(';')[0].replace(/^.*\./, '').trim().toUpperCase();
      if (!WANTED.has(name)) continue;
      const p = decodeProp(l, binary, version);
      if (p) props.push(p);
    }
    const fnProp = props.find((p) => p.name === 'FN');
    const label = (fnProp && cleanLine(unescapeText(fnProp.value), 80)) || labelFrom(card.lines, binary);
    if (card.unterminated) errors.push(cardError(card.index, label, 'missing END:VCARD (file truncated?)', 'warning'));
    if (junk) errors.push(cardError(card.index, label, `${junk} malformed line${junk > 1 ? 's' : ''} skipped`, 'warning'));

    const outVersion = version.startsWith('4') ? '4.0' : '3.0';
    let fields: Field[];
    try {
      if (options.useIcal === false) throw new Error('ical.js disabled');
      const text = ['BEGIN:VCARD', `VERSION:${outVersion}`, ...props.map((p) => cleanLineFor(p, outVersion)), 'END:VCARD'].join('\r\n');
      const comp = new ICAL.Component(ICAL.parse(text));
      fields = fieldsFromIcal(comp);
    } catch {
      fields = fieldsFromProps(props);
    }
    if (isGroup(fields)) {
      errors.push(cardError(card.index, label, 'a contact group, not a person: not imported'));
      return { errors };
    }
    return finishCard(card.index, label, toRaw(fields), options, errors);
  } catch (e) {
    errors.push(cardError(card.index, labelFrom(card.lines, binary), `unreadable card (${e instanceof Error ? e.message : String(e)})`));
    return { errors };
  }
}

function finishCard(index: number, label: string | undefined, raw: RawContact, options: VcardOptions, errors: ImportError[]): CardResult {
  const res = buildContact(raw, { defaultCountry: options.defaultCountry });
  for (const w of res.warnings) errors.push(cardError(index, label, w, 'warning'));
  if (!res.ok) {
    errors.push(cardError(index, label, res.error));
    return { errors };
  }
  return { row: { row: index, ...res.row }, errors };
}

function orphanError(index: number, lines: string[], binary: boolean): ImportError {
  return cardError(index, lines.length ? labelFrom(lines, binary) : undefined, 'END:VCARD without BEGIN:VCARD: card skipped');
}

// ---------------------------------------------------------------------------------------------------
// jCard / xCard

function parseJcardText(text: string, options: VcardOptions): { rows: ImportRow[]; errors: ImportError[] } {
  const rows: ImportRow[] = [];
  const errors: ImportError[] = [];
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\ufeff/, ''));
  } catch (e) {
    return {
      rows,
      errors: [{ row: null, message: `not a jCard file: invalid JSON (${e instanceof Error ? e.message : String(e)})`, severity: 'error' }],
    };
  }
  const isCard = (v: unknown): v is unknown[] => Array.isArray(v) && typeof v[0] === 'string' && v[0].toLowerCase() === 'vcard';
  const cards: unknown[] = isCard(json) ? [json] : Array.isArray(json) && json.some(isCard) ? json : [];
  if (!cards.length) {
    return { rows, errors: [{ row: null, message: 'not a jCard file: expected ["vcard", [...]] or an array of them', severity: 'error' }] };
  }
  cards.forEach((c, i) => {
    const index = i + 1;
    if (!isCard(c)) {
      errors.push(cardError(index, undefined, 'not a jCard vcard array'));
      return;
    }
    try {
      const fields = fieldsFromIcal(new ICAL.Component(c as unknown[]));
      const label = cleanLine(firstText(fields, 'fn'), 80);
      if (isGroup(fields)) {
        errors.push(cardError(index, label, 'a contact group, not a person: not imported'));
        return;
      }
      const r = finishCard(index, label, toRaw(fields), options, errors);
      if (r.row) rows.push(r.row);
    } catch (e) {
      errors.push(cardError(index, undefined, `unreadable jCard (${e instanceof Error ? e.message : String(e)})`));
    }
  });
  return { rows, errors };
}

const XCARD_ERROR = 'xCard (XML vCard) files are not supported: export the address book as a .vcf file (vCard 3.0 or 4.0) instead';

type Flavor = 'vcf' | 'jcard' | 'xcard';

function flavorOf(start: string): Flavor {
  const s = start.replace(/^[\ufeff\s]+/, '');
  if (s.startsWith('[')) return 'jcard';
  if (s.startsWith('<')) return 'xcard';
  return 'vcf';
}

// ---------------------------------------------------------------------------------------------------
// Public API

/** Parses vCard text held in memory (all cards at once). Never throws. */
export function parseVcardText(text: string, options: VcardOptions = {}): { rows: ImportRow[]; errors: ImportError[] } {
  const flavor = flavorOf(text.slice(0, 200));
  if (flavor === 'jcard') return parseJcardText(text, options);
  if (flavor === 'xcard') return { rows: [], errors: [{ row: null, message: XCARD_ERROR, severity: 'error' }] };
  const rows: ImportRow[] = [];
  const errors: ImportError[] = [];
  const splitter = new CardSplitter(
    (card) => {
      const r = parseCard(card, false, options);
      if (r.row) rows.push(r.row);
      errors.push(...r.errors);
    },
    (index, lines) => errors.push(orphanError(index, lines, false)),
  );
  splitter.push(text.replace(/^\ufeff/, ''), true);
  if (!splitter.count) errors.push({ row: null, message: 'no vCard found in the file (no BEGIN:VCARD … END:VCARD)', severity: 'error' });
  return { rows, errors };
}

/**
 * Streams a .vcf (or jCard .json) file in bounded batches; see parseCsv for the calling pattern.
 * Never throws for bad content: broken cards become `errors` entries and the others are imported.
 */
export async function* parseVcard(input: ImportInput, options: VcardOptions = {}): ImportStream {
  const batchSize = Math.max(1, options.batchSize ?? 500);
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  const totalBytes = typeof input === 'string' ? utf8Length(input) : input.size;

  const head = await readFirstBytes(input, 512);
  const bom = sniffBom(head);
  const utf16 = bom?.encoding === 'utf-16le' || bom?.encoding === 'utf-16be' || !!sniffUtf16WithoutBom(head);
  const startText = typeof input === 'string' ? input.slice(0, 200) : decodeBytes(head).text;
  const flavor = flavorOf(startText);

  if (flavor !== 'vcf') {
    let result: { rows: ImportRow[]; errors: ImportError[] };
    if (flavor === 'xcard') result = { rows: [], errors: [{ row: null, message: XCARD_ERROR, severity: 'error' }] };
    else {
      const text = typeof input === 'string' ? input : decodeBytes(new Uint8Array(await input.arrayBuffer())).text;
      result = parseJcardText(text, options);
    }
    for (let i = 0; i < result.rows.length || i === 0; i += batchSize) {
      const last = i + batchSize >= result.rows.length;
      yield {
        rows: result.rows.slice(i, i + batchSize),
        errors: i === 0 ? result.errors : [],
        progress: { bytesRead: last ? totalBytes : Math.round((totalBytes * i) / Math.max(1, result.rows.length)), totalBytes },
      };
    }
    return;
  }

  // Text already in memory or UTF-16: split decoded text. Otherwise split bytes (one char per byte) and
  // decode each value on its own, honouring per-property CHARSET parameters.
  const binary = typeof input !== 'string' && !utf16;
  let rows: ImportRow[] = [];
  let errors: ImportError[] = [];
  const splitter = new CardSplitter(
    (card) => {
      const r = parseCard(card, binary, options);
      if (r.row) rows.push(r.row);
      errors.push(...r.errors);
    },
    (index, lines) => errors.push(orphanError(index, lines, binary)),
  );

  let progress = { bytesRead: 0, totalBytes };
  const batches = function* (all: boolean): Generator<ImportBatch> {
    while (rows.length >= batchSize || (all && (rows.length || errors.length))) {
      const out = rows.slice(0, batchSize);
      rows = rows.slice(batchSize);
      const errs = errors;
      errors = [];
      yield { rows: out, errors: errs, progress: { ...progress } };
      if (all && !rows.length) break;
    }
  };

  if (binary) {
    let first = true;
    for await (const c of readBlobChunks(input as Blob, chunkBytes)) {
      if (options.signal?.aborted) return;
      let bytes = c.bytes;
      if (first && sniffBom(bytes)?.encoding === 'utf-8') bytes = bytes.subarray(3);
      first = false;
      progress = { bytesRead: c.end, totalBytes };
      splitter.push(bytesToBinary(bytes), c.final);
      if (!c.final) yield* batches(true);
    }
  } else {
    for await (const c of readTextChunks(input, { chunkBytes })) {
      if (options.signal?.aborted) return;
      progress = { bytesRead: c.bytesRead, totalBytes };
      splitter.push(c.text.replace(/^\ufeff/, ''), c.final);
      if (!c.final) yield* batches(true);
    }
  }
  if (!splitter.count) errors.push({ row: null, message: 'no vCard found in the file (no BEGIN:VCARD … END:VCARD)', severity: 'error' });
  progress = { bytesRead: totalBytes, totalBytes };
  yield* batches(false);
  yield { rows, errors, progress };
}
