// Where a message's own words end and the sender's signature begins: the "-- " delimiter, a
// sign-off ("Best regards,", "Viele Grüße", "Cordialement", "よろしくお願いいたします") followed by a
// short block, a trailing contact block, and the mobile footers mail apps add ("Sent from my
// iPhone", "Gesendet von Outlook für Android"). The sign-off line itself stays with the message.
import { tidyText } from './text';

/** Longest trailing block taken as a signature after a sign-off line. */
export const MAX_SIGNATURE_LINES = 10;

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

// "Sent from my iPhone", "Get Outlook for iOS", "Gesendet von Outlook für Android", "Envoyé de mon
// iPhone" and the like: a known opening and at most four more words, nothing else on the line.
const MOBILE_FOOTER = new RegExp(
  `^(?:${[
    'Sent from (?:my )?',
    'Sent with ',
    'Sent via ',
    'Get Outlook for ',
    'Gesendet von (?:meinem )?',
    'Von meinem \\S+ gesendet',
    'Envoyé (?:de|depuis) (?:mon )?',
    'Obtenir Outlook pour ',
    'Enviado desde (?:mi )?',
    'Obtener Outlook para ',
    'Enviado (?:do|de) (?:meu )?',
    'Inviato dal? (?:mio )?',
    'Scarica Outlook per ',
    'Verzonden (?:vanaf|met) (?:mijn )?',
    'Skickat från (?:min )?',
    'Sendt fra (?:min )?',
    'Lähetetty ',
    'Wysłane z ',
    'Отправлено (?:с|из) ',
    '从我的',
    '发自我的',
    'iPhoneから送信',
  ].join('|')})[^\\s.,;:!?]*(?: [^\\s.,;:!?]+){0,4}$`,
  'i',
);
const isMobileFooter = (l: string) => l.length <= 80 && MOBILE_FOOTER.test(l);

const PHONEISH = /(?:\+|\(0?\d)[\d\s()./-]{6,}\d|\b\d{2,5}[\s./-]\d{2,}[\s./-]\d{2,}/;
const CONTACTISH = /linkedin\.com\/|www\.|https?:\/\/|@|\b(?:tel|phone|mobile|mob|cell|fax|t|m|p|f)\s?[.:]/i;

const RULE_LINE = /^(?:-{4,}|_{4,}|={4,})$/;
const hasContact = (l: string) => PHONEISH.test(l) || CONTACTISH.test(l);

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
 * 1. the last "-- " delimiter line (RFC 3676): everything after it; or a rule of dashes over a
 *    short block with contact details: the rule and the block;
 * 2. else the last sign-off line ("Best regards", "Viele Grüße", "Cordialement"…) followed by
 *    1–MAX_SIGNATURE_LINES non-empty lines: those lines (the sign-off itself stays in the body);
 * 3. else a trailing paragraph of 2–8 lines that starts with a name and holds contact details.
 */
export function splitSignature(lines: readonly string[]): { body: string; signature: string } {
  const join = (ls: readonly string[]) => tidyText(ls.join('\n'));
  let last = lines.length - 1;
  while (last >= 0 && !lines[last]) last--;
  // A mobile footer ("Sent from my iPhone") is the mail program's, not the sender's words.
  if (last >= 0 && isMobileFooter(lines[last])) {
    const rest = splitSignatureBlock(lines.slice(0, last), join);
    return { body: rest.body, signature: [rest.signature, lines[last]].filter(Boolean).join('\n') };
  }
  return splitSignatureBlock(lines, join);
}

function splitSignatureBlock(lines: readonly string[], join: (ls: readonly string[]) => string): { body: string; signature: string } {
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i] === '--' || lines[i] === '-- ') return { body: join(lines.slice(0, i)), signature: join(lines.slice(i + 1)) };
  }
  // A rule of dashes or underscores over a short block with contact details ("----------------",
  // logo, name, phones): the rule belongs to the signature's layout.
  let count = 0;
  for (let i = lines.length - 1; i > 0 && count <= MAX_SIGNATURE_LINES; i--) {
    if (!lines[i]) continue;
    if (count >= 1 && RULE_LINE.test(lines[i])) {
      const block = lines.slice(i + 1);
      if (plausibleSignature(block) && block.some(hasContact)) return { body: join(lines.slice(0, i)), signature: join(lines.slice(i)) };
      break;
    }
    count++;
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
  if (start > 0 && block.length >= 2 && block.length <= 8 && looksLikeName(block[0]) && block.some(hasContact)) {
    return { body: join(lines.slice(0, start)), signature: join(block) };
  }
  return { body: join(lines), signature: '' };
}
