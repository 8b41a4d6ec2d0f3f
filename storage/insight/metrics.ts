// Interaction metrics of a person (or a company: the union of its people's activities, each counted
// once) from activity metadata only — type, direction, time, thread; never content.
//
// Definitions:
// - Interaction: an e-mail, call, meeting or note. A profile capture or a task is not being in touch
//   with someone; they are counted by type but never set first/last interaction.
// - Inbound / outbound: e-mails with direction `incoming` / `outgoing` (internal or unknown: neither).
// - Two-way exchange: every call and every meeting; and every e-mail *reply*: an inbound or outbound
//   e-mail whose predecessor in the same thread (threads ordered by time, inbound before outbound at
//   the same instant) has the opposite direction and is at most REPLY_WINDOW_DAYS older. So "they
//   wrote, the user answered" is one exchange, and their answer to that is a second one. E-mails
//   without a thread are never replies.
// - Windows: "the last N days" are the N local calendar days ending with the as-of day (the as-of
//   day and the N−1 days before it), up to the as-of instant; later activities (a meeting planned
//   for next week) are not counted anywhere.
//
// The aggregate keeps, per kind, the sorted times of the person's activities (one number each) and,
// per thread, the times and directions of its e-mails: adding and removing in any order gives the
// same aggregate as a recompute, and metrics can be asked for any as-of date. Queries are binary
// searches; an add or remove costs O(n) in the person's activities (a splice), O(k) in the thread.
import type { Activity } from '../schema';
import { ACTIVITY_TYPES } from '../schema';

export type ActivityType = (typeof ACTIVITY_TYPES)[number];
export const WINDOW_DAYS = [30, 90, 365] as const;
export type WindowDays = (typeof WINDOW_DAYS)[number];
/** An answer more than this many days after the message it answers starts a new conversation. */
export const REPLY_WINDOW_DAYS = 14;
/** Half-life of the decayed sums (an exchange 30 days old weighs half of one today). */
export const DEFAULT_HALF_LIFE_DAYS = 30;

const DAY_MS = 86_400_000;

/** What metrics read of an activity. */
export type ActivityFacts = Pick<Activity, 'type' | 'occurredAt' | 'direction' | 'threadId'>;

/** Sorted times (ms) by kind. `reply`: e-mail exchanges (derived from `threads`). */
type Kind = ActivityType | 'in' | 'out' | 'reply';
/** Thread messages: [time ms, 0 = inbound | 1 = outbound], sorted by time then direction. */
type ThreadMessage = [number, 0 | 1];

export interface MetricsAggregate {
  times: Record<Kind, number[]>;
  threads: Record<string, ThreadMessage[]>;
}

export interface WindowCounts {
  byType: Record<ActivityType, number>;
  inbound: number;
  outbound: number;
  /** Two-way exchanges (see above). */
  twoWay: number;
  /** Inbound and outbound e-mails that are not replies. */
  oneWay: number;
}

export interface InteractionMetrics {
  asOf: string;
  firstAt?: string;
  lastAt?: string;
  lastInboundAt?: string;
  lastOutboundAt?: string;
  lastTwoWayAt?: string;
  /** Up to the as-of instant, since the beginning. */
  total: WindowCounts;
  windows: Record<WindowDays, WindowCounts>;
  /** Σ 0.5^(age / half-life) over two-way exchanges and over one-way e-mails up to as-of (age in days). */
  decayed: { twoWay: number; oneWay: number; halfLifeDays: number };
}

const KINDS: readonly Kind[] = [...ACTIVITY_TYPES, 'in', 'out', 'reply'];
const INTERACTION_TYPES: readonly ActivityType[] = ['email', 'call', 'meeting', 'note'];

export function emptyAggregate(): MetricsAggregate {
  const times = {} as Record<Kind, number[]>;
  for (const k of KINDS) times[k] = [];
  return { times, threads: {} };
}

/** Index of the first element ≥ t (`strict`: > t). */
function bound(arr: readonly number[], t: number, strict = false): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid] < t || (strict && arr[mid] === t)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insertTime(arr: number[], t: number): void {
  arr.splice(bound(arr, t), 0, t);
}

