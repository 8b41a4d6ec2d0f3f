// The People table's rows, columns, filters and URL state (pure; list-query.ts runs them, and
// list-source.ts keeps the rows in step with the database).
import { type ColumnDef, type SortSpec, dayOf, dayStart, formatSort, parseSort, timeOf } from './list-query';
import { fold } from './normalize';
import { type Contact, SOURCE_TYPES } from './schema';

/** What the table keeps of a contact: the fields it shows, sorts and filters by. */
export interface ContactRow {
  n: number;
  id: string;
  name: string;
  /** Folded name, the sort key. */
  nameKey: string;
  email: string;
  phone: string;
  company: string;
  companyKey: string;
  companyId: string;
  title: string;
  location: string;
  stage: string;
  tags: string[];
  /** Bit i set when a source of type SOURCE_TYPES[i] contributed to the record. */
  sources: number;
  /** Last contact: the latest activity's time (ms), 0 when none. */
  lastContact: number;
  createdAt: number;
  updatedAt: number;
}

export function toContactRow(c: Contact & { n: number }): ContactRow {
  let sources = 0;
  for (const s of c.sources) {
    const i = SOURCE_TYPES.indexOf(s.type);
    if (i >= 0) sources |= 1 << i;
  }
  return {
    n: c.n,
    id: c.id,
    name: c.name,
    nameKey: fold(c.name),
    email: c.emails[0] ?? '',
    phone: c.phones[0] ?? '',
    company: c.company ?? '',
    companyKey: fold(c.company ?? ''),
    companyId: c.companyId ?? '',
    title: c.title ?? '',
    location: c.location ?? '',
    stage: c.stage ?? '',
    tags: c.tags,
    sources,
    lastContact: timeOf(c.lastActivityAt),
    createdAt: timeOf(c.createdAt),
    updatedAt: timeOf(c.updatedAt),
  };
}

const sourceNames = (mask: number) => SOURCE_TYPES.filter((_, i) => mask & (1 << i)).join(', ');
const text = (key: keyof ContactRow, label: string, sortKey?: keyof ContactRow): ColumnDef<ContactRow> => ({
  key,
  label,
  cell: (r) => String(r[key]),
  sortValue: (r) => (sortKey ? (r[sortKey] as string) : fold(String(r[key]))),
});
const day = (key: 'lastContact' | 'createdAt' | 'updatedAt', label: string): ColumnDef<ContactRow> => ({
  key,
  label,
  cell: (r) => dayOf(r[key]),
  sortValue: (r) => r[key],
});

export const CONTACT_COLUMNS: ColumnDef<ContactRow>[] = [
  text('name', 'Name', 'nameKey'),
  text('email', 'Email'),
  text('company', 'Company', 'companyKey'),
  text('title', 'Title'),
  text('stage', 'Stage'),
  { key: 'tags', label: 'Tags', cell: (r) => r.tags.join(', '), sortValue: (r) => fold(r.tags.join(' ')) },
  day('lastContact', 'Last contact'),
  text('location', 'Location'),
  text('phone', 'Phone'),
  { key: 'source', label: 'Source', cell: (r) => sourceNames(r.sources), sortValue: (r) => sourceNames(r.sources) },
  day('createdAt', 'Created'),
  day('updatedAt', 'Updated'),
];

export const DEFAULT_CONTACT_COLUMNS = ['name', 'email', 'company', 'stage', 'tags', 'lastContact'];
export const DEFAULT_CONTACT_SORT: SortSpec = { key: 'lastContact', desc: true };

/** Where a contact stands with the connected CRMs. */
export const SYNC_STATES = ['pending', 'failed', 'synced', 'local'] as const;
export type SyncStateFilter = (typeof SYNC_STATES)[number];

export interface ContactFilter {
  /** Words, matched through the search index (every word a prefix of a term of the person). */
  text?: string;
  stage?: string;
  tag?: string;
  /** Part of the company's name (case- and accent-insensitive). */
  company?: string;
  source?: (typeof SOURCE_TYPES)[number];
  /** Last contact on or after this day (`YYYY-MM-DD`). */
  after?: string;
  /** Last contact before this day. */
  before?: string;
  followUp?: 'yes' | 'no';
  sync?: SyncStateFilter;
}

