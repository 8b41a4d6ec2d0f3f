// The Companies table: every company, filtered by text (through the search index) and tag,
// sorted by any column, with its view in the route's query like the People table.
import { route } from 'preact-router';
import { useMemo, useRef } from 'preact/hooks';
import { useLiveQuery } from '../../../components/use-live-query';
import {
  COMPANY_COLUMNS,
  DEFAULT_COMPANY_COLUMNS,
  DEFAULT_COMPANY_SORT,
  type CompanyFilter,
  companyPredicate,
  parseCompanyListState,
} from '../../../storage/company-list';
import { type ListState, formatListState } from '../../../storage/contact-list';
import { getDb } from '../../../storage/db';
import { OrderCache, runQuery } from '../../../storage/list-query';
import { matchingDocs } from '../../../storage/search-index';
import { recordPath } from '../routes';
import { ColumnPicker, SaveView } from '../list/ViewControls';
import { VirtualTable } from '../list/VirtualTable';
import { companiesProjection, useProjection } from '../list/use-projection';

const NO_SELECTION: ReadonlySet<string> = new Set();

export function CompaniesView({ url }: { path?: string; url?: string }) {
  const at = url?.indexOf('?') ?? -1;
  const query = at >= 0 ? url!.slice(at + 1) : '';
  const state = useMemo(() => parseCompanyListState(query), [query]);
  const { filter, sort, columns } = state;
  const { rows, version, loaded } = useProjection(companiesProjection());
  const orders = useMemo(() => new OrderCache(rows, COMPANY_COLUMNS), [rows, version]);
  const go = (next: ListState<CompanyFilter>) => {
    const q = formatListState(next, { sort: DEFAULT_COMPANY_SORT, columns: DEFAULT_COMPANY_COLUMNS });
    route(q ? `/companies?${q}` : '/companies', true);
  };
  const text = filter.text?.trim() ?? '';
  const textHits = useLiveQuery(() => (text ? matchingDocs(getDb(), 'company', text) : undefined), [text]);
  const last = useRef<Uint32Array>(new Uint32Array(0));
  const positions = useMemo(() => {
    if (text && !textHits) return last.current;
    last.current = runQuery(rows, orders, companyPredicate(filter, textHits), sort);
    return last.current;
  }, [orders, query, textHits]);
  const tags = useMemo(() => [...new Set(rows.flatMap((r) => r.tags))].sort((a, b) => a.localeCompare(b)), [version]);
  const set = (key: keyof CompanyFilter, value: string) => go({ ...state, filter: { ...filter, [key]: value || undefined } });

  return (
    <div class="ws-section ws-list">
      <header class="ws-list-head">
        <h2>Companies</h2>
        {loaded ? (
          <span data-testid="result-count" data-count={positions.length}>
            {positions.length.toLocaleString()} {positions.length === 1 ? 'company' : 'companies'}
          </span>
        ) : (
          <span data-testid="list-loading" role="status">
            Loading… {rows.length.toLocaleString()}
          </span>
        )}
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
      <VirtualTable
        testid="companies-table"
        rowTestid="company-row"
        rows={rows}
        positions={positions}
        columns={columns.map((k) => COMPANY_COLUMNS.find((c) => c.key === k)!).filter(Boolean)}
        sort={sort}
        onSort={(s) => go({ ...state, sort: s })}
        selectable={false}
        selected={NO_SELECTION}
        allSelected={false}
        onToggle={() => undefined}
        onOpen={(id) => route(recordPath('company', id))}
        hrefOf={(id) => `#${recordPath('company', id)}`}
        busy={!loaded}
      />
    </div>
  );
}
