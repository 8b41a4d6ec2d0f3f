// One kind's lane: leasing, sending and committing its due entries, overlapped.
import { ConnectorError, type PushOutcome, type SyncKind } from '../../connectors/types';
import { errorMessage, redact } from '../redact';
import { anyDueFromStart, dropLeases, type Lane, leaseBatches, releaseAll } from './batches';
import type { Pushed } from './committer';
import type { ConnectorRun } from './connector-run';
import type { EngineEnv } from './env';
import { ensureLease } from './lease';
import type { Prepared } from './prepare';
import { type RunState, checkStop } from './state';

const DEFAULT_MAX_IN_FLIGHT = 4;
/** An outcome waits at most this long for its commit while leases go first (see runKind). */
const COMMIT_HOLD_MS = 2_000;
/** Batches kept leased and ready to send, at most this many records' worth… */
const AHEAD_RECORDS = 10_000;
/** …taken at most this many records per lease transaction (the first takes maxInFlight batches, to start sending soon). */
const LEASE_TX_RECORDS = 2_500;

/**
 * Pushes every due entry of one kind. Three things overlap: leasing (one transaction at a time,
 * keeping up to what the rate limit lets out in one interval ready — also while the limit makes
 * the requests wait, so the next window starts at full speed), sending (up to maxInFlight
 * batches; a slot frees when the vendor answered) and committing (the Committer groups the
 * outcomes that arrive meanwhile). Each batch is leased before it is sent, so no two batches hold
 * the same entry; the rate limiter is shared.
 */
export async function runKind(env: EngineEnv, state: RunState, run: ConnectorRun, kind: SyncKind): Promise<void> {
  const batchSize = Math.max(1, run.connector.batchSize[kind] ?? 1);
  const maxInFlight = Math.max(1, Math.min(env.maxInFlight ?? Infinity, run.connector.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT));
  const ahead = Math.max(maxInFlight, Math.min(run.limiter.limit.requests, Math.ceil(AHEAD_RECORDS / batchSize)));
  const perLease = Math.max(maxInFlight, Math.ceil(LEASE_TX_RECORDS / batchSize));
  const lane: Lane = { inFlight: new Set() };
  const ready: Prepared[] = [];
  const sending = new Set<Promise<void>>();
  const committing = new Set<Promise<void>>();
  let leasing: Promise<void> | undefined;
  let leases = 0;
  // The last lease found nothing due: after the position ('position'), or also from the start
  // ('all'). Cleared once an entry a commit put back is due (wakeAt). The read from the start (for
  // entries that became due behind the position: an enqueue that committed after a lease read
  // past its time) has to skip every entry in flight, so it waits until nothing is.
  const scan = { exhausted: false as false | 'position' | 'all' };
  let wakeAt: number | undefined;
  let refused = false;
  let failure: { error: unknown } | undefined;
  const fail = (error: unknown) => {
    failure ??= { error };
  };
  // While the rate limit has tokens and there is more to take, leases come first: they and
  // commits queue for the same IndexedDB, and only a lease brings the next request closer.
  // Outcomes are committed once the limit makes requests wait (the commits then fill the wait),
  // when nothing more is due, when one failed, when the oldest has waited COMMIT_HOLD_MS (checked
  // whenever a lease, a request or a commit finishes), or when `ahead` batches wait for their commit.
  const committer = run.committer(kind);
  let draining = false;
  committer.hold = () =>
    !draining &&
    !scan.exhausted &&
    committing.size < ahead &&
    env.now() - committer.oldestAt < COMMIT_HOLD_MS &&
    run.limiter.waitMs(env.now()) === 0;
  run.idle = () => committer.kick();
  try {
    for (;;) {
      committer.kick();
      const stop = checkStop(env, state);
      if (failure || stop || run.paused || run.waitTooLong !== undefined) break;
      if (scan.exhausted && wakeAt !== undefined && wakeAt <= env.now()) {
        scan.exhausted = false;
        wakeAt = undefined;
      }
      if (!leasing && !scan.exhausted && ready.length < ahead && !refused) {
        const count = Math.min(leases++ === 0 ? maxInFlight : perLease, ahead - ready.length);
        leasing = (async () => {
          if (!(await ensureLease(env, state))) return;
          const quiet = !sending.size && !committing.size && !ready.length;
          if (quiet && lane.after && !(await anyDueFromStart(env, run.inst.id, kind, lane))) {
            scan.exhausted = 'all';
            return;
          }
          const { found, batches, swept } = await leaseBatches(env, state, run, kind, batchSize, count, lane, quiet);
          ready.push(...batches); // none when all were deleted locally or wait for others
          if (found === 0) scan.exhausted = swept ? 'all' : 'position';
        })()
          .catch(fail)
          .finally(() => {
            leasing = undefined;
          });
      }
      if (ready.length && sending.size < maxInFlight && committing.size < ahead && !refused) {
        const prepared = ready.shift()!;
        const ids = [...prepared.byEntry.values()].map((x) => x.entry.id);
        const sent: Promise<void> = pushBatch(env, state, run, kind, prepared)
          .then((pushed) => {
            if (!pushed) return ids.forEach((id) => lane.inFlight.delete(id)); // given back (aborted)
            // Credentials refused: nothing more goes out; the commit pauses the instance.
            if (pushed.outcomes.some((o) => !o.ok && o.error.kind === 'auth')) refused = true;
            const committed: Promise<void> = committer
              .submit(pushed)
              .then((dueAgain) => {
                ids.forEach((id) => lane.inFlight.delete(id));
                // Put back (changed in flight, failed): due again then.
                if (dueAgain !== undefined && !(wakeAt! <= dueAgain)) wakeAt = dueAgain;
              })
              // A batch whose outcome could not be committed stays in lane.inFlight: not sent again
              // by this run (its lease row remains, and the next run settles it).
              .catch(fail)
              .finally(() => committing.delete(committed));
            committing.add(committed);
          })
          .catch(fail)
          .finally(() => sending.delete(sent));
        sending.add(sent);
        continue;
      }
      const pending = [leasing, ...sending, ...committing].filter((p): p is Promise<void> => !!p);
      if (!pending.length) {
        if (scan.exhausted === 'position')
          scan.exhausted = false; // nothing in flight now: read from the start
        else if (wakeAt === undefined || wakeAt > env.now()) break; // nothing due, nothing in flight
        continue;
      }
      await Promise.race(pending);
    }
  } finally {
    await leasing;
    // Leased but never sent: their lease rows go, the entries stay as they were (still fresh).
    if (ready.length) await dropLeases(env, ready.splice(0));
  }
  await Promise.all(sending);
  draining = true;
  committer.kick();
  await Promise.all(committing);
  run.idle = undefined;
  if (failure) throw failure.error;
}

