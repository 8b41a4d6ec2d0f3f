// What an upgrade to the current version makes of an older database's rows (the migration tests,
// unit and e2e, compare with this).
import { normalizeEmail } from '../../../../storage/normalize';
import type { Contact, Task } from '../../../../storage/schema';
import type { DatabaseDump } from './dump';

/**
 * A table's rows as the upgrade must leave them: the fixture's own, except what an upgrade
 * rewrites, said here per version.
 * - v7: each contact address becomes its identity key (today's normalizeEmail), once per contact;
 *   one that is no address stays. (No fixture has two people whose addresses meet in one key.)
 * - v10: an open task with a due time gets `openDueAt` (the due list's index); none had a reminder.
 */
export function afterUpgrade(dump: DatabaseDump, table: string): unknown[] {
  const rows = dump.tables[table] ?? [];
  if (table === 'contacts' && dump.version < 7) {
    return (rows as Contact[]).map((c) => ({ ...c, emails: [...new Set(c.emails.map((e) => normalizeEmail(e) ?? e))] }));
  }
  if (table === 'tasks' && dump.version < 10) {
    return (rows as Task[]).map((t) => (!t.done && t.dueAt ? { ...t, openDueAt: t.dueAt } : t));
  }
  return rows;
}
