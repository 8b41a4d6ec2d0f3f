// Bytes → text for the importers: BOM sniffing (UTF-8, UTF-16 LE/BE), strict UTF-8 with a Windows-1252
// fallback decided line by line (a file mixing both keeps each line's own encoding), chunked reading of Blobs so a large file never has to be one string, and "binary strings"
// (one char per byte) for formats whose charset is declared per value (vCard 2.1 CHARSET=…).

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

/** Default read size for chunked parsing. */
export const DEFAULT_CHUNK_BYTES = 1024 * 1024;

/** Byte-order mark at the start of `bytes`, if any. */
export function sniffBom(bytes: Uint8Array): { encoding: 'utf-8' | 'utf-16le' | 'utf-16be'; length: number } | null {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  return null;
}

/** UTF-16 without a BOM betrays itself by NUL bytes in every other position (for mostly-Latin text). */
export function sniffUtf16WithoutBom(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(bytes.length, 1024) & ~1;
  if (n < 8) return null;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZero++;
    if (bytes[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (oddZero > pairs * 0.4 && evenZero < pairs * 0.05) return 'utf-16le';
  if (evenZero > pairs * 0.4 && oddZero < pairs * 0.05) return 'utf-16be';
  return null;
}

// Windows-1252 bytes 0x80–0x9F (the rest is ISO-8859-1). Unassigned bytes map to the C1 control of the same
// value, as the WHATWG Encoding Standard does, so decoding is a bijection. Implemented here rather than with
// TextDecoder because some engines (Node 20's non-streaming path) decode "windows-1252" as plain Latin-1.
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019,
  0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

function codeUnitsToString(units: Uint16Array): string {
  // Decoding the code units as UTF-16LE is the fastest allocation-light way to build a long string.
  // Every unit here is a BMP non-surrogate, so the result is exact.
  const bytes = new Uint8Array(units.buffer, units.byteOffset, units.byteLength);
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] === 1) return new TextDecoder('utf-16le').decode(bytes);
  let s = '';
  for (let i = 0; i < units.length; i += 8192) s += String.fromCharCode(...units.subarray(i, i + 8192));
  return s;
}

export function decodeWindows1252(bytes: Uint8Array): string {
  const units = new Uint16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    units[i] = b >= 0x80 && b <= 0x9f ? CP1252_HIGH[b - 0x80] : b;
  }
  return codeUnitsToString(units);
}

/** One char per byte (U+0000–U+00FF): lets ASCII-structured formats be split before their charset is known. */
export function bytesToBinary(bytes: Uint8Array): string {
  const units = new Uint16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) units[i] = bytes[i];
  return codeUnitsToString(units);
}

/** Inverse of bytesToBinary (chars above U+00FF, which it never produces, are truncated). */
export function binaryToBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