function removeTime(arr: number[], t: number): void {
  const i = bound(arr, t);
  if (arr[i] === t) arr.splice(i, 1);
}

function emailDirection(a: ActivityFacts): 0 | 1 | undefined {
  if (a.type !== 'email') return undefined;
  return a.direction === 'incoming' ? 0 : a.direction === 'outgoing' ? 1 : undefined;
}

/** Times of the replies in one thread (see the definition at the top). */
function threadReplies(messages: readonly ThreadMessage[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < messages.length; i++) {
    const [t, dir] = messages[i];
    const [pt, pdir] = messages[i - 1];
    if (dir !== pdir && t - pt <= REPLY_WINDOW_DAYS * DAY_MS) out.push(t);
  }
  return out;
}

function compareMessages(a: ThreadMessage, b: ThreadMessage): number {
  return a[0] - b[0] || a[1] - b[1];
}

/** Changes a thread and moves its replies in `times.reply` along (only that thread is re-read). */
function changeThread(agg: MetricsAggregate, threadId: string, message: ThreadMessage, add: boolean): void {
  const messages = agg.threads[threadId] ?? [];
  for (const t of threadReplies(messages)) removeTime(agg.times.reply, t);
  if (add) {
    let i = 0;
    while (i < messages.length && compareMessages(messages[i], message) <= 0) i++;
    messages.splice(i, 0, message);
  } else {
    const i = messages.findIndex((m) => compareMessages(m, message) === 0);
    if (i >= 0) messages.splice(i, 1);
  }
  for (const t of threadReplies(messages)) insertTime(agg.times.reply, t);
  if (messages.length) agg.threads[threadId] = messages;
  else delete agg.threads[threadId];
}

function change(agg: MetricsAggregate, a: ActivityFacts, add: boolean): MetricsAggregate {
  const t = Date.parse(a.occurredAt);
  if (Number.isNaN(t)) return agg;
  const edit = add ? insertTime : removeTime;
  edit(agg.times[a.type], t);
  const dir = emailDirection(a);
  if (dir !== undefined) {
    edit(agg.times[dir === 0 ? 'in' : 'out'], t);
    if (a.threadId) changeThread(agg, a.threadId, [t, dir], add);
  }
  return agg;
}

/** Counts one more activity. Updates `agg` in place (a value the caller owns) and returns it. */
export function addActivity(agg: MetricsAggregate, a: ActivityFacts): MetricsAggregate {
  return change(agg, a, true);
}

/**
 * Takes back an activity added before, as it was when added (for an edit: remove the old version,
 * add the new one). Updates `agg` in place and returns it; an activity never added changes nothing.
 */
export function removeActivity(agg: MetricsAggregate, a: ActivityFacts): MetricsAggregate {
  return change(agg, a, false);
}

/** The aggregate of a full recompute, built in one pass and a sort (n log n; not n adds). */
export function aggregateFrom(activities: Iterable<ActivityFacts>): MetricsAggregate {
  const agg = emptyAggregate();
  for (const a of activities) {
    const t = Date.parse(a.occurredAt);
    if (Number.isNaN(t)) continue;
    agg.times[a.type].push(t);
    const dir = emailDirection(a);
    if (dir === undefined) continue;
    agg.times[dir === 0 ? 'in' : 'out'].push(t);
    if (a.threadId) (agg.threads[a.threadId] ??= []).push([t, dir]);
  }
  for (const messages of Object.values(agg.threads)) {
    messages.sort(compareMessages);
    for (const t of threadReplies(messages)) agg.times.reply.push(t);
  }
  for (const k of KINDS) agg.times[k].sort((x, y) => x - y);
  return agg;
}

/**
 * A company's activities: those linked to the company or to any of its people, each once (an
 * e-mail to two of its people is one interaction with the company).
 */
export function companyActivities<A extends Pick<Activity, 'id' | 'contactIds' | 'companyIds'>>(
  activities: Iterable<A>,
  companyId: string,
  contactIds: Iterable<string>,
): A[] {
  const people = new Set(contactIds);
  const seen = new Set<string>();
  const out: A[] = [];
  for (const a of activities) {
    if (seen.has(a.id)) continue;
    if (a.companyIds?.includes(companyId) || a.contactIds.some((c) => people.has(c))) {
      seen.add(a.id);
      out.push(a);
    }
  }
  return out;
}

