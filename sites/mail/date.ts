// Dates as webmail shows them ("Mon, Nov 2, 2026, 10:14 AM", "2. Nov. 2026, 10:14",
// "Mon 11/2/2026 10:14 AM", "Mo 02.11.2026 10:14") → ISO 8601.
//
// Webmail prints local wall-clock time without a zone, so such a date is read in the local time
// zone of the runtime (the browser's, where the page was rendered) and returned in UTC
// (`toISOString()`). A text with an explicit zone or offset is read as such.

const MONTHS: Record<string, number> = {};
const addMonths = (names: string[][]) => names.forEach((list, i) => list.forEach((n) => (MONTHS[n] = i)));
addMonths([
  ['jan', 'january', 'januar', 'jän', 'jänner', 'janv', 'janvier', 'ene', 'enero', 'gen', 'gennaio'],
  ['feb', 'february', 'februar', 'févr', 'fevr', 'février', 'fevrier', 'febrero', 'febbraio'],
  ['mar', 'march', 'mär', 'märz', 'maerz', 'mars', 'marzo', 'mrz'],
  ['apr', 'april', 'avr', 'avril', 'abr', 'abril', 'aprile'],
  ['may', 'mai', 'mayo', 'mag', 'maggio'],
  ['jun', 'june', 'juni', 'juin', 'junio', 'giu', 'giugno'],
  ['jul', 'july', 'juli', 'juil', 'juillet', 'julio', 'lug', 'luglio'],
  ['aug', 'august', 'août', 'aout', 'ago', 'agosto'],
  ['sep', 'sept', 'september', 'septembre', 'septiembre', 'set', 'settembre'],
  ['oct', 'october', 'okt', 'oktober', 'octobre', 'octubre', 'ott', 'ottobre'],
  ['nov', 'november', 'novembre', 'noviembre'],
  ['dec', 'december', 'dez', 'dezember', 'déc', 'decembre', 'décembre', 'dic', 'diciembre', 'dicembre'],
]);

const MONTH = '([a-zà-ÿ]{3,9})\\.?';
const TIME = '(\\d{1,2})[:.h](\\d{2})(?::(\\d{2}))?\\s*([ap]\\.?\\s?m\\.?)?';
// "Nov 2, 2026, 10:14 AM" / "November 2, 2026 at 10:14 AM"
const MONTH_FIRST = new RegExp(`${MONTH}\\s+(\\d{1,2}),?\\s+(\\d{4})(?:,?\\s+(?:at\\s+)?${TIME})?`, 'i');
// "2 Nov 2026, 10:14" / "2. Nov. 2026 um 10:14" / "2 nov. 2026 à 10:14"
const DAY_FIRST = new RegExp(`(\\d{1,2})\\.?\\s+${MONTH}\\s+(\\d{4})(?:,?\\s+(?:at|um|à|a las|alle)?\\s*${TIME})?`, 'i');
// "11/2/2026 10:14 AM", "02.11.2026 10:14", "2026-11-02 10:14"
const NUMERIC = new RegExp(`(\\d{1,4})([./-])(\\d{1,2})\\2(\\d{2,4})(?:,?\\s+(?:at|um|à)?\\s*${TIME})?`, 'i');
const HAS_ZONE = /(?:\b(?:GMT|UTC|Z)\b|[+-]\d{2}:?\d{2}\b)/;
const ISO_LIKE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

export interface DateOptions {
  /** For "a/b/yyyy": true reads a as the day (en-GB, de, fr), false as the month (en-US). */
  dayFirst?: boolean;
}

function build(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ampm?: string): string | undefined {
  if (y < 100) y += 2000;
  if (ampm) {
    const pm = /^p/i.test(ampm);
    if (h === 12) h = pm ? 12 : 0;
    else if (pm) h += 12;
  }
  if (mo < 0 || mo > 11 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59 || y < 1970 || y > 2200) return undefined;
  const date = new Date(y, mo, d, h, mi, s);
  if (date.getMonth() !== mo || date.getDate() !== d) return undefined; // e.g. 31 Nov
  return date.toISOString();
}

/**
 * Longest date text read (a webmail date is under 100 characters); the rest is ignored.
 * `/\([^)]*\)/g` below is quadratic on a long run of "(".
 */
export const MAX_DATE_TEXT = 500;

/** ISO 8601 (UTC) for a webmail date text, or undefined when it cannot be read. */
export function parseMailDate(raw: string | null | undefined, opts: DateOptions = {}): string | undefined {
  if (!raw) return undefined;
  const text = raw
    .slice(0, MAX_DATE_TEXT)
    .replace(/[\u00a0\u202f\u2009]/g, ' ')
    .replace(/\([^)]*\)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!text) return undefined;

  if (ISO_LIKE.test(text) || (HAS_ZONE.test(text) && /\d{4}/.test(text))) {
    const t = Date.parse(text);
    if (!Number.isNaN(t)) return new Date(t).toISOString();
  }

  let m = MONTH_FIRST.exec(text);
  if (m) {
    const mo = MONTHS[m[1].toLowerCase()];
    if (mo !== undefined) return build(+m[3], mo, +m[2], num(m[4]), num(m[5]), num(m[6]), m[7]);
  }
  m = DAY_FIRST.exec(text);
  if (m) {
    const mo = MONTHS[m[2].toLowerCase()];
    if (mo !== undefined) return build(+m[3], mo, +m[1], num(m[4]), num(m[5]), num(m[6]), m[7]);
  }
  m = NUMERIC.exec(text);
  if (m) {
    const [a, sep, b, c] = [m[1], m[2], m[3], m[4]];
    const time = [num(m[5]), num(m[6]), num(m[7])] as const;
    if (a.length === 4) return build(+a, +b - 1, +c, ...time, m[8]); // y-m-d
    let day: number;
    let month: number;
    if (sep === '.') [day, month] = [+a, +b];
    else if (+a > 12) [day, month] = [+a, +b];
    else if (+b > 12) [day, month] = [+b, +a];
    else if (opts.dayFirst ?? sep !== '/') [day, month] = [+a, +b];
    else [day, month] = [+b, +a];
    return build(+c, month - 1, day, ...time, m[8]);
  }
  if (!/\b\d{4}\b/.test(text)) return undefined; // V8's Date.parse guesses a year otherwise
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

function num(s: string | undefined): number {
  return s ? +s : 0;
}
