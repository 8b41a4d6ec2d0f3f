// Service-level times of cases (issue 18): where a case stands against its SLA due time, how long
// the first response and the resolution took, when the reminder before a breach is due, and how a
// due time reads in the user's local time. SLA hours are elapsed time (pipeline-logic.ts
// `slaDueAt`), so the state is the same in every time zone and across clock changes; only the
// wording is local. Pure: the board, the item page, the table and the background share it.
import { slaDueAt } from './pipeline-logic';
import type { Pipeline, PipelineItem } from './schema';
import { localDateOf, localTimeOf } from './task-schedule';

export type SlaState = 'none' | 'ok' | 'due-soon' | 'overdue';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** How long before the SLA due time a case counts as due soon, and its reminder rings (hours; a setting). */
export const DEFAULT_SLA_REMINDER_HOURS = 2;

type SlaFields = Pick<PipelineItem, 'slaDueAt' | 'closedAt'>;

/**
 * An open case against its SLA: `none` without a due time or once closed (resolved cases are
 * judged by their resolution time instead), `overdue` from the due instant on, `due-soon` within
 * `soonHours` of it, else `ok`.
 */
export function slaState(item: SlaFields, now: Date, soonHours: number = DEFAULT_SLA_REMINDER_HOURS): SlaState {
  if (!item.slaDueAt || item.closedAt) return 'none';
  const due = Date.parse(item.slaDueAt);
  if (Number.isNaN(due)) return 'none';
  const left = due - now.getTime();
  if (left <= 0) return 'overdue';
  return left <= soonHours * HOUR ? 'due-soon' : 'ok';
}

/** When the reminder before the breach is due (epoch ms), or undefined for a closed case or one without an SLA. */
export function slaReminderAt(item: SlaFields, soonHours: number = DEFAULT_SLA_REMINDER_HOURS): number | undefined {
  if (!item.slaDueAt || item.closedAt) return undefined;
  const due = Date.parse(item.slaDueAt);
  return Number.isNaN(due) ? undefined : due - soonHours * HOUR;
}

/** Milliseconds from opening to the first response, or undefined before one. */
export function firstResponseMs(item: Pick<PipelineItem, 'createdAt' | 'firstResponseAt'>): number | undefined {
  return item.firstResponseAt ? Math.max(0, Date.parse(item.firstResponseAt) - Date.parse(item.createdAt)) : undefined;
}

/** Milliseconds from opening to resolution, or undefined while unresolved. */
export function resolutionMs(item: Pick<PipelineItem, 'createdAt' | 'resolvedAt'>): number | undefined {
  return item.resolvedAt ? Math.max(0, Date.parse(item.resolvedAt) - Date.parse(item.createdAt)) : undefined;
}

/** A duration in the two largest units that matter: "45 min", "3 h 20 min", "2 d 4 h". */
export function formatDuration(ms: number): string {
  const m = Math.max(0, Math.round(ms / MINUTE));
  if (m < 60) return `${m} min`;
  const d = Math.floor(m / (24 * 60));
  const h = Math.floor((m % (24 * 60)) / 60);
  const min = m % 60;
  if (d > 0) return h ? `${d} d ${h} h` : `${d} d`;
  return min ? `${h} h ${min} min` : `${h} h`;
}

/** The due time as the user reads it: local date (or "today") and time, with what is left or how late it is. */
export function slaDueText(item: SlaFields, now: Date): string {
  if (!item.slaDueAt) return '';
  const due = new Date(item.slaDueAt);
  const day = localDateOf(due) === localDateOf(now) ? 'today' : localDateOf(due);
  const when = `${day} ${localTimeOf(due)}`;
  if (item.closedAt) return `Due ${when}`;
  const left = due.getTime() - now.getTime();
  if (left <= 0) return `Overdue by ${formatDuration(-left)} (due ${when})`;
  return `Due ${when}, in ${formatDuration(left)}`;
}

/**
 * The SLA due time after the user changes a case's priority: the policy's hours for the new
 * priority, counted from when the case was opened. Undefined when the priority does not change (a
 * due time set by hand stays).
 */
export function slaDueAfterPriority(
  item: Pick<PipelineItem, 'createdAt' | 'priority'>,
  priority: PipelineItem['priority'],
  policy?: Pipeline['slaHours'],
): string | undefined {
  if ((priority ?? 'normal') === (item.priority ?? 'normal')) return undefined;
  return slaDueAt(item.createdAt, priority, policy);
}

/** An open case as the reminder pass reads it from the `openSlaDueAt` index. */
export interface OpenCase {
  id: string;
  title: string;
  slaDueAt: string;
}

/**
 * The reminder pass before SLA breaches: the open cases (ascending by due time) whose reminder time
 * has come and that were not reminded for this due time yet (`reminded`: case id → the due time
 * reminded of; a new priority moves the due time and earns a new reminder), what to remember
 * (only cases still open), and when the next reminder is due (epoch ms), if any.
 */
export function slaReminderPass(
  openCases: readonly OpenCase[],
  reminded: Readonly<Record<string, string>>,
  now: Date,
  soonHours: number = DEFAULT_SLA_REMINDER_HOURS,
): { due: OpenCase[]; remember: Record<string, string>; next?: number } {
  const due: OpenCase[] = [];
  const remember: Record<string, string> = {};
  let next: number | undefined;
  for (const c of openCases) {
    if (reminded[c.id] === c.slaDueAt) {
      remember[c.id] = c.slaDueAt;
      continue;
    }
    const at = slaReminderAt(c, soonHours);
    if (at === undefined) continue;
    if (at <= now.getTime()) {
      due.push(c);
      remember[c.id] = c.slaDueAt;
    } else if (next === undefined || at < next) next = at;
  }
  return { due, remember, next };
}
