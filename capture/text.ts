// Plain-text tidying of what a page or a mail gave us, before any parser reads it. Everything here
// runs in time linear in its input (docs/architecture.md, principle 11).

const isBlank = (c: number) => c === 0x20 || c === 0x09;

/** `s` without leading and trailing spaces and tabs (a loop: `/[ \t]+$/` is quadratic on inner runs). */
function trimSpaceTab(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isBlank(s.charCodeAt(a))) a++;
  while (b > a && isBlank(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** Trims each line, turns non-breaking spaces into spaces, keeps at most one blank line in a row. */
export function tidyText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\u00a0\u202f\u2007]/g, ' ')
    .replace(/\u200b|\u200c|\u200d|\ufeff/g, '')
    .split('\n')
    .map(trimSpaceTab)
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** `s` without leading and trailing characters of `chars` (a loop, linear). */
export function trimChars(s: string, chars: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && chars.includes(s[a])) a++;
  while (b > a && chars.includes(s[b - 1])) b--;
  return s.slice(a, b);
}

// -- e-mail-like tokens -------------------------------------------------------------------------
//
// The patterns `[^S]+@[^S]+\.[a-z]{2,}` and `[^S]+@[^S]+\.[^S]+` (S: characters that end an
// address) backtrack cubically on text such as "@.@.@.@." or "a@a@a@". These scanners give the
// same matches in linear time: a match cannot cross a character of S, so each maximal run of
// other characters (a token) is looked at once, and within a token the greedy pattern matches from
// the token's start to where the analysis below says.

const isAsciiLetter = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);

/**
 * End of the match of `[^S]+@[^S]+\.[a-z]{2,}` (flag i) in a token that starts the match, or -1.
 * The greedy parts take the last "." followed by two letters, and the last "@" before it that
 * leaves one character on each side; the letters run as far as they go.
 */
function letterTldEnd(tok: string): number {
  let j = -1;
  for (let k = tok.length - 3; k >= 0; k--) {
    if (tok.charCodeAt(k) === 0x2e && isAsciiLetter(tok.charCodeAt(k + 1)) && isAsciiLetter(tok.charCodeAt(k + 2))) {
      j = k;
      break;
    }
  }
  if (j < 3) return -1;
  const at = tok.lastIndexOf('@', j - 2);
  if (at < 1) return -1;
  let end = j + 1;
  while (end < tok.length && isAsciiLetter(tok.charCodeAt(end))) end++;
  return end;
}

/** Whether a whole token matches `[^S]+@[^S]+\.[^S]+` (a greedy match then spans the token). */
function anyTldMatch(tok: string): boolean {
  const j = tok.lastIndexOf('.', tok.length - 2);
  if (j < 3) return false;
  return tok.lastIndexOf('@', j - 2) >= 1;
}

export interface TextMatch {
  index: number;
  text: string;
}

/** Maximal runs of characters outside `stop` (a character class body, e.g. `\\s<>`). */
function tokenRe(stop: string): RegExp {
  return new RegExp(`[^${stop}]+`, 'g');
}

/** The characters that end an address in a signature (`capture/signature.ts`). */
export const SIGNATURE_ADDRESS_STOP = `\\s<>()[\\]"';:,|`;
/** The characters that end an address in a label or a title (`findEmail`). */
export const LABEL_ADDRESS_STOP = `\\s<>()[\\]"';:,`;

/**
 * Every match, left to right, of `[^S]+@[^S]+\.[a-z]{2,}` (flags gi), optionally preceded by
 * `mailto:` as in `(?:mailto:)?[^S]+@…` when `mailtoPrefix` is set. Linear time.
 */
export function matchEmailsWithLetterTld(text: string, stop: string, mailtoPrefix = false): TextMatch[] {
  const out: TextMatch[] = [];
  let lastEnd = 0;
  for (const m of text.matchAll(tokenRe(stop))) {
    const end = letterTldEnd(m[0]);
    if (end < 0) continue;
    let index = m.index;
    // "mailto:" ends with ':', a stop character: it sits just before the token.
    if (mailtoPrefix && index - 7 >= lastEnd && text.slice(index - 7, index).toLowerCase() === 'mailto:') index -= 7;
    out.push({ index, text: text.slice(index, m.index + end) });
    lastEnd = m.index + end;
  }
  return out;
}

/** `text` with every `matchEmailsWithLetterTld` match replaced by `by`. */
export function replaceEmailsWithLetterTld(text: string, stop: string, by: string, mailtoPrefix = false): string {
  const ms = matchEmailsWithLetterTld(text, stop, mailtoPrefix);
  if (!ms.length) return text;
  let out = '';
  let at = 0;
  for (const m of ms) {
    out += text.slice(at, m.index) + by;
    at = m.index + m.text.length;
  }
  return out + text.slice(at);
}

/** The first match of `[^S]+@[^S]+\.[^S]+` in `text`, or undefined. Linear time. */
export function firstEmailToken(text: string, stop: string): string | undefined {
  for (const m of text.matchAll(tokenRe(stop))) if (anyTldMatch(m[0])) return m[0];
  return undefined;
}

/** `s` without trailing dots (a loop: `/\.+$/` is quadratic on inner runs of dots). */
export function trimTrailingDots(s: string): string {
  let b = s.length;
  while (b > 0 && s.charCodeAt(b - 1) === 0x2e) b--;
  return s.slice(0, b);
}
