// The People table: every person in the database, filtered, sorted and counted in memory over the
// page's projection (storage/list-source.ts, decision 0042); the view (filter, sort, columns) lives
// in the route's query, so it reloads and bookmarks as it was, and can be saved under a name.
import { route } from 'preact-router';
import { useEffect, useMemo, useRef } from 'preact/hooks';
import { useLiveQuery } from '../../../components/use-live-query';
import {
  CONTACT_COLUMNS,
  type ContactFilter,
  type ContactRow,
  DEFAULT_CONTACT_COLUMNS,
  DEFAULT_CONTACT_SORT,
  type ListState,
  contactPredicate,
  formatListState,
  parseContactListState,
} from '../../../storage/contact-list';
import { getDb } from '../../../storage/db';
import { OrderCache, runQuery } from '../../../storage/list-query';
import { contactSyncStates, openFollowUps } from '../../../storage/list-source';
import { STAGES } from '../../../storage/schema';
import { matchingDocs } from '../../../storage/search-index';
import { recordPath, routeQuery } from '../routes';
import { BulkBar } from '../list/BulkBar';
import { ColumnPicker, SaveView } from '../list/ViewControls';
import { VirtualTable } from '../list/VirtualTable';
import { SelectAllMatching, useSelection } from '../list/selection';
import { BulkStatus, useUndoDelete } from '../list/undo-delete';
import { peopleProjection, useProjection } from '../list/use-projection';
import { FilterBar } from './FilterBar';

export function PeopleView({ url }: { path?: string; url?: string }) {
  const db = getDb();
  const query = routeQuery(url);
  const state = useMemo(() => parseContactListState(query), [query]);
  const { filter, sort, columns } = state;
  const { rows, version, loaded } = useProjection(peopleProjection());
  const orders = useMemo(() => new OrderCache(rows, CONTACT_COLUMNS), [rows, version]);

  const go = (next: ListState<ContactFilter>) => {
    const q = formatListState(next, { sort: DEFAULT_CONTACT_SORT, columns: DEFAULT_CONTACT_COLUMNS });
    route(q ? `/people?${q}` : '/people', true);
  };

  // What some filters need besides the rows, read only while they are on (and kept current).
  const text = filter.text?.trim() ?? '';
  const textHits = useLiveQuery(() => (text ? matchingDocs(db, 'contact', text) : undefined), [text]);
  const followUps = useLiveQuery(() => (filter.followUp ? openFollowUps(db) : undefined), [filter.followUp]);
  const syncStates = useLiveQuery(() => (filter.sync ? contactSyncStates(db) : undefined), [filter.sync]);
  const contextReady = (!text || textHits) && (!filter.followUp || followUps) && (!filter.sync || syncStates);

  const deletion = useUndoDelete('contact');
  const { hidden } = deletion;

  // While the context of a new filter loads, the previous answer stays on screen.
  const last = useRef<Uint32Array>(new Uint32Array(0));
  const positions = useMemo(() => {
    if (!contextReady) return last.current;
    const keep = contactPredicate(filter, { textHits, openFollowUps: followUps, syncStates });
    const test = hidden ? (r: ContactRow) => !hidden.has(r.id) && (!keep || keep(r)) : keep;
    const t0 = performance.now();
    last.current = runQuery(rows, orders, test, sort);
    // For bench:workspace: the query's own share of a filter's time.
    performance.measure('rapport:people-query', { start: t0 });
    return last.current;
  }, [orders, query, textHits, followUps, syncStates, hidden, contextReady]);

  const selection = useSelection(rows, positions, query);
  const startDelete = (ids: string[]) => {
    selection.clear();
    deletion.start(ids);
  };

  // Marks for bench:workspace (effects run once the frame is painted).
  const marked = useRef({ rows: false, loaded: false });
  useEffect(() => {
    if (!marked.current.rows && positions.length) {
      marked.current.rows = true;
      performance.mark('rapport:people-first-rows');
    }
    if (!marked.current.loaded && loaded) {
      marked.current.loaded = true;
      performance.mark('rapport:people-loaded');
    }
  }, [positions, loaded]);

  const stages = useMemo(() => [...new Set([...STAGES, ...rows.map((r) => r.stage).filter(Boolean)])], [version]);
  const tags = useMemo(() => {
    const all = new Set<string>();
    for (const r of rows) for (const t of r.tags) all.add(t);
    return [...all].sort((a, b) => a.localeCompare(b));
  }, [version]);
  const shown = columns.map((k) => CONTACT_COLUMNS.find((c) => c.key === k)!).filter(Boolean);

  return (
    <div class="ws-section ws-list">
      <header class="ws-list-head">
        <h2>People</h2>
        {loaded ? (
          <span data-testid="result-count" data-count={positions.length} data-query={contextReady ? query : undefined} aria-live="polite">
            {positions.length.toLocaleString()} {positions.length === 1 ? 'person' : 'people'}
          </span>
        ) : (
          <span data-testid="list-loading" role="status">
            Loading… {rows.length.toLocaleString()}
          </span>
        )}
        <SelectAllMatching selection={selection} matching={positions.length} />
        <ColumnPicker columns={CONTACT_COLUMNS} chosen={columns} onChange={(cols) => go({ ...state, columns: cols })} />
        <SaveView table="people" query={query} />
      </header>
      <FilterBar filter={filter} stages={stages} tags={tags} onChange={(f) => go({ ...state, filter: f })} />
      <BulkBar
        kind="contact"
        count={selection.count}
        ids={selection.ids}
        keys={selection.keys}
        stages={stages}
        consequences="Their own history, notes and follow-ups go with them."
        onDelete={startDelete}
        onDone={deletion.setMessage}
      />
      <BulkStatus kind="contact" state={deletion} />
      <VirtualTable
        testid="people-table"
        rowTestid="person-row"
        rows={rows}
        positions={positions}
        columns={shown}
        sort={sort}
        onSort={(s) => go({ ...state, sort: s })}
        selected={selection.selected}
        allSelected={selection.allMatching}
        onToggle={selection.toggle}
        onOpen={(id) => route(recordPath('contact', id))}
        hrefOf={(id) => `#${recordPath('contact', id)}`}
        busy={!loaded}
      />
    </div>
  );
}
