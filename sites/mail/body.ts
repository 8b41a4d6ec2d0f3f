// Reads a message's HTML into its text, the quoted reply and the signature, by the markers mail
// programs leave in it (Gmail's `gmail_quote` / `gmail_signature`, Outlook's `divRplyFwdMsg` /
// `Signature`, `<blockquote>` …). Only the DOM part runs here, in the content scripts: the text
// rules (quote headers, sign-offs, mobile footers in many languages) run on the extension side,
// in capture/refine.ts, on what this sends (decision 0034).
import { readRegions, type RegionClassifier } from './dom';

export interface MessagePartsWithLinks {
  /** The text outside the marked quote and signature (it may still hold a quote in plain text). */
  body: string;
  quoted: string;
  signature: string;
  /** http(s) links outside the quoted part. */
  links: string[];
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

/** A message body element → the text of its body, marked quote and marked signature, and its links. */
export function extractMessageParts(bodyEl: Element, classify: RegionClassifier = classifyMailHtml): MessagePartsWithLinks {
  const r = readRegions(bodyEl, classify);
  return { body: r.body, quoted: r.quote, signature: r.signature, links: r.links };
}
