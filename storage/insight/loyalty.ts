// Loyalty from orders (issue 19, item 9): repeat-purchase rate, retention by monthly cohort, and
// churn over a period. Pure.
//
// Definitions:
// - A purchase is an order with an amount above 0 (refunds and credit notes are not purchases),
//   placed at or before the as-of instant; orders with the same id count once.
// - Repeat-purchase rate: customers with two or more purchases over customers with at least one.
// - Cohort retention: a customer's cohort is the LOCAL month of their first purchase; for k = 0, 1, …
//   up to the as-of month, the share of the cohort with a purchase in month cohort + k (k = 0 is 1).
// - Churn over [from, to): of the customers who bought in the period of the same length just
//   before it, [from − (to − from), from), the share who bought nothing in [from, to).
import { localMonthOf, monthOfDate, monthsBetween } from './measures';

export interface Order {
  id: string;
  contactId: string;
  occurredAt: string;
  amount: number;
  currency: string;
  reference?: string;
}

type OrderFields = Pick<Order, 'id' | 'contactId' | 'occurredAt' | 'amount'>;

/** Purchases by `asOf` (see the definition above), duplicates by id dropped. */
function purchases<T extends OrderFields>(orders: readonly T[], asOf: number): T[] {
  const seen = new Set<string>();
  return orders.filter((o) => {
    if (!(o.amount > 0) || !(Date.parse(o.occurredAt) <= asOf) || seen.has(o.id)) return false;
    seen.add(o.id);
    return true;
  });
}

export interface RepeatPurchase {
  customers: number;
  repeatIds: string[];
  /** repeat / customers, 0–1; null without customers. */
  rate: number | null;
}

export function repeatPurchaseRate(orders: readonly OrderFields[], asOf: Date): RepeatPurchase {
  const counts = new Map<string, number>();
  for (const o of purchases(orders, asOf.getTime())) counts.set(o.contactId, (counts.get(o.contactId) ?? 0) + 1);
  const repeatIds = [...counts].filter(([, n]) => n >= 2).map(([id]) => id);
  return { customers: counts.size, repeatIds, rate: counts.size ? repeatIds.length / counts.size : null };
}

export interface Cohort {
  /** "YYYY-MM", local. */
  month: string;
  size: number;
  /** active[k]: customers of the cohort with a purchase in month + k, up to the as-of month. */
  active: number[];
  /** active[k] / size. */
  retention: number[];
}

/** Monthly cohorts by first purchase, oldest first. */
export function cohortRetention(orders: readonly OrderFields[], asOf: Date): Cohort[] {
  const monthsByCustomer = new Map<string, Set<string>>();
  for (const o of purchases(orders, asOf.getTime())) {
    const month = localMonthOf(o.occurredAt)!;
    const set = monthsByCustomer.get(o.contactId);
    if (set) set.add(month);
    else monthsByCustomer.set(o.contactId, new Set([month]));
  }
  const lastMonth = monthOfDate(asOf);
  const cohorts = new Map<string, Cohort>();
  for (const months of monthsByCustomer.values()) {
    let first = '';
    for (const m of months) if (!first || m < first) first = m;
    let cohort = cohorts.get(first);
    if (!cohort) {
      const span = monthsBetween(first, lastMonth) + 1;
      cohorts.set(first, (cohort = { month: first, size: 0, active: new Array<number>(span).fill(0), retention: [] }));
    }
    cohort.size++;
    for (const m of months) {
      const k = monthsBetween(first, m);
      if (k < cohort.active.length) cohort.active[k]++; // a date-only order may lie past a local as-of
    }
  }
  return [...cohorts.values()]
    .sort((a, b) => a.month.localeCompare(b.month))
    .map((c) => ({ ...c, retention: c.active.map((n) => n / c.size) }));
}

export interface Churn {
  /** Customers who bought in the period before [from, to). */
  atStart: number;
  churnedIds: string[];
  /** churned / atStart, 0–1; null when nobody bought in the period before. */
  rate: number | null;
}

export function churnRate(orders: readonly OrderFields[], from: Date, to: Date): Churn {
  const start = from.getTime();
  const end = to.getTime();
  const before = new Set<string>();
  const during = new Set<string>();
  for (const o of purchases(orders, end - 1)) {
    const t = Date.parse(o.occurredAt);
    if (t >= start) during.add(o.contactId);
    else if (t >= start - (end - start)) before.add(o.contactId);
  }
  const churnedIds = [...before].filter((id) => !during.has(id));
  return { atStart: before.size, churnedIds, rate: before.size ? churnedIds.length / before.size : null };
}
