// The text rules applied to a thread the page read: the content scripts split a message by its
// HTML markers only (sites/mail/body.ts), and send the rest as the body. Here, on the extension
// side where there is room for the language tables (decision 0034), a quote written in plain text
// ("Am … schrieb …:", "-----Original Message-----", "Von: … Gesendet: …") moves from the body to
// the quoted text, a signature is split off when the page marked none, and the snippet is read
// again from the new body. Applying it twice gives the same capture (captures reach the sidebar
// twice, and logThread refines what it is given).
import { LIMITS, type MailMessage, type ThreadCapture } from './mail';
import { splitQuotes } from './quotes';
import { splitSignature } from './signoffs';
import { tidyText } from './text';

/** Longest snippet made from a body (the page's own snippets are cut alike). */
export const SNIPPET_LENGTH = 200;

/** `text` cut to `max` characters, not inside a surrogate pair. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const last = cut.charCodeAt(max - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

export function snippetOf(body: string): string {
  return clip(
    body
      .slice(0, 4 * SNIPPET_LENGTH)
      .replace(/\s+/g, ' ')
      .trim(),
    SNIPPET_LENGTH,
  );
}

/** `text` without "--" lines (and blank lines) at its end. */
function withoutTrailingDelimiters(text: string): string {
  const lines = text.split('\n');
  let end = lines.length;
  while (end > 0 && (!lines[end - 1].trim() || lines[end - 1].trim() === '--')) end--;
  return end === lines.length ? text : lines.slice(0, end).join('\n');
}

/** One message's body, quote and signature after the text rules. */
export function refineMessage(m: MailMessage): MailMessage {
  if (m.collapsed) return m;
  const split = splitQuotes(tidyText(m.bodyText).split('\n'));
  const own = split.own;
  const quoted = [tidyText(split.quoted.join('\n')), m.quotedText].filter(Boolean).join('\n\n');
  let { body: bodyText, signature } = m.signature ? { body: own.join('\n'), signature: m.signature } : splitSignature(own);
  if (signature) {
    // Gmail writes the "-- " delimiter in the body, just before its signature element.
    bodyText = tidyText(withoutTrailingDelimiters(bodyText));
    signature = signature.replace(/^(?:--[ \t]*\n)+/, '');
  }
  return {
    ...m,
    bodyText,
    quotedText: clip(quoted, LIMITS.quotedText),
    signature: clip(signature, LIMITS.signature),
    snippet: snippetOf(bodyText),
  };
}

/** The thread with the text rules applied to each message shown in full (idempotent). */
export function refineThreadCapture(capture: ThreadCapture): ThreadCapture {
  return { ...capture, messages: capture.messages.map(refineMessage) };
}

/** A page capture with its thread refined; other captures as they are. */
export function refineCaptureResult<T extends { result: { kind: string } }>(page: T): T {
  return page.result.kind === 'thread' ? { ...page, result: refineThreadCapture(page.result as ThreadCapture) } : page;
}
