// The pipeline mapping of a connection (decision 0054): per local pipeline whose kind the connection
// syncs, the CRM's pipeline ("Don't sync" = null) and per local stage the CRM's stage, defaulted by
// name (sync/pipeline-mapping.ts). The CRM's pipelines are read through the background (secrets stay
// there) when the form's connection test succeeds, or on the button.
import { useEffect, useState } from 'preact/hooks';
import type { AnyConnector } from '../../connectors/registry';
import type { ItemSyncKind, PipelineMapping as Mapping, RemotePipeline, SyncKind } from '../../connectors/types';
import { callBackground } from '../../messaging/client';
import { getDb } from '../../storage/db';
import { itemSyncKind } from '../../storage/item-sync';
import { listPipelines } from '../../storage/pipelines';
import type { Pipeline } from '../../storage/schema';
import { defaultPipelineMap, withDefaults } from '../../sync/pipeline-mapping';

const ITEM_KINDS: ItemSyncKind[] = ['deal', 'case', 'candidate'];

export function PipelineMapping({
  connector,
  type,
  values,
  id,
  kinds,
  allowInsecureHttp,
  value,
  onChange,
  refresh,
}: {
  connector: AnyConnector;
  type: string;
  /** The form's values (secrets left empty keep the stored ones). */
  values: Record<string, unknown>;
  id?: string;
  kinds: SyncKind[];
  allowInsecureHttp: boolean;
  value: Mapping;
  onChange: (next: Mapping) => void;
  /** Grows with each successful connection test: the CRM's pipelines are read again. */
  refresh: number;
}) {
  const itemKinds = ITEM_KINDS.filter((k) => kinds.includes(k));
  const [local, setLocal] = useState<Pipeline[]>([]);
  const [remote, setRemote] = useState<Partial<Record<ItemSyncKind, RemotePipeline[]>> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    void listPipelines(getDb()).then(setLocal);
  }, []);

  const load = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await callBackground('connectorPipelines', { type, values, id, kinds: itemKinds, allowInsecureHttp });
      if (!r.ok) {
        setError(r.error);
        return;
      }
      setRemote(r.pipelines);
      const pipelines = local.length ? local : await listPipelines(getDb());
      let next = value;
      for (const kind of itemKinds)
        next = withDefaults(
          pipelines.filter((p) => itemSyncKind(p.kind) === kind),
          r.pipelines[kind] ?? [],
          next,
        );
      onChange(next);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    if (refresh > 0 && itemKinds.length) void load();
  }, [refresh]);

  if (!connector.listPipelines || itemKinds.length === 0) return null;
  const shown = local.filter((p) => itemKinds.includes(itemSyncKind(p.kind)));
  return (
    <fieldset data-testid="pipeline-mapping">
      <legend>Pipelines</legend>
      {!remote && (
        <p class="small muted">
          Test the connection to map your pipelines to {connector.displayName}’s (by name until you do).{' '}
          <button type="button" data-testid="pipeline-mapping-load" disabled={busy} onClick={() => void load()}>
            Read {connector.displayName}’s pipelines
          </button>
        </p>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {remote &&
        shown.map((p) => {
          const theirs = remote[itemSyncKind(p.kind)] ?? [];
          const map = value[p.id];
          const chosen = map ? theirs.find((r) => r.id === map.remotePipelineId) : undefined;
          return (
            <div key={p.id} class="card small" data-testid="pipeline-map" data-pipeline={p.id}>
              <label class="row">
                <span class="grow">{p.name} →</span>
                <select
                  name={`pipeline-map-${p.id}`}
                  value={map ? map.remotePipelineId : ''}
                  onChange={(e) => {
                    const to = theirs.find((r) => r.id === (e.target as HTMLSelectElement).value);
                    onChange({ ...value, [p.id]: to ? defaultPipelineMap(p, [to]) : null });
                  }}
                >
                  <option value="">Don’t sync</option>
                  {theirs.map((r) => (
                    <option key={r.id} value={r.id}>
                      {r.label}
                    </option>
                  ))}
                </select>
              </label>
              {map &&
                chosen &&
                p.stages.map((st) => (
                  <label key={st.id} class="row">
                    <span class="grow">· {st.name} →</span>
                    <select
                      name={`stage-map-${p.id}-${st.id}`}
                      value={map.stages[st.id] ?? ''}
                      onChange={(e) =>
                        onChange({
                          ...value,
                          [p.id]: { ...map, stages: { ...map.stages, [st.id]: (e.target as HTMLSelectElement).value } },
                        })
                      }
                    >
                      {chosen.stages.map((r) => (
                        <option key={r.id} value={r.id}>
                          {r.label}
                        </option>
                      ))}
                    </select>
                  </label>
                ))}
            </div>
          );
        })}
    </fieldset>
  );
}
