// Small shared measures of the insight computations: the calendar month an instant falls in, month
// arithmetic, and medians. Months are the user's LOCAL calendar months (as task due dates and SLA
// wording are local): in Berlin an order at 00:30 on 1 April (22:30 UTC on 31 March) is an April
// order. A date without a time ("2026-04-01") is read as that calendar day wherever the user is.

const DATE_ONLY = /^(\d{4})-(\d{2})-\d{2}$/;

/** The local calendar month of an ISO instant or date, as "YYYY-MM"; undefined when unparsable. */
export function localMonthOf(iso: string): string | undefined {
  const dateOnly = DATE_ONLY.exec(iso);
  if (dateOnly) return `${dateOnly[1]}-${dateOnly[2]}`;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return undefined;
  const d = new Date(t);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

/** The local month of a Date, as "YYYY-MM". */
export function monthOfDate(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

/** "YYYY-MM" plus `k` months (k may be negative). */
export function addMonths(month: string, k: number): string {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + k;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** Whole months from `a` to `b` ("YYYY-MM"), negative when b is before a. */
export function monthsBetween(a: string, b: string): number {
  return Number(b.slice(0, 4)) * 12 + Number(b.slice(5, 7)) - (Number(a.slice(0, 4)) * 12 + Number(a.slice(5, 7)));
}

/** Every month from `first` to `last` inclusive (empty when last is before first). */
export function monthRange(first: string, last: string): string[] {
  const n = monthsBetween(first, last);
  return Array.from({ length: Math.max(0, n + 1) }, (_, k) => addMonths(first, k));
}

/** The median (mean of the two middle values for an even count); undefined for no values. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The arithmetic mean; undefined for no values. */
export function mean(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}
