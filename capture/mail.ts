// What a webmail content script hands to the background: a `ThreadCapture`, or a `NotCapturable`
// saying why the page holds no conversation. Shared by Gmail and Outlook. Plain types and pure
// helpers, no zod: content scripts import this. The receivers check what they get against the
// schemas of mail-schema.ts (docs/decisions/0035-validate-captures-at-the-receiver.md).
import { PUBLIC_MAIL_DOMAINS, emailDomain, candidateEmail } from '../storage/normalize';
import { LABEL_ADDRESS_STOP, firstEmailToken, trimTrailingDots } from './text';

export const MAIL_SITES = ['gmail', 'outlook'] as const;
export type MailSite = (typeof MAIL_SITES)[number];

export const DIRECTIONS = ['incoming', 'outgoing', 'internal'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/** Limits: a capture is cut to these sizes by the parsers rather than rejected. */
export const LIMITS = {
  messages: 1000,
  recipients: 500,
  bodyText: 100_000,
  quotedText: 100_000,
  signature: 5_000,
  snippet: 300,
  links: 100,
} as const;

export const NOT_CAPTURABLE_REASONS = [
  /** Not a page of the site the parser is for. */
  'unsupported-page',
  /** A mail page without an open conversation: thread list, empty folder, settings… */
  'no-thread',
  /** A conversation is open but a required element is missing: the page changed. */
  'missing-field',
  /** The result did not pass the schema. */
  'invalid',
] as const;

/** A mailbox as shown on the page. `email` is lowercased; absent when the page shows only a name. */
export interface MailAddress {
  email?: string;
  name: string;
}

export interface MailMessage {
  /** The site's own id (Gmail: legacy hex id; Outlook: item id), or a stable synthesized one. */
  messageId: string;
  from: MailAddress;
  to: MailAddress[];
  cc: MailAddress[];
  /** ISO 8601 (UTC) when `dateText` could be read. */
  date?: string;
  /** The date exactly as the page shows it (often local time without a zone). */
  dateText: string;
  snippet: string;
  /** The new text of the message: without quoted reply and without signature. */
  bodyText: string;
  quotedText: string;
  signature: string;
  /** http(s) links of the message outside its quoted part (signature icons often link LinkedIn). */
  links: string[];
  direction: Direction;
  /** Collapsed on the page: only sender, date and snippet are known. */
  collapsed: boolean;
}

export interface ThreadParticipant {
  email?: string;
  name: string;
  isUser: boolean;
  isInternal: boolean;
  roles: ('from' | 'to' | 'cc')[];
}

export interface ThreadCapture {
  kind: 'thread';
  site: MailSite;
  threadId: string;
  subject: string;
  url: string;
  /** The signed-in mailbox, when the page shows it. */
  userEmail?: string;
  messages: MailMessage[];
  /** Messages the page lists without any detail (e.g. Gmail's "N older messages" bundle). */
  omittedMessages?: number;
  participants: ThreadParticipant[];
}

export interface NotCapturable {
  kind: 'not-capturable';
  site?: MailSite;
  reason: NotCapturableReason;
  /** Human-readable; for `missing-field` it names the field and the selectors tried. */
  detail: string;
  /** For `missing-field`: the field name of the selector spec. */
  field?: string;
}
export type NotCapturableReason = (typeof NOT_CAPTURABLE_REASONS)[number];

export type MailCaptureResult = ThreadCapture | NotCapturable;

// ---------------------------------------------------------------------------------------------
// Participants and direction

export interface ClassifyOptions {
  /** The signed-in address; defaults to `capture.userEmail`. */
  userEmail?: string;
  /** Other addresses of the user (aliases, send-as). */
  userAliases?: readonly string[];
  /**
   * The team's own domains (subdomains match too). When empty or absent: the user's own domain,
   * unless it is a public mailbox provider (gmail.com, outlook.com…), in which case none.
   */
  internalDomains?: readonly string[];
}

/** Internal domains in effect for a user (see `ClassifyOptions.internalDomains`). */
export function effectiveInternalDomains(userEmail: string | undefined, configured?: readonly string[]): string[] {
  const list = (configured ?? [])
    .map((d) =>
      d
        .trim()
        .toLowerCase()
        .replace(/^@/, '')
        .replace(/^www\./, ''),
    )
    .filter(Boolean);
  if (list.length) return list;
  const user = candidateEmail(userEmail);
  if (!user) return [];
  const domain = emailDomain(user);
  return PUBLIC_MAIL_DOMAINS.has(domain) ? [] : [domain];
}

function domainIn(domain: string, domains: readonly string[]): boolean {
  return domains.some((d) => domain === d || domain.endsWith(`.${d}`));
}

/**
 * Recomputes `participants` and each message's `direction` (pure: returns a new capture).
 * - a participant is the user when its address is the user's (or an alias);
 * - internal = the user, or an address on an internal domain;
 * - a message from the user or from an internal address is `outgoing`, or `internal` when it has
 *   recipients and every one of them is internal too; anything else is `incoming`.
 * Recipients the page shows without an address count as external.
 */
export function classifyParticipants(capture: ThreadCapture, opts: ClassifyOptions = {}): ThreadCapture {
  const userEmail = candidateEmail(opts.userEmail ?? capture.userEmail);
  const userSet = new Set<string>();
  if (userEmail) userSet.add(userEmail);
  for (const a of opts.userAliases ?? []) {
    const n = candidateEmail(a);
    if (n) userSet.add(n);
  }
  const domains = effectiveInternalDomains(userEmail, opts.internalDomains);
  const isUser = (email?: string) => !!email && userSet.has(email);
  const isInternal = (email?: string) => !!email && (userSet.has(email) || domainIn(emailDomain(email), domains));

  const byKey = new Map<string, ThreadParticipant>();
  const add = (a: MailAddress, role: 'from' | 'to' | 'cc') => {
    const email = candidateEmail(a.email);
    const key = email ?? `name:${a.name.trim().toLowerCase()}`;
    if (!email && !a.name.trim()) return;
    let p = byKey.get(key);
    if (!p) {
      p = { ...(email ? { email } : {}), name: a.name.trim(), isUser: isUser(email), isInternal: isInternal(email), roles: [] };
      byKey.set(key, p);
    } else if (!p.name && a.name.trim()) {
      p.name = a.name.trim();
    }
    if (!p.roles.includes(role)) p.roles.push(role);
  };

  const messages = capture.messages.map((m) => {
    add(m.from, 'from');
    m.to.forEach((a) => add(a, 'to'));
    m.cc.forEach((a) => add(a, 'cc'));
    const from = candidateEmail(m.from.email);
    let direction: Direction = 'incoming';
    if (isInternal(from)) {
      const rcpts = [...m.to, ...m.cc];
      direction = rcpts.length && rcpts.every((r) => isInternal(candidateEmail(r.email))) ? 'internal' : 'outgoing';
    }
    return direction === m.direction ? m : { ...m, direction };
  });
  return {
    ...capture,
    ...(userEmail ? { userEmail } : {}),
    messages,
    participants: [...byKey.values()],
  };
}

/**
 * Fills in addresses of name-only entries (Outlook often shows "To: Jane Doe; Max Müller") from
 * other places of the same thread where that name appears with an address.
 */
export function resolveNamesFromThread(messages: MailMessage[]): MailMessage[] {
  const byName = new Map<string, string>();
  const note = (a: MailAddress) => {
    const key = a.name.trim().toLowerCase();
    if (a.email && key && !byName.has(key)) byName.set(key, a.email);
  };
  for (const m of messages) {
    note(m.from);
    m.to.forEach(note);
    m.cc.forEach(note);
  }
  const fix = (a: MailAddress): MailAddress => {
    if (a.email) return a;
    const email = byName.get(a.name.trim().toLowerCase());
    return email ? { ...a, email } : a;
  };
  return messages.map((m) => ({ ...m, from: fix(m.from), to: m.to.map(fix), cc: m.cc.map(fix) }));
}

export function notCapturable(site: MailSite, reason: NotCapturable['reason'], detail: string, field?: string): NotCapturable {
  return { kind: 'not-capturable', site, reason, detail: detail.slice(0, 2000), ...(field ? { field } : {}) };
}

/**
 * Longest label, title or chip text read for an address ("Jane Doe <jane@x.test>" is far
 * shorter: a name ≤ 300, an address ≤ 320); the rest is ignored.
 */
export const MAX_ADDRESS_TEXT = 2_000;

/**
 * An address from free text: "Jane Doe <jane@x.test>", "jane@x.test", "mailto:…", or undefined.
 * The first token matching `[^S]+@[^S]+\.[^S]+` (S = LABEL_ADDRESS_STOP), found by a linear scan:
 * as a regular expression it is cubic on "a@a@a@" text.
 */
export function findEmail(text: string | null | undefined): string | undefined {
  if (!text) return undefined;
  const m = firstEmailToken(text.length > MAX_ADDRESS_TEXT ? text.slice(0, MAX_ADDRESS_TEXT) : text, LABEL_ADDRESS_STOP);
  return m ? candidateEmail(trimTrailingDots(m.replace(/^mailto:/i, ''))) : undefined;
}
