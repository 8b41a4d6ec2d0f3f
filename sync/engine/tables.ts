// Which table holds the records of each sync kind, and what the engine needs from them: one map,
// `kind → table`, instead of a switch in every place that reads records.
import type { Table } from 'dexie';
import type { SyncKind } from '../../connectors/types';
import type { RapportDB } from '../../storage/db';
import { getManyInRange } from '../../storage/key-ranges';
import { activityKind } from '../../storage/outbox';
import { publicRecord } from '../../storage/records';
import type { Activity, Company, Contact, PipelineItem, Task } from '../../storage/schema';

export type AnyRecord = Contact | Company | Activity | Task | PipelineItem;

/** The contacts and companies a record points at (whose remote ids its push needs). */
export interface References {
  contacts: string[];
  companies: string[];
}

interface KindTable {
  table: (db: RapportDB) => Table;
  /** Rows of this table carry the search index's `n`, which no connector sees. */
  indexed: boolean;
  /** Rows of the table that are of this kind (activities: emails, notes, calls and meetings share a table). */
  accepts?: (rec: AnyRecord) => boolean;
  references: (rec: AnyRecord) => References;
}

const activityRefs = (rec: AnyRecord): References => {
  const a = rec as Activity;
  return { contacts: a.contactIds, companies: a.companyIds ?? [] };
};

const ownedRefs = (rec: AnyRecord): References => {
  const t = rec as Task | PipelineItem;
  return { contacts: t.contactIds, companies: t.companyId ? [t.companyId] : [] };
};

/** Activities share a table: each kind takes the rows of its own type. */
function activityKindTable(kind: SyncKind): KindTable {
  return {
    table: (db) => db.activities,
    indexed: true,
    accepts: (rec) => activityKind(rec as Activity) === kind,
    references: activityRefs,
  };
}

const KIND_TABLES: Record<SyncKind, KindTable> = {
  contact: {
    table: (db) => db.contacts,
    indexed: true,
    references: (rec) => {
      const c = rec as Contact;
      return { contacts: [], companies: c.companyId ? [c.companyId] : [] };
    },
  },
  company: { table: (db) => db.companies, indexed: true, references: () => ({ contacts: [], companies: [] }) },
  email: activityKindTable('email'),
  note: activityKindTable('note'),
  call: activityKindTable('call'),
  meeting: activityKindTable('meeting'),
  // Rapport's keep-in-touch items are never pushed: an entry for one is dropped like a deleted record's.
  task: { table: (db) => db.tasks, indexed: false, accepts: (rec) => (rec as Task).origin !== 'cadence', references: ownedRefs },
  // Pipeline items (decision 0054): the entry's kind says which; the engine adds the item's pipeline.
  deal: { table: (db) => db.items, indexed: false, references: ownedRefs },
  case: { table: (db) => db.items, indexed: false, references: ownedRefs },
  candidate: { table: (db) => db.items, indexed: false, references: ownedRefs },
};

/** The table holding records of `kind`. */
export function tableFor(db: RapportDB, kind: SyncKind): Table {
  return KIND_TABLES[kind].table(db);
}

/** The contacts and companies a record of `kind` points at. */
export function references(kind: SyncKind, rec: AnyRecord): References {
  return KIND_TABLES[kind].references(rec);
}

/** The records of `kind` with these ids, by id, as a connector sees them. */
export async function loadRecords(db: RapportDB, kind: SyncKind, ids: string[]): Promise<Map<string, AnyRecord>> {
  const { table, indexed, accepts } = KIND_TABLES[kind];
  let rows = (await byIds(table(db), ids)) as (AnyRecord & { n?: number })[];
  if (accepts) rows = rows.filter(accepts);
  return new Map(rows.map((r) => [r.id, indexed ? (publicRecord(r) as AnyRecord) : r]));
}

/**
 * Records by their `id` (the primary key of tasks and deals, a unique secondary index of the
 * others): one read of the id range the batch spans, then a get per id it did not reach
 * (storage/key-ranges.ts — ids are time-ordered, so a batch picked in id order is usually one
 * short range, and one range read costs far fewer IndexedDB requests than a get per id).
 */
async function byIds<T, K, I>(table: Table<T, K, I>, ids: string[]): Promise<T[]> {
  return [...(await getManyInRange(table, 'id', ids)).found.values()];
}
