// The Companies table's rows, columns, filters and URL state (pure, like contact-list.ts).
import { type ListState } from './contact-list';
import { type ColumnDef, type SortSpec, dayOf, parseSort, timeOf } from './list-query';
import { fold } from './normalize';
import type { Company } from './schema';

export interface CompanyRow {
  n: number;
  id: string;
  name: string;
  nameKey: string;
  domain: string;
  industry: string;
  size: string;
  location: string;
  tags: string[];
  /** How many people work there (filled in by withPeopleCounts; 0 until then). */
  people: number;
  createdAt: number;
  updatedAt: number;
}

export function toCompanyRow(c: Company & { n: number }): CompanyRow {
  return {
    n: c.n,
    id: c.id,
    name: c.name,
    nameKey: fold(c.name),
    domain: c.domain ?? '',
    industry: c.industry ?? '',
    size: c.size ?? '',
    location: c.location ?? '',
    tags: c.tags ?? [],
    people: 0,
    createdAt: timeOf(c.createdAt),
    updatedAt: timeOf(c.updatedAt),
  };
}

const text = (key: 'name' | 'domain' | 'industry' | 'size' | 'location', label: string): ColumnDef<CompanyRow> => ({
  key,
  label,
  cell: (r) => r[key],
  sortValue: (r) => (key === 'name' ? r.nameKey : fold(r[key])),
});

export const COMPANY_COLUMNS: ColumnDef<CompanyRow>[] = [
  text('name', 'Name'),
  text('domain', 'Domain'),
  text('industry', 'Industry'),
  text('size', 'Size'),
  text('location', 'Location'),
  { key: 'tags', label: 'Tags', cell: (r) => r.tags.join(', '), sortValue: (r) => fold(r.tags.join(' ')) },
  { key: 'people', label: 'People', cell: (r) => r.people.toLocaleString(), sortValue: (r) => r.people },
  { key: 'createdAt', label: 'Created', cell: (r) => dayOf(r.createdAt), sortValue: (r) => r.createdAt },
  { key: 'updatedAt', label: 'Updated', cell: (r) => dayOf(r.updatedAt), sortValue: (r) => r.updatedAt },
];

export const DEFAULT_COMPANY_COLUMNS = ['name', 'domain', 'industry', 'location', 'tags', 'people'];

/** The rows with each company's count of people (the same rows when nothing changed). */
export function withPeopleCounts(rows: readonly CompanyRow[], counts: ReadonlyMap<string, number>): CompanyRow[] {
  return rows.map((r) => {
    const people = counts.get(r.id) ?? 0;
    return people === r.people ? r : { ...r, people };
  });
}
export const DEFAULT_COMPANY_SORT: SortSpec = { key: 'name', desc: false };

export interface CompanyFilter {
  text?: string;
  tag?: string;
}

export function companyPredicate(filter: CompanyFilter, textHits?: ReadonlySet<number>): ((row: CompanyRow) => boolean) | undefined {
  const hasText = !!filter.text?.trim();
  const hits = textHits ?? new Set<number>();
  const tag = filter.tag;
  if (!hasText && !tag) return undefined;
  return (r) => (!hasText || hits.has(r.n)) && (!tag || r.tags.includes(tag));
}

export function parseCompanyListState(query: string): ListState<CompanyFilter> {
  const p = new URLSearchParams(query.startsWith('?') ? query.slice(1) : query);
  const filter: CompanyFilter = {};
  const t = p.get('text');
  if (t) filter.text = t;
  const tag = p.get('tag');
  if (tag) filter.tag = tag;
  const known = new Set(COMPANY_COLUMNS.map((c) => c.key));
  const cols = (p.get('cols') ?? '').split(',').filter((k) => known.has(k));
  const sort = parseSort(p.get('sort'), DEFAULT_COMPANY_SORT);
  return { filter, sort: known.has(sort.key) ? sort : DEFAULT_COMPANY_SORT, columns: cols.length ? cols : DEFAULT_COMPANY_COLUMNS };
}
