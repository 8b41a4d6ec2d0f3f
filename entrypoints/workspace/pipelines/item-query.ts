// The table view of a pipeline's items: one small row per item, the columns its kind shows, the
// filters (text, stage, and for cases category, priority, overdue) and the view as the route's
// query carries it (`#/pipelines/<id>?view=table&stage=open&sort=-updated`), so a view reloads,
// bookmarks and saves as it was. Sorting and filtering reuse the People table's engine
// (storage/list-query.ts). Pure: rows in, positions out.
import type { ListState } from '../../../storage/contact-list';
import { type ColumnDef, type SortSpec, dayOf, formatSort, parseSort, timeOf } from '../../../storage/list-query';
import { fold } from '../../../storage/normalize';
import { CASE_CATEGORIES, CASE_PRIORITIES, type Pipeline, type PipelineItem } from '../../../storage/schema';
import { slaState } from '../../../storage/sla';
import { localDateOf, localTimeOf } from '../../../storage/task-schedule';

export interface ItemRow {
  id: string;
  title: string;
  /** Folded title and people, for the text filter. */
  textKey: string;
  stageId: string;
  stage: string;
  /** The stage's place in the pipeline: the stage column sorts in the board's order. */
  stageIndex: number;
  people: string;
  amount?: number;
  currency?: string;
  category?: PipelineItem['category'];
  priority?: PipelineItem['priority'];
  role?: string;
  slaDueAt?: string;
  closedAt?: string;
  updated: number;
}

/** One row per item; `names` gives the people's names (an id stands in for one not found). */
export function toItemRows(
  items: readonly PipelineItem[],
  pipeline: Pick<Pipeline, 'stages'>,
  names: ReadonlyMap<string, string>,
): ItemRow[] {
  const index = new Map(pipeline.stages.map((s, i) => [s.id, i]));
  return items.map((it) => {
    const people = it.contactIds.map((id) => names.get(id) ?? id).join(', ');
    const i = index.get(it.stageId) ?? pipeline.stages.length;
    return {
      id: it.id,
      title: it.title,
      textKey: fold(`${it.title} ${people}`),
      stageId: it.stageId,
      stage: pipeline.stages[i]?.name ?? it.stageId,
      stageIndex: i,
      people,
      amount: it.amount,
      currency: it.currency,
      category: it.category,
      priority: it.priority,
      role: it.role,
      slaDueAt: it.slaDueAt,
      closedAt: it.closedAt,
      updated: timeOf(it.updatedAt),
    };
  });
}

const PRIORITY_RANK: Record<string, number> = { low: 1, normal: 2, high: 3, urgent: 4 };

function formatAmount(r: ItemRow): string {
  if (r.amount === undefined) return '';
  return `${r.amount.toLocaleString('en')}${r.currency ? ` ${r.currency}` : ''}`;
}

const ALL_COLUMNS: Record<string, ColumnDef<ItemRow>> = {
  // Keyed `name`: the table links a row's name cell to its page.
  name: { key: 'name', label: 'Title', cell: (r) => r.title, sortValue: (r) => fold(r.title) },
  stage: { key: 'stage', label: 'Stage', cell: (r) => r.stage, sortValue: (r) => r.stageIndex },
  people: { key: 'people', label: 'People', cell: (r) => r.people, sortValue: (r) => fold(r.people) },
  // Empty amounts sort first (below every amount, 0 included).
  amount: { key: 'amount', label: 'Amount', cell: formatAmount, sortValue: (r) => r.amount ?? -1 },
  role: { key: 'role', label: 'Role', cell: (r) => r.role ?? '', sortValue: (r) => fold(r.role ?? '') },
  category: { key: 'category', label: 'Category', cell: (r) => r.category ?? '', sortValue: (r) => r.category ?? '' },
  priority: { key: 'priority', label: 'Priority', cell: (r) => r.priority ?? '', sortValue: (r) => PRIORITY_RANK[r.priority ?? ''] ?? 0 },
  slaDue: {
    key: 'slaDue',
    label: 'SLA due',
    // In the user's local time, as the item page shows it.
    cell: (r) => (r.slaDueAt ? `${localDateOf(new Date(r.slaDueAt))} ${localTimeOf(new Date(r.slaDueAt))}` : ''),
    sortValue: (r) => timeOf(r.slaDueAt),
  },
  updated: { key: 'updated', label: 'Updated', cell: (r) => dayOf(r.updated), sortValue: (r) => r.updated },
};

