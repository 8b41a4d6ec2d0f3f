// Local pipelines → a CRM's pipelines and stages, by name (decision 0054): the defaults the options
// page offers on connect, and what a connector uses for a pipeline the user has not mapped. Pure.
import type { Pipeline, Stage } from '../storage/schema';
import type { PipelineMap, PipelineMapping, RemotePipeline, RemoteStage } from './types';

const norm = (s: string) => s.trim().toLowerCase();

/** The remote stage standing for a local category (won ↔ closed won, lost ↔ closed lost, resolved ↔ closed). */
function byCategory(stage: Stage, remotes: RemoteStage[]): RemoteStage | undefined {
  if (stage.category === 'open') return undefined;
  return (
    remotes.find((r) => r.closed === stage.category) ??
    // A service pipeline's "resolved" and a CRM's "won" (or the reverse) both mean closed for good.
    (stage.category !== 'lost' ? remotes.find((r) => r.closed === 'won' || r.closed === 'resolved') : undefined)
  );
}

/**
 * The default map of `local` onto `remotes` (the CRM's pipelines, its default first): the pipeline of
 * the same label (case-insensitive), else the first; each stage to the stage of the same label, else
 * to the closed stage of its category (won, lost, resolved), else by order among the open stages
 * (the n-th open local stage to the n-th open remote one, the last when there are fewer).
 * null when the CRM has no pipeline at all.
 */
export function defaultPipelineMap(local: Pipeline, remotes: readonly RemotePipeline[]): PipelineMap | null {
  const remote = remotes.find((r) => norm(r.label) === norm(local.name)) ?? remotes[0];
  if (!remote || remote.stages.length === 0) return null;
  const open = remote.stages.filter((s) => !s.closed);
  const stages: Record<string, string> = {};
  let openIndex = 0;
  for (const stage of local.stages) {
    const named = remote.stages.find((r) => norm(r.label) === norm(stage.name));
    const closedMatch = named ? undefined : byCategory(stage, remote.stages);
    const ordered = stage.category === 'open' ? open[Math.min(openIndex, open.length - 1)] : undefined;
    if (stage.category === 'open') openIndex++;
    stages[stage.id] = (
      named ??
      closedMatch ??
      ordered ??
      remote.stages[Math.min(local.stages.indexOf(stage), remote.stages.length - 1)]
    ).id;
  }
  return { remotePipelineId: remote.id, stages };
}

/** Whether `remoteStageOf` needs the CRM's pipelines for this item (not mapped by the user). */
export function needsRemotePipelines(pipeline: Pipeline, stageId: string, mapping: PipelineMapping | undefined): boolean {
  const chosen = mapping?.[pipeline.id];
  return chosen !== null && !chosen?.stages[stageId];
}

/**
 * Where an item at `stageId` of `pipeline` goes in the CRM: the user's map (a stage added since
 * falls back to its default), else the default map. null: not synced there (mapped to "Don't sync",
 * or the CRM has no pipeline).
 */
export function remoteStageOf(
  pipeline: Pipeline,
  stageId: string,
  mapping: PipelineMapping | undefined,
  remotes: readonly RemotePipeline[],
): { remotePipelineId: string; remoteStageId: string } | null {
  const chosen = mapping?.[pipeline.id];
  if (chosen === null) return null;
  const stage = chosen?.stages[stageId];
  if (chosen && stage) return { remotePipelineId: chosen.remotePipelineId, remoteStageId: stage };
  const fallback = defaultPipelineMap(pipeline, chosen ? remotes.filter((r) => r.id === chosen.remotePipelineId) : remotes);
  const id = fallback?.stages[stageId];
  return fallback && id ? { remotePipelineId: fallback.remotePipelineId, remoteStageId: id } : null;
}

/**
 * The local stage a CRM stage maps back to (pull): the first local stage mapped to it; else, knowing
 * the CRM's pipeline (`remote`), a closed stage by category (won, lost, resolved), else the local
 * stage of the nearest earlier CRM stage that is mapped (a deal moved to a stage Rapport has no
 * counterpart for has at least reached that one); else the local stage of the same label.
 */
export function localStageOf(
  pipeline: Pipeline,
  map: PipelineMap | null | undefined,
  remoteStageId: string,
  remote?: RemotePipeline,
): string | undefined {
  const mappedTo = (id: string) => (map ? pipeline.stages.find((s) => map.stages[s.id] === id)?.id : undefined);
  const direct = mappedTo(remoteStageId);
  if (direct) return direct;
  const at = remote?.stages.findIndex((s) => s.id === remoteStageId) ?? -1;
  if (remote && at >= 0) {
    const stage = remote.stages[at];
    if (stage.closed) {
      const byCategory =
        pipeline.stages.find((s) => s.category === stage.closed) ??
        pipeline.stages.find((s) => s.category !== 'open' && s.category !== 'lost');
      if (byCategory) return byCategory.id;
    }
    for (let i = at - 1; i >= 0; i--) {
      const earlier = !remote.stages[i].closed ? mappedTo(remote.stages[i].id) : undefined;
      if (earlier) return earlier;
    }
    return pipeline.stages.find((s) => norm(s.name) === norm(stage.label))?.id;
  }
  return undefined;
}
