// Gmail conversation view → ThreadCapture. Pure: reads the document it is given, touches nothing.
import { candidateEmail } from '../../storage/normalize';
import { extractMessageParts } from '../mail/body';
import {
  LIMITS,
  classifyParticipants,
  findEmail,
  notCapturable,
  type MailAddress,
  type MailMessage,
  type NotCapturable,
  type ThreadCapture,
} from '../../capture/mail';
import { parseMailDate } from '../mail/date';
import { MissingElementError, clip, oneLine, queryAll, queryFirst, type SelectorSpec } from '../common/selector-spec';
import { isStructurallyHidden, stableHash } from '../mail/dom';
import {
  BCC_LABELS,
  CC_LABELS,
  COLLAPSED_CLASS,
  GMAIL_HOST,
  MESSAGE_ID_ATTRS,
  NOT_LOADED_CLASS,
  S,
  THREAD_ID_ATTRS,
  TO_LABELS,
} from './selectors';

const SITE = 'gmail';

/** Thread id from a Gmail URL hash (`#inbox/<id>`, `#label/x/<id>`, `#search/q/<id>`…), if any. */
export function threadIdFromGmailUrl(url: string): string | undefined {
  let hash: string;
  try {
    hash = new URL(url).hash;
  } catch {
    return undefined;
  }
  const parts = hash.replace(/^#/, '').split('/').filter(Boolean);
  if (parts.length < 2) return undefined;
  const last = decodeURIComponent(parts[parts.length - 1]).replace(/\?.*$/, '');
  // Page markers like "p2" are short; thread ids are 16 hex digits or long base-64-ish tokens.
  return /^(?:[0-9a-f]{16}|[A-Za-z0-9_-]{20,})$/.test(last) ? last : undefined;
}

/** Signed-in address from `document.title` ("Inbox (3) - user@example.com - Gmail") or the account button. */
export function gmailUserEmail(doc: Document): string | undefined {
  const segments = doc.title.split(/\s[-–—]\s/).map((s) => s.trim());
  for (let i = segments.length - 1; i >= 0; i--) {
    const e = candidateEmail(segments[i]);
    if (e) return e;
  }
  const button = queryFirst(doc, S.accountButton);
  return findEmail(button?.getAttribute('aria-label'));
}

function attr(el: Element, names: readonly string[]): string | undefined {
  for (const n of names) {
    const v = el.getAttribute(n)?.trim();
    if (v) return v;
  }
  return undefined;
}

/** An id attribute on the element itself or, failing that, on a descendant. */
function idFrom(el: Element, names: readonly string[]): string | undefined {
  const own = attr(el, names);
  if (own) return own;
  for (const n of names) {
    const inner = el.querySelector(`[${n}]`)?.getAttribute(n)?.trim();
    if (inner) return inner;
  }
  return undefined;
}

function address(el: Element): MailAddress {
  const email = candidateEmail(el.getAttribute('email')) ?? findEmail(el.getAttribute('data-hovercard-id'));
  const name = oneLine(el.getAttribute('name') ?? el.textContent);
  return { ...(email ? { email } : {}), name: clip(name === email ? '' : name, 300) };
}

function pushUnique(list: MailAddress[], a: MailAddress) {
  if (list.length >= LIMITS.recipients) return;
  if (a.email ? list.some((x) => x.email === a.email) : list.some((x) => !x.email && x.name === a.name)) return;
  list.push(a);
}

/**
 * The header line of a message that holds its recipient chips: the first known wrapper that holds
 * any chip, else the whole message (chips wherever the header wraps them; the body is skipped).
 */
function recipientLine(message: Element): Element {
  for (const sel of S.recipientLine.selectors) {
    for (const line of Array.from(message.querySelectorAll(sel))) if (queryFirst(line, S.recipient)) return line;
  }
  return message;
}

/** To and cc of an expanded message: the details table when present, else the header line (`skip`: the body). */
function recipients(table: Element | null, line: Element | null, skip?: Element): { to: MailAddress[]; cc: MailAddress[] } {
  const to: MailAddress[] = [];
  const cc: MailAddress[] = [];
  let fromTable = false;
  if (table) {
    for (const row of Array.from(table.querySelectorAll('tr'))) {
      const label = oneLine(row.firstElementChild?.textContent).toLowerCase().replace(/:$/, '').trim();
      const target = TO_LABELS.includes(label) ? to : CC_LABELS.includes(label) ? cc : undefined;
      if (!target) continue;
      fromTable = true;
      for (const chip of queryAll(row, S.recipient)) pushUnique(target, address(chip));
    }
  }
  if (fromTable) return { to, cc };

  // Header line: "to me, Ben, cc: Carol" — a "cc:" text switches the target.
  if (!line) return { to, cc };
  const chips = new Set(queryAll(line, S.recipient));
  let target = to;
  const visit = (node: Node) => {
    for (let n = node.firstChild; n; n = n.nextSibling) {
      if (n.nodeType === 3) {
        const m = /\b(cc|bcc|kopie|cci|cco)\s*:/.exec((n.nodeValue ?? '').toLowerCase());
        if (m) target = BCC_LABELS.includes(m[1]) ? [] : cc;
      } else if (n.nodeType === 1 && n !== skip) {
        if (chips.has(n as Element)) pushUnique(target, address(n as Element));
        else visit(n);
      }
    }
  };
  visit(line);
  return { to, cc };
}

/** Outermost matches only (a fallback selector may match nested elements). */
function outermost(els: Element[]): Element[] {
  const set = new Set(els);
  return els.filter((el) => {
    for (let p = el.parentElement; p; p = p.parentElement) if (set.has(p)) return false;
    return true;
  });
}

export function parseGmailThread(doc: Document, url: string): ThreadCapture | NotCapturable {
  try {
    return parse(doc, url);
  } catch (e) {
    if (e instanceof MissingElementError) return notCapturable(SITE, 'missing-field', e.message, e.field);
    return notCapturable(SITE, 'invalid', `parser error: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function parse(doc: Document, url: string): ThreadCapture | NotCapturable {
  let host = '';
  try {
    host = new URL(url).hostname;
  } catch {
    /* handled below */
  }
  if (host !== GMAIL_HOST) return notCapturable(SITE, 'unsupported-page', `not a Gmail URL: ${url.slice(0, 200)}`);

  // Every main region: Gmail keeps earlier views in the DOM, hidden, and one may come before the
  // visible one, so the first `[role=main]` is not necessarily the page's main area.
  const mains = outermost(queryAll(doc, S.main));
  if (!mains.length) throw new MissingElementError(S.main, 'page');
  const inMains = (spec: Pick<SelectorSpec, 'selectors'>) =>
    mains.flatMap((m) => queryAll(m, spec)).filter((el) => !isStructurallyHidden(el));
  const urlThreadId = threadIdFromGmailUrl(url);

  // The open thread: a visible subject heading (hidden ones are conversations opened earlier).
  const subjects = inMains(S.subject);
  if (!subjects.length) {
    const rows = inMains(S.listRow);
    if (rows.length) return notCapturable(SITE, 'no-thread', `thread list with ${rows.length} rows, no open conversation`);
    const visibleMessages = inMains(S.message);
    if (visibleMessages.length) throw new MissingElementError(S.subject, 'open conversation');
    return notCapturable(SITE, 'no-thread', 'no visible conversation (empty folder or list view)');
  }
  const heading =
    (urlThreadId && subjects.find((h) => THREAD_ID_ATTRS.some((a) => h.getAttribute(a)?.endsWith(urlThreadId)))) || subjects[0];

  // The thread's container: the nearest ancestor of the heading that holds messages.
  const main = mains.find((m) => m.contains(heading)) ?? mains[0];
  let scope: Element | null = heading.parentElement;
  while (scope && scope !== main.parentElement && !queryFirst(scope, S.message)) scope = scope.parentElement;
  if (!scope || scope === main.parentElement) throw new MissingElementError(S.message, 'open conversation');

  const threadId = attr(heading, THREAD_ID_ATTRS) ?? urlThreadId;
  if (!threadId)
    throw new MissingElementError({ name: 'threadId', selectors: [...THREAD_ID_ATTRS.map((a) => `h2.hP[${a}]`), 'URL #<folder>/<id>'] });
  const subject = clip(oneLine(heading.textContent), 2000);

  const messageEls = outermost(queryAll(scope, S.message)).filter((m) => !isStructurallyHidden(m, scope));
  if (!messageEls.length) throw new MissingElementError(S.message, 'open conversation');

  const dayFirst = !/^en(-US)?$/i.test(doc.documentElement.lang || 'en');

  const messages: MailMessage[] = [];
  let omitted = 0;
  for (let i = 0; i < messageEls.length && messages.length < LIMITS.messages; i++) {
    const el = messageEls[i];
    const senderEl = queryFirst(el, S.sender);
    if (!senderEl) {
      if (el.classList.contains(NOT_LOADED_CLASS)) {
        omitted++;
        continue;
      }
      throw new MissingElementError(S.sender, `message ${i + 1}`);
    }
    const from = address(senderEl);
    const dateEl = queryFirst(el, S.date);
    const dateText = clip(oneLine(dateEl?.getAttribute('title') || dateEl?.textContent), 200);
    const date = parseMailDate(dateText, { dayFirst });
    const bodyEl = queryFirst(el, S.body);
    const collapsed = el.classList.contains(COLLAPSED_CLASS) || !bodyEl;

    let bodyText = '';
    let quotedText = '';
    let signature = '';
    let links: string[] = [];
    let snippet: string;
    let to: MailAddress[] = [];
    let cc: MailAddress[] = [];
    if (!collapsed && bodyEl) {
      const parts = extractMessageParts(bodyEl);
      bodyText = clip(parts.body, LIMITS.bodyText);
      quotedText = clip(parts.quoted, LIMITS.quotedText);
      signature = clip(parts.signature, LIMITS.signature);
      links = parts.links.slice(0, LIMITS.links).filter((l) => l.length <= 2000);
      snippet = oneLine(parts.body);
      ({ to, cc } = recipients(queryFirst(el, S.detailsTable), recipientLine(el), bodyEl));
    } else {
      snippet = oneLine(queryFirst(el, S.snippet)?.textContent);
    }
    snippet = clip(snippet, 200);

    const messageId =
      idFrom(el, MESSAGE_ID_ATTRS)?.replace(/^#/, '') ??
      `gmail-${stableHash(`${threadId}\n${i}\n${from.email ?? from.name}\n${dateText}\n${snippet}`)}`;
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
  if (!messages.length) throw new MissingElementError(S.sender, 'every message');

  const userEmail = gmailUserEmail(doc);
  const capture: ThreadCapture = {
    kind: 'thread',
    site: SITE,
    threadId: clip(threadId, 300),
    subject,
    url: clip(url, 4000),
    ...(userEmail ? { userEmail } : {}),
    messages,
    ...(omitted ? { omittedMessages: omitted } : {}),
    participants: [],
  };
  return classifyParticipants(capture);
}
