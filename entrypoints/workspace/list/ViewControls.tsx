// A table's view controls: which columns show, and saving the view (filter + sort + columns) under
// a name that then appears in the navigation.
import { useState } from 'preact/hooks';
import type { ColumnDef } from '../../../storage/list-query';
import { type SavedView, saveView } from '../../../storage/saved-views';

export function ColumnPicker<R>({
  columns,
  chosen,
  onChange,
}: {
  columns: ColumnDef<R>[];
  chosen: string[];
  onChange(cols: string[]): void;
}) {
  return (
    <details class="ws-columns">
      <summary data-testid="columns-button">Columns</summary>
      <div class="ws-columns-list">
        {columns.map((c) => (
          <label key={c.key}>
            <input
              type="checkbox"
              data-testid="column-toggle"
              data-column={c.key}
              checked={chosen.includes(c.key)}
              onChange={(e) => {
                const on = e.currentTarget.checked;
                // Keep the table's column order; at least one column stays.
                const next = columns.map((x) => x.key).filter((k) => (k === c.key ? on : chosen.includes(k)));
                if (next.length) onChange(next);
              }}
            />
            {c.label}
          </label>
        ))}
      </div>
    </details>
  );
}

export function SaveView({ table, query }: { table: SavedView['table']; query: string }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | undefined>();
  const save = async () => {
    try {
      await saveView({ table, name, query });
      setOpen(false);
      setName('');
      setError(undefined);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  if (!open)
    return (
      <button type="button" data-testid="save-view" onClick={() => setOpen(true)}>
        Save view
      </button>
    );
  return (
    <form
      class="ws-save-view"
      onSubmit={(e) => {
        e.preventDefault();
        if (name.trim()) void save();
      }}
    >
      <input
        data-testid="save-view-name"
        aria-label="View name"
        placeholder="View name"
        value={name}
        onInput={(e) => setName(e.currentTarget.value)}
      />
      <button type="submit" data-testid="save-view-confirm" disabled={!name.trim()}>
        Save
      </button>
      <button type="button" onClick={() => setOpen(false)}>
        Cancel
      </button>
      {error && <span role="alert">{error}</span>}
    </form>
  );
}
