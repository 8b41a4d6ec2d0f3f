// Small pure pieces of the board: money for a card or a column, the cards kept in sight where they
// were moved to, and moves shown before the database answers with them.
import type { PipelineItem } from '../../../storage/schema';

const money = new Map<string, Intl.NumberFormat>();
const plain = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

/** "€1,200.00" in the reader's locale; a bare number when there is no (valid) currency. */
export function formatMoney(amount: number, currency: string | undefined): string {
  if (!currency) return plain.format(amount);
  let fmt = money.get(currency);
  if (!fmt) {
    try {
      fmt = new Intl.NumberFormat(undefined, { style: 'currency', currency });
    } catch {
      return `${plain.format(amount)} ${currency}`;
    }
    money.set(currency, fmt);
  }
  return fmt.format(amount);
}

/** At most this many moved cards are kept at the top of a column. */
export const MAX_PINNED = 50;

/**
 * The board's pinned cards after `id` moved to `stageId`: first in that column, out of any other
 * (columns show their pinned cards before the rest, so a card just moved stays in sight).
 */
export function pinMoved(pins: Record<string, string[]>, id: string, stageId: string): Record<string, string[]> {
  const next: Record<string, string[]> = {};
  for (const [stage, ids] of Object.entries(pins)) {
    const kept = ids.filter((x) => x !== id);
    if (kept.length) next[stage] = kept;
  }
  next[stageId] = [id, ...(next[stageId] ?? [])].slice(0, MAX_PINNED);
  return next;
}

/** "25", "25 %", "12,5" → 0.25, 0.125; "" → undefined (no probability); NaN when it is not a number. */
export function parsePercent(text: string): number | undefined {
  const t = text.replace('%', '').replace(',', '.').trim();
  if (!t) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n / 100 : NaN;
}

/**
 * A column's cards with the board's moves not yet read back (`moving`: id → the item at its new
 * stage): moved here, they come first (pinned order); moved away, they are left out. `delta` is what
 * that changes in the column's count as last read.
 */
export function visibleCards(
  stageId: string,
  read: readonly PipelineItem[],
  pinned: readonly string[],
  moving: Readonly<Record<string, PipelineItem>>,
): { items: PipelineItem[]; delta: number } {
  const readIds = new Set(read.map((i) => i.id));
  const arriving = pinned.filter((id) => moving[id]?.stageId === stageId && !readIds.has(id)).map((id) => moving[id]);
  const staying = read.filter((i) => !(moving[i.id] && moving[i.id].stageId !== stageId));
  return { items: [...arriving, ...staying], delta: arriving.length - (read.length - staying.length) };
}

/**
 * The moves the columns now show by themselves: the item read in its new column and in no other.
 * Until then the board keeps showing the move (so a card never flickers back while columns answer).
 */
export function settledMoves(
  moving: Readonly<Record<string, PipelineItem>>,
  columns: ReadonlyMap<string, { items: readonly PipelineItem[] }>,
): string[] {
  const where = new Map<string, string[]>();
  for (const [stageId, c] of columns) for (const i of c.items) if (moving[i.id]) where.set(i.id, [...(where.get(i.id) ?? []), stageId]);
  return Object.values(moving)
    .filter((m) => {
      const seen = where.get(m.id) ?? [];
      return seen.length === 1 && seen[0] === m.stageId;
    })
    .map((m) => m.id);
}