/** Local midnight of the day `days` calendar days after the local day of `t` (DST-safe). */
export function localDayStart(t: number, days = 0): number {
  const d = new Date(t);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + days).getTime();
}

/** Local calendar days from the day of `from` to the day of `to` (0 = the same day). */
export function calendarDaysBetween(from: number, to: number): number {
  const a = new Date(from);
  const b = new Date(to);
  return Math.round((Date.UTC(b.getFullYear(), b.getMonth(), b.getDate()) - Date.UTC(a.getFullYear(), a.getMonth(), a.getDate())) / DAY_MS);
}

/** How many of the sorted times fall in [from, to]. */
function countIn(arr: readonly number[], from: number, to: number): number {
  return Math.max(0, bound(arr, to, true) - bound(arr, from));
}

/** The last time ≤ `to`, as ISO. */
function lastUpTo(arr: readonly number[], to: number): string | undefined {
  const i = bound(arr, to, true) - 1;
  return i >= 0 ? new Date(arr[i]).toISOString() : undefined;
}

function countsIn(agg: MetricsAggregate, from: number, to: number): WindowCounts {
  const byType = {} as Record<ActivityType, number>;
  for (const type of ACTIVITY_TYPES) byType[type] = countIn(agg.times[type], from, to);
  const inbound = countIn(agg.times.in, from, to);
  const outbound = countIn(agg.times.out, from, to);
  const replies = countIn(agg.times.reply, from, to);
  return { byType, inbound, outbound, twoWay: replies + byType.call + byType.meeting, oneWay: inbound + outbound - replies };
}

function decayedSum(arr: readonly number[], to: number, halfLifeDays: number): number {
  let sum = 0;
  const end = bound(arr, to, true);
  for (let i = 0; i < end; i++) sum += Math.pow(0.5, (to - arr[i]) / DAY_MS / halfLifeDays);
  return sum;
}

/** The metrics as of an instant (ISO), from the aggregate. */
export function metricsOf(agg: MetricsAggregate, asOf: string, halfLifeDays = DEFAULT_HALF_LIFE_DAYS): InteractionMetrics {
  const to = Date.parse(asOf);
  if (Number.isNaN(to)) throw new RangeError(`metricsOf: as-of "${asOf}" is not a date`);
  const windows = {} as Record<WindowDays, WindowCounts>;
  for (const days of WINDOW_DAYS) windows[days] = countsIn(agg, localDayStart(to, 1 - days), to);
  let first: number | undefined;
  let last: number | undefined;
  for (const type of INTERACTION_TYPES) {
    const arr = agg.times[type];
    if (arr.length && arr[0] <= to && (first === undefined || arr[0] < first)) first = arr[0];
    const i = bound(arr, to, true) - 1;
    if (i >= 0 && (last === undefined || arr[i] > last)) last = arr[i];
  }
  const twoWayLast = [lastUpTo(agg.times.reply, to), lastUpTo(agg.times.call, to), lastUpTo(agg.times.meeting, to)]
    .filter((s): s is string => !!s)
    .sort()
    .pop();
  const replies = decayedSum(agg.times.reply, to, halfLifeDays);
  const twoWay = replies + decayedSum(agg.times.call, to, halfLifeDays) + decayedSum(agg.times.meeting, to, halfLifeDays);
  const oneWay = decayedSum(agg.times.in, to, halfLifeDays) + decayedSum(agg.times.out, to, halfLifeDays) - replies;
  return {
    asOf: new Date(to).toISOString(),
    firstAt: first === undefined ? undefined : new Date(first).toISOString(),
    lastAt: last === undefined ? undefined : new Date(last).toISOString(),
    lastInboundAt: lastUpTo(agg.times.in, to),
    lastOutboundAt: lastUpTo(agg.times.out, to),
    lastTwoWayAt: twoWayLast,
    total: countsIn(agg, -Infinity, to),
    windows,
    decayed: { twoWay, oneWay: Math.max(0, oneWay), halfLifeDays },
  };
}
