// Pulled tasks (CRM → local, decision 0052), applied inside the pull page's transaction (pull.ts):
// - a task this connection already links: its completion in the CRM marks the local task done (or
//   open again), unless a local change to it is still waiting to go to that CRM (the local change
//   wins and goes out next); empty local notes are filled, nothing else is overwritten (not the due
//   date: HubSpot needs one on every task and is given the creation time for an undated one);
// - a task Rapport created there (its Rapport id names a local task) is linked, not pulled again;
// - a new task becomes a local task of the local people its CRM contacts are linked to; one none of
//   whose contacts is linked here is left in the CRM (it comes with its next change once they are).
// What a pull changes is queued for the other connections only (exceptConnector): nothing echoes.
import type { RemoteTask } from '../connectors/types';
import type { RapportDB } from '../storage/db';
import { type Change, enqueue, entryKey } from '../storage/outbox';
import { type Task, Task as TaskSchema, newId } from '../storage/schema';
import { withTaskDerived } from '../storage/task-schedule';
import type { LinkRow } from '../storage/sync-rows';

export interface PulledTasksSummary {
  created: number;
  updated: number;
  skipped: number;
}

/** Local ids of the records of `kind` linked to these remote ids (links index [connectorId+kind+remoteId]). */
async function localIdsOf(db: RapportDB, connectorId: string, kind: 'contact' | 'task', remoteIds: string[]): Promise<Map<string, string>> {
  if (remoteIds.length === 0) return new Map();
  const rows = await db.links
    .where('[connectorId+kind+remoteId]')
    .anyOf(remoteIds.map((r) => [connectorId, kind, r]))
    .toArray();
  return new Map(rows.map((l) => [l.remoteId, l.localId]));
}

/** The local task after the CRM's state of it (undefined: nothing to change). */
export function mergePulledTask(local: Task, remote: RemoteTask, at: string): Task | undefined {
  const next: Task = { ...local };
  let changed = false;
  if (remote.done !== local.done) {
    next.done = remote.done;
    // Completed now, as far as this database goes (the change is this pull): a receiver of the change
    // (the webhook's task.completed) sees a completion, not an edit of a done task.
    if (remote.done) next.completedAt = at;
    else delete next.completedAt;
    changed = true;
  }
  if (!local.notes && remote.notes) {
    next.notes = remote.notes.slice(0, 20_000);
    changed = true;
  }
  if (!changed) return undefined;
  next.updatedAt = at;
  return withTaskDerived(next);
}

/** A new local task from a CRM task, for these local people. */
export function taskFromRemote(remote: RemoteTask, contactIds: string[], connectorId: string, at: string): Task {
  const task: Task = {
    id: newId('tk'),
    title: remote.title.slice(0, 1000),
    done: remote.done,
    contactIds: contactIds.slice(0, 100),
    createdAt: at,
    updatedAt: at,
    sources: [{ type: 'crm', ref: connectorId, at }],
    ...(remote.notes ? { notes: remote.notes.slice(0, 20_000) } : {}),
    ...(remote.dueAt ? { dueAt: remote.dueAt } : {}),
    ...(remote.done ? { completedAt: remote.completedAt ?? at } : {}),
    ...(remote.priority ? { priority: remote.priority } : {}),
  };
  return withTaskDerived(TaskSchema.parse(task));
}

/** Applies pulled tasks inside the caller's transaction (which spans every table). */
export async function applyPulledTasks(db: RapportDB, connectorId: string, tasks: RemoteTask[], now: number): Promise<PulledTasksSummary> {
  const summary: PulledTasksSummary = { created: 0, updated: 0, skipped: 0 };
  if (tasks.length === 0) return summary;
  const at = new Date(now).toISOString();
  const linkedTasks = await localIdsOf(
    db,
    connectorId,
    'task',
    tasks.map((t) => t.remoteId),
  );
  const people = await localIdsOf(db, connectorId, 'contact', [...new Set(tasks.flatMap((t) => t.contactRemoteIds))]);
  const links: LinkRow[] = [];
  const fresh: Change[] = [];
  const changed: Change[] = [];
  for (const remote of tasks) {
    let localId = linkedTasks.get(remote.remoteId);
    let local = localId ? await db.tasks.get(localId) : undefined;
    if (!local && !localId && remote.localId) {
      // Created there by Rapport (its link was lost, or not folded yet): link it, do not pull it again.
      local = await db.tasks.get(remote.localId);
      if (local) {
        localId = local.id;
        links.push({ connectorId, kind: 'task', localId, remoteId: remote.remoteId, syncedAt: now });
      }
    }
    if (localId) {
      if (!local) {
        summary.skipped++; // deleted here: the CRM keeps its own copy
        continue;
      }
      // A local change still on its way to this CRM wins over what the CRM had before it.
      const waiting = await db.outbox.get(entryKey(connectorId, 'task', localId));
      const next = waiting && waiting.state !== 'dead' ? undefined : mergePulledTask(local, remote, at);
      if (!next) continue;
      await db.tasks.put(next);
      changed.push({ kind: 'task', localId });
      summary.updated++;
      continue;
    }
    const contactIds = [...new Set(remote.contactRemoteIds.map((r) => people.get(r)).filter((id): id is string => !!id))];
    if (contactIds.length === 0) {
      summary.skipped++;
      continue;
    }
    const task = taskFromRemote(remote, contactIds, connectorId, at);
    await db.tasks.add(task);
    links.push({ connectorId, kind: 'task', localId: task.id, remoteId: remote.remoteId, syncedAt: now });
    fresh.push({ kind: 'task', localId: task.id, fresh: true });
    summary.created++;
  }
  if (links.length) await db.links.bulkPut(links);
  await enqueue(db, [...fresh, ...changed], now, { exceptConnector: connectorId });
  return summary;
}
