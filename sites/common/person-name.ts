// Display names as pages show them → a clean name and a first/last split. Pure, no DOM.

/** Emoji and their glue (skin tones, ZWJ, variation selectors, keycaps, flags). */
const EMOJI_RE = /\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Regional_Indicator}|\u200d|\ufe0e|\ufe0f|\u20e3/gu;
/** Name particles that start a family name ("Ludwig van Beethoven", "Ana de la Cruz"). */
const PARTICLES = new Set([
  'van',
  'von',
  'de',
  'del',
  'della',
  'dei',
  'der',
  'den',
  'di',
  'da',
  'das',
  'do',
  'dos',
  'du',
  'le',
  'la',
  'les',
  'ter',
  'ten',
  'bin',
  'binti',
  'ibn',
  'al',
  'el',
  'af',
  'av',
  'zu',
  'st.',
  'saint',
]);
const HONORIFICS = new Set([
  'dr',
  'dr.',
  'prof',
  'prof.',
  'mr',
  'mr.',
  'mrs',
  'mrs.',
  'ms',
  'ms.',
  'mx',
  'mx.',
  'sir',
  'dame',
  'ing.',
  'mag.',
]);
/** Post-nominals: "MBA", "CSPO", "PMP®", "CFA", "PhD", "Ph.D.", "MSc", "MEng"… (not "Jane"). */
const CREDENTIAL_RE =
  /^(?:\p{Lu}[\p{Lu}\d&.]{1,7}®?|Ph\.?\s?D\.?|D\.?Phil\.?|M\.?Sc\.?|B\.?Sc\.?|M\.?Eng\.?|B\.?Eng\.?|M\.?A\.?|B\.?A\.?|Jr\.?|Sr\.?|II|III|IV)$/u;

/** The name with emoji removed and white space collapsed ("⚡️Ada Lovelace 🚀" → "Ada Lovelace"). */
export function cleanDisplayName(raw: string): string {
  const cleaned = raw
    .replace(EMOJI_RE, ' ')
    .replace(/[\s\u00a0\u202f]+/g, ' ')
    .trim();
  // A name made only of emoji stays as it was rather than becoming empty.
  return cleaned || raw.replace(/[\s\u00a0\u202f]+/g, ' ').trim();
}

export interface NameParts {
  firstName: string;
  /** '' for a single name ("Madonna"). */
  lastName: string;
}

/**
 * Splits a display name sensibly: emoji, parenthesised parts ("(She/Her)", "(née Smith)"),
 * post-nominal credentials after a comma ("Jane Doe, PhD, MBA") and honorifics are ignored; a
 * single name gives an empty last name; particles start the last name ("Ana de la Cruz" →
 * "Ana" / "de la Cruz"); an all-capitals family name written first ("DUPONT Jean") is recognised;
 * "Doe, Jane" is read as last, first. Otherwise the first word is the first name and the rest the
 * last name. Accents and non-Latin scripts are kept as they are.
 */
export function splitName(raw: string): NameParts {
  // Parenthesised parts that stand alone ("Ana Ruiz (She/Her)"), not "alert(1)" inside a word.
  let s = cleanDisplayName(raw)
    .replace(/(^|\s)\([^()]*\)(?=\s|$)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const commaParts = s.split(/\s*,\s*/).filter(Boolean);
  if (commaParts.length > 1) {
    const rest = commaParts.slice(1);
    if (rest.every((p) => CREDENTIAL_RE.test(p))) s = commaParts[0];
    else if (commaParts.length === 2 && !/\s/.test(commaParts[0]) && commaParts[1].split(' ').length <= 3) {
      return { firstName: commaParts[1], lastName: commaParts[0] };
    } else s = commaParts[0];
  }
  let tokens = s.split(' ').filter(Boolean);
  while (tokens.length > 1 && HONORIFICS.has(tokens[0].toLowerCase())) tokens = tokens.slice(1);
  if (tokens.length === 0) return { firstName: '', lastName: '' };
  if (tokens.length === 1) return { firstName: tokens[0], lastName: '' };

  const isUpperWord = (t: string) => /\p{Lu}{2,}/u.test(t) && t === t.toUpperCase() && /\p{L}/u.test(t);
  if (isUpperWord(tokens[0]) && !tokens.every(isUpperWord)) {
    let i = 0;
    while (i < tokens.length && isUpperWord(tokens[i])) i++;
    if (i < tokens.length) return { firstName: tokens.slice(i).join(' '), lastName: tokens.slice(0, i).join(' ') };
  }
  for (let i = 1; i < tokens.length; i++) {
    if (PARTICLES.has(tokens[i].toLowerCase()) && i < tokens.length - 1) {
      return { firstName: tokens.slice(0, i).join(' '), lastName: tokens.slice(i).join(' ') };
    }
  }
  return { firstName: tokens[0], lastName: tokens.slice(1).join(' ') };
}
