// Outlook on the web (reading pane, conversation view) → ThreadCapture. Pure.
import { candidateEmail } from '../../storage/normalize';
import { extractMessageParts } from '../mail/body';
import {
  LIMITS,
  MAX_ADDRESS_TEXT,
  classifyParticipants,
  findEmail,
  notCapturable,
  resolveNamesFromThread,
  type MailAddress,
  type MailMessage,
  type NotCapturable,
  type ThreadCapture,
} from '../../capture/mail';
import { parseMailDate } from '../mail/date';
import type { ComposeCapture } from '../../capture/compose';
import { readOutlookCompose } from './compose';
import { LABEL_ADDRESS_STOP, replaceEmailsWithLetterTld } from '../../capture/text';
import { MissingElementError, clip, oneLine, queryAll, queryFirst, queryOrFail } from '../common/selector-spec';
import { isStructurallyHidden, readText, stableHash } from '../mail/dom';
import { L, MESSAGE_ID_ATTRS, OUTLOOK_HOSTS, S, URL_THREAD_ID } from './selectors';

const SITE = 'outlook';

/** Conversation id from an Outlook URL, decoded; undefined when the URL names none. */
export function threadIdFromOutlookUrl(url: string): string | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const m = URL_THREAD_ID.exec(path);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return m[1];
  }
}

