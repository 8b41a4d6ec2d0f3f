// First response to a case (issue 18, SLA): the first answer the user logs to a customer with an
// open case — an outgoing e-mail, a call, a meeting or a note on that person (or in a thread linked
// to the case), dated after the case was opened — sets the case's `firstResponseAt`. Run by
// repositories.ts addActivities in its own transaction, so the activity and the time it stamps are
// written (and the case queued for sync) together.
import type { RapportDB } from './db';
import { itemChanges } from './item-sync';
import { enqueue } from './outbox';
import type { Activity, PipelineItem } from './schema';

/** The tables recordFirstResponses reads and writes, besides the outbox. */
export const caseResponseScope = (db: RapportDB) => [db.items, db.pipelines];

/** Whether an activity is the user answering: incoming mail, profile captures and internal mail are not. */
export function isResponse(a: Pick<Activity, 'type' | 'direction'>): boolean {
  if (a.type === 'email') return a.direction === 'outgoing';
  return a.type === 'call' || a.type === 'meeting' || a.type === 'note';
}

/**
 * The first-response time a case gets from these activities, or undefined: it is open, has none yet,
 * and one of them answers one of its people (or in one of its threads) at or after it was opened.
 */
export function firstResponseFrom(
  item: Pick<PipelineItem, 'createdAt' | 'closedAt' | 'firstResponseAt' | 'contactIds' | 'threadIds'>,
  activities: readonly Pick<Activity, 'type' | 'direction' | 'occurredAt' | 'contactIds' | 'threadId'>[],
): string | undefined {
  if (item.firstResponseAt || item.closedAt) return undefined;
  const opened = Date.parse(item.createdAt);
  let first: string | undefined;
  for (const a of activities) {
    const at = Date.parse(a.occurredAt);
    if (!isResponse(a) || !(at >= opened)) continue;
    const linked = a.contactIds.some((id) => item.contactIds.includes(id)) || (!!a.threadId && item.threadIds.includes(a.threadId));
    if (linked && (!first || at < Date.parse(first))) first = new Date(at).toISOString();
  }
  return first;
}

/** Stamps the first response on the open cases these new activities answer; inside the caller's transaction. */
export async function recordFirstResponses(db: RapportDB, added: readonly Activity[]): Promise<void> {
  const answers = added.filter(isResponse);
  if (!answers.length) return;
  const people = [...new Set(answers.flatMap((a) => a.contactIds))];
  const threads = [...new Set(answers.flatMap((a) => (a.threadId ? [a.threadId] : [])))];
  const found = new Map<string, PipelineItem>();
  const candidates = [
    ...(people.length ? await db.items.where('contactIds').anyOf(people).toArray() : []),
    ...(threads.length ? await db.items.where('threadIds').anyOf(threads).toArray() : []),
  ];
  for (const item of candidates) if (!item.closedAt && !item.firstResponseAt) found.set(item.id, item);
  if (!found.size) return;
  const services = new Set((await db.pipelines.toArray()).filter((p) => p.kind === 'service').map((p) => p.id));
  const stamped: PipelineItem[] = [];
  for (const item of found.values()) {
    if (!services.has(item.pipelineId)) continue;
    const at = firstResponseFrom(item, answers);
    if (at) stamped.push({ ...item, firstResponseAt: at, updatedAt: new Date().toISOString() });
  }
  if (!stamped.length) return;
  await db.items.bulkPut(stamped);
  await enqueue(db, await itemChanges(db, stamped));
}
