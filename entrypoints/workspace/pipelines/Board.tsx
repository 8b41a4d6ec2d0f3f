// A pipeline's board: one column per stage (count and amount totals, weighted by probability for
// sales), a card per item. A card moves by drag-and-drop onto another column or, from the keyboard,
// with its stage select; both go through storage's moveItemTo (the move and its history).
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatDue } from '../../../components/format';
import { useLiveQuery } from '../../../components/use-live-query';
import { moveItemTo } from '../../../storage/pipelines';
import type { Pipeline, PipelineItem, Stage } from '../../../storage/schema';
import { itemPath } from '../routes';
import { getDb } from '../../../storage/db';
import { COLUMN_PAGE, type ColumnData, countColumn, readColumn, useBoardTotals } from './board-data';
import { type BoardTotals, applyItems, stageTotal } from './board-totals';
import { formatMoney, pinMoved, settledMoves, visibleCards } from './board-view';

const DRAG_TYPE = 'application/x-rapport-item';

function Card({
  item,
  pipeline,
  names,
  focused,
  pending,
  onMove,
}: {
  item: PipelineItem;
  pipeline: Pipeline;
  names: (contactId: string) => string | undefined;
  /** The card whose stage was just changed from the keyboard: its select keeps the focus in the new column. */
  focused: boolean;
  /** Moved here, the write not read back yet. */
  pending: boolean;
  onMove: (id: string, stageId: string, fromKeyboard?: boolean) => void;
}) {
  const select = useRef<HTMLSelectElement>(null);
  useEffect(() => {
    if (focused && document.activeElement !== select.current) select.current?.focus();
  }, [focused]);
  const stage = pipeline.stages.find((s) => s.id === item.stageId);
  const people = item.contactIds.map(names).filter(Boolean);
  const overdue = !!item.openSlaDueAt && item.openSlaDueAt < new Date().toISOString();
  return (
    <li
      class="pl-card"
      data-testid="pipeline-item"
      data-id={item.id}
      data-stage={stage?.name ?? item.stageId}
      data-pending={pending ? 'true' : undefined}
      draggable
      onDragStart={(e) => {
        e.dataTransfer?.setData(DRAG_TYPE, item.id);
        e.dataTransfer?.setData('text/plain', item.title);
        if (e.dataTransfer) e.dataTransfer.effectAllowed = 'move';
      }}
    >
      <a class="pl-card-title" href={`#${itemPath(item.id)}`}>
        {item.title}
      </a>
      {people.length > 0 && <div class="pl-card-people">{people.join(', ')}</div>}
      <div class="pl-card-meta">
        {item.amount !== undefined && <span data-testid="item-amount">{formatMoney(item.amount, item.currency ?? pipeline.currency)}</span>}
        {pipeline.kind === 'service' && item.priority && <span class={`pl-priority pl-priority-${item.priority}`}>{item.priority}</span>}
        {pipeline.kind === 'service' && item.slaDueAt && (
          <span class={overdue ? 'pl-sla overdue' : 'pl-sla'} data-testid="item-sla" data-overdue={overdue ? 'true' : undefined}>
            SLA {formatDue(item.slaDueAt)}
          </span>
        )}
        {item.role && <span>{item.role}</span>}
      </div>
      <select
        ref={select}
        data-testid="item-move"
        aria-label={`Stage of ${item.title}`}
        value={stage?.name}
        onChange={(e) => {
          const name = (e.target as HTMLSelectElement).value;
          const to = pipeline.stages.find((s) => s.name === name);
          if (to) onMove(item.id, to.id, true);
        }}
      >
        {pipeline.stages.map((s) => (
          <option key={s.id} value={s.name}>
            {s.name}
          </option>
        ))}
      </select>
    </li>
  );
}

function ColumnTotal({ pipeline, stage, count, totals }: { pipeline: Pipeline; stage: Stage; count?: number; totals?: BoardTotals }) {
  const t = totals ? stageTotal(totals, stage) : undefined;
  const showAmount = pipeline.kind === 'sales' || pipeline.kind === 'custom';
  const weighted = pipeline.kind === 'sales' && stage.probability !== undefined;
  const others = t ? Object.entries(t.other) : [];
  return (
    <div
      class="pl-total"
      data-testid="column-total"
      data-count={count ?? ''}
      data-amount={t ? String(t.amount) : ''}
      data-weighted={t && weighted ? String(t.weighted) : undefined}
    >
      <span class="pl-count">{count ?? '…'}</span>
      {showAmount && (
        <span class="pl-amount">
          {t ? formatMoney(t.amount, pipeline.currency) : '…'}
          {t && weighted && (
            <span class="pl-weighted" title={`Weighted by the stage's probability (${Math.round(stage.probability! * 100)} %)`}>
              {' '}
              · {formatMoney(t.weighted, pipeline.currency)} weighted
            </span>
          )}
          {others.map(([c, a]) => (
            <span key={c} class="pl-other">
              {' '}
              + {formatMoney(a, c)}
            </span>
          ))}
        </span>
      )}
    </div>
  );
}

/** What the board shares with its columns: moves not yet read back, where cards are, people's names. */
interface BoardMoves {
  moving: Record<string, PipelineItem>;
  onMove: (id: string, stageId: string, fromKeyboard?: boolean) => void;
  /** A column's answer: the board learns its cards (to move one dropped by id) and settles moves. */
  onData: (stageId: string, data: ColumnData) => void;
  names: (contactId: string) => string | undefined;
}

