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

// Gmail; Yahoo (also with a per-message prefix: `ydp1a2b3cyahoo_quoted`); Thunderbird (the
// "On … wrote:" line, and a forward's container); Outlook 2003; Proton.
const QUOTE_CLASSES = new Set([
  'gmail_quote',
  'gmail_quote_container',
  'gmail_extra',
  'yahoo_quoted',
  'moz-cite-prefix',
  'moz-forward-container',
  'OutlookMessageHeader',
  'protonmail_quote',
]);
// Outlook on the web (`x_` inside the reading pane), Outlook for Mac (`OLK_SRC_BODY_SECTION` wraps
// the header and the quoted message), the new Outlook's reference message.
const QUOTE_IDS = new Set(['divRplyFwdMsg', 'appendonsend', 'OLK_SRC_BODY_SECTION', 'mail-editor-reference-message-container']);
// Outlook, Apple Mail on iOS/macOS ("Sent from my iPhone" sits in `AppleMailSignature`).
const SIGNATURE_IDS = new Set(['Signature', 'signature', 'AppleMailSignature']);
const SIGNATURE_CLASSES = new Set(['gmail_signature', 'moz-signature']);

/** `id` without Outlook's `x_` prefixes (a message shown inside its reading pane, quoted again). */
const bareId = (id: string) => id.replace(/^(?:x_)+/, '');

/**
 * The mail-HTML conventions (not the webmail's own markup, so they live here rather than in a
 * site's selectors.ts): where a quoted reply starts, and which element is the signature. A
 * `<blockquote>` is a quote in every client (Gmail, Apple Mail `type="cite"`, Thunderbird, Yandex,
 * Mail.ru); header lines without a marker (Outlook desktop, Windows Mail) are left to the text
 * rules on the extension side.
 */
export const classifyMailHtml: RegionClassifier = (el) => {
  const tag = el.localName;
  if (tag === 'blockquote') return 'quote';
  if (!el.hasAttributes()) return null;
  const id = el.getAttribute('id');
  if (id) {
    const bare = bareId(id);
    if (QUOTE_IDS.has(bare) || bare.endsWith('yahoo_quoted')) return 'quote';
    if (SIGNATURE_IDS.has(bare)) return 'signature';
  }
  const cls = el.getAttribute('class');
  if (cls) {
    for (const c of cls.split(/\s+/)) {
      if (QUOTE_CLASSES.has(c) || c.endsWith('yahoo_quoted')) return 'quote';
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
