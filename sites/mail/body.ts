// Splits a message into its new text, the quoted reply it carries, and the sender's signature.
// Works on plain text (`splitMessageText`) and on a message's HTML (`extractMessageParts`), where
// the markers mail programs leave (Gmail's `gmail_quote` / `gmail_signature`, Outlook's
// `divRplyFwdMsg` / `Signature`, `<blockquote>`) are used first and the text rules second.
import { tidyText } from '../../capture/text';
import { readRegions, type RegionClassifier } from './dom';

export interface MessageParts {
  body: string;
  quoted: string;
  signature: string;
}

export interface MessagePartsWithLinks extends MessageParts {
  /** http(s) links outside the quoted part. */
  links: string[];
}

/** Longest trailing block taken as a signature after a sign-off line. */
export const MAX_SIGNATURE_LINES = 10;

// -- quote markers ---------------------------------------------------------------------------

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
];
/**
 * Longest line (or two or three joined lines) read as a quote header: an attribution is at most
 * about 650 characters by the patterns above, so longer lines are body text, and the patterns
 * never run on them.
 */
export const MAX_HEADER_LINE = 1_000;
const ATTRIBUTION_START = /^(?:On|Am|Le|El|Op|Il|Em)\s/;
const ORIGINAL_MESSAGE =
  /^-{2,}\s*(?:Original Message|Ursprüngliche Nachricht|Originalnachricht|Message d'origine|Mensaje original|Messaggio originale|Oorspronkelijk bericht|Forwarded message|Weitergeleitete Nachricht|Message transféré|Mensaje reenviado)\s*-{2,}/i;
// Outlook's reply header: "From: … / Sent: … / To: … / Subject: …" (bold markers in plain text).
const HEADER_FROM = /^\*?(?:From|Von|De|Da|Van|Från|Fra|Od)\s?:\*?\s*\S/i;
const HEADER_SENT = /^\*?(?:Sent|Date|Gesendet|Datum|Envoyé|Enviado|Fecha|Inviato|Data|Verzonden|Skickat|Sendt|Wysłano)\s?:/i;
const SEPARATOR = /^(?:_{5,}|-{5,}|={5,})$/;

/** Index of the first line of the quoted part, or -1. Lines must be trimmed. */
export function findQuoteStart(lines: readonly string[]): number {
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (!l) continue;
    if (l.startsWith('>')) return withSeparator(lines, i);
    if (l.length > MAX_HEADER_LINE) continue;
    if (ORIGINAL_MESSAGE.test(l)) return i;
    if (ATTRIBUTIONS.some((re) => re.test(l))) return i;
    // Attribution wrapped over two or three lines.
    if (ATTRIBUTION_START.test(l)) {
      let joined = l;
      for (let k = 1; k <= 2 && i + k < lines.length; k++) {
        joined += ` ${lines[i + k]}`;
        if (joined.length > MAX_HEADER_LINE) break;
        if (ATTRIBUTIONS.some((re) => re.test(joined))) return i;
      }
    }
    if (HEADER_FROM.test(l)) {
      for (let k = 1; k <= 6 && i + k < lines.length; k++) {
        if (HEADER_SENT.test(lines[i + k])) return withSeparator(lines, i);
      }
    }
  }
  return -1;
}

/** Moves a quote start up over a preceding "_____" separator line (and blank lines). */
function withSeparator(lines: readonly string[], i: number): number {
  let j = i - 1;
  while (j >= 0 && !lines[j]) j--;
  return j >= 0 && SEPARATOR.test(lines[j]) ? j : i;
}

// -- signature ---------------------------------------------------------------------------------

