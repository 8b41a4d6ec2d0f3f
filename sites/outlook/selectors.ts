// Every Outlook-on-the-web hook the parser uses, with fallbacks, in one place (DOM-NOTES.md,
// Outlook). Structure first (ids, data-* attributes, `data-testid`, layout classes), localized
// aria-labels second. `seenIn` names the fixture pages (tests/fixtures/outlook/) each must match.
// Hooks marked "assumed" are not in DOM-NOTES: the parser works without them.
import type { SelectorSpec } from '../common/selector-spec';

const THREADS = ['thread-en.html', 'thread-de.html', 'thread-xss-nonascii.html'];

export const OUTLOOK_HOSTS = ['outlook.office.com', 'outlook.office365.com', 'outlook.live.com', 'outlook.cloud.microsoft'];

/** Localized labels (English, German). Matching is exact on aria-label, prefix on "From:" etc. */
export const L = {
  emailMessage: ['Email message', 'E-Mail-Nachricht'],
  messageBody: ['Message body', 'Nachrichtentext'],
  from: ['From', 'Von'],
  to: ['To', 'An'],
  cc: ['Cc', 'CC'],
  bcc: ['Bcc', 'BCC'],
} as const;

const labelled = (labels: readonly string[], tag = '') => labels.map((l) => `${tag}[aria-label="${l}"]`);
const labelPrefix = (labels: readonly string[], tag = '') => labels.map((l) => `${tag}[aria-label^="${l}:"]`);

export const S = {
  /** The reading pane; the first that exists wins. */
  readingPane: {
    name: 'readingPane',
    selectors: [
      '[data-app-section="ConversationContainer"]',
      '#ConversationReadingPaneContainer',
      'div[data-app-section="MailReadCompose"]',
    ],
    seenIn: [...THREADS, 'inbox-empty.html'],
  },
  /** Message list items; `data-convid` is the conversation id. */
  listItem: {
    name: 'listItem',
    selectors: ['#MailList [role="option"][data-convid]', '[role="option"][data-convid]'],
    seenIn: ['thread-en.html', 'thread-de.html'],
  },
  selectedListItem: {
    name: 'selectedListItem',
    selectors: ['#MailList [role="option"][aria-selected="true"][data-convid]', '[role="option"][aria-selected="true"][data-convid]'],
    seenIn: ['thread-en.html', 'thread-de.html'],
  },
  /** Container around one message's header, recipients and body (layout class). */
  messageContainer: {
    name: 'messageContainer',
    selectors: ['div.aVla3'],
    seenIn: THREADS,
  },
  /** One message, by its (localized) label; collapsed messages have no container or body. */
  messageLabelled: {
    name: 'message',
    selectors: [labelled(L.emailMessage).join(', ')],
    seenIn: THREADS,
  },
  /** Subject heading of the open conversation (assumed: `role="heading"` in the pane). */
  subject: {
    name: 'subject',
    selectors: ['[role="heading"][aria-level="2"]', '[role="heading"]', 'h2', 'h1'],
    seenIn: THREADS,
  },
  /** Sender: the labelled span around `span.OZZZK`, or a span labelled "From: …" / "Von: …". */
  sender: {
    name: 'sender',
    selectors: ['span[aria-label] > span.OZZZK', labelPrefix(L.from, 'span').join(', '), labelPrefix(L.from).join(', ')],
    seenIn: THREADS,
  },
  recipientWell: {
    name: 'recipientWell',
    selectors: ['[data-testid="RecipientWell"]', [...labelPrefix(L.to), ...labelPrefix(L.cc)].join(', ')],
    seenIn: THREADS,
  },
  body: {
    name: 'body',
    selectors: ['[id^="UniqueMessageBody"]', labelled(L.messageBody).join(', '), 'div.allowTextSelection'],
    seenIn: THREADS,
  },
  /** Sent/received time (assumed `data-testid`); fallback: any header element whose `title` reads as a date. */
  date: {
    name: 'date',
    selectors: ['[data-testid="SentReceivedSavedTime"]', 'time[datetime]'],
    seenIn: THREADS,
  },
  /** The signed-in mailbox in the folder pane: `title` and `data-folder-name` hold the address. */
  mailboxRoot: {
    name: 'mailboxRoot',
    selectors: ['[id^="primaryMailboxRoot_"]'],
    seenIn: [...THREADS, 'inbox-empty.html'],
  },
  /** Snippet line of a collapsed message (assumed class); fallback: the item's own text. */
  snippet: {
    name: 'snippet',
    selectors: ['[data-testid="ConversationItemPreview"]'],
    seenIn: ['thread-en.html'],
  },
} satisfies Record<string, SelectorSpec>;

const COMPOSE = ['compose-new-en.html', 'compose-reply-de.html'];

/**
 * The message being written (new mail or inline reply). Assumed hooks, from public add-ons that
 * read Outlook's compose form: editable recipient wells labelled To/Cc/Bcc (localized), one pill
 * per recipient inside. Wells are told apart from the reading pane's `RecipientWell` (read
 * messages) by being editable text boxes.
 */
export const COMPOSE_S = {
  toWell: { name: 'compose.to', selectors: [labelled(L.to, '[role="textbox"]').join(', ')], seenIn: COMPOSE },
  ccWell: { name: 'compose.cc', selectors: [labelled(L.cc, '[role="textbox"]').join(', ')], seenIn: COMPOSE },
  bccWell: { name: 'compose.bcc', selectors: [labelled(L.bcc, '[role="textbox"]').join(', ')], seenIn: [] },
  /** One recipient; the address is in its title, its aria-label ("Name <address>") or its text. */
  pill: { name: 'compose.pill', selectors: ['[data-lpc-hover-target], .wellItemText'], seenIn: COMPOSE },
} satisfies Record<string, SelectorSpec>;

/** Attributes that may carry a message's item id (assumed); without them a stable id is synthesized. */
export const MESSAGE_ID_ATTRS = ['data-item-id', 'data-itemid', 'data-message-id'] as const;

/** Thread id in the URL: `/mail/inbox/id/<id>`, `/mail/id/<id>`, `/mail/0/<folder>/id/<id>`, `/mail/deeplink/read/<id>`. */
export const URL_THREAD_ID = /\/mail\/(?:\d+\/)?(?:[^/]+\/)*?(?:id|read)\/([^/?#]+)/;

/**
 * Cheap URL gate for the content script: mail pages (`/mail/…`, and `/owa/…` of older tenants)
 * may show the sidebar; calendar, people, files, to-do… never do, so the script stays idle there
 * until an in-app navigation reaches mail.
 */
export function outlookMayShowSidebar(url: string): boolean {
  try {
    return /^\/(?:mail|owa)(?:\/|$)/i.test(new URL(url).pathname);
  } catch {
    return false;
  }
}