/** Signed-in mailbox: `[id^="primaryMailboxRoot_"]`'s `title`, `data-folder-name`, or id suffix. */
export function outlookUserEmail(doc: Document): string | undefined {
  const root = queryFirst(doc, S.mailboxRoot);
  if (!root) return undefined;
  return (
    candidateEmail(root.getAttribute('title')) ??
    candidateEmail(root.getAttribute('data-folder-name')) ??
    candidateEmail(root.id.replace(/^primaryMailboxRoot_/, '')) ??
    findEmail(root.getAttribute('title'))
  );
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const FROM_PREFIX = new RegExp(`^\\s*(?:${L.from.map(esc).join('|')})\\s*:\\s*`, 'i');
// A role label ("To:", "Cc:") is `(?:^|[;\n]|\s{2,})\s*(label)\s*:\s*`. As one regular expression
// that is cubic on runs of spaces (which NBSP runs become after tidying): `roleLabels` finds the
// label with `ROLE_LABEL_AT` and checks what comes before it by a walk back over the spaces.
const ROLE_LABEL_AT = new RegExp(`(${[...L.to, ...L.cc, ...L.bcc].map(esc).join('|')})\\s*:\\s*`, 'g');
const isSpace = (c: string) => /\s/.test(c);

/** The role labels of a recipient well's text, with the span each takes (as the one-pattern form gave). Linear time. */
export function roleLabels(text: string): { role: string; start: number; end: number }[] {
  const marks: { role: string; start: number; end: number }[] = [];
  let lastEnd = 0;
  ROLE_LABEL_AT.lastIndex = 0;
  for (let m = ROLE_LABEL_AT.exec(text); m; m = ROLE_LABEL_AT.exec(text)) {
    const p = m.index;
    let q = p;
    let newline = false;
    while (q > lastEnd && isSpace(text[q - 1])) {
      q--;
      if (text[q] === '\n') newline = true;
    }
    const semicolon = q - 1 >= lastEnd && text[q - 1] === ';';
    if (q === 0 || semicolon || newline || p - q >= 2) {
      const end = p + m[0].length;
      marks.push({ role: m[1], start: semicolon ? q - 1 : q, end });
      lastEnd = end;
      ROLE_LABEL_AT.lastIndex = end;
    } else {
      ROLE_LABEL_AT.lastIndex = p + 1;
    }
  }
  return marks;
}

/**
 * Display name part of "Name <a@b>", "a@b (Name)", "\"Doe, Jane\" <a@b>"; other text is kept as is.
 * Linear: `<[^<>\s@]*@` takes the first "@" (the old `<[^<>\s]*@` backtracked over every one), and
 * bare addresses are found by a token scan (capture/text.ts).
 */
export function stripAddress(raw: string): string {
  const text = raw.length > MAX_ADDRESS_TEXT ? raw.slice(0, MAX_ADDRESS_TEXT) : raw;
  const t = oneLine(
    replaceEmailsWithLetterTld(text.replace(/<[^<>\s@]*@[^<>\s]*>/g, ' '), LABEL_ADDRESS_STOP, ' ', true).replace(
      /\(\s*\)|<\s*>|\[\s*\]/g,
      ' ',
    ),
  );
  return t.replace(/^(["'])(.*)\1$/, '$2').trim();
}

/** Sender of a message: the address may be in the aria-label, the inner text or a `title`. */
function sender(msg: Element, index: number): MailAddress {
  const hit = queryOrFail(msg, S.sender, `message ${index + 1}`);
  const holder = hit.matches('span.OZZZK') ? (hit.closest('[aria-label]') ?? hit) : hit;
  const label = (holder.getAttribute('aria-label') ?? '').replace(FROM_PREFIX, '');
  const text = oneLine(holder.textContent);
  const titles = [holder, ...Array.from(holder.querySelectorAll('[title]'))].map((e) => e.getAttribute('title') ?? '').filter(Boolean);
  const email = findEmail(label) ?? titles.map(findEmail).find(Boolean) ?? findEmail(text);
  const names = [stripAddress(text), stripAddress(label), ...titles.map(stripAddress)].filter(Boolean);
  return { ...(email ? { email } : {}), name: clip(names[0] ?? '', 300) };
}

/** "Name <a@b>", "a@b" or "Name", using title/aria-label of the well's chips for name-only items. */
function parseRecipient(item: string, chipEmails: Map<string, string>): MailAddress | undefined {
  const t = oneLine(item);
  if (!t || /^\+\s?\d+\s/.test(t)) return undefined; // "+3 others"
  const email = findEmail(t);
  const name = stripAddress(t);
  if (email) return { email, name: clip(name, 300) };
  const fromChip = chipEmails.get(t.toLowerCase());
  return { ...(fromChip ? { email: fromChip } : {}), name: clip(t, 300) };
}

function recipients(msg: Element): { to: MailAddress[]; cc: MailAddress[] } {
  const to: MailAddress[] = [];
  const cc: MailAddress[] = [];
  for (const well of queryAll(msg, S.recipientWell)) {
    const chipEmails = new Map<string, string>();
    for (const chip of Array.from(well.querySelectorAll('[title], [aria-label]'))) {
      const e = findEmail(chip.getAttribute('title')) ?? findEmail(chip.getAttribute('aria-label'));
      const n = oneLine(chip.textContent).toLowerCase();
      if (e && n && !chipEmails.has(n)) chipEmails.set(n, e);
    }
    // "To: a; b" — a label may also be in the well's aria-label only.
    let text = readText(well);
    const aria = (well.getAttribute('aria-label') ?? '').slice(0, MAX_ADDRESS_TEXT);
    let marks = roleLabels(text);
    if (!marks.length && aria) {
      const m = new RegExp(`^\\s*(${[...L.to, ...L.cc, ...L.bcc].map(esc).join('|')})\\s*:`, 'i').exec(aria);
      if (m) {
        text = `${m[1]}: ${text}`;
        marks = roleLabels(text);
      }
    }
    if (!marks.length) marks.push({ role: L.to[0], start: 0, end: 0 });
    marks.forEach((mk, i) => {
      const section = text.slice(mk.end, marks[i + 1]?.start ?? text.length);
      const role = mk.role.toLowerCase();
      const target = (L.cc as readonly string[]).some((l) => l.toLowerCase() === role)
        ? cc
        : (L.bcc as readonly string[]).some((l) => l.toLowerCase() === role)
          ? undefined
          : to;
      if (!target) return;
      for (const item of section.split(/[;\n]/)) {
        const a = parseRecipient(item, chipEmails);
        if (!a || target.length >= LIMITS.recipients) continue;
        if (a.email ? target.some((x) => x.email === a.email) : target.some((x) => !x.email && x.name === a.name)) continue;
        target.push(a);
      }
    });
  }
  return { to, cc };
}

function sortByDocument(els: Iterable<Element>): Element[] {
  return [...els].sort((a, b) => (a === b ? 0 : a.compareDocumentPosition(b) & 4 ? -1 : 1));
}

/** Message elements of the pane: structure first (container, body), label second; outermost only. */
function messageElements(pane: Element): Element[] {
  const labelSel = S.messageLabelled.selectors.join(', ');
  const found = new Set<Element>();
  for (const c of queryAll(pane, S.messageContainer)) found.add(c.closest(labelSel) ?? c);
  for (const b of queryAll(pane, S.body)) {
    if (![...found].some((f) => f.contains(b))) found.add(b.closest(labelSel) ?? b.parentElement ?? b);
  }
  for (const l of Array.from(pane.querySelectorAll(labelSel))) found.add(l);
  const list = [...found];
  return sortByDocument(list.filter((el) => !list.some((o) => o !== el && o.contains(el))));
}

function dateOf(msg: Element, dayFirst: boolean): { dateText: string; date?: string } {
  const el = queryFirst(msg, S.date);
  const candidates = el ? [el.getAttribute('datetime'), el.getAttribute('title'), el.textContent] : [];
  // Fallback: any element whose title reads as a date (outside the body).
  if (!el) {
    for (const t of Array.from(msg.querySelectorAll('[title]'))) {
      if (t.closest(S.body.selectors.join(', '))) continue;
      candidates.push(t.getAttribute('title'));
    }
  }
  for (const c of candidates) {
    const text = oneLine(c);
    const date = parseMailDate(text, { dayFirst });
    if (date) return { dateText: clip(el ? oneLine(el.textContent) || text : text, 200), date };
  }
  return { dateText: clip(oneLine(el?.textContent), 200) };
}

/**
 * What an Outlook page shows: the recipients of a message being written when one is open with
 * recipients (a new mail, or an inline reply below the conversation), else the conversation.
 */
export function parseOutlookPage(doc: Document, url: string): ThreadCapture | NotCapturable | ComposeCapture {
  if (!isOutlookUrl(url)) return parseOutlookThread(doc, url);
  const recipients = readOutlookCompose(doc);
  if (!recipients.length) return parseOutlookThread(doc, url);
  const userEmail = outlookUserEmail(doc);
  return { kind: 'compose', site: SITE, ...(userEmail ? { userEmail } : {}), recipients };
}

function isOutlookUrl(url: string): boolean {
  try {
    return OUTLOOK_HOSTS.includes(new URL(url).hostname);
  } catch {
    return false;
  }
}

export function parseOutlookThread(doc: Document, url: string): ThreadCapture | NotCapturable {
  try {
    return parse(doc, url);
  } catch (e) {
    if (e instanceof MissingElementError) return notCapturable(SITE, 'missing-field', e.message, e.field);
    return notCapturable(SITE, 'invalid', `parser error: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function parse(doc: Document, url: string): ThreadCapture | NotCapturable {
  if (!isOutlookUrl(url)) return notCapturable(SITE, 'unsupported-page', `not an Outlook URL: ${url.slice(0, 200)}`);

  const pane = queryAll(doc, S.readingPane).find((p) => !isStructurallyHidden(p));
  const listCount = queryAll(doc, S.listItem).length;
  if (!pane) return notCapturable(SITE, 'no-thread', `no reading pane (message list with ${listCount} items)`);
  const messageEls = messageElements(pane).filter((m) => !isStructurallyHidden(m, pane));
  if (!messageEls.length) {
    return notCapturable(
      SITE,
      'no-thread',
      `reading pane shows no message (nothing selected or empty folder; list has ${listCount} items)`,
    );
  }

  const subjectEl = queryAll(pane, S.subject).find((h) => !isStructurallyHidden(h, pane) && !messageEls.some((m) => m.contains(h)));
  if (!subjectEl) throw new MissingElementError(S.subject, 'reading pane');
  const subject = clip(oneLine(subjectEl.getAttribute('title') || subjectEl.textContent), 2000);

  const threadId =
    threadIdFromOutlookUrl(url) ??
    queryFirst(doc, S.selectedListItem)?.getAttribute('data-convid') ??
    pane.querySelector('[data-convid]')?.getAttribute('data-convid') ??
    undefined;
  if (!threadId) throw new MissingElementError({ name: 'threadId', selectors: ['URL /mail/…/id/<id>', ...S.selectedListItem.selectors] });

  const dayFirst = !/^en(-US)?$/i.test(doc.documentElement.lang || 'en-US');
  const seen = new Map<string, number>();
  let messages: MailMessage[] = [];
  for (let i = 0; i < messageEls.length && messages.length < LIMITS.messages; i++) {
    const el = messageEls[i];
    const from = sender(el, i);
    const { dateText, date } = dateOf(el, dayFirst);
    const bodyEl = queryFirst(el, S.body);
    const collapsed = !bodyEl;
    let bodyText = '';
    let quotedText = '';
    let signature = '';
    let links: string[] = [];
    let snippet: string;
    let to: MailAddress[] = [];
    let cc: MailAddress[] = [];
    if (bodyEl) {
      const parts = extractMessageParts(bodyEl);
      bodyText = clip(parts.body, LIMITS.bodyText);
      quotedText = clip(parts.quoted, LIMITS.quotedText);
      signature = clip(parts.signature, LIMITS.signature);
      links = parts.links.slice(0, LIMITS.links).filter((l) => l.length <= 2000);
      snippet = oneLine(parts.body);
      ({ to, cc } = recipients(el));
    } else {
      const snip = queryFirst(el, S.snippet);
      if (snip) snippet = oneLine(snip.textContent);
      else {
        // The collapsed item's own text, minus the sender and date lines.
        const drop = new Set(
          [oneLine(queryFirst(el, S.sender)?.closest('[aria-label]')?.textContent), dateText, from.name].filter(Boolean),
        );
        snippet = readText(el)
          .split('\n')
          .map(oneLine)
          .filter((l) => l && !drop.has(l))
          .join(' ');
      }
    }
    snippet = clip(snippet, 200);

    let messageId = MESSAGE_ID_ATTRS.map((a) => el.getAttribute(a)?.trim()).find(Boolean);
    if (!messageId) {
      // Stable across collapsed/expanded rendering: conversation, sender and time only.
      const base = `outlook-${stableHash(`${threadId}\n${from.email ?? from.name}\n${date ?? dateText}`)}`;
      const n = (seen.get(base) ?? 0) + 1;
      seen.set(base, n);
      messageId = n === 1 ? base : `${base}-${n}`;
    }
    messages.push({
      messageId,
      from,
      to,
      cc,
      ...(date ? { date } : {}),
      dateText,
      snippet,
      bodyText,
      quotedText,
      signature,
      links,
      direction: 'incoming',
      collapsed,
    });
  }
  messages = resolveNamesFromThread(messages);

  const userEmail = outlookUserEmail(doc);
  const capture: ThreadCapture = {
    kind: 'thread',
    site: SITE,
    threadId: clip(threadId, 300),
    subject,
    url: clip(url, 4000),
    ...(userEmail ? { userEmail } : {}),
    messages,
    participants: [],
  };
  return classifyParticipants(capture);
}
