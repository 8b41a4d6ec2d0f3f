// The sync engine: outbox → connectors → CRMs. It runs in the background service worker and
// assumes it can be killed at any instruction (docs/architecture.md, principle 4):
// - all state is in IndexedDB: the engine lease, entry leases, attempt counters, the limiter;
// - an entry is deleted only in the transaction that records its remote id in `links`, so a crash
//   after the remote write and before that commit leaves the entry leased; its lease expires, it
//   is pushed again, and the connector's idempotent push (native upsert, or look-up by a stable
//   key then create) finds the record instead of creating a second one.
//
// The modules, each importing only those before it (sync/README.md, "The engine"):
//   types, env (the immutable environment), state (per-run), tables (kind → table), entries,
//   memo, lease, prepare, committer, connector-run, fold, transport, batches, commit,
//   lane (one kind), pulling, instance (one connector instance), run (runOnce), actions.
export type { CommitInfo, EngineOptions, RunSummary, SyncLogEvent, SyncLogLevel, SyncNowOptions } from './types';
export { engineLease, releaseDeadLeases } from './lease';
export { nextDueAt, runOnce } from './run';
export { discardEntry, listEntries, retryDead, retryEntry, syncNow } from './actions';
export { type SyncStatus, status } from '../status';
