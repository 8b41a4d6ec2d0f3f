import { useState } from 'preact/hooks';
import { registry } from '../../connectors/registry';
import { callBackground } from '../../messaging/client';
import { type PublicConnectorInstance, listConnectorInstances, removeConnectorInstance, resumeConnector } from '../../sync/connectors';
import type { PauseScope } from '../../storage/sync-rows';
import { discardEntry, listEntries, retryEntry, status } from '../../sync/engine';
import { getDb } from '../../storage/db';
import { SyncBadge } from '../../components/SyncBadge';
import { useLiveQuery, useLiveState } from '../../components/use-live-query';
import { ConnectorForm, KIND_LABEL } from './ConnectorForm';
import { BackfillProgress } from './BackfillProgress';

const fmtTime = (ms?: number) => (ms ? new Date(ms).toLocaleString() : 'never');

export function ConnectorsSection() {
  // Live: a connection saved, synced, paused or removed (here or by the background) shows at once.
  const live = useLiveState(() => listConnectorInstances(getDb()), []);
  const instances = live.state === 'ready' ? live.value : null;
  const [editing, setEditing] = useState<{ type: string; instance?: PublicConnectorInstance } | null>(null);

  return (
    <section class="card" aria-labelledby="conn-h">
      <h2 id="conn-h">CRM connections</h2>
      <p class="muted small">
        Rapport pushes what you save and log to your CRM in the background. Access to the CRM's address is asked only when you save a
        connection, and given back when you remove it. Tokens stay in this browser's extension database.
      </p>
      <SyncBadge />
      {live.state === 'error' && (
        <p class="error" role="alert">
          {live.message}
        </p>
      )}
      {instances?.map((inst) => (
        <ConnectorRow key={inst.id} inst={inst} onEdit={() => setEditing({ type: inst.type, instance: inst })} />
      ))}
      {!editing && (
        <button class="primary" data-testid="connector-add" onClick={() => setEditing({ type: [...registry.keys()][0] })}>
          Add a CRM connection
        </button>
      )}
      {editing && (
        <ConnectorForm
          key={editing.instance?.id ?? 'new'}
          initialType={editing.type}
          instance={editing.instance}
          onDone={() => setEditing(null)}
        />
      )}
    </section>
  );
}

function ConnectorRow({ inst, onEdit }: { inst: PublicConnectorInstance; onEdit: () => void }) {
  const connector = registry.get(inst.type);
  const live = useLiveQuery(async () => {
    const db = getDb();
    return { st: await status(db, inst.id), entries: await listEntries(db, inst.id, ['dead', 'failed'], 20) };
  }, [inst.id]);
  const st = live?.st ?? null;
  const entries = live?.entries ?? [];
  const [busy, setBusy] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const act = async (name: string, fn: () => Promise<string | void>) => {
    setBusy(name);
    try {
      const msg = await fn();
      if (msg) setNote(msg);
    } catch (e) {
      setNote(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  };
  const resume = async (scope?: PauseScope) => {
    await resumeConnector(getDb(), inst.id, scope);
    const r = await callBackground('syncNow', { connectorId: inst.id });
    return `Resumed: ${r.pushed} sent, ${r.failed} failed.`;
  };
  return (
    <div
      class="card"
      data-testid="connector-status"
      data-connector-id={inst.id}
      data-type={inst.type}
      data-pending={st?.pending ?? ''}
      data-failed={st ? st.failed + st.dead : ''}
      data-paused={String(!!st?.paused)}
    >
      <div class="row">
        <strong class="grow">{inst.name}</strong>
        <span class="muted small">{connector?.displayName ?? inst.type}</span>
      </div>
      {st && (
        <div class="small">
          {st.paused ? (
            <p class="error" role="alert" data-testid="connector-paused">
              Paused: {st.pausedReason ?? 'the CRM refused the credentials'}. Reconnect (edit and save new credentials), or{' '}
              <button class="small" data-testid="connector-resume" disabled={!!busy} onClick={() => void act('resume', () => resume())}>
                Resume
              </button>{' '}
              once it is fixed in the CRM.
            </p>
          ) : null}
          {st.pausedKinds.map((p) => (
            <p key={p.scope} class="error" role="alert" data-testid="connector-kind-paused" data-scope={p.scope}>
              {p.scope === 'pull' ? 'Pulling from the CRM' : KIND_LABEL[p.scope]} paused: {p.reason}. The CRM does not allow this with these
              credentials (a missing scope or permission); the rest goes on. Fix it in the CRM, then{' '}
              <button
                class="small"
                data-testid="connector-resume-kind"
                data-scope={p.scope}
                disabled={!!busy}
                onClick={() => void act('resume', () => resume(p.scope))}
              >
                Resume
              </button>
            </p>
          ))}
          <div>
            {st.pending} pending · {st.failed} retrying · {st.dead} failed · last success {fmtTime(st.lastSuccessAt)}
          </div>
          {st.lastError && <div class="muted">Last error: {st.lastError}</div>}
          {st.notice && (
            <div class="notice" data-testid="connector-notice">
              {st.notice}
            </div>
          )}
        </div>
      )}
      <BackfillProgress connectorId={inst.id} />
      {entries.length > 0 && (
        <ul class="errors">
          {entries.map((e) => (
            <li key={e.id} data-testid="outbox-entry" data-state={e.state}>
              {KIND_LABEL[e.kind]} {e.localId}: {e.state === 'dead' ? 'rejected' : 'will retry'} — {e.lastError ?? 'no message'}{' '}
              <button class="small" onClick={() => void act('retry', async () => void (await retryEntry(getDb(), e.id)))}>
                Retry
              </button>{' '}
              <button class="small" onClick={() => void act('discard', async () => void (await discardEntry(getDb(), e.id)))}>
                Discard
              </button>
            </li>
          ))}
        </ul>
      )}
      <div class="row" style="margin-top:8px">
        <button
          data-testid="connector-sync"
          disabled={!!busy}
          onClick={() =>
            void act('sync', async () => {
              const r = await callBackground('syncNow', { connectorId: inst.id });
              return `Synced: ${r.pushed} sent, ${r.failed} failed.`;
            })
          }
        >
          {busy === 'sync' ? 'Syncing…' : 'Sync now'}
        </button>
        <button onClick={onEdit}>Edit</button>
        <button
          class="danger"
          data-testid="connector-remove"
          disabled={!!busy}
          onClick={() =>
            void act('remove', async () => {
              if (!confirm(`Remove the connection "${inst.name}"? Its queue is dropped; your local data stays.`)) return;
              await removeConnectorInstance(getDb(), inst.id);
              // The background works out which CRM hosts are still needed from the remaining
              // connections' full configs (a config without its secrets does not parse here).
              await callBackground('releasePermissions', {}).catch(() => undefined);
              return 'Connection removed.';
            })
          }
        >
          Remove
        </button>
      </div>
      {note && (
        <p class="small muted" role="status">
          {note}
        </p>
      )}
    </div>
  );
}
