// Service health of cases (issue 19, item 8): open cases by priority and category, complaints per
// month, SLA breaches, and the median first-response and resolution times. Pure; the caller passes
// the cases (items of service pipelines) it wants measured.
//
// Definitions, all as of the `asOf` instant (a case created later does not exist yet):
// - Open: created at or before as-of and not closed by then (no `closedAt`, or `closedAt` after
//   as-of). A case without a priority counts as "normal" (as its SLA does), without a category as "none".
// - Complaints per month: cases of category "complaint" by the LOCAL month they were created in,
//   every month from the first to the last listed (months without complaints at 0).
// - SLA breach: a case with an SLA due time that was resolved (or closed) after it, or that is
//   still open past it at as-of. A case resolved exactly at its due time is in time.
// - Median first response: from opening (`createdAt`) to `firstResponseAt`, over cases answered by
//   as-of; median resolution: from opening to `resolvedAt`, over cases resolved by as-of (ms; the
//   mean of the two middle values for an even count; null without any).
import { CASE_CATEGORIES, CASE_PRIORITIES } from '../schema';
import type { PipelineItem } from '../schema';
import { firstResponseMs, resolutionMs } from '../sla';
import { localMonthOf, median, monthRange } from './measures';

type Case = Pick<PipelineItem, 'id' | 'createdAt' | 'closedAt' | 'priority' | 'category' | 'slaDueAt' | 'firstResponseAt' | 'resolvedAt'>;

export interface ServiceHealth {
  open: number;
  /** Open cases by priority (every priority listed, 0 when none), with their ids. */
  openByPriority: Record<(typeof CASE_PRIORITIES)[number], string[]>;
  /** Open cases by category; "none" for cases without one. */
  openByCategory: Record<(typeof CASE_CATEGORIES)[number] | 'none', string[]>;
  complaintsByMonth: { month: string; count: number; itemIds: string[] }[];
  /** Cases with an SLA due time (by as-of) and those of them breached. */
  withSla: number;
  breachedIds: string[];
  /** breached / withSla, 0–1; null without any SLA. */
  breachRate: number | null;
  medianFirstResponseMs: number | null;
  medianResolutionMs: number | null;
}

const at = (iso: string | undefined) => (iso === undefined ? NaN : Date.parse(iso));

export function serviceHealth(cases: readonly Case[], asOf: Date): ServiceHealth {
  const now = asOf.getTime();
  const openByPriority = Object.fromEntries(CASE_PRIORITIES.map((p) => [p, [] as string[]])) as ServiceHealth['openByPriority'];
  const openByCategory = Object.fromEntries(
    [...CASE_CATEGORIES, 'none'].map((c) => [c, [] as string[]]),
  ) as ServiceHealth['openByCategory'];
  const complaints = new Map<string, string[]>();
  const breachedIds: string[] = [];
  const firstResponses: number[] = [];
  const resolutions: number[] = [];
  let open = 0;
  let withSla = 0;

  for (const c of cases) {
    if (!(at(c.createdAt) <= now)) continue;
    const closed = at(c.closedAt) <= now;
    if (!closed) {
      open++;
      openByPriority[c.priority ?? 'normal'].push(c.id);
      openByCategory[c.category ?? 'none'].push(c.id);
    }
    if (c.category === 'complaint') {
      const month = localMonthOf(c.createdAt)!;
      const list = complaints.get(month);
      if (list) list.push(c.id);
      else complaints.set(month, [c.id]);
    }
    const due = at(c.slaDueAt);
    if (!Number.isNaN(due)) {
      withSla++;
      const resolved = at(c.resolvedAt) <= now ? at(c.resolvedAt) : closed ? at(c.closedAt) : NaN;
      const breached = Number.isNaN(resolved) ? now > due : resolved > due;
      if (breached) breachedIds.push(c.id);
    }
    if (at(c.firstResponseAt) <= now) firstResponses.push(firstResponseMs(c)!);
    if (at(c.resolvedAt) <= now) resolutions.push(resolutionMs(c)!);
  }

  const months = [...complaints.keys()].sort();
  return {
    open,
    openByPriority,
    openByCategory,
    complaintsByMonth: months.length
      ? monthRange(months[0], months[months.length - 1]).map((month) => {
          const itemIds = complaints.get(month) ?? [];
          return { month, count: itemIds.length, itemIds };
        })
      : [],
    withSla,
    breachedIds,
    breachRate: withSla ? breachedIds.length / withSla : null,
    medianFirstResponseMs: median(firstResponses) ?? null,
    medianResolutionMs: median(resolutions) ?? null,
  };
}