const SIGNOFFS = [
  // English
  'best',
  'best regards',
  'best wishes',
  'all the best',
  'all best',
  'kind regards',
  'kindest regards',
  'warm regards',
  'warmest regards',
  'warm wishes',
  'regards',
  'many thanks',
  'many thanks again',
  'thanks',
  'thanks again',
  'thanks so much',
  'thanks a lot',
  'thanks in advance',
  'thank you',
  'thank you very much',
  'thank you again',
  'thx',
  'cheers',
  'sincerely',
  'yours sincerely',
  'sincerely yours',
  'yours truly',
  'yours',
  'talk soon',
  'speak soon',
  'take care',
  'br',
  'kr',
  'rgds',
  'with thanks',
  'with best regards',
  'with kind regards',
  'respectfully',
  // German
  'mit freundlichen grüßen',
  'mit freundlichen grüssen',
  'mit freundlichem gruß',
  'mit freundlichem gruss',
  'freundliche grüße',
  'freundliche grüsse',
  'viele grüße',
  'viele grüsse',
  'beste grüße',
  'beste grüsse',
  'liebe grüße',
  'liebe grüsse',
  'herzliche grüße',
  'herzliche grüsse',
  'schöne grüße',
  'schöne grüsse',
  'grüße',
  'grüsse',
  'gruß',
  'gruss',
  'vg',
  'lg',
  'mfg',
  'danke',
  'vielen dank',
  'besten dank',
  'danke und viele grüße',
  'danke und grüße',
  // French
  'cordialement',
  'bien cordialement',
  'très cordialement',
  'bien à vous',
  'salutations',
  'meilleures salutations',
  'bien amicalement',
  'amicalement',
  'amitiés',
  'merci',
  'merci beaucoup',
  "merci d'avance",
  'bonne journée',
  'bonne soirée',
  'à bientôt',
  // Spanish, Italian, Dutch, Portuguese
  'saludos',
  'saludos cordiales',
  'un saludo',
  'un cordial saludo',
  'atentamente',
  'un abrazo',
  'gracias',
  'muchas gracias',
  'cordiali saluti',
  'distinti saluti',
  'saluti',
  'grazie',
  'met vriendelijke groet',
  'met vriendelijke groeten',
  'vriendelijke groet',
  'hartelijke groet',
  'groeten',
  'groet',
  'atenciosamente',
  'abraços',
  'obrigado',
  'obrigada',
  'cumprimentos',
  // Japanese, Chinese, Arabic
  'よろしくお願いします',
  'よろしくお願いいたします',
  '宜しくお願い致します',
  '敬具',
  '此致',
  '此致敬礼',
  '谢谢',
  '祝好',
  'مع التحية',
  'مع خالص التحية',
  'تحياتي',
  'مع أطيب التحيات',
  'شكرا',
  'شكراً',
];
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const SIGNOFF_RE = new RegExp(
  `^(?:${SIGNOFFS.slice()
    .sort((a, b) => b.length - a.length)
    .map(esc)
    .join('|')})(?=$|[\\s,.!;:、。，！،-])`,
  'i',
);
// What may follow a sign-off on its line: punctuation, or ", Jane" / " – Jane Doe".
const SIGNOFF_TAIL = /^[\s,.!;:、。，！،-]*(?:[\p{Lu}][\p{L}.'-]*(?:\s+[\p{Lu}][\p{L}.'-]*){0,2})?[\s.!]*$/u;

/** Longest line read as a sign-off ("Best regards," or "Viele Grüße, Max Mustermann" are far shorter). */
export const MAX_SIGNOFF_LINE = 200;

/** Whether a (trimmed) line is a sign-off such as "Best regards," or "Viele Grüße, Max". */
export function isSignoff(line: string): boolean {
  // SIGNOFF_TAIL's leading and trailing runs can both take spaces: quadratic on long lines.
  if (line.length > MAX_SIGNOFF_LINE) return false;
  const m = SIGNOFF_RE.exec(line);
  return !!m && SIGNOFF_TAIL.test(line.slice(m[0].length));
}