function Column({
  pipeline,
  stage,
  pinned,
  totals,
  focusId,
  countIndex,
  moves,
}: {
  pipeline: Pipeline;
  stage: Stage;
  pinned: readonly string[];
  totals?: BoardTotals;
  focusId?: string;
  /** Every column has drawn its cards: the index counts may walk their ranges now. */
  countIndex: boolean;
  moves: BoardMoves;
}) {
  const [limit, setLimit] = useState(COLUMN_PAGE);
  const [over, setOver] = useState(false);
  const live = useLiveQuery(() => readColumn(pipeline.id, stage.id, limit, pinned), [pipeline.id, stage.id, limit, pinned]);
  // The cards stay while a changed query (more cards, a pin) answers.
  const last = useRef<ColumnData | undefined>(undefined);
  const data = live ?? last.current;
  last.current = data;
  useEffect(() => {
    if (data) moves.onData(stage.id, data);
  }, [data]);
  // Counted by the index once the board's cards are drawn, until the totals count the column.
  const indexCount = useLiveQuery(
    () => (countIndex && !totals ? countColumn(pipeline.id, stage.id) : undefined),
    [pipeline.id, stage.id, countIndex && !totals],
  );
  const shown = data ? visibleCards(stage.id, data.items, pinned, moves.moving) : undefined;
  const count = totals ? stageTotal(totals, stage).count : indexCount;
  return (
    <section
      class={over ? 'pl-column drop-target' : 'pl-column'}
      data-testid="stage-column"
      data-stage={stage.name}
      data-category={stage.category}
      aria-label={stage.name}
      aria-busy={data ? undefined : 'true'}
      onDragOver={(e) => {
        if (!e.dataTransfer?.types.includes(DRAG_TYPE)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'move';
        if (!over) setOver(true);
      }}
      onDragLeave={(e) => {
        if (!(e.currentTarget as HTMLElement).contains(e.relatedTarget as Node | null)) setOver(false);
      }}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        const id = e.dataTransfer?.getData(DRAG_TYPE);
        if (id) moves.onMove(id, stage.id);
      }}
    >
      <header class="pl-column-head">
        <h3>{stage.name}</h3>
        <ColumnTotal pipeline={pipeline} stage={stage} count={count} totals={totals} />
      </header>
      <ul class="pl-cards">
        {shown?.items.map((item) => (
          <Card
            key={item.id}
            item={item}
            pipeline={pipeline}
            names={moves.names}
            focused={item.id === focusId}
            pending={!!moves.moving[item.id]}
            onMove={moves.onMove}
          />
        ))}
      </ul>
      {shown && count !== undefined && count > shown.items.length && (
        <button type="button" class="pl-more" data-testid="column-more" onClick={() => setLimit((l) => l + COLUMN_PAGE)}>
          Show more ({count - shown.items.length})
        </button>
      )}
    </section>
  );
}

export function Board({ pipeline }: { pipeline: Pipeline }) {
  // The totals' read starts once every column has drawn its first cards.
  const [painted, setPainted] = useState(false);
  const columns = useRef(new Map<string, ColumnData>());
  const totals = useBoardTotals(pipeline, painted);
  // Items moved from this board, by the stage they went to (newest first): they stay in sight there.
  const [pins, setPins] = useState<Record<string, string[]>>({});
  // Moves shown at once, before the write is read back (then the columns' own answers show them).
  const [moving, setMoving] = useState<Record<string, PipelineItem>>({});
  const [error, setError] = useState<string | undefined>(undefined);
  const [focusId, setFocusId] = useState<string | undefined>(undefined);
  for (const stageId of columns.current.keys()) if (!pipeline.stages.some((s) => s.id === stageId)) columns.current.delete(stageId);
  const names = new Map<string, string>();
  for (const c of columns.current.values()) for (const [id, name] of c.names) names.set(id, name);
  const moves: BoardMoves = {
    moving,
    names: (id) => names.get(id),
    onData: (stageId, data) => {
      columns.current.set(stageId, data);
      if (!painted && pipeline.stages.every((s) => columns.current.has(s.id))) setPainted(true);
      setMoving((m) => {
        const done = settledMoves(m, columns.current);
        return done.length ? withoutKeys(m, done) : m;
      });
    },
    onMove: (id, stageId, fromKeyboard = false) => {
      const item = moving[id] ?? [...columns.current.values()].flatMap((c) => c.items).find((i) => i.id === id);
      if (!item || item.stageId === stageId) return;
      const moved = { ...item, stageId };
      setError(undefined);
      setFocusId(fromKeyboard ? id : undefined);
      setPins((p) => pinMoved(p, id, stageId));
      setMoving((m) => ({ ...m, [id]: moved }));
      // The totals too (the write's own update, read back, gives the same).
      if (totals) applyItems(totals.totals, [[id, moved]]);
      const undo = async (message: string) => {
        setError(message);
        setMoving((m) => withoutKeys(m, [id]));
        if (totals) applyItems(totals.totals, [[id, await getDb().items.get(id)]]);
      };
      moveItemTo(id, stageId).then(
        (saved) => (saved?.stageId === stageId ? undefined : undo('That item or stage is no longer there.')),
        (e: unknown) => undo(e instanceof Error ? e.message : String(e)),
      );
    },
  };
  return (
    <div class="pl-board" data-testid="pipeline-board" data-kind={pipeline.kind} data-totals={totals ? 'ready' : 'pending'}>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {pipeline.stages.map((s) => (
        <Column
          key={s.id}
          pipeline={pipeline}
          stage={s}
          pinned={pins[s.id] ?? NONE}
          totals={totals?.totals}
          focusId={focusId}
          countIndex={painted}
          moves={moves}
        />
      ))}
    </div>
  );
}

const NONE: readonly string[] = [];

function withoutKeys<T>(m: Record<string, T>, keys: string[]): Record<string, T> {
  const next = { ...m };
  for (const k of keys) delete next[k];
  return next;
}
