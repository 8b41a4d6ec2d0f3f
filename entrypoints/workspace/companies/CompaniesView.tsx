// The Companies table: every company with how many people work there, filtered by text (through
// the search index) and tag, sorted by any column, its view in the route's query, and the bulk
// actions of the People table (tags, sync, export, delete with undo) on a selection or all matching.
import { route } from 'preact-router';
import { useMemo, useRef } from 'preact/hooks';
import { useLiveQuery } from '../../../components/use-live-query';
import {
  COMPANY_COLUMNS,
  DEFAULT_COMPANY_COLUMNS,
  DEFAULT_COMPANY_SORT,
  type CompanyFilter,
  type CompanyRow,
  companyPredicate,
  parseCompanyListState,
  withPeopleCounts,
} from '../../../storage/company-list';
import { type ListState, formatListState } from '../../../storage/contact-list';
import { getDb } from '../../../storage/db';
import { OrderCache, runQuery } from '../../../storage/list-query';
import { companyPeopleCounts } from '../../../storage/list-source';
import { matchingDocs } from '../../../storage/search-index';
import { recordPath, routeQuery } from '../routes';
import { BulkBar } from '../list/BulkBar';
import { ColumnPicker, SaveView } from '../list/ViewControls';
import { VirtualTable } from '../list/VirtualTable';
import { SelectAllMatching, useSelection } from '../list/selection';
import { BulkStatus, useUndoDelete } from '../list/undo-delete';
import { companiesProjection, useProjection } from '../list/use-projection';

export function CompaniesView({ url }: { path?: string; url?: string }) {
  const query = routeQuery(url);
  const state = useMemo(() => parseCompanyListState(query), [query]);
  const { filter, sort, columns } = state;
  const projection = useProjection(companiesProjection());
  // People per company: a key-only read of the contacts' company index, kept current by liveQuery.
  const counts = useLiveQuery(() => companyPeopleCounts(getDb()), []);
  const rows = useMemo(
    () => (counts ? withPeopleCounts(projection.rows, counts) : projection.rows),
    [projection.rows, projection.version, counts],
  );
  const { loaded } = projection;
  const orders = useMemo(() => new OrderCache(rows, COMPANY_COLUMNS), [rows]);
  const go = (next: ListState<CompanyFilter>) => {
    const q = formatListState(next, { sort: DEFAULT_COMPANY_SORT, columns: DEFAULT_COMPANY_COLUMNS });
    route(q ? `/companies?${q}` : '/companies', true);
  };
  const text = filter.text?.trim() ?? '';
  const textHits = useLiveQuery(() => (text ? matchingDocs(getDb(), 'company', text) : undefined), [text]);
  const deletion = useUndoDelete('company');
  const { hidden } = deletion;
  const last = useRef<Uint32Array>(new Uint32Array(0));
  const positions = useMemo(() => {
    if (text && !textHits) return last.current;
    const keep = companyPredicate(filter, textHits);
    const test = hidden ? (r: CompanyRow) => !hidden.has(r.id) && (!keep || keep(r)) : keep;
    last.current = runQuery(rows, orders, test, sort);
    return last.current;
  }, [orders, query, textHits, hidden]);
  const selection = useSelection(rows, positions, query);
  const tags = useMemo(() => [...new Set(rows.flatMap((r) => r.tags))].sort((a, b) => a.localeCompare(b)), [rows]);
  const set = (key: keyof CompanyFilter, value: string) => go({ ...state, filter: { ...filter, [key]: value || undefined } });

  return (
    <div class="ws-section ws-list">
      <header class="ws-list-head">
        <h2>Companies</h2>
        {loaded ? (
          <span data-testid="result-count" data-count={positions.length} aria-live="polite">
            {positions.length.toLocaleString()} {positions.length === 1 ? 'company' : 'companies'}
          </span>
        ) : (
          <span data-testid="list-loading" role="status">
            Loading… {rows.length.toLocaleString()}
          </span>
        )}
        <SelectAllMatching selection={selection} matching={positions.length} />
        <ColumnPicker columns={COMPANY_COLUMNS} chosen={columns} onChange={(cols) => go({ ...state, columns: cols })} />
        <SaveView table="companies" query={query} />
      </header>
      <div class="ws-filters" role="search">
        <label class="ws-filter ws-filter-text">
          <span>Search</span>
          <input type="search" data-testid="filter-text" value={filter.text ?? ''} onInput={(e) => set('text', e.currentTarget.value)} />
        </label>
        <label class="ws-filter">
          <span>Tag</span>
          <select data-testid="filter-tag" value={filter.tag ?? ''} onChange={(e) => set('tag', e.currentTarget.value)}>
            <option value="">Any</option>
            {tags.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
      </div>
      <BulkBar
        kind="company"
        count={selection.count}
        ids={selection.ids}
        keys={selection.keys}
        consequences="Their people, deals and history stay, no longer linked to them."
        onDelete={(ids) => {
          selection.clear();
          deletion.start(ids);
        }}
        onDone={deletion.setMessage}
      />
      <BulkStatus kind="company" state={deletion} />
      <VirtualTable
        testid="companies-table"
        rowTestid="company-row"
        rows={rows}
        positions={positions}
        columns={columns.map((k) => COMPANY_COLUMNS.find((c) => c.key === k)!).filter(Boolean)}
        sort={sort}
        onSort={(s) => go({ ...state, sort: s })}
        selected={selection.selected}
        allSelected={selection.allMatching}
        onToggle={selection.toggle}
        onOpen={(id) => route(recordPath('company', id))}
        hrefOf={(id) => `#${recordPath('company', id)}`}
        busy={!loaded}
      />
    </div>
  );
}
