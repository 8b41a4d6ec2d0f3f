// The pipeline mapping of a connection (decision 0054): defaults by name, for the options page and
// the engine. The computation lives with the connectors (connectors/pipeline-map.ts), which map a
// pipeline the user has not mapped the same way.
export { defaultPipelineMap, localStageOf, remoteStageOf } from '../connectors/pipeline-map';
import { defaultPipelineMap } from '../connectors/pipeline-map';
import type { PipelineMapping, RemotePipeline } from '../connectors/types';
import type { Pipeline } from '../storage/schema';

/** Defaults for every pipeline of `local` that has no map in `current` yet (a user's choice is kept). */
export function withDefaults(
  local: readonly Pipeline[],
  remotes: readonly RemotePipeline[],
  current: PipelineMapping = {},
): PipelineMapping {
  const out: PipelineMapping = { ...current };
  for (const p of local) if (!(p.id in out)) out[p.id] = defaultPipelineMap(p, remotes);
  return out;
}
