// A table over many rows: only the rows in view are in the DOM (@tanstack/virtual-core), fixed row
// height, each row its own layout root (CSS containment). Headers sort; the keyboard moves the
// active row (↑/↓, Home/End, PageUp/PageDown), Enter opens it, `x` selects it.
import { Virtualizer, elementScroll, observeElementOffset, observeElementRect } from '@tanstack/virtual-core';
import { useLayoutEffect, useMemo, useReducer, useRef, useState } from 'preact/hooks';
import type { ColumnDef, SortSpec } from '../../../storage/list-query';

export const ROW_HEIGHT = 32;

function useVirtualRows(count: number, scroll: { current: HTMLDivElement | null }) {
  const [, rerender] = useReducer((x: number) => x + 1, 0);
  const virtualizer = useMemo(
    () =>
      new Virtualizer<HTMLDivElement, Element>({
        count,
        getScrollElement: () => scroll.current,
        estimateSize: () => ROW_HEIGHT,
        scrollToFn: elementScroll,
        observeElementRect,
        observeElementOffset,
        overscan: 8,
        onChange: () => rerender(0),
      }),
    [],
  );
  virtualizer.setOptions({ ...virtualizer.options, count });
  useLayoutEffect(() => virtualizer._didMount(), []);
  useLayoutEffect(() => virtualizer._willUpdate());
  return virtualizer;
}

export interface VirtualTableProps<R extends { id: string }> {
  testid: string;
  rowTestid: string;
  rows: readonly R[];
  /** Positions of the rows to show, in order. */
  positions: Uint32Array;
  columns: ColumnDef<R>[];
  sort: SortSpec;
  onSort(sort: SortSpec): void;
  selected: ReadonlySet<string>;
  /** Every matching row is selected ("all N matching"). */
  allSelected: boolean;
  onToggle(id: string): void;
  onOpen(id: string): void;
  /** The link of a row's name (its page). */
  hrefOf(id: string): string;
  /** Rows have a selection checkbox (`x` selects). */
  selectable?: boolean;
  /** Announced while the rows are still loading. */
  busy?: boolean;
}

export function VirtualTable<R extends { id: string }>(props: VirtualTableProps<R>) {
  const { rows, positions, columns, sort } = props;
  const scroll = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualRows(positions.length, scroll);
  const items = virtualizer.getVirtualItems();
  const [active, setActive] = useState(0);
  const activeIndex = Math.min(active, Math.max(0, positions.length - 1));
  const selectable = props.selectable !== false;
  const template = `${selectable ? '36px ' : ''}${columns.map((c) => (c.key === 'name' ? 'minmax(160px, 2fr)' : 'minmax(90px, 1fr)')).join(' ')}`;

  const move = (to: number) => {
    const next = Math.max(0, Math.min(positions.length - 1, to));
    setActive(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.target instanceof HTMLInputElement && e.target.type !== 'checkbox') return;
    const page = Math.max(1, Math.floor((scroll.current?.clientHeight ?? 400) / ROW_HEIGHT) - 1);
    const row = positions.length ? rows[positions[activeIndex]] : undefined;
    if (e.key === 'ArrowDown') move(activeIndex + 1);
    else if (e.key === 'ArrowUp') move(activeIndex - 1);
    else if (e.key === 'PageDown') move(activeIndex + page);
    else if (e.key === 'PageUp') move(activeIndex - page);
    else if (e.key === 'Home') move(0);
    else if (e.key === 'End') move(positions.length - 1);
    else if (e.key === 'Enter' && row) props.onOpen(row.id);
    else if (e.key === 'x' && selectable && row && !e.ctrlKey && !e.metaKey && !e.altKey) props.onToggle(row.id);
    else return;
    e.preventDefault();
  };

  return (
    <div class="vt" role="grid" aria-rowcount={positions.length} aria-busy={props.busy || undefined}>
      <div class="vt-head" role="row" style={{ gridTemplateColumns: template }}>
        {selectable && <span role="columnheader" />}
        {columns.map((c) => (
          <span key={c.key} role="columnheader" aria-sort={sort.key === c.key ? (sort.desc ? 'descending' : 'ascending') : undefined}>
            <button
              type="button"
              data-testid="column-header"
              data-column={c.key}
              onClick={() => props.onSort({ key: c.key, desc: sort.key === c.key ? !sort.desc : false })}
            >
              {c.label}
              {sort.key === c.key ? (sort.desc ? ' ↓' : ' ↑') : ''}
            </button>
          </span>
        ))}
      </div>
      <div ref={scroll} class="vt-body" data-testid={props.testid} tabIndex={0} onKeyDown={onKeyDown}>
        <div style={{ height: `${virtualizer.getTotalSize()}px`, position: 'relative' }}>
          {/* The rows in view follow each other: one transform moves them all, so a scrolled frame
              restyles one element, not each row. */}
          <div class="vt-rows" style={{ transform: `translateY(${items[0]?.start ?? 0}px)` }}>
            {items.map((item, slot) => {
              const row = rows[positions[item.index]];
              // (An empty row keeps the ones below it in place.)
              if (!row) return <div key={slot} class="vt-row" />;
              // Keyed by slot, not by row: a scrolled frame updates the rows' text in place instead of
              // removing and creating every row that scrolled past.
              const checked = props.allSelected || props.selected.has(row.id);
              return (
                <div
                  key={slot}
                  role="row"
                  data-testid={props.rowTestid}
                  data-id={row.id}
                  aria-rowindex={item.index + 1}
                  aria-selected={checked}
                  class={`vt-row${item.index === activeIndex ? ' active' : ''}${checked ? ' selected' : ''}`}
                  style={{ gridTemplateColumns: template }}
                  onClick={() => setActive(item.index)}
                  onDblClick={() => props.onOpen(row.id)}
                >
                  {selectable && (
                    <span role="gridcell">
                      <input
                        type="checkbox"
                        data-testid="row-select"
                        aria-label="Select"
                        checked={checked}
                        onClick={(e) => e.stopPropagation()}
                        onChange={() => props.onToggle(row.id)}
                      />
                    </span>
                  )}
                  {columns.map((c) => (
                    <span key={c.key} role="gridcell" data-column={c.key} title={c.cell(row)}>
                      {c.key === 'name' ? <a href={props.hrefOf(row.id)}>{c.cell(row)}</a> : c.cell(row)}
                    </span>
                  ))}
                </div>
              );
            })}
          </div>
        </div>
      </div>
    </div>
  );
}
