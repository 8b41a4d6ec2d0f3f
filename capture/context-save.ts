// "Save to Rapport" from the browser's context menu: what a click on a `mailto:` link, a LinkedIn
// profile link or a selected address gives as a new contact. Pure; the background saves it.
import type { ContactInput } from '../storage/schema';
import { normalizeLinkedinUrl } from '../storage/normalize';
import { findEmail } from './mail';

export type ContextSave = { kind: 'email' | 'linkedin'; input: ContactInput } | { kind: 'none'; reason: string };

/** Longest selection or link read (an address with a display name is far shorter). */
const MAX_TEXT = 2_000;

/** "Jane Doe <jane@x.example>" or "\"Doe, Jane\" <jane@x.example>" → the display name, else undefined. */
function displayName(text: string): string | undefined {
  const lt = text.indexOf('<');
  if (lt <= 0) return undefined;
  const name = text
    .slice(0, lt)
    .trim()
    .replace(/^["'“”]+|["'“”]+$/g, '')
    .trim();
  return name && !name.includes('@') && name.length <= 300 ? name : undefined;
}

/**
 * A LinkedIn public id as a name: "jane-doe-4b2a1c7" → "Jane Doe". Trailing parts with digits are
 * LinkedIn's disambiguation suffix; an id of digits and letters only (an opaque member id) gives
 * no name.
 */
export function nameFromPublicId(id: string): string | undefined {
  let parts = id.split(/[-_]+/).filter(Boolean);
  while (parts.length > 1 && /\d/.test(parts[parts.length - 1])) parts = parts.slice(0, -1);
  if (!parts.length || parts.some((p) => /\d/.test(p))) return undefined;
  const name = parts.map((p) => p.charAt(0).toLocaleUpperCase() + p.slice(1)).join(' ');
  return name.length <= 300 ? name : undefined;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function contextSaveInput(click: { linkUrl?: string; selectionText?: string }): ContextSave {
  const link = click.linkUrl?.slice(0, MAX_TEXT);
  if (link && /^mailto:/i.test(link)) {
    // mailto:<addr>[,<addr>…][?subject=…]: the first address (a quoted display name may hold commas).
    return fromText(decode(link.slice(7).split('?')[0]), 'the link holds no e-mail address');
  }
  if (link) {
    const li = normalizeLinkedinUrl(link);
    if (!li) return { kind: 'none', reason: 'the link is neither an e-mail address nor a LinkedIn profile' };
    return { kind: 'linkedin', input: { linkedinUrl: li.url, name: nameFromPublicId(decode(li.id)) ?? li.id } };
  }
  return fromText(click.selectionText?.slice(0, MAX_TEXT) ?? '', 'the selection holds no e-mail address');
}

/** The first address in `text`, with the display name before it when it is written "Name <address>". */
function fromText(text: string, noneReason: string): ContextSave {
  const email = findEmail(text);
  if (!email) return { kind: 'none', reason: noneReason };
  const lt = text.indexOf('<');
  const gt = lt >= 0 ? text.indexOf('>', lt) : -1;
  const bracketed = lt >= 0 ? text.slice(lt + 1, gt < 0 ? undefined : gt).toLowerCase() : '';
  const name = bracketed.includes(email) ? displayName(text) : undefined;
  return { kind: 'email', input: { emails: [email], ...(name ? { name } : {}) } };
}
