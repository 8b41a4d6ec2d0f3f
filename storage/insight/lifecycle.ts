// Customer life cycle: a stage per person (an editable list, as data), moved by pipeline events,
// by inactivity rules and by hand; each move is a history entry. And the monthly cohort view.
//
// Transitions (a rule whose target is not in the user's list does nothing; a stage that is no
// longer in the list counts as no stage):
// - deal created → opportunity, from no stage or a stage listed before opportunity (a customer's
//   upsell leaves them customer; a lost deal changes nothing);
// - deal won → customer, from any other stage (winning back an at-risk or churned customer too);
// - inactivity, for customers and at-risk customers: local calendar days since the later of their
//   last two-way interaction (metrics.ts) and becoming a customer; ≥ churnedAfterDays → churned,
//   else ≥ atRiskAfterDays → at risk, else an at-risk customer is a customer again;
// - by hand → any stage in the list.
import { calendarDaysBetween } from './metrics';

export interface LifecycleStage {
  id: string;
  label: string;
}

export const DEFAULT_LIFECYCLE_STAGES: readonly LifecycleStage[] = [
  { id: 'lead', label: 'Lead' },
  { id: 'prospect', label: 'Prospect' },
  { id: 'opportunity', label: 'Opportunity' },
  { id: 'customer', label: 'Customer' },
  { id: 'at-risk', label: 'At risk' },
  { id: 'churned', label: 'Churned' },
];

export interface LifecycleSettings {
  stages: readonly LifecycleStage[];
  /** A customer with no two-way interaction for this many days is at risk… */
  atRiskAfterDays: number;
  /** …and churned after this many. */
  churnedAfterDays: number;
}

export const DEFAULT_LIFECYCLE_SETTINGS: LifecycleSettings = {
  stages: DEFAULT_LIFECYCLE_STAGES,
  atRiskAfterDays: 90,
  churnedAfterDays: 180,
};

export type LifecycleEvent =
  | { kind: 'deal-created'; at: string; itemId?: string }
  | { kind: 'deal-won'; at: string; itemId?: string }
  /** Checked at `at` (the as-of time); `customerSince`: when they last became a customer. */
  | { kind: 'inactivity'; at: string; lastTwoWayAt?: string; customerSince: string }
  | { kind: 'manual'; at: string; to: string };

export interface LifecycleEntry {
  from?: string;
  to: string;
  at: string;
  cause: LifecycleEvent['kind'];
  /** The pipeline item whose event caused it. */
  itemId?: string;
}

/** Local calendar days without a two-way interaction at `at` (from the later of the two dates). */
export function daysInactive(at: string, customerSince: string, lastTwoWayAt?: string): number {
  const asOf = Date.parse(at);
  const since = Date.parse(customerSince);
  const last = lastTwoWayAt ? Date.parse(lastTwoWayAt) : NaN;
  const ref = !Number.isNaN(last) && last <= asOf ? Math.max(since, last) : since;
  return calendarDaysBetween(ref, asOf);
}

function targetOf(current: string | undefined, event: LifecycleEvent, settings: LifecycleSettings): string | undefined {
  const index = (id: string | undefined) => (id === undefined ? -1 : settings.stages.findIndex((s) => s.id === id));
  switch (event.kind) {
    case 'deal-created':
      return index(current) < index('opportunity') ? 'opportunity' : undefined;
    case 'deal-won':
      return 'customer';
    case 'manual':
      return event.to;
    case 'inactivity': {
      if (current !== 'customer' && current !== 'at-risk') return undefined;
      const days = daysInactive(event.at, event.customerSince, event.lastTwoWayAt);
      if (days >= settings.churnedAfterDays && index('churned') >= 0) return 'churned';
      if (days >= settings.atRiskAfterDays && index('at-risk') >= 0) return 'at-risk';
      return days < settings.atRiskAfterDays ? 'customer' : undefined;
    }
  }
}

/**
 * The stage after an event and the history entry for it; undefined when the event changes nothing
 * (the stage stays, no entry).
 */
export function nextStage(
  current: string | undefined,
  event: LifecycleEvent,
  settings: LifecycleSettings = DEFAULT_LIFECYCLE_SETTINGS,
): { stage: string; entry: LifecycleEntry } | undefined {
  const known = current !== undefined && settings.stages.some((s) => s.id === current) ? current : undefined;
  const to = targetOf(known, event, settings);
  if (to === undefined || to === known || !settings.stages.some((s) => s.id === to)) return undefined;
  const entry: LifecycleEntry = { to, at: event.at, cause: event.kind };
  if (known !== undefined) entry.from = known;
  if ((event.kind === 'deal-created' || event.kind === 'deal-won') && event.itemId) entry.itemId = event.itemId;
  return { stage: to, entry };
}

/** Replays events in time order (a full recompute of one person's stage): the final stage and history. */
export function replayStages(
  events: readonly LifecycleEvent[],
  settings: LifecycleSettings = DEFAULT_LIFECYCLE_SETTINGS,
  start?: string,
): { stage?: string; history: LifecycleEntry[] } {
  let stage = start;
  const history: LifecycleEntry[] = [];
  const sorted = [...events].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  for (const e of sorted) {
    const next = nextStage(stage, e, settings);
    if (!next) continue;
    stage = next.stage;
    history.push(next.entry);
  }
  return { stage, history };
}

export interface CohortCustomer {
  id: string;
  /** The first time they became a customer. */
  becameCustomerAt: string;
  lastTwoWayAt?: string;
}

export interface CohortRow {
  /** Local calendar month, `YYYY-MM`. */
  month: string;
  newCustomers: number;
  stillActive: number;
  /** The people behind the figures (the chart's bars open them). */
  newIds: string[];
  activeIds: string[];
}

function monthKey(t: number): string {
  const d = new Date(t);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

/**
 * Customers by the local month they became customers, from the first such month to the as-of
 * month (empty months included); "still active" at as-of: not churned by the inactivity rule, i.e.
 * fewer than `churnedAfterDays` local days since the later of their last two-way interaction (up to
 * as-of) and becoming a customer (an at-risk customer is still active). Customers who became
 * customers after as-of are left out.
 */
export function cohorts(
  customers: readonly CohortCustomer[],
  asOf: string,
  settings: Pick<LifecycleSettings, 'churnedAfterDays'> = DEFAULT_LIFECYCLE_SETTINGS,
): CohortRow[] {
  const to = Date.parse(asOf);
  const rows = new Map<string, CohortRow>();
  let first: number | undefined;
  for (const c of customers) {
    const t = Date.parse(c.becameCustomerAt);
    if (Number.isNaN(t) || t > to) continue;
    if (first === undefined || t < first) first = t;
    const key = monthKey(t);
    const row = rows.get(key) ?? { month: key, newCustomers: 0, stillActive: 0, newIds: [], activeIds: [] };
    rows.set(key, row);
    row.newCustomers++;
    row.newIds.push(c.id);
    if (daysInactive(asOf, c.becameCustomerAt, c.lastTwoWayAt) < settings.churnedAfterDays) {
      row.stillActive++;
      row.activeIds.push(c.id);
    }
  }
  if (first === undefined) return [];
  const out: CohortRow[] = [];
  const start = new Date(first);
  const end = monthKey(to);
  for (let m = 0; ; m++) {
    const key = monthKey(new Date(start.getFullYear(), start.getMonth() + m, 1).getTime());
    out.push(rows.get(key) ?? { month: key, newCustomers: 0, stillActive: 0, newIds: [], activeIds: [] });
    if (key === end) return out;
  }
}
