// Where a pipeline item goes in a CRM (decision 0054): the user's mapping of the item's pipeline
// when there is one, else a choice by name — the CRM pipeline of the same label (else the CRM's
// default, the first listed), the stage of the same label (or one whose label starts with it, as
// "Proposal" → "Proposal/Price Quote"), else a stage of the same category: the closed stage of the
// same kind (won / lost / resolved), or the open stage at the same place among the open ones.
// Pure; shared by the connectors that map stages themselves (Pipedrive, Salesforce).
import type { Pipeline } from '../storage/schema';
import type { PipelineMapping, RemotePipeline, RemoteStage } from './types';

export interface StageTarget {
  pipeline: RemotePipeline;
  stage: RemoteStage;
}

const norm = (s: string) => s.trim().toLowerCase();

function byLabel<T extends { label: string }>(list: T[], name: string): T | undefined {
  const n = norm(name);
  if (!n) return undefined;
  return (
    list.find((x) => norm(x.label) === n) ??
    list.find((x) => {
      const l = norm(x.label);
      return l.startsWith(n) && !/[\p{L}\p{N}]/u.test(l.charAt(n.length));
    })
  );
}

/** The remote stage for one local stage, by label then by category (see the file's header). */
export function stageByName(local: Pipeline, stageId: string, remote: RemotePipeline): RemoteStage | undefined {
  const stage = local.stages.find((s) => s.id === stageId);
  if (!stage) return undefined;
  const named = byLabel(remote.stages, stage.name);
  if (named) return named;
  if (stage.category !== 'open') {
    const closed = remote.stages.filter((s) => s.closed === stage.category);
    // A won stage on a CRM whose closed stages are "resolved" (service) and the reverse: any closed one of the kind closest.
    return closed[0] ?? (stage.category === 'lost' ? undefined : remote.stages.find((s) => s.closed && s.closed !== 'lost'));
  }
  const openRemote = remote.stages.filter((s) => !s.closed);
  if (!openRemote.length) return undefined;
  const index = local.stages.filter((s) => s.category === 'open').findIndex((s) => s.id === stageId);
  return openRemote[Math.min(Math.max(index, 0), openRemote.length - 1)];
}

/**
 * The CRM pipeline and stage for an item of `local` at `stageId`. The mapped stage wins when it
 * still exists there; a stage the mapping leaves out (added here since) is chosen by name.
 * Undefined when the CRM has no such pipeline or no fitting stage (the caller says so).
 */
export function targetStage(
  local: Pipeline,
  stageId: string,
  mapping: PipelineMapping | undefined,
  remote: RemotePipeline[],
): StageTarget | undefined {
  const map = mapping?.[local.id];
  const pipeline = map ? remote.find((p) => p.id === map.remotePipelineId) : (byLabel(remote, local.name) ?? remote[0]);
  if (!pipeline) return undefined;
  const mapped = map?.stages[stageId];
  const stage = (mapped !== undefined ? pipeline.stages.find((s) => s.id === mapped) : undefined) ?? stageByName(local, stageId, pipeline);
  return stage ? { pipeline, stage } : undefined;
}

/**
 * The same without listing the CRM's pipelines when the mapping names both ids: the remote
 * pipeline and stage ids, or undefined when a look-up by name is needed.
 */
export function mappedIds(
  local: Pipeline,
  stageId: string,
  mapping: PipelineMapping | undefined,
): { pipelineId: string; stageId: string } | undefined {
  const map = mapping?.[local.id];
  const remoteStage = map?.stages[stageId];
  return map && remoteStage !== undefined ? { pipelineId: map.remotePipelineId, stageId: remoteStage } : undefined;
}
