// vCard text values (RFC 6350 §3.4): the one escaper, unescaper, splitter and line folder, shared by the
// vCard importer (importers/vcard.ts) and the CardDAV connector's card writer (connectors/carddav/vcard.ts).

/** Escapes a text value: `\` `,` `;` and line breaks (as `\n`). */
export function escapeText(s: string): string {
  return s
    .replace(/\\/g, '\\\\')
    .replace(/\r\n|\r|\n/g, '\\n')
    .replace(/,/g, '\\,')
    .replace(/;/g, '\\;');
}

/**
 * Unescapes a text value: `\n` and `\N` become a line break; `\\`, `\;`, `\,` and the `\:` and `\"` some
 * writers add (Apple) become the character itself. Any other backslash is kept as it stands.
 */
export function unescapeText(s: string): string {
  return s.replace(/\\([nN\\;,:"])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

/** Splits on separators not preceded by a backslash escape; pieces stay escaped. */
export function splitEscaped(s: string, sep: ',' | ';'): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) {
      cur += c + s[i + 1];
      i++;
    } else if (c === sep) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

function utf8Bytes(cp: number): number {
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/**
 * Folds one logical line: every physical line ≤ 75 octets (including a continuation's leading space),
 * never inside a UTF-8 sequence; lines joined with CRLF.
 */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let cur = '';
  let bytes = 0;
  let limit = 75;
  for (const ch of line) {
    const b = utf8Bytes(ch.codePointAt(0) ?? 0);
    if (bytes + b > limit) {
      parts.push(cur);
      cur = '';
      bytes = 0;
      limit = 74; // the continuation's leading space is the 75th octet
    }
    cur += ch;
    bytes += b;
  }
  parts.push(cur);
  return parts.join('\r\n ');
}