/** The columns of a pipeline's table, by its kind: amounts for deals, role for candidates, priority and SLA for cases. */
export function itemColumns(kind: Pipeline['kind']): ColumnDef<ItemRow>[] {
  const middle = kind === 'service' ? ['category', 'priority', 'slaDue'] : kind === 'hiring' ? ['role'] : ['amount'];
  return ['name', 'stage', 'people', ...middle, 'updated'].map((k) => ALL_COLUMNS[k]);
}

export const DEFAULT_ITEM_SORT: SortSpec = { key: 'updated', desc: true };

export interface ItemFilter {
  /** Words found in the title or the people's names (any case, any accents). */
  text?: string;
  /** A stage id. */
  stage?: string;
  category?: (typeof CASE_CATEGORIES)[number];
  priority?: (typeof CASE_PRIORITIES)[number];
  /** `yes`: open cases past their SLA due time. */
  overdue?: 'yes';
}

const FILTER_KEYS = ['text', 'stage', 'category', 'priority', 'overdue'] as const;

/** The row test of a filter at `now`, or undefined when it keeps every row. */
export function itemPredicate(filter: ItemFilter, now: Date): ((row: ItemRow) => boolean) | undefined {
  const words = filter.text ? fold(filter.text).split(/\s+/).filter(Boolean) : [];
  const { stage, category, priority } = filter;
  const overdue = filter.overdue === 'yes';
  if (!words.length && !stage && !category && !priority && !overdue) return undefined;
  return (r) =>
    (!stage || r.stageId === stage) &&
    (!category || r.category === category) &&
    (!priority || r.priority === priority) &&
    (!overdue || slaState(r, now) === 'overdue') &&
    words.every((w) => r.textKey.includes(w));
}

/** The query (`stage=open&overdue=yes&sort=-slaDue`) → the view; unknown values, stages and columns are dropped. */
export function parseItemListState(query: string, pipeline: Pick<Pipeline, 'kind' | 'stages'>): ListState<ItemFilter> {
  const p = new URLSearchParams(query.startsWith('?') ? query.slice(1) : query);
  const filter: ItemFilter = {};
  for (const key of FILTER_KEYS) {
    const v = p.get(key);
    if (v) (filter as Record<string, string>)[key] = v;
  }
  if (filter.stage && !pipeline.stages.some((s) => s.id === filter.stage)) delete filter.stage;
  const service = pipeline.kind === 'service';
  if (filter.category && !(service && CASE_CATEGORIES.includes(filter.category))) delete filter.category;
  if (filter.priority && !(service && CASE_PRIORITIES.includes(filter.priority))) delete filter.priority;
  if (filter.overdue && !(service && filter.overdue === 'yes')) delete filter.overdue;
  const columns = itemColumns(pipeline.kind);
  const known = new Set(columns.map((c) => c.key));
  const sort = parseSort(p.get('sort'), DEFAULT_ITEM_SORT);
  return { filter, sort: known.has(sort.key) ? sort : DEFAULT_ITEM_SORT, columns: columns.map((c) => c.key) };
}

/** The view as the route's query, after `view=table` (defaults left out). */
export function formatItemListState(state: Pick<ListState<ItemFilter>, 'filter' | 'sort'>): string {
  const p = new URLSearchParams();
  p.set('view', 'table');
  for (const key of FILTER_KEYS) {
    const v = state.filter[key];
    if (v) p.set(key, v);
  }
  if (formatSort(state.sort) !== formatSort(DEFAULT_ITEM_SORT)) p.set('sort', formatSort(state.sort));
  return p.toString();
}