const PHONEISH = /(?:\+|\(0?\d)[\d\s()./-]{6,}\d|\b\d{2,5}[\s./-]\d{2,}[\s./-]\d{2,}/;
const CONTACTISH = /linkedin\.com\/|www\.|https?:\/\/|@|\b(?:tel|phone|mobile|mob|cell|fax|t|m|p|f)\s?[.:]/i;

function looksLikeName(line: string): boolean {
  if (!line || line.length > 60 || /[!?:;@\d]/.test(line)) return false;
  const words = line.split(/\s+/);
  return words.length >= 1 && words.length <= 5;
}

/** A block of prose is not a signature: no questions, no long lines, a short first line. */
function plausibleSignature(block: readonly string[]): boolean {
  const ls = block.filter(Boolean);
  if (!ls.length || ls[0].length > 60) return false;
  return ls.every((l) => l.length <= 100 && !/\?$/.test(l));
}

/**
 * Splits lines (without the quoted part) into body and signature:
 * 1. the last "-- " delimiter line (RFC 3676): everything after it;
 * 2. else the last sign-off line ("Best regards", "Viele Grüße", "Cordialement"…) followed by
 *    1–MAX_SIGNATURE_LINES non-empty lines: those lines (the sign-off itself stays in the body);
 * 3. else a trailing paragraph of 2–8 lines that starts with a name and holds contact details.
 */
export function splitSignature(lines: readonly string[]): { body: string; signature: string } {
  const join = (ls: readonly string[]) => tidyText(ls.join('\n'));
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i] === '--' || lines[i] === '-- ') return { body: join(lines.slice(0, i)), signature: join(lines.slice(i + 1)) };
  }
  let nonEmptyAfter = 0;
  for (let i = lines.length - 1; i >= 0 && nonEmptyAfter <= MAX_SIGNATURE_LINES; i--) {
    const l = lines[i];
    if (!l) continue;
    if (nonEmptyAfter >= 1 && isSignoff(l)) {
      const block = lines.slice(i + 1);
      if (plausibleSignature(block)) return { body: join(lines.slice(0, i + 1)), signature: join(block) };
    }
    nonEmptyAfter++;
  }
  // Trailing contact block after a blank line.
  let end = lines.length;
  while (end > 0 && !lines[end - 1]) end--;
  let start = end;
  while (start > 0 && lines[start - 1]) start--;
  const block = lines.slice(start, end);
  if (
    start > 0 &&
    block.length >= 2 &&
    block.length <= 8 &&
    looksLikeName(block[0]) &&
    block.some((l) => PHONEISH.test(l) || CONTACTISH.test(l))
  ) {
    return { body: join(lines.slice(0, start)), signature: join(block) };
  }
  return { body: join(lines), signature: '' };
}

/** Plain text → body / quoted reply / signature. */
export function splitMessageText(text: string, opts: { signature?: boolean } = {}): MessageParts {
  const lines = tidyText(text).split('\n');
  const q = findQuoteStart(lines);
  const own = q >= 0 ? lines.slice(0, q) : lines;
  const quoted = q >= 0 ? tidyText(lines.slice(q).join('\n')) : '';
  if (opts.signature === false) return { body: tidyText(own.join('\n')), quoted, signature: '' };
  return { ...splitSignature(own), quoted };
}

// -- HTML markers ------------------------------------------------------------------------------

const QUOTE_CLASSES = new Set([
  'gmail_quote',
  'gmail_quote_container',
  'gmail_extra',
  'yahoo_quoted',
  'moz-cite-prefix',
  'OutlookMessageHeader',
]);
const SIGNATURE_CLASSES = new Set(['gmail_signature', 'moz-signature']);

/**
 * The mail-HTML conventions (not the webmail's own markup, so they live here rather than in a
 * site's selectors.ts): where a quoted reply starts, and which element is the signature.
 * Outlook prefixes ids of a message shown inside its reading pane with `x_`.
 */
export const classifyMailHtml: RegionClassifier = (el) => {
  const tag = el.localName;
  if (tag === 'blockquote') return 'quote';
  if (!el.hasAttributes()) return null;
  const id = el.getAttribute('id');
  if (id) {
    if (id === 'divRplyFwdMsg' || id.endsWith('_divRplyFwdMsg') || id === 'appendonsend' || id.endsWith('_appendonsend')) return 'quote';
    if (id === 'Signature' || id.endsWith('_Signature') || id === 'signature') return 'signature';
  }
  const cls = el.getAttribute('class');
  if (cls) {
    for (const c of cls.split(/\s+/)) {
      if (QUOTE_CLASSES.has(c)) return 'quote';
      if (SIGNATURE_CLASSES.has(c)) return 'signature';
    }
  }
  if (el.getAttribute('data-smartmail') === 'gmail_signature') return 'signature';
  return null;
};

/** A message body element → body / quoted / signature text and links (markers first, text rules second). */
export function extractMessageParts(bodyEl: Element, classify: RegionClassifier = classifyMailHtml): MessagePartsWithLinks {
  const r = readRegions(bodyEl, classify);
  const text = splitMessageText(r.body, { signature: !r.signature });
  // Gmail writes the "-- " delimiter just before its signature element.
  const body = r.signature ? text.body.replace(/(?:^|\n)--\s*$/, '').trim() : text.body;
  return {
    body,
    quoted: [text.quoted, r.quote].filter(Boolean).join('\n\n'),
    signature: (r.signature || text.signature).replace(/^--\s*\n/, ''),
    links: r.links,
  };
}