/** Archives a batch's records (decision 0043): the connector's outcomes by remote id, as push outcomes. */
async function archiveItems(run: ConnectorRun, kind: SyncKind, prepared: Prepared): Promise<PushOutcome[]> {
  const results = await run.connector.archive!(
    run.ctx,
    kind,
    prepared.items.map((i) => {
      const { entry } = prepared.byEntry.get(i.entryId)!;
      return { remoteId: i.remoteId!, localId: entry.localId, changeId: i.changeId, requestedAt: new Date(entry.createdAt).toISOString() };
    }),
  );
  const byRemote = new Map(results.map((r) => [r.remoteId, r]));
  return prepared.items.map((i): PushOutcome => {
    const r = byRemote.get(i.remoteId!);
    if (!r)
      return { entryId: i.entryId, ok: false, error: new ConnectorError('the connector returned no outcome for this record', 'transient') };
    return r.ok ? { entryId: i.entryId, ok: true, remoteId: r.remoteId } : { entryId: i.entryId, ok: false, error: r.error };
  });
}

/** Merges a batch's records with the CRM's own merge (decision 0048); outcomes carry the record the merge left. */
async function mergeItems(run: ConnectorRun, prepared: Prepared): Promise<PushOutcome[]> {
  const requests = prepared.items.map((i) => {
    const { entry } = prepared.byEntry.get(i.entryId)!;
    return { remoteId: entry.remoteId!, intoRemoteId: entry.intoRemoteId!, changeId: i.changeId };
  });
  const byRemote = new Map((await run.connector.merge!(run.ctx, 'contact', requests)).map((r) => [r.remoteId, r]));
  return prepared.items.map((i): PushOutcome => {
    const r = byRemote.get(i.remoteId!);
    if (!r)
      return { entryId: i.entryId, ok: false, error: new ConnectorError('the connector returned no outcome for this record', 'transient') };
    return r.ok ? { entryId: i.entryId, ok: true, remoteId: r.resultId } : { entryId: i.entryId, ok: false, error: r.error };
  });
}

/** Sends one batch; its outcomes, to commit (undefined: aborted, the batch was given back). */
async function pushBatch(
  env: EngineEnv,
  state: RunState,
  run: ConnectorRun,
  kind: SyncKind,
  prepared: Prepared,
): Promise<Pushed | undefined> {
  let outcomes: PushOutcome[];
  try {
    outcomes = prepared.merge
      ? await mergeItems(run, prepared)
      : prepared.archive
        ? await archiveItems(run, kind, prepared)
        : await run.connector.push(run.ctx, kind, prepared.items);
  } catch (err) {
    if (env.signal?.aborted || state.stop === 'lease-lost') {
      if (env.signal?.aborted) state.stop = 'aborted';
      // Still alive: give the entries back instead of waiting for their leases to expire.
      if (state.stop === 'aborted') await releaseAll(env, prepared);
      return undefined;
    }
    const error = err instanceof ConnectorError ? err : new ConnectorError(errorMessage(err), 'transient');
    if (!(err instanceof ConnectorError))
      env.log({ level: 'error', message: `connector threw: ${redact(errorMessage(err), run.secrets)}`, connectorId: run.inst.id });
    outcomes = prepared.items.map((i) => ({ entryId: i.entryId, ok: false as const, error }));
  }
  return { prepared, outcomes };
}
