// Outlook on the web, the message being written (new mail or inline reply) → its recipients, so
// the sidebar shows their cards while the user writes, as it does in Gmail. Pure.
import { type ComposeRecipient, composeRecipients } from '../../capture/compose';
import { LIMITS, MAX_ADDRESS_TEXT, findEmail } from '../../capture/mail';
import { type SelectorSpec, clip, oneLine, queryAll } from '../common/selector-spec';
import { isStructurallyHidden } from '../mail/dom';
import { COMPOSE_S } from './selectors';

type Listed = { emailAddress: string; name: string };

/** A pill's address: its title, then its aria-label ("Name <address>"), then its text (an unresolved address). */
function pillRecipient(pill: Element): Listed | undefined {
  const text = oneLine(pill.textContent).slice(0, MAX_ADDRESS_TEXT);
  const email = findEmail(pill.getAttribute('title')) ?? findEmail(pill.getAttribute('aria-label')) ?? findEmail(text);
  if (!email) return undefined; // a name Outlook has not resolved: no card can be shown for it
  const name = findEmail(text) ? '' : clip(text, 300);
  return { emailAddress: email, name };
}

function wellRecipients(doc: Document, spec: SelectorSpec): Listed[] {
  const out: Listed[] = [];
  for (const well of queryAll(doc, spec)) {
    if (isStructurallyHidden(well)) continue;
    for (const pill of queryAll(well, COMPOSE_S.pill)) {
      const r = pillRecipient(pill);
      if (r) out.push(r);
      if (out.length >= LIMITS.recipients) return out;
    }
  }
  return out;
}

/** The recipients of the compose form on the page (deduplicated, To before Cc before Bcc), or [] when none is open. */
export function readOutlookCompose(doc: Document): ComposeRecipient[] {
  return composeRecipients({
    to: wellRecipients(doc, COMPOSE_S.toWell),
    cc: wellRecipients(doc, COMPOSE_S.ccWell),
    bcc: wellRecipients(doc, COMPOSE_S.bccWell),
  });
}
