// A table's selection: ids picked by hand, or every matching row ("all N matching", kept as a flag
// so a selection of 100,000 is not a set of 100,000 until an action reads it). A new filter starts
// a new selection.
import { useEffect, useState } from 'preact/hooks';

export interface Selection {
  selected: ReadonlySet<string>;
  allMatching: boolean;
  count: number;
  /** The selected ids, in the table's order for all matching. */
  ids(): string[];
  /** The same with each record's internal number: the bulk actions read records by primary key. */
  keys(): { id: string; n: number }[];
  toggle(id: string): void;
  toggleAll(): void;
  clear(): void;
}

export function useSelection(rows: readonly { id: string; n: number }[], positions: Uint32Array, query: string): Selection {
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [allMatching, setAllMatching] = useState(false);
  const clear = () => {
    setSelected((s) => (s.size ? new Set() : s));
    setAllMatching(false);
  };
  useEffect(clear, [query]);
  const matching = () => [...positions].map((p) => rows[p].id);
  return {
    selected,
    allMatching,
    count: allMatching ? positions.length : selected.size,
    ids: () => (allMatching ? matching() : [...selected]),
    keys: () =>
      (allMatching ? [...positions].map((p) => rows[p]) : rows.filter((r) => selected.has(r.id))).map((r) => ({ id: r.id, n: r.n })),
    toggle(id) {
      if (allMatching) {
        setAllMatching(false);
        setSelected(new Set(matching().filter((x) => x !== id)));
        return;
      }
      const next = new Set(selected);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      setSelected(next);
    },
    toggleAll() {
      setAllMatching(!allMatching);
      setSelected(new Set());
    },
    clear,
  };
}

/** The header's "Select all N matching" / "Clear selection". */
export function SelectAllMatching({ selection, matching }: { selection: Selection; matching: number }) {
  return (
    <button type="button" data-testid="select-all-matching" disabled={!matching} onClick={selection.toggleAll}>
      {selection.allMatching ? 'Clear selection' : `Select all ${matching.toLocaleString()} matching`}
    </button>
  );
}
