// The one Dexie database. Schemas list only indexed fields; old versions stay with their migrations.
import Dexie, { type EntityTable, type Table } from 'dexie';
import { moveDealsToItems } from './deal-upgrade';
import { rekeyStoredEmails } from './email-keys';
import { type IndexKind, type MetaEntry, type PostingChunk, type PrefixEntry, startIndexRebuild } from './index-rows';
import type { DismissedPair, RedirectRow } from './merge-rows';
import type { Activity, Company, Contact, Deal, Pipeline, PipelineItem, StageChange, Task } from './schema';
import type { ConnectorInstance, CrmCacheRow, LinkRow, OutboxEntry, SecretRow, SyncKind, SyncStateRow } from './sync-rows';
import { writeSignalMiddleware } from './write-signal';

/**
 * Searchable records carry `n`, an internal number that is their primary key and their id in the
 * search index's postings (a Uint32 instead of a string keeps postings compact). `n` never leaves
 * the database: exports carry `id`.
 */
export type Stored<T> = T & { n: number };
export type StoredContact = Stored<Contact>;
export type StoredCompany = Stored<Company>;
export type StoredActivity = Stored<Activity>;

export type { IndexKind, MetaEntry, PostingChunk, PrefixEntry };

export const DB_NAME = 'rapport';

export class RapportDB extends Dexie {
  contacts!: EntityTable<StoredContact, 'n'>;
  companies!: EntityTable<StoredCompany, 'n'>;
  activities!: EntityTable<StoredActivity, 'n'>;
  tasks!: EntityTable<Task, 'id'>;
  deals!: EntityTable<Deal, 'id'>;
  postings!: Table<PostingChunk, [IndexKind, string, number]>;
  prefixes!: Table<PrefixEntry, [IndexKind, string]>;
  meta!: EntityTable<MetaEntry, 'key'>;
  connectors!: EntityTable<ConnectorInstance, 'id'>;
  secrets!: EntityTable<SecretRow, 'connectorId'>;
  outbox!: EntityTable<OutboxEntry, 'id'>;
  links!: Table<LinkRow, [string, SyncKind, string]>;
  syncState!: EntityTable<SyncStateRow, 'key'>;
  crmCache!: EntityTable<CrmCacheRow, 'key'>;
  notDuplicates!: EntityTable<DismissedPair, 'key'>;
  redirects!: EntityTable<RedirectRow, 'from'>;
  pipelines!: EntityTable<Pipeline, 'id'>;
  items!: EntityTable<PipelineItem, 'id'>;
  stageChanges!: EntityTable<StageChange, 'id'>;

