// The People table: every person in the database, filtered, sorted and counted in memory over the
// page's projection (storage/list-source.ts, decision 0042); the view (filter, sort, columns) lives
// in the route's query, so it reloads and bookmarks as it was, and can be saved under a name.
import { route } from 'preact-router';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useLiveQuery } from '../../../components/use-live-query';
import { type PendingDelete, type PersonKey, deleteWithUndo } from '../../../storage/bulk';
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
import { callBackground } from '../../../messaging/client';
import { recordPath } from '../routes';
import { ColumnPicker, SaveView } from '../list/ViewControls';
import { VirtualTable } from '../list/VirtualTable';
import { peopleProjection, useProjection } from '../list/use-projection';
import { BulkBar } from './BulkBar';
import { FilterBar } from './FilterBar';

/** How long a bulk delete can be undone before it commits. */
export const UNDO_MS = 6000;

const queryOf = (url: string | undefined) => {
  const at = url?.indexOf('?') ?? -1;
  return at >= 0 ? url!.slice(at + 1) : '';
};

export function PeopleView({ url }: { path?: string; url?: string }) {
  const db = getDb();
  const query = queryOf(url);
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

  const [pending, setPending] = useState<PendingDelete | undefined>();
  const [message, setMessage] = useState<string | undefined>();

  // While the context of a new filter loads, the previous answer stays on screen.
  const last = useRef<Uint32Array>(new Uint32Array(0));
  const positions = useMemo(() => {
    if (!contextReady) return last.current;
    const keep = contactPredicate(filter, { textHits, openFollowUps: followUps, syncStates });
    const hidden = pending ? new Set(pending.ids) : undefined;
    const test = hidden ? (r: ContactRow) => !hidden.has(r.id) && (!keep || keep(r)) : keep;
    const t0 = performance.now();
    last.current = runQuery(rows, orders, test, sort);
    // For bench:workspace: the query's own share of a filter's time.
    performance.measure('rapport:people-query', { start: t0 });
    return last.current;
  }, [orders, query, textHits, followUps, syncStates, pending, contextReady]);

  // Selection: ids picked by hand, or every matching row. A new filter starts a new selection.
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [allMatching, setAllMatching] = useState(false);
  useEffect(() => {
    setSelected((s) => (s.size ? new Set() : s));
    setAllMatching(false);
  }, [query]);
  const toggle = (id: string) => {
    if (allMatching) {
      setAllMatching(false);
      setSelected(new Set([...positions].map((p) => rows[p].id).filter((x) => x !== id)));
      return;
    }
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };
  const selectedCount = allMatching ? positions.length : selected.size;
  // With their numbers: the bulk actions read the records by primary key.
  const selectedKeys = (): PersonKey[] =>
    (allMatching ? [...positions].map((p) => rows[p]) : rows.filter((r) => selected.has(r.id))).map((r) => ({ id: r.id, n: r.n }));

  // A delete waits out its undo window; leaving the page commits it.
  useEffect(() => () => void pending?.commitNow(), [pending]);
  const startDelete = (ids: string[]) => {
    void pending?.commitNow();
    const job = deleteWithUndo(ids, UNDO_MS);
    setPending(job);
    setSelected(new Set());
    setAllMatching(false);
    setMessage(undefined);
    void job.done.then(
      (n) => {
        setPending((p) => (p === job ? undefined : p));
        if (n) {
          setMessage(`Deleted ${n.toLocaleString()} ${n === 1 ? 'person' : 'people'}.`);
          void callBackground('dataChanged', { what: 'edit', count: n }).catch(() => undefined);
        }
      },
      (e: unknown) => {
        setPending((p) => (p === job ? undefined : p));
        setMessage(`Delete failed: ${e instanceof Error ? e.message : String(e)}`);
      },
    );
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
        <button
          type="button"
          data-testid="select-all-matching"
          disabled={!positions.length}
          onClick={() => {
            setAllMatching(!allMatching);
            setSelected(new Set());
          }}
        >
          {allMatching ? 'Clear selection' : `Select all ${positions.length.toLocaleString()} matching`}
        </button>
        <ColumnPicker columns={CONTACT_COLUMNS} chosen={columns} onChange={(cols) => go({ ...state, columns: cols })} />
        <SaveView table="people" query={query} />
      </header>
      <FilterBar filter={filter} stages={stages} tags={tags} onChange={(f) => go({ ...state, filter: f })} />
      <BulkBar count={selectedCount} ids={selectedKeys} stages={stages} onDelete={startDelete} onDone={setMessage} />
      {pending && (
        <div class="ws-toast" role="status" data-testid="undo-bar">
          Deleting {pending.ids.length.toLocaleString()} {pending.ids.length === 1 ? 'person' : 'people'}…
          <button
            type="button"
            data-testid="bulk-undo"
            onClick={() => {
              if (pending.undo()) setMessage('Delete undone.');
            }}
          >
            Undo
          </button>
        </div>
      )}
      {message && !pending && (
        <div class="ws-toast" role="status" data-testid="bulk-message">
          {message}
        </div>
      )}
      <VirtualTable
        testid="people-table"
        rowTestid="person-row"
        rows={rows}
        positions={positions}
        columns={shown}
        sort={sort}
        onSort={(s) => go({ ...state, sort: s })}
        selected={selected}
        allSelected={allMatching}
        onToggle={toggle}
        onOpen={(id) => route(recordPath('contact', id))}
        hrefOf={(id) => `#${recordPath('contact', id)}`}
        busy={!loaded}
      />
    </div>
  );
}
