// A pipeline's items as a table (`#/pipelines/<id>?view=table`, issue 18): sortable columns, the
// filters of its kind, the view in the route's query (item-query.ts) so it reloads, bookmarks and
// saves under a name like the People table's; each row's title opens the item's page.
import Dexie from 'dexie';
import { getCurrentUrl, route } from 'preact-router';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { useLiveQuery } from '../../../components/use-live-query';
import { getDb } from '../../../storage/db';
import { OrderCache, runQuery } from '../../../storage/list-query';
import { getSavedViews } from '../../../storage/saved-views';
import { CASE_CATEGORIES, CASE_PRIORITIES, type Pipeline, type PipelineItem } from '../../../storage/schema';
import { SaveView } from '../list/ViewControls';
import { VirtualTable } from '../list/VirtualTable';
import { itemPath, pipelinePath, routeQuery } from '../routes';
import { type ItemFilter, formatItemListState, itemColumns, itemPredicate, parseItemListState, toItemRows } from './item-query';

const NO_SELECTION = new Set<string>();

/** Now, moved on every minute (the overdue filter follows the clock). */
function useMinute(): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const t = setInterval(() => setNow(new Date()), 60_000);
    return () => clearInterval(t);
  }, []);
  return now;
}

async function loadRows(pipeline: Pipeline) {
  const db = getDb();
  const items: PipelineItem[] = await db.items
    .where('[pipelineId+stageId]')
    .between([pipeline.id, Dexie.minKey], [pipeline.id, Dexie.maxKey])
    .toArray();
  const ids = [...new Set(items.flatMap((i) => i.contactIds))];
  const people = ids.length ? await db.contacts.where('id').anyOf(ids).toArray() : [];
  return toItemRows(items, pipeline, new Map(people.map((c) => [c.id, c.name])));
}

export function ItemTable({ pipeline, url }: { pipeline: Pipeline; url?: string }) {
  const query = routeQuery(url ?? getCurrentUrl());
  const state = useMemo(() => parseItemListState(query, pipeline), [query, pipeline]);
  const { filter, sort } = state;
  const now = useMinute();
  const rows = useLiveQuery(() => loadRows(pipeline), [pipeline]);
  const columns = useMemo(() => itemColumns(pipeline.kind), [pipeline.kind]);
  const orders = useMemo(() => (rows ? new OrderCache(rows, columns) : undefined), [rows, columns]);
  const positions = useMemo(
    () => (rows && orders ? runQuery(rows, orders, itemPredicate(filter, now), sort) : new Uint32Array(0)),
    [orders, query, now],
  );
  const views = useLiveQuery(() => getSavedViews(), []);
  const mine = views?.filter((v) => v.table === 'items' && new URLSearchParams(v.query).get('pipeline') === pipeline.id) ?? [];

  const go = (next: { filter: ItemFilter; sort: typeof sort }) => route(`${pipelinePath(pipeline.id)}?${formatItemListState(next)}`, true);
  const set = (key: keyof ItemFilter, value: string) => go({ sort, filter: { ...filter, [key]: value || undefined } });
  const select = (key: keyof ItemFilter, label: string, values: readonly { value: string; label: string }[]) => (
    <label class="ws-filter">
      <span>{label}</span>
      <select data-testid={`item-filter-${key}`} value={filter[key] ?? ''} onChange={(e) => set(key, e.currentTarget.value)}>
        <option value="">Any</option>
        {values.map((v) => (
          <option key={v.value} value={v.value}>
            {v.label}
          </option>
        ))}
      </select>
    </label>
  );
  const service = pipeline.kind === 'service';
  const ownQuery = formatItemListState(state).replace(/^view=table&?/, '');
  return (
    <div class="ws-list" data-testid="item-table-view" data-pipeline={pipeline.id}>
      <header class="ws-list-head">
        {rows ? (
          <span data-testid="item-count" data-count={positions.length} data-query={query} aria-live="polite">
            {positions.length.toLocaleString()} {positions.length === 1 ? 'item' : 'items'}
          </span>
        ) : (
          <span role="status">Loading…</span>
        )}
        {mine.map((v) => {
          const rest = new URLSearchParams(v.query);
          rest.delete('pipeline');
          const q = rest.toString();
          return (
            <a key={v.id} data-testid="saved-view" data-id={v.id} href={`#${pipelinePath(pipeline.id, 'table')}${q ? `&${q}` : ''}`}>
              {v.name}
            </a>
          );
        })}
        <SaveView table="items" query={`pipeline=${encodeURIComponent(pipeline.id)}${ownQuery ? `&${ownQuery}` : ''}`} />
      </header>
      <div class="ws-filters" role="search">
        <label class="ws-filter ws-filter-text">
          <span>Search</span>
          <input
            type="search"
            data-testid="item-filter-text"
            placeholder="Title or person…"
            value={filter.text ?? ''}
            onInput={(e) => set('text', e.currentTarget.value)}
          />
        </label>
        {select(
          'stage',
          'Stage',
          pipeline.stages.map((s) => ({ value: s.id, label: s.name })),
        )}
        {service &&
          select(
            'category',
            'Category',
            CASE_CATEGORIES.map((c) => ({ value: c, label: c })),
          )}
        {service &&
          select(
            'priority',
            'Priority',
            CASE_PRIORITIES.map((p) => ({ value: p, label: p })),
          )}
        {service && (
          <label class="ws-filter">
            <input
              type="checkbox"
              data-testid="item-filter-overdue"
              checked={filter.overdue === 'yes'}
              onChange={(e) => set('overdue', e.currentTarget.checked ? 'yes' : '')}
            />
            <span>Overdue only</span>
          </label>
        )}
      </div>
      <VirtualTable
        testid="item-table"
        rowTestid="item-row"
        rows={rows ?? []}
        positions={positions}
        columns={columns}
        sort={sort}
        onSort={(s) => go({ filter, sort: s })}
        selectable={false}
        selected={NO_SELECTION}
        allSelected={false}
        onToggle={() => undefined}
        onOpen={(id) => route(itemPath(id))}
        hrefOf={(id) => `#${itemPath(id)}`}
        busy={!rows}
      />
    </div>
  );
}