  constructor(name = DB_NAME) {
    super(name);
    // Tells listeners of this realm what it wrote, once committed (write-signal.ts, decision 0050).
    this.use(writeSignalMiddleware);
    // v1: records only.
    this.version(1).stores({
      contacts: 'n, &id, *emails, linkedinId, companyId, updatedAt',
      companies: 'n, &id, domain, name',
      activities: 'n, &id, *contactIds, threadId, messageId',
      tasks: 'id, *contactIds, dueAt, done',
      deals: 'id, *contactIds, companyId, stage',
      meta: 'key',
    });
    // v2: the persisted search index; existing records are indexed after the upgrade, resumably
    // (storage/index-rebuild.ts).
    this.version(2)
      .stores({
        // [k+c+t]: one chunk (doc-number range) of every term under a prefix, newest chunk first.
        postings: '[k+t+c], [k+c+t]',
        prefixes: '[k+p]',
      })
      .upgrade((tx) => startIndexRebuild(tx));
    // v3: sync to CRMs (sync/). Connector instances and their secrets (extension origin only,
    // never chrome.storage), the outbox (one entry per record and instance, written in the same
    // transaction as the change), links local id ↔ remote id, and engine state (lease, limiter).
    this.version(3).stores({
      connectors: 'id, type',
      secrets: 'connectorId',
      outbox: 'id, [connectorId+kind+nextAt], [connectorId+state], [kind+localId]',
      links: '[connectorId+kind+localId], [connectorId+kind+remoteId]',
      syncState: 'key',
    });
    // v4: CRM look-up answers (owner, stage, deals, link) cached with their fetch time.
    this.version(4).stores({
      crmCache: 'key, connectorId, email',
    });
    // v5: posting chunks as Roaring-style containers (16-bit offsets or a bitmap, ≤ 8 KiB) instead
    // of absolute Uint32 doc numbers, and a prefix-union row per chunk for every prefix of up to
    // six letters (was three): the index is rebuilt from the records, after the upgrade and
    // resumably (storage/index-rebuild.ts) rather than inside it.
    this.version(5)
      .stores({})
      .upgrade((tx) => startIndexRebuild(tx));
    // v6: the outbox's due index ends with the entry id, so the engine reads the next batch after
    // the last one it took (sync/engine/batches.ts) instead of reading past the batches in
    // flight, which are no longer written to (a batch is leased as one syncState row).
    this.version(6).stores({
      outbox: 'id, [connectorId+kind+nextAt+id], [connectorId+state], [kind+localId]',
    });
    // v7: contacts' addresses re-keyed with today's normalizeEmail, so the merge rules find them:
    // keys of an earlier, looser normalizeEmail and addresses restored from files as written
    // (storage/email-keys.ts).
    this.version(7)
      .stores({})
      .upgrade((tx) => rekeyStoredEmails(tx));
    // v8: contacts are also found by their LinkedIn URNs (a lead or candidate without a public
    // profile; decision 0038). A new index only: no row changes, older rows have no URNs.
    this.version(8).stores({
      contacts: 'n, &id, *emails, linkedinId, *linkedinUrns, companyId, updatedAt',
    });
    // v9: duplicates (storage/duplicates.ts, merge.ts; decision 0040): pairs the user said are not
    // one person, and where each merged-away contact went (its id resolves to the survivor). New
    // tables only: no row changes.
    this.version(9).stores({
      notDuplicates: 'key',
      redirects: 'from, to',
    });
    // v10: tasks with reminders (decision 0049). The due list and the badge read `openDueAt` (the
    // due time of open tasks only: a boolean `done` is no IndexedDB key), the reminder alarm reads
    // `remindAt`. Existing tasks get both from their own fields; none had a reminder.
    this.version(10)
      .stores({
        tasks: 'id, *contactIds, dueAt, done, openDueAt, remindAt',
      })
      .upgrade((tx) =>
        tx
          .table('tasks')
          .toCollection()
          .modify((t: Task) => {
            if (!t.done && t.dueAt) t.openDueAt = t.dueAt;
          }),
      );
    // v11: pipelines (decision 0053): sales, hiring and service pipelines with their stages, the
    // items moving through them (a board reads one pipeline's stage by [pipelineId+stageId]; open
    // cases past their SLA are the range of `openSlaDueAt` below now) and every stage change. New
    // tables only: no row changes (the `deals` table stays as it was until items sync, issue 18).
    this.version(11).stores({
      pipelines: 'id',
      items: 'id, [pipelineId+stageId], *contactIds, companyId, *threadIds, openSlaDueAt',
      stageChanges: 'id, itemId, [pipelineId+at]',
    });
    // v12: the old `deals` rows become items of the Sales pipeline (created if absent), each with
    // the stage change of its creation, under the deal's own id (storage/deal-upgrade.ts), and
    // `deals` is left empty. The table stays declared: older exports still carry deals.
    this.version(12)
      .stores({})
      .upgrade((tx) =>
        moveDealsToItems(
          { deals: tx.table('deals'), pipelines: tx.table('pipelines'), items: tx.table('items'), stageChanges: tx.table('stageChanges') },
          new Date().toISOString(),
        ),
      );
  }
}

let shared: RapportDB | undefined;
/** The database of this extension origin (one connection per JS realm). */
export function getDb(): RapportDB {
  shared ??= new RapportDB();
  return shared;
}

/** For tests: point getDb() at another database. */
export function setDbForTesting(db: RapportDB | undefined): void {
  shared = db;
}
