// The text rules that split a message into its new text, the quoted reply it carries and the
// sender's signature: quote headers ("On … wrote:", "Am … schrieb …:", "… 写道："), Outlook header
// blocks and "Original Message" separators in the languages mail programs write them. Pure, on
// plain text; they run on the extension side (capture/refine.ts), not in the content scripts,
// which only read the page's HTML markers (sites/mail/body.ts; decision 0034). Every pattern reads
// a bounded slice of a line: linear on any input (tests/unit/hostile/quotes.test.ts).
import { splitSignature } from './signoffs';
import { tidyText } from './text';

export interface MessageParts {
  body: string;
  quoted: string;
  signature: string;
}

// "On Mon, Nov 2, 2026 at 10:14 AM Jane Doe <jane@acme.test> wrote:" and its translations.
const ATTRIBUTIONS = [
  /^On\s.{4,300}\bwrote\s?:?$/i,
  /^Am\s.{4,300}\bschrieb\b.{0,300}:$/i,
  /^Le\s.{4,300}\ba\s+écrit\s?:$/i,
  /^El\s.{4,300}\bescribió\s?:$/i,
  /^Op\s.{4,300}\bschreef\b.{0,300}:$/i,
  /^Il\s.{4,300}\bha\s+scritto\s?:$/i,
  /^Em\s.{4,300}\bescreveu\s?:$/i,
  // `<[^<>\s@]+@`, not `<[^<>\s]+@`: backtracking over every "@" of a long token was quadratic.
  /^.{1,200}<[^<>\s@]+@[^<>\s]+>\s+(?:wrote|schrieb|a écrit|escribió)\s?:$/i,
  // Android and old Yahoo: "---- Jane Doe wrote ----", "-----On 12/29/1987, Jane wrote-----".
  /^-{2,}.{1,300}\bwrote\s?-{2,}$/i,
];
/**
 * The verb that ends a quote header in any language, read on the header's last 40 characters only
 * (so the test costs the same on any line): "… skrev:", "… napisał(a):", "… пишет:", "… 写道：".
 * A header also carries a digit (its date) or an address: "I wrote:" in prose is not one.
 */