function normalizeCharsetLabel(charset: string | undefined): string | undefined {
  if (!charset) return undefined;
  const c = charset
    .trim()
    .replace(/^["']|["']$/g, '')
    .toLowerCase();
  return c || undefined;
}

const WINDOWS_1252_LABELS = new Set([
  'windows-1252',
  'cp1252',
  'x-cp1252',
  'iso-8859-1',
  'iso8859-1',
  'iso_8859-1',
  'latin1',
  'l1',
  'ascii',
  'us-ascii',
  'ansi_x3.4-1968',
  'cp819',
  'ibm819',
  'iso-ir-100',
]);

/**
 * Decodes a whole byte buffer. With a declared charset, that charset (unknown labels fall back to detection);
 * otherwise: BOM → that encoding; strict UTF-8; and when the bytes are not valid UTF-8, Windows-1252.
 */
export function decodeBytes(bytes: Uint8Array, charset?: string): { text: string; encoding: string } {
  const label = normalizeCharsetLabel(charset);
  if (label && label !== 'utf-8' && label !== 'utf8') {
    // US-ASCII/Latin-1 labels are, in practice, Windows-1252 (as browsers treat them) — unless the bytes are
    // valid UTF-8 that was mislabelled, which is common in exported address books.
    if (WINDOWS_1252_LABELS.has(label)) {
      const utf8 = tryUtf8(bytes);
      return utf8 !== null ? { text: utf8, encoding: 'utf-8' } : { text: decodeWindows1252(bytes), encoding: 'windows-1252' };
    }
    try {
      const dec = new TextDecoder(label);
      return { text: dec.decode(bytes), encoding: dec.encoding };
    } catch {
      /* unknown label: detect */
    }
  }
  const bom = sniffBom(bytes);
  if (bom) {
    return { text: new TextDecoder(bom.encoding).decode(bytes.subarray(bom.length)), encoding: bom.encoding };
  }
  const utf16 = sniffUtf16WithoutBom(bytes);
  if (utf16) return { text: new TextDecoder(utf16).decode(bytes), encoding: utf16 };
  const utf8 = tryUtf8(bytes);
  if (utf8 !== null) return { text: utf8, encoding: 'utf-8' };
  return { text: decodeLinesMixed(bytes), encoding: 'windows-1252' };
}

/**
 * Bytes that are not valid UTF-8 as a whole, decided line by line: a line that is valid UTF-8 stays
 * UTF-8, any other line is Windows-1252. Files glued together from two sources (an old Windows
 * export plus rows typed later) then keep both halves readable, instead of every character after
 * the first stray byte turning into mojibake.
 */
export function decodeLinesMixed(bytes: Uint8Array): string {
  const parts: string[] = [];
  let start = 0;
  while (start < bytes.length) {
    const nl = bytes.indexOf(0x0a, start);
    const end = nl < 0 ? bytes.length : nl + 1;
    const line = bytes.subarray(start, end);
    parts.push(tryUtf8(line) ?? decodeWindows1252(line));
    start = end;
  }
  return parts.join('');
}

function tryUtf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** Length of the longest prefix of `bytes` that does not end inside a UTF-8 multi-byte sequence. */
function completeUtf8Prefix(bytes: Uint8Array): number {
  const len = bytes.length;
  let i = len - 1;
  let back = 0;
  while (i >= 0 && back < 3 && (bytes[i] & 0xc0) === 0x80) {
    i--;
    back++;
  }
  if (i < 0) return len;
  const lead = bytes[i];
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return i + need > len ? i : len;
}

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (!a.length) return b;
  if (!b.length) return a;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** A line longer than this without a newline is decoded as it stands rather than buffered further. */
const MAX_PENDING_LINE_BYTES = 8 * 1024 * 1024;

/**
 * Incremental bytes → text decoder with sniffing. UTF-16 (BOM or NUL pattern) is decoded as such; otherwise
 * strict UTF-8, and a slice that is not valid UTF-8 is decoded line by line (decodeLinesMixed): each line is
 * UTF-8 when it is valid UTF-8, else Windows-1252. `encoding` reports 'windows-1252' once any line needed it.
 */
export class SniffingDecoder {
  encoding: TextEncodingName | null = null;
  private pending: Uint8Array = new Uint8Array(0);
  private utf16: TextDecoder | null = null;
  /** Windows-1252 was asked for by the caller: every byte is decoded as such. */
  private forcedWindows1252 = false;
  private readonly forced: string | undefined;

  constructor(forcedEncoding?: string) {
    this.forced = normalizeCharsetLabel(forcedEncoding);
  }

  push(chunk: Uint8Array, final = false): string {
    let data = concatBytes(this.pending, chunk);
    this.pending = new Uint8Array(0);
    if (this.encoding === null) {
      if (data.length < 4 && !final) {
        this.pending = data;
        return '';
      }
      data = this.start(data);
    }
    if (this.utf16) return this.utf16.decode(data, { stream: !final });
    if (this.forcedWindows1252) return decodeWindows1252(data);
    const cut = final ? data.length : completeUtf8Prefix(data);
    const head = cut === data.length ? data : data.subarray(0, cut);
    const text = tryUtf8(head);
    if (text !== null) {
      if (cut < data.length) this.pending = data.slice(cut);
      return text;
    }
    // Not UTF-8 as a whole: decide per line, so the unfinished last line waits for the next slice.
    this.encoding = 'windows-1252';
    let end = final ? data.length : data.lastIndexOf(0x0a) + 1;
    if (end === 0) {
      if (data.length < MAX_PENDING_LINE_BYTES) {
        this.pending = data.slice();
        return '';
      }
      end = data.length;
    }
    if (end < data.length) this.pending = data.slice(end);
    return decodeLinesMixed(data.subarray(0, end));
  }

  private start(data: Uint8Array): Uint8Array {
    if (this.forced) {
      if (WINDOWS_1252_LABELS.has(this.forced)) {
        this.encoding = 'windows-1252';
        this.forcedWindows1252 = true;
        return data;
      }
      if (this.forced !== 'utf-8' && this.forced !== 'utf8') {
        try {
          this.utf16 = new TextDecoder(this.forced);
          this.encoding = this.utf16.encoding as TextEncodingName;
          return data;
        } catch {
          /* unknown label: sniff */
        }
      }
    }
    const bom = sniffBom(data);
    if (bom?.encoding === 'utf-8') {
      this.encoding = 'utf-8';
      return data.subarray(3);
    }
    const utf16 = bom?.encoding ?? sniffUtf16WithoutBom(data);
    if (utf16) {
      this.encoding = utf16;
      this.utf16 = new TextDecoder(utf16); // strips the BOM itself
      return data;
    }
    this.encoding = 'utf-8';
    return data;
  }
}

async function blobBytes(blob: Blob): Promise<Uint8Array> {
  if (typeof blob.arrayBuffer === 'function') return new Uint8Array(await blob.arrayBuffer());
  return new Uint8Array(await new Response(blob).arrayBuffer());
}

/** Reads a Blob (File) slice by slice. */
export async function* readBlobChunks(
  blob: Blob,
  chunkBytes = DEFAULT_CHUNK_BYTES,
): AsyncGenerator<{ bytes: Uint8Array; end: number; final: boolean }> {
  const size = blob.size;
  if (size === 0) {
    yield { bytes: new Uint8Array(0), end: 0, final: true };
    return;
  }
  for (let pos = 0; pos < size; pos += chunkBytes) {
    const end = Math.min(size, pos + chunkBytes);
    yield { bytes: await blobBytes(blob.slice(pos, end)), end, final: end >= size };
  }
}

/** UTF-8 length of a string without encoding it. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/** A chunk of decoded text and how far into the input (in bytes) it reaches. */
export interface TextChunk {
  text: string;
  bytesRead: number;
  totalBytes: number;
  final: boolean;
  /** The encoding in use when this chunk was decoded ('utf-16' for string input, which is already text). */
  encoding: string;
}

/** Streams any input as decoded text chunks, never holding more than one chunk of it. */
export async function* readTextChunks(
  input: Blob | string,
  options: { chunkBytes?: number; encoding?: string } = {},
): AsyncGenerator<TextChunk> {
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  if (typeof input === 'string') {
    // Already text. Progress is counted in UTF-8 bytes, as if the string were the file.
    const total = utf8Length(input);
    let read = 0;
    let start = input.charCodeAt(0) === 0xfeff ? 1 : 0;
    if (start >= input.length) {
      yield { text: '', bytesRead: total, totalBytes: total, final: true, encoding: 'utf-16' };
      return;
    }
    while (start < input.length) {
      let end = Math.min(input.length, start + chunkBytes);
      // Do not split a surrogate pair.
      const last = input.charCodeAt(end - 1);
      if (end < input.length && last >= 0xd800 && last <= 0xdbff) end--;
      const text = input.slice(start, end);
      read += utf8Length(text);
      start = end;
      yield { text, bytesRead: start >= input.length ? total : read, totalBytes: total, final: start >= input.length, encoding: 'utf-16' };
    }
    return;
  }
  const decoder = new SniffingDecoder(options.encoding);
  for await (const c of readBlobChunks(input, chunkBytes)) {
    const text = decoder.push(c.bytes, c.final);
    yield { text, bytesRead: c.end, totalBytes: input.size, final: c.final, encoding: decoder.encoding ?? 'utf-8' };
  }
}

/** First bytes of an input (for format sniffing). */
export async function readFirstBytes(input: Blob | string, n = 4096): Promise<Uint8Array> {
  if (typeof input === 'string') return new TextEncoder().encode(input.slice(0, n));
  return blobBytes(input.slice(0, n));
}
