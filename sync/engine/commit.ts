// Committing what the connector answered: one transaction for the batches that finished
// meanwhile (see Committer) — links journaled, entries deleted, put back, failed or dead, the
// instance's status (and pause) updated.
import { ConnectorError, type PushItem, type PushOutcome, type SyncKind } from '../../connectors/types';
import { deleteInRuns, getManyInRange } from '../../storage/key-ranges';
import { rearmAwaiting } from '../../storage/outbox';
import { NEVER, type ConnectorStatus, type LinkRow, type OutboxEntry } from '../../storage/sync-rows';
import { backoffDelay } from '../backoff';
import { foldLinkJournal, linkJournalKey } from '../link-journal';
import { redact } from '../redact';
import type { Pushed } from './committer';
import type { ConnectorRun } from './connector-run';
import { release } from './entries';
import type { EngineEnv } from './env';
import type { RunState } from './state';
import { type AnyRecord, references } from './tables';

/**
 * The contacts and companies (of kinds the instance syncs) an item's record points at that had no
 * remote id when it was sent: what a vendor may have refused it for (rearmAwaiting).
 */
function unlinkedRefs(item: PushItem | undefined, kind: SyncKind, syncs: readonly SyncKind[]): string[] {
  if (!item) return [];
  const refs = references(kind, item.item.record as AnyRecord);
  return [
    ...(syncs.includes('contact') ? refs.contacts.filter((id) => !item.linked.contacts[id]).map((id) => `contact|${id}`) : []),
    ...(syncs.includes('company') ? refs.companies.filter((id) => !item.linked.companies[id]).map((id) => `company|${id}`) : []),
  ];
}

/**
 * Commits the outcomes of one or more pushed batches in one transaction (the batches that finished
 * while the previous commit ran: see Committer).
 */