const HEADER_VERB =
  /(?:^|[\s,>)"])(?:wrote|sent|schrieb|écrit|escribió|scritto|escreveu|schreef|geschreven|skrev|kirjoitti|napisał(?:\(a\)|a)?|pisze|пишет|написал(?:\(а\)|а)?|viết|yazdı)\s?:$|(?:写道|寫道|書きました)\s?[:：]$/i;
const HEADER_EVIDENCE = /\d|@/;
/**
 * Date-first header without a verb: `30.09.2017, 18:30, "Jane" <jane@acme.test>:` (Yandex),
 * `2011/4/7 Jane <jane@acme.test>`, `2017年4月18日(火) 13:09 山田 <taro@example.jp>:` (Gmail in Japanese).
 */
const DATE_FIRST = /^(?:\d{1,4}[-./]\d{1,2}[-./]\d{1,4}\b|\d{4}年\d{1,2}月\d{1,2}日)/;
const ENDS_WITH_ADDRESS = /@[^\s<>@]{1,200}>\s?:?$/;
/** A header without a verb that ends in an address and a colon and holds a time: Gmail in Russian, Mail.ru. */
const ENDS_WITH_ADDRESS_COLON = /@[^\s<>@]{1,200}>\s?[:：]$/;
const CLOCK_TIME = /\d{1,2}[:.]\d{2}/;
const HEADER_OPENER = /^(?:On|Am|Le|El|Op|Il|Em|Den|På|W dniu|Vào)\s/;
const HEADER_START = /^(?:(?:On|Am|Le|El|Op|Il|Em|Den|På|W dniu|Vào)\s|\d)/;
/** Where a header starts after reply text on the same line: "reply On Wed, …", "reply--- On …". */
const MIDLINE_OPENER = /(?:-{2,}\s?|\s)(?=(?:On|Am|Le|El|Op|Il|Em|Den|På|W dniu)\s)/;

/** Every header pattern ends in ":", "：", ">", "-" or "wrote": a test of the last characters rules most lines out. */
function mayEndHeader(l: string): boolean {
  const c = l.charCodeAt(l.length - 1);
  if (c === 0x3a || c === 0xff1a || c === 0x3e || c === 0x2d) return true;
  return l.length >= 5 && l.slice(-5).toLowerCase() === 'wrote';
}

function isQuoteHeader(l: string): boolean {
  if (!l || !mayEndHeader(l)) return false;
  if (ATTRIBUTIONS.some((re) => re.test(l))) return true;
  const tail = l.slice(-220);
  if (HEADER_VERB.test(l.slice(-40)) && HEADER_EVIDENCE.test(l)) return true;
  if (DATE_FIRST.test(l) && ENDS_WITH_ADDRESS.test(tail)) return true;
  return ENDS_WITH_ADDRESS_COLON.test(tail) && CLOCK_TIME.test(l);
}
/**
 * Longest line (or two or three joined lines) read as a quote header: an attribution is at most
 * about 650 characters by the patterns above, so longer lines are body text, and the patterns
 * never run on them.
 */
export const MAX_HEADER_LINE = 1_000;
const ORIGINAL_MESSAGE = new RegExp(
  `^-{2,}\\s*(?:${[
    'Original Message',
    'Reply Message',
    'Forwarded message',
    'Ursprüngliche Nachricht',
    'Originalnachricht',
    'Antwort Nachricht',
    'Weitergeleitete Nachricht',
    "Message d'origine",
    'Message transféré',
    'Mensaje original',
    'Mensaje reenviado',
    'Messaggio originale',
    'Messaggio inoltrato',
    'Mensagem original',
    'Mensagem encaminhada',
    'Oorspronkelijk bericht',
    'Doorgestuurd bericht',
    'Oprindelig (?:besked|meddelelse)',
    'Videresendt (?:besked|meddelelse|melding)',
    'Opprinnelig melding',
    'Ursprungligt meddelande',
    'Vidarebefordrat meddelande',
    'Alkuperäinen viesti',
    'Välitetty viesti',
    'Oryginalna wiadomość',
    'Przekazana wiadomość',
    'Исходное сообщение',
    'Пересылаемое сообщение',
    'Пересланное сообщение',
    '原始邮件',
    '转发邮件',
    '原始郵件',
    '元のメッセージ',
    '転送されたメッセージ',
  ].join('|')})\\s*-{2,}`,
  'i',
);
// Outlook's reply header: "From: … / Sent: … / To: … / Subject: …" (bold markers in plain text),
// in the languages Outlook, Windows Mail and Mail.ru write it.
const FROM_KEYS =
  'From|Sent|Date|Von|Gesendet|Datum|De|Envoyé|Enviado el|Enviado|Fecha|Da|Inviato|Data|Van|Verzonden|Från|Skickat|Fra|Sendt|Dato|Od|Wysłano|От кого|От|Отправлено|Дата|Lähettäjä|Lähetetty|Päivämäärä|发件人|发送时间|日期|寄件者|寄件日期|差出人|送信日時|日付';
const OTHER_KEYS =
  'To|Cc|Subject|An|Betreff|À|Objet|Para|Asunto|A|Oggetto|Assunto|Aan|Onderwerp|Till|Kopia|Ämne|Til|Kopi|Emne|Do|DW|Temat|Кому|Копия|Тема|Vastaanottaja|Kopio|Aihe|收件人|抄送|主题|收件者|主旨|宛先|件名';
const HEADER_FROM = new RegExp(`^\\*?(?:${FROM_KEYS})\\s?[:：]\\*?\\s*\\S`, 'i');
const HEADER_ANY = new RegExp(`^\\*?(?:${FROM_KEYS}|${OTHER_KEYS})\\s?[:：]`, 'i');
const SEPARATOR = /^(?:_{5,}|-{5,}|={5,})$/;

/** Where a quote starts: its line, the column on that line (reply text may come first), and the line after its header. */
export interface QuoteStart {
  line: number;
  column: number;
  /** First line after the header (the header's own line(s)); the quoted lines follow. */
  afterHeader: number;
}

/** Index of the first line of the quoted part, or -1. Lines must be trimmed. */
export function findQuoteStart(lines: readonly string[]): number {
  return findQuote(lines)?.line ?? -1;
}

/** The first quote at or after line `from`, or undefined. Lines must be trimmed. */
export function findQuote(lines: readonly string[], from = 0): QuoteStart | undefined {
  // Whether a line is a header by itself, asked again of the next lines while joining: kept.
  const known = new Map<number, boolean>();
  const headerAt = (j: number) => {
    let h = known.get(j);
    if (h === undefined) known.set(j, (h = lines[j].length <= MAX_HEADER_LINE && isQuoteHeader(lines[j])));
    return h;
  };
  const at = (line: number, afterHeader = line + 1, column = 0): QuoteStart => ({ line, column, afterHeader });
  for (let i = from; i < lines.length; i++) {
    const l = lines[i];
    if (!l) continue;
    if (l.startsWith('>')) {
      // One ">" line inside a paragraph (">>> http://… <<<" in an advert) is not a quote.
      const lone = i > 0 && lines[i - 1] && i + 1 < lines.length && lines[i + 1] && !lines[i + 1].startsWith('>');
      if (!lone) return at(withSeparator(lines, i), i);
      continue;
    }
    if (l.length > MAX_HEADER_LINE) continue;
    if (ORIGINAL_MESSAGE.test(l)) return at(i, lines.length);
    if (headerAt(i)) {
      const mid = HEADER_START.test(l) || l.startsWith('-') ? -1 : l.search(MIDLINE_OPENER);
      return mid > 0 ? at(i, i + 1, l[mid] === ' ' ? mid + 1 : mid) : at(i);
    }
    // Quote header wrapped over two or three lines; after "On <date> …" up to five, across blank
    // lines (Polymail: "On …", "", "<", "mailto:Jane <jane@…>", "> wrote:").
    const opener = HEADER_OPENER.test(l) && /\d/.test(l);
    let joined = l;
    for (let k = 1, taken = 0; taken < (opener ? 5 : 2) && i + k < lines.length; k++) {
      const next = lines[i + k];
      if (!next) {
        if (opener) continue;
        break;
      }
      taken++;
      if (next.length > MAX_HEADER_LINE || (!HEADER_START.test(l) && headerAt(i + k))) break;
      joined += ` ${next}`;
      if (joined.length > MAX_HEADER_LINE) break;
      if (mayEndHeader(next) && isQuoteHeader(joined)) return at(i, i + k + 1);
    }
    // A header block: one "From:"/"Sent:"/"Date:" line and another header line among the next four.
    if (HEADER_FROM.test(l)) {
      const key = l.slice(0, l.search(/[:：]/));
      for (let k = 1; k <= 4 && i + k < lines.length; k++) {
        const next = lines[i + k];
        if (HEADER_ANY.test(next) && !next.startsWith(key)) return at(withSeparator(lines, i), lines.length);
      }
    }
  }
  return undefined;
}

/**
 * End (exclusive) of the quote that starts at `q`: a quote of ">" lines (with or without a header
 * before them) ends at the first line of text after them, which the sender wrote below the quote
 * ("Regards, Roman"), unless that line sits directly between two ">" lines; any other quote (an
 * Outlook header block, a header followed by unmarked text) runs to the end.
 */
function quoteEnd(lines: readonly string[], q: QuoteStart): number {
  let j = q.afterHeader;
  while (j < lines.length && !lines[j]) j++;
  if (j >= lines.length || !lines[j].startsWith('>')) return lines.length;
  for (;;) {
    while (j < lines.length && (!lines[j] || lines[j].startsWith('>'))) j++;
    // A line that lost its ">" when a long line wrapped: directly between two ">" lines.
    const wrapped = j < lines.length && lines[j - 1] && lines[j + 1]?.startsWith('>');
    if (!wrapped) return j;
    j++;
  }
}

/** Appends `from[start..end)` to `to` (a loop: spreading 100k lines into push() overflows the stack). */
function append(to: string[], from: readonly string[], start: number, end: number): void {
  for (let k = start; k < end; k++) to.push(from[k]);
}

/** Lines → the sender's own lines and the quoted lines (each quote block after a blank line). */
export function splitQuotes(lines: readonly string[]): { own: string[]; quoted: string[] } {
  const own: string[] = [];
  const quoted: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const q = findQuote(lines, i);
    if (!q) {
      append(own, lines, i, lines.length);
      break;
    }
    append(own, lines, i, q.line);
    if (q.column > 0) own.push(lines[q.line].slice(0, q.column).trim());
    const end = quoteEnd(lines, q);
    if (quoted.length) quoted.push('');
    quoted.push(lines[q.line].slice(q.column));
    append(quoted, lines, q.line + 1, end);
    if (end < lines.length) own.push('');
    i = end;
  }
  return { own, quoted };
}

/** Moves a quote start up over a preceding "_____" separator line (and blank lines). */
function withSeparator(lines: readonly string[], i: number): number {
  let j = i - 1;
  while (j >= 0 && !lines[j]) j--;
  return j >= 0 && SEPARATOR.test(lines[j]) ? j : i;
}

/** Plain text → body / quoted reply / signature. */
export function splitMessageText(text: string, opts: { signature?: boolean } = {}): MessageParts {
  const { own, quoted } = splitQuotes(tidyText(text).split('\n'));
  const quotedText = tidyText(quoted.join('\n'));
  if (opts.signature === false) return { body: tidyText(own.join('\n')), quoted: quotedText, signature: '' };
  return { ...splitSignature(own), quoted: quotedText };
}
