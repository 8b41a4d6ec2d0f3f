import { useState } from 'preact/hooks';
import { getDb } from '../storage/db';
import type { Pipeline, PipelineItem } from '../storage/schema';
import { formatDue } from './format';
import { useLiveQuery } from './use-live-query';

/** A person's open items with their pipelines, and how many of theirs are closed. */
export interface PersonItemsData {
  open: { item: PipelineItem; pipeline: Pipeline }[];
  closed: number;
}

/**
 * Read side of storage/pipelines.ts `itemsOf` (shared UI reads through the database only): the
 * person's items through the `contactIds` index, open ones most recently changed first.
 */
export async function personItems(contactId: string): Promise<PersonItemsData> {
  const db = getDb();
  const [items, pipelines] = await Promise.all([db.items.where('contactIds').equals(contactId).toArray(), db.pipelines.toArray()]);
  const byId = new Map(pipelines.map((p) => [p.id, p]));
  const open = items
    .filter((i) => !i.closedAt && byId.has(i.pipelineId))
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
    .map((item) => ({ item, pipeline: byId.get(item.pipelineId)! }));
  return { open, closed: items.filter((i) => i.closedAt).length };
}

/**
 * A person's open deals, cases and candidacies (sidebar cards, the contact page): the pipeline, the
 * title linking to the item's page, and the stage, changed in place with a select. Cases past their
 * SLA time are highlighted. Moving is the page's (`onMove` writes; it throws to report a failure).
 * The `person-item` contract: `data-id`, `data-stage` (the stage's name), `data-overdue`; `item-move`
 * options are the stage names.
 */
export function PersonItems({
  contactId,
  onMove,
  href,
  newTab = false,
  now = new Date(),
}: {
  contactId: string;
  onMove: (itemId: string, stageId: string) => Promise<unknown>;
  /** The item page's address as this page links it. */
  href: (itemId: string) => string;
  /** Open item pages in a new tab (the sidebar, the popup). */
  newTab?: boolean;
  now?: Date;
}) {
  const data = useLiveQuery(() => personItems(contactId), [contactId]);
  const [error, setError] = useState<string | null>(null);
  if (!data || (!data.open.length && !data.closed)) return null;
  const nowIso = now.toISOString();
  return (
    <div data-testid="person-items">
      <h4 class="section-title" style="margin-left:0">
        Pipelines
      </h4>
      {!data.open.length && <p class="small muted">Nothing open.</p>}
      <ul class="task-list">
        {data.open.map(({ item, pipeline }) => {
          const stage = pipeline.stages.find((s) => s.id === item.stageId);
          const overdue = !!item.openSlaDueAt && item.openSlaDueAt < nowIso;
          return (
            <li
              key={item.id}
              data-testid="person-item"
              data-id={item.id}
              data-stage={stage?.name ?? ''}
              data-overdue={overdue ? 'true' : 'false'}
              class={`task-row${overdue ? ' task-overdue' : ''}`}
            >
              <div class="task-main">
                <a
                  href={href(item.id)}
                  data-testid="person-item-link"
                  dir="auto"
                  {...(newTab ? { target: '_blank', rel: 'noopener noreferrer' } : {})}
                >
                  {item.title}
                </a>
                <span class="small muted" dir="auto">
                  {pipeline.name}
                </span>
                {item.slaDueAt && !item.closedAt && (
                  <span class="task-due small" data-testid="person-item-sla">
                    {overdue ? 'Overdue since ' : 'Due '}
                    {formatDue(item.slaDueAt)}
                  </span>
                )}
              </div>
              <select
                data-testid="item-move"
                aria-label={`Stage of ${item.title}`}
                value={stage?.name ?? ''}
                onChange={(e) => {
                  const name = (e.target as HTMLSelectElement).value;
                  const to = pipeline.stages.find((s) => s.name === name);
                  if (!to || to.id === item.stageId) return;
                  onMove(item.id, to.id).then(
                    () => setError(null),
                    (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
                  );
                }}
              >
                {!stage && <option value="">—</option>}
                {pipeline.stages.map((s) => (
                  <option key={s.id} value={s.name}>
                    {s.name}
                  </option>
                ))}
              </select>
            </li>
          );
        })}
      </ul>
      {data.closed > 0 && (
        <p class="small muted" data-testid="person-items-closed">
          {data.closed} closed
        </p>
      )}
      {error && (
        <p class="error small" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
