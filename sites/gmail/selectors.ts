// Every Gmail page hook the parser uses, with fallbacks, in one place (see DOM-NOTES.md, Gmail).
// `seenIn` names the fixture pages (tests/fixtures/gmail/) each one must match; a test checks it.
// Fixtures were constructed 2026-11 from the hooks public extensions rely on (2023–2025); no real
// Gmail page is public, so a hook that Gmail renames shows up as `missing-field`, not as a crash.
import type { SelectorSpec } from '../common/selector-spec';

const THREADS = [
  'thread-3-messages-cc.html',
  'thread-collapsed.html',
  'thread-hidden-previous.html',
  'thread-hidden-main.html',
  'thread-non-ascii.html',
  'thread-xss.html',
  'thread-200-messages.html',
];

export const GMAIL_HOST = 'mail.google.com';

export const S = {
  main: {
    name: 'main',
    selectors: ['div[role="main"]', '[role="main"]'],
    seenIn: [...THREADS, 'inbox-list.html', 'empty-inbox.html'],
  },
  /** The open thread's subject heading; carries the thread ids. Old conversations stay in the DOM, hidden. */
  subject: {
    name: 'subject',
    selectors: ['h2.hP', 'h2[data-thread-perm-id]', 'h2[data-legacy-thread-id]'],
    seenIn: THREADS,
  },
  /** One message of the thread, expanded (`.h7`) or collapsed (`.kv`); `.kQ` = listed without detail. */
  message: {
    name: 'message',
    selectors: ['div.adn', 'div[data-message-id]', 'div[data-legacy-message-id]'],
    seenIn: THREADS,
  },
  sender: {
    name: 'sender',
    selectors: ['span.gD[email]', 'span.zF[email]', 'span.yP[email]', 'h3 span[email]'],
    seenIn: THREADS,
  },
  /** Recipient chips in the header line ("to me, Ben"): to, cc and bcc together. */
  recipientLine: {
    name: 'recipientLine',
    selectors: ['span.hb', 'div.ajw'],
    seenIn: ['thread-3-messages-cc.html', 'thread-non-ascii.html'],
  },
  recipient: {
    name: 'recipient',
    selectors: ['span.g2[email]', '.hb span[email]'],
    seenIn: ['thread-3-messages-cc.html', 'thread-non-ascii.html', 'thread-200-messages.html'],
  },
  /** The "show details" table: rows "from:", "to:", "cc:", "date:", each holding `span.g2` chips. */
  detailsTable: {
    name: 'detailsTable',
    selectors: ['table.ajC'],
    seenIn: ['thread-3-messages-cc.html'],
  },
  /** Full date text is in the `title` attribute. */
  date: {
    name: 'date',
    selectors: ['span.g3[title]', 'td.gH span[title]', 'span.g3'],
    seenIn: THREADS,
  },
  body: {
    name: 'body',
    selectors: ['div.a3s', 'div.ii.gt'],
    seenIn: THREADS,
  },
  /** Snippet line of a collapsed message. */
  snippet: {
    name: 'snippet',
    selectors: ['.iA.g6', 'span.g6', '.y2'],
    seenIn: ['thread-collapsed.html', 'thread-200-messages.html'],
  },
  /** Thread list rows (inbox, labels, search results): not a conversation. */
  listRow: {
    name: 'listRow',
    selectors: ['tr.zA'],
    seenIn: ['inbox-list.html'],
  },
  /** The account button in the top bar; its aria-label holds name and address. */
  accountButton: {
    name: 'accountButton',
    selectors: ['a[aria-label*="@"][href*="accounts.google.com"]', 'header a[aria-label*="@"]', '[role="banner"] [aria-label*="@"]'],
    seenIn: [...THREADS, 'inbox-list.html', 'empty-inbox.html'],
  },
} satisfies Record<string, SelectorSpec>;

/** Attributes that carry ids, in order of preference. */
export const THREAD_ID_ATTRS = ['data-legacy-thread-id', 'data-thread-perm-id'] as const;
export const MESSAGE_ID_ATTRS = ['data-legacy-message-id', 'data-message-id'] as const;

/** Classes of a message element: collapsed, and listed without detail ("N older messages"). */
export const COLLAPSED_CLASS = 'kv';
export const NOT_LOADED_CLASS = 'kQ';

/** Labels of the details table rows, lowercased, without the colon. */
export const TO_LABELS = ['to', 'an', 'à', 'para', 'a', 'aan'];
export const CC_LABELS = ['cc', 'kopie'];
export const BCC_LABELS = ['bcc', 'cci', 'cco'];
