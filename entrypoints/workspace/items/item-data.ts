// What the item page reads, in one live query: the item, its pipeline, its stage history, its people
// and company, and its timeline — the messages of its linked threads and its people's tasks (a
// person's other notes and mail are on their own page: they may be about something else).
import { getDb } from '../../../storage/db';
import { stageHistory } from '../../../storage/pipelines';
import type { TimelineItem } from '../../../storage/queries';
import { publicRecord } from '../../../storage/records';
import type { Activity, Company, Contact, Pipeline, PipelineItem, StageChange } from '../../../storage/schema';

export interface ItemPageData {
  item: PipelineItem;
  pipeline?: Pipeline;
  history: StageChange[];
  people: Contact[];
  company?: Company;
  timeline: TimelineItem[];
}

export async function loadItemPage(id: string): Promise<ItemPageData | undefined> {
  const db = getDb();
  const item = await db.items.get(id);
  if (!item) return undefined;
  const [pipeline, history, people, company, mails, tasks] = await Promise.all([
    // Read only: a live query may not write (the page creates the default pipelines beforehand).
    db.pipelines.get(item.pipelineId),
    stageHistory(id, db),
    item.contactIds.length ? db.contacts.where('id').anyOf(item.contactIds).toArray() : [],
    item.companyId ? db.companies.where('id').equals(item.companyId).first() : undefined,
    item.threadIds.length ? db.activities.where('threadId').anyOf(item.threadIds).toArray() : [],
    // Its people's tasks; an item without people still shows the follow-ups made on it.
    item.contactIds.length
      ? db.tasks.where('contactIds').anyOf(item.contactIds).distinct().toArray()
      : db.tasks.filter((t) => t.itemId === id).toArray(),
  ]);
  const timeline: TimelineItem[] = [
    ...mails.map((a) => ({ kind: 'activity' as const, at: a.occurredAt, activity: publicRecord(a) as Activity })),
    ...tasks.map((t) => ({ kind: 'task' as const, at: t.dueAt ?? t.createdAt, task: t })),
  ].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  const order = new Map(item.contactIds.map((cid, i) => [cid, i]));
  people.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  return { item, pipeline, history, people: people.map((c) => publicRecord(c) as Contact), company, timeline };
}

/** Each stage change with how long the item stayed in the stage it entered (until the next change, or now). */
export function stagesWithTime(history: readonly StageChange[], now: Date): { change: StageChange; ms: number; current: boolean }[] {
  return history.map((change, i) => {
    const next = history[i + 1];
    const end = next ? Date.parse(next.at) : now.getTime();
    return { change, ms: Math.max(0, end - Date.parse(change.at)), current: !next };
  });
}