/** What some filters need besides the rows: read from the index, tasks and sync rows. */
export interface ContactFilterContext {
  /** Doc numbers matching `text` (search-index.ts matchingDocs). */
  textHits?: ReadonlySet<number>;
  /** Ids of people with a task not done. */
  openFollowUps?: ReadonlySet<string>;
  /** Sync state per person id; absent = `local` (no connection has it or waits for it). */
  syncStates?: ReadonlyMap<string, SyncStateFilter>;
}

/**
 * The row test for a filter, or undefined when the filter keeps everything. One function with
 * every condition inline (an unset one costs a comparison): it runs once per row of the table.
 */
export function contactPredicate(filter: ContactFilter, ctx: ContactFilterContext = {}): ((row: ContactRow) => boolean) | undefined {
  const hits = filter.text?.trim() ? (ctx.textHits ?? new Set<number>()) : undefined;
  const stage = filter.stage || undefined;
  const tag = filter.tag || undefined;
  const company = filter.company?.trim() ? fold(filter.company.trim()) : undefined;
  const sourceBit = filter.source ? 1 << SOURCE_TYPES.indexOf(filter.source) : 0;
  const after = dayStart(filter.after);
  const before = dayStart(filter.before);
  const open = filter.followUp ? (ctx.openFollowUps ?? new Set<string>()) : undefined;
  const wantOpen = filter.followUp === 'yes';
  const states = filter.sync ? (ctx.syncStates ?? new Map<string, SyncStateFilter>()) : undefined;
  const sync = filter.sync;
  if (!hits && !stage && !tag && !company && !sourceBit && after === undefined && before === undefined && !open && !states)
    return undefined;
  return (r) =>
    (stage === undefined || r.stage === stage) &&
    (after === undefined || r.lastContact >= after) &&
    // Before: people never contacted do not count as contacted before a day.
    (before === undefined || (r.lastContact > 0 && r.lastContact < before)) &&
    (tag === undefined || r.tags.includes(tag)) &&
    (!sourceBit || (r.sources & sourceBit) !== 0) &&
    (company === undefined || r.companyKey.includes(company)) &&
    (!hits || hits.has(r.n)) &&
    (!open || open.has(r.id) === wantOpen) &&
    (!states || (states.get(r.id) ?? 'local') === sync);
}

/** A table's view: filter, sort and columns, as the route's query carries them. */
export interface ListState<F> {
  filter: F;
  sort: SortSpec;
  columns: string[];
}

const CONTACT_FILTER_KEYS = ['text', 'stage', 'tag', 'company', 'source', 'after', 'before', 'followUp', 'sync'] as const;

/** `stage=lead&tag=vip&sort=-lastContact&cols=name,email` → the view (unknown values dropped). */
export function parseContactListState(query: string): ListState<ContactFilter> {
  const p = new URLSearchParams(query.startsWith('?') ? query.slice(1) : query);
  const filter: ContactFilter = {};
  for (const key of CONTACT_FILTER_KEYS) {
    const v = p.get(key);
    if (v) (filter as Record<string, string>)[key] = v;
  }
  if (filter.source && !SOURCE_TYPES.includes(filter.source)) delete filter.source;
  if (filter.followUp && filter.followUp !== 'yes' && filter.followUp !== 'no') delete filter.followUp;
  if (filter.sync && !SYNC_STATES.includes(filter.sync)) delete filter.sync;
  const known = new Set(CONTACT_COLUMNS.map((c) => c.key));
  const cols = (p.get('cols') ?? '').split(',').filter((k) => known.has(k));
  const sort = parseSort(p.get('sort'), DEFAULT_CONTACT_SORT);
  return {
    filter,
    sort: known.has(sort.key) ? sort : DEFAULT_CONTACT_SORT,
    columns: cols.length ? cols : DEFAULT_CONTACT_COLUMNS,
  };
}

/** The route query of a view (defaults left out, so `#/people` is the default view). */
export function formatListState<F extends object>(state: ListState<F>, defaults: { sort: SortSpec; columns: string[] }): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(state.filter)) if (typeof v === 'string' && v) p.set(k, v);
  if (formatSort(state.sort) !== formatSort(defaults.sort)) p.set('sort', formatSort(state.sort));
  if (state.columns.join(',') !== defaults.columns.join(',')) p.set('cols', state.columns.join(','));
  return p.toString();
}