export async function commit(
  env: Pick<EngineEnv, 'db' | 'now' | 'random' | 'owner' | 'hooks' | 'log'>,
  state: RunState,
  run: ConnectorRun,
  kind: SyncKind,
  group: Pushed[],
): Promise<number | undefined> {
  const { db } = env;
  const t = env.now();
  let dueAgain: number | undefined;
  const cid = run.inst.id;
  let answered = 0;
  let lastError: string | undefined;
  let authError: string | undefined;
  // A 403: these credentials may not write this kind (a missing scope, a read-only book).
  let kindRefused: string | undefined;
  let rateUntil = 0;
  let ok = 0;
  let failed = 0;
  let dead = 0;
  const committedLinks: LinkRow[] = [];
  const committedUnlinks: [string, SyncKind, string][] = [];
  // Contacts and companies given their first remote id by this commit (`kind|localId`).
  const newlyLinked = new Set<string>();
  await db.transaction('rw', [db.outbox, db.links, db.connectors, db.syncState], async () => {
    for (const { prepared, outcomes } of group) {
      const byId = new Map(outcomes.map((o) => [o.entryId, o]));
      const itemOf = new Map(prepared.items.map((it) => [it.entryId, it]));
      answered += outcomes.length;
      const keys = [...prepared.byEntry.keys()];
      // Still ours unless a later run settled the batch (this one lost the engine lease meanwhile).
      const lease = prepared.batchKey ? await db.syncState.get(prepared.batchKey) : undefined;
      const batchIsMine = lease?.batch?.owner === env.owner;
      // The batch's entries as they are now, with one read of the id range they span (entries were
      // picked in id order, so the range is mostly theirs); the same read tells which neighbours
      // sit between them, so the deletes below go as range deletes.
      const current = await getManyInRange(
        db.outbox,
        'id',
        keys.map((k) => prepared.byEntry.get(k)!.entry.id),
      );
      const fresh = keys.map((k) => current.found.get(prepared.byEntry.get(k)!.entry.id));
      const links: LinkRow[] = [];
      const puts: OutboxEntry[] = [];
      const deletes: string[] = [];
      const unlink: [string, SyncKind, string][] = [];
      keys.forEach((key, i) => {
        const { entry: leasedEntry, hadRemoteId } = prepared.byEntry.get(key)!;
        const outcome: PushOutcome = byId.get(key) ?? {
          entryId: key,
          ok: false,
          error: new ConnectorError('the connector returned no outcome for this record', 'transient'),
        };
        const current = fresh[i];
        // Ours unless it was discarded, or another run settled the batch after our lease expired.
        const mine = batchIsMine && !!current;
        // Changed while in flight (a new change, or discarded and queued again): sent once more.
        const e = current && {
          ...current,
          dirty:
            !!current.dirty ||
            current.changeId !== leasedEntry.changeId ||
            current.version !== leasedEntry.version ||
            current.createdAt !== leasedEntry.createdAt,
        };
        if (outcome.ok) {
          ok++;
          // The remote record exists whatever happened to the entry: remember its id (not an archived one's;
          // after a merge, the survivor's when the CRM's merge left a record under a new id).
          if (prepared.merge) {
            const { intoLocalId, intoRemoteId } = leasedEntry;
            if (intoLocalId && outcome.remoteId !== intoRemoteId)
              links.push({ connectorId: cid, kind, localId: intoLocalId, remoteId: outcome.remoteId, syncedAt: t });
          } else if (!prepared.archive)
            links.push({ connectorId: cid, kind, localId: leasedEntry.localId, remoteId: outcome.remoteId, syncedAt: t });
          if (!hadRemoteId && (kind === 'contact' || kind === 'company')) newlyLinked.add(`${kind}|${leasedEntry.localId}`);
          if (!mine || !e) return;
          if (e.dirty) puts.push({ ...release(e, t, t), state: 'pending', attempts: 0, lastError: undefined, lastErrorKind: undefined });
          else deletes.push(e.id);
          return;
        }
        if (!mine || !e) return;
        const err = outcome.error;
        const message = redact(err.message || err.kind, run.secrets);
        lastError = message;
        const base = { ...release(e, t, t), lastError: message, lastErrorKind: err.kind };
        switch (err.kind) {
          case 'auth':
            if (err.status === 403) kindRefused = message;
            else authError = message;
            puts.push({ ...base, state: 'pending', nextAt: t });
            return;
          case 'rate-limit': {
            const wait = err.retryAfterMs ?? run.limiter.limit.intervalMs;
            rateUntil = Math.max(rateUntil, t + wait);
            puts.push({ ...base, state: 'pending', nextAt: t + wait });
            return;
          }
          case 'validation':
          case 'not-found': {
            if (err.kind === 'not-found' && hadRemoteId && !prepared.archive && !prepared.merge) unlink.push([cid, kind, e.localId]);
            if (e.dirty) {
              // Changed while in flight: the new version may be what the vendor wants.
              puts.push({ ...base, state: 'pending', attempts: 0, nextAt: t });
              return;
            }
            const why =
              err.kind === 'not-found' && hadRemoteId
                ? `${message} (the record was deleted in the CRM; retry to create it again)`
                : message;
            const awaiting = unlinkedRefs(itemOf.get(key), kind, run.inst.kinds);
            puts.push({ ...base, state: 'dead', nextAt: NEVER, lastError: why, ...(awaiting.length ? { awaiting } : {}) });
            dead++;
            return;
          }
          case 'transient':
          case 'conflict':
          default: {
            const attempts = e.attempts + 1;
            const delay = Math.max(backoffDelay(attempts, { random: env.random }), err.retryAfterMs ?? 0);
            puts.push({ ...base, state: 'failed', attempts, nextAt: e.dirty ? t : t + delay });
            failed++;
          }
        }
      });
      committedLinks.push(...links);
      committedUnlinks.push(...unlink);
      if (unlink.length) {
        // A link to drop (rare): journaled links of this connector first, so none comes back later.
        await foldLinkJournal(db, { connectorId: cid });
        if (links.length) await db.links.bulkPut(links);
        await db.links.bulkDelete(unlink);
      } else if (links.length) {
        // One journal row for the batch's links (folded into `links` later: sync/link-journal.ts).
        const linkJournal = { connectorId: cid, kind, syncedAt: t, links: links.map((l) => [l.localId, l.remoteId] as [string, string]) };
        await db.syncState.put({ key: linkJournalKey(cid, t, env.owner, state.journals++), linkJournal });
      }
      // Remembered once the transaction commits (below): a failed commit must not leave ids behind.
      if (puts.length) await db.outbox.bulkPut(puts);
      for (const p of puts) if (p.state !== 'dead' && !(dueAgain! <= p.nextAt)) dueAgain = p.nextAt;
      await deleteInRuns(db.outbox, current.scanned, new Set(deletes));
      if (batchIsMine) await db.syncState.delete(prepared.batchKey!);
      env.hooks?.inCommit?.({ connectorId: cid, kind, outcomes });
    }
    // What was refused for want of a contact or company linked just now is due again (a kind
    // pushed after this one: KIND_ORDER puts companies and contacts first).
    const back = await rearmAwaiting(db, cid, newlyLinked, t);
    if (back.length)
      env.log({
        level: 'info',
        message: `refused before their contact or company synced, due again`,
        connectorId: cid,
        data: { count: back.length },
      });
    const inst = await db.connectors.get(cid);
    if (inst) {
      const status: ConnectorStatus = { ...inst.status };
      if (ok) status.lastSuccessAt = t;
      if (lastError) {
        status.lastError = lastError;
        status.lastErrorAt = t;
      } else if (ok) {
        delete status.lastError;
        delete status.lastErrorAt;
      }
      if (authError) Object.assign(status, { paused: true, pausedReason: authError, pausedAt: t });
      if (kindRefused) status.pausedKinds = { ...status.pausedKinds, [kind]: { reason: kindRefused, at: t } };
      await db.connectors.update(cid, { status });
    }
  });
  for (const l of committedLinks) run.links.set(l.kind, l.localId, l.remoteId);
  for (const k of committedUnlinks) run.links.forget(k[1], k[2]);
  state.summary.pushed += ok;
  state.summary.failed += failed;
  state.summary.dead += dead;
  if (rateUntil) run.limiter.block(rateUntil);
  if (authError && !run.paused) {
    run.paused = true;
    state.summary.paused.push(cid);
    env.log({ level: 'warn', message: `connector paused: ${authError}`, connectorId: cid });
  }
  if (kindRefused && !run.pausedKinds.has(kind)) {
    run.pausedKinds.add(kind);
    state.summary.pausedKinds.push(`${cid}:${kind}`);
    env.log({ level: 'warn', message: `${kind} paused: ${kindRefused}`, connectorId: cid });
  }
  if (lastError && !authError && !kindRefused)
    env.log({ level: 'warn', message: `push ${kind}: ${lastError}`, connectorId: cid, data: { ok, failed: answered - ok } });
  else env.log({ level: 'debug', message: `push ${kind}`, connectorId: cid, data: { ok } });
  return dueAgain;
}
