// The CRM's pipelines and stages for the options page's pipeline mapping (decision 0054): read with
// the form's values (secrets stay in the background, as for a connection test).
import type { ConnectorRegistry } from '../../connectors/registry';
import type { ItemSyncKind, RemotePipeline } from '../../connectors/types';
import type { RapportDB } from '../../storage/db';
import { failure, formConfig } from './sync-service';

export async function connectorPipelines(
  db: RapportDB,
  reg: ConnectorRegistry,
  input: { type: string; values: Record<string, unknown>; id?: string; kinds: ItemSyncKind[]; allowInsecureHttp?: boolean },
): Promise<{ ok: true; pipelines: Partial<Record<ItemSyncKind, RemotePipeline[]>> } | { ok: false; error: string }> {
  const form = await formConfig(db, reg, input.type, input.values, input.id, input.allowInsecureHttp);
  if (!form.ok) return form;
  const { connector, config, redact } = form;
  if (!connector.listPipelines) return { ok: true, pipelines: {} };
  const fetchFn: typeof fetch = (i, init) => fetch(i, { ...init, signal: AbortSignal.timeout(15_000) });
  const pipelines: Partial<Record<ItemSyncKind, RemotePipeline[]>> = {};
  try {
    for (const kind of input.kinds) pipelines[kind] = await connector.listPipelines({ config, fetch: fetchFn, fieldMapping: {} }, kind);
    return { ok: true, pipelines };
  } catch (e) {
    return failure(e, redact);
  }
}
