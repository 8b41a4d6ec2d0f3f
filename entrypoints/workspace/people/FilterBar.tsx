// The People table's filter bar: every control writes the route's query (PeopleView), so a view
// reloads and bookmarks as it was. Option values are stored values.
import { type ContactFilter, SYNC_STATES } from '../../../storage/contact-list';
import { SOURCE_TYPES } from '../../../storage/schema';

export interface FilterBarProps {
  filter: ContactFilter;
  stages: string[];
  tags: string[];
  onChange(filter: ContactFilter): void;
}

export function FilterBar({ filter, stages, tags, onChange }: FilterBarProps) {
  const set = (key: keyof ContactFilter, value: string) => {
    const next: Record<string, string | undefined> = { ...filter, [key]: value || undefined };
    onChange(next as ContactFilter);
  };
  const select = (key: keyof ContactFilter, label: string, testid: string, values: readonly string[]) => (
    <label class="ws-filter">
      <span>{label}</span>
      <select data-testid={testid} value={(filter[key] as string | undefined) ?? ''} onChange={(e) => set(key, e.currentTarget.value)}>
        <option value="">Any</option>
        {values.map((v) => (
          <option key={v} value={v}>
            {v}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <div class="ws-filters" role="search">
      <label class="ws-filter ws-filter-text">
        <span>Search</span>
        <input
          type="search"
          data-testid="filter-text"
          placeholder="Name, email, company…"
          value={filter.text ?? ''}
          onInput={(e) => set('text', e.currentTarget.value)}
        />
      </label>
      {select('stage', 'Stage', 'filter-stage', stages)}
      {select('tag', 'Tag', 'filter-tag', tags)}
      <label class="ws-filter">
        <span>Company</span>
        <input data-testid="filter-company" value={filter.company ?? ''} onInput={(e) => set('company', e.currentTarget.value)} />
      </label>
      {select('source', 'Source', 'filter-source', SOURCE_TYPES)}
      <label class="ws-filter">
        <span>Last contact after</span>
        <input type="date" data-testid="filter-after" value={filter.after ?? ''} onChange={(e) => set('after', e.currentTarget.value)} />
      </label>
      <label class="ws-filter">
        <span>before</span>
        <input type="date" data-testid="filter-before" value={filter.before ?? ''} onChange={(e) => set('before', e.currentTarget.value)} />
      </label>
      {select('followUp', 'Open follow-up', 'filter-followup', ['yes', 'no'])}
      {select('sync', 'Sync', 'filter-sync', SYNC_STATES)}
    </div>
  );
}
