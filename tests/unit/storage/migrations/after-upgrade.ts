// What an upgrade to the current version makes of an older database's rows (the migration tests,
// unit and e2e, compare with this).
import { expect } from 'vitest';
import { dealToItem } from '../../../../storage/deal-upgrade';
import { normalizeEmail } from '../../../../storage/normalize';
import { defaultPipelines } from '../../../../storage/pipeline-logic';
import type { Contact, Deal, Pipeline, Task } from '../../../../storage/schema';
import type { DatabaseDump } from './dump';

/**
 * A table's rows as the upgrade must leave them: the fixture's own, except what an upgrade
 * rewrites, said here per version.
 * - v7: each contact address becomes its identity key (today's normalizeEmail), once per contact;
 *   one that is no address stays. (No fixture has two people whose addresses meet in one key.)
 * - v10: an open task with a due time gets `openDueAt` (the due list's index); none had a reminder.
 * - v12: each deal becomes a Sales pipeline item under its own id, with one stage change, and `deals`
 *   is emptied; where there were no pipelines (before v11) the defaults are created at upgrade time.
 */
export function afterUpgrade(dump: DatabaseDump, table: string): unknown[] {
  const rows = dump.tables[table] ?? [];
  if (table === 'contacts' && dump.version < 7) {
    return (rows as Contact[]).map((c) => ({ ...c, emails: [...new Set(c.emails.map((e) => normalizeEmail(e) ?? e))] }));
  }
  if (table === 'tasks' && dump.version < 10) {
    return (rows as Task[]).map((t) => (!t.done && t.dueAt ? { ...t, openDueAt: t.dueAt } : t));
  }
  if (dump.version < 12 && ['deals', 'pipelines', 'items', 'stageChanges'].includes(table)) return movedDeals(dump)[table as 'deals'];
  return rows;
}

const byId = <T extends { id: string }>(rows: T[]) => [...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

/** The pipeline tables once v12 moved the deals (pipelines made by the upgrade carry its time: any string). */
function movedDeals(dump: DatabaseDump): Record<'deals' | 'pipelines' | 'items' | 'stageChanges', unknown[]> {
  const deals = (dump.tables.deals ?? []) as Deal[];
  let pipelines = (dump.tables.pipelines ?? []) as Pipeline[];
  if (deals.length && !pipelines.length) {
    const anyTime = expect.any(String) as unknown as string;
    pipelines = defaultPipelines(anyTime).map((p) => ({ ...p, sources: [{ type: 'manual' as const, at: anyTime }] }));
  }
  const sales = pipelines.find((p) => p.id === 'pl_sales')!;
  const moved = deals.map((d) => dealToItem(d, sales));
  return {
    deals: [],
    pipelines: byId(pipelines),
    items: byId([...((dump.tables.items ?? []) as { id: string }[]), ...moved.map((m) => m.item)]),
    stageChanges: byId([...((dump.tables.stageChanges ?? []) as { id: string }[]), ...moved.map((m) => m.change)]),
  };
}
