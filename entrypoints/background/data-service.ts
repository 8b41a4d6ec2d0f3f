// "Delete all local data" runs here, not in the options page: the sync engine lives in this worker
// and is stopped first (withSyncStopped), so no run in flight writes back what the delete removed.
// Deleting the connections too gives back what they needed: the CRM hosts' access and `identity`.
import { browser } from 'wxt/browser';
import { type ConnectorRegistry, registry } from '../../connectors/registry';
import { type RapportDB, getDb } from '../../storage/db';
import { type DeleteAllSummary, type DeleteScope, deleteLocalData } from '../../storage/delete';
import { MERGE_FIELDS, type MergeChoices, type MergeReport, mergeContacts } from '../../storage/merge';
import { loadConnectorConfig } from '../../sync/connectors';
import { withSyncStopped } from './sync-service';

/** "https://x.example" or "https://x.example/*" → "https://x.example/*" (how permissions name origins). */
function pattern(origin: string): string {
  return origin.endsWith('/*') ? origin : `${origin.replace(/\/$/, '')}/*`;
}

/** The host patterns the remaining connections talk to (their full config, secrets included, stays here). */
export async function originsInUse(db: RapportDB, reg: ConnectorRegistry): Promise<string[]> {
  const used = new Set<string>();
  for (const id of await db.connectors.toCollection().primaryKeys()) {
    const loaded = await loadConnectorConfig(db, reg, id);
    if ('error' in loaded) continue;
    const { connector, config } = loaded;
    for (const o of connector.origins(config)) used.add(pattern(o));
    for (const o of connector.oauth?.origins(config) ?? []) used.add(pattern(o));
  }
  return [...used];
}

/** Granted host patterns that neither the manifest requires nor a connection uses. */
export function unusedOrigins(granted: readonly string[], required: readonly string[], used: readonly string[]): string[] {
  const keep = new Set([...required, ...used].map(pattern));
  return granted.filter((o) => !keep.has(pattern(o)));
}

/** Gives back the optional host permissions (and `identity`) no connection needs any more. */
export async function releaseUnusedPermissions(db: RapportDB, reg: ConnectorRegistry): Promise<string[]> {
  const perms = browser.permissions;
  if (!perms) return [];
  const manifest = browser.runtime.getManifest() as { host_permissions?: string[]; content_scripts?: { matches?: string[] }[] };
  const required = [...(manifest.host_permissions ?? []), ...(manifest.content_scripts ?? []).flatMap((c) => c.matches ?? [])];
  const granted = (await perms.getAll()).origins ?? [];
  const used = await originsInUse(db, reg);
  const free = unusedOrigins(granted, required, used);
  // A required origin in the list would make the whole call fail: each goes on its own.
  const released: string[] = [];
  for (const origin of free) if (await perms.remove({ origins: [origin] }).catch(() => false)) released.push(origin);
  const oauthInUse = (await db.connectors.toArray()).some((i) => !!reg.get(i.type)?.oauth);
  // `identity` is optional in release builds (asked for when connecting with OAuth), required in test builds.
  if (!oauthInUse) await perms.remove({ permissions: ['identity'] }).catch(() => false);
  return released;
}

export async function deleteLocalDataFromUser(scope: DeleteScope): Promise<DeleteAllSummary & { releasedOrigins: string[] }> {
  return withSyncStopped(async () => {
    const db = getDb();
    const summary = await deleteLocalData(scope, db);
    const releasedOrigins = scope === 'everything' ? await releaseUnusedPermissions(db, registry) : [];
    return { ...summary, releasedOrigins };
  });
}

/**
 * Merges two people for the Duplicates page, with the engine stopped like a delete: a push in
 * flight for the merged-away person cannot link it (or create it in a CRM) after the merge.
 */
export async function mergeContactsFromUser(survivorId: string, mergedId: string, choices: Record<string, string>): Promise<MergeReport> {
  const known: MergeChoices = {};
  for (const f of MERGE_FIELDS) if (choices[f] === 'survivor' || choices[f] === 'merged') known[f] = choices[f];
  // Where both people have a record in a CRM that can merge, its own merge is queued (decision 0048).
  const mergeInCrms = new Set([...registry.values()].filter((c) => c.merge).map((c) => c.id));
  return withSyncStopped(() => mergeContacts(survivorId, mergedId, known, getDb(), { mergeInCrms }));
}
