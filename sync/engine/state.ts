// What one run changes as it goes: its summary, why it stops, how long its engine lease holds, and
// the counters that name the rows it writes. The environment it runs in (env.ts) does not change.
import type { EngineEnv } from './env';
import type { RunSummary } from './types';

export type Stop = RunSummary['stopped'];

export class RunState {
  readonly summary: RunSummary = {
    ran: false,
    pushed: 0,
    failed: 0,
    dead: 0,
    requests: 0,
    rateLimited: 0,
    paused: [],
    pausedKinds: [],
    pulled: 0,
  };
  stop?: Stop;
  /** Until when this engine's lease is known to hold. */
  leaseUntil = 0;
  /** Batches leased by this run so far (names its batch rows). */
  batches = 0;
  /** Link journal rows written by this run so far. */
  journals = 0;
}

/** Records that the run stops if it was aborted or its budget is spent; returns why it stops, if it does. */
export function checkStop(env: Pick<EngineEnv, 'signal' | 'now' | 'deadline'>, state: RunState): Stop {
  if (env.signal?.aborted) state.stop = 'aborted';
  if (env.now() >= env.deadline) state.stop ??= 'budget';
  return state.stop;
}
