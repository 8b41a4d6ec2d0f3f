// Grouping pushed batches into commit transactions (Committer).
import type { PushOutcome } from '../../connectors/types';
import type { Prepared } from './prepare';

/** At most this many batches per commit transaction (readers of the outbox wait for it). */
const COMMIT_GROUP_MAX = 16;

/** A pushed batch and what the connector answered for it. */
export interface Pushed {
  prepared: Prepared;
  outcomes: PushOutcome[];
}

/**
 * Commits pushed batches one transaction at a time: what finishes while a commit runs waits and
 * goes in the next one, together, up to COMMIT_GROUP_MAX batches (a read-write transaction has a
 * cost of its own in Chromium, and each one holds up the leases behind it; a larger one would
 * hold up the outbox's readers — the popup's status — too long: docs/decisions/0012). Nothing is
 * committed while `hold()` says so; the engine kicks the committer when that may have changed. A
 * failed commit fails every batch in it.
 */
export class Committer {
  private queue: { pushed: Pushed; at: number; urgent: boolean; done: (dueAgain: number | undefined, error?: unknown) => void }[] = [];
  private running = false;
  /** While true, outcomes wait (the engine has something better to do with IndexedDB: see runKind). */
  hold: () => boolean = () => false;
  /**
   * flush: commits a group, resolves to when the first entry it put back is due (none: undefined).
   * now: when an outcome arrived (oldestAt).
   */
  constructor(
    private readonly flush: (group: Pushed[]) => Promise<number | undefined>,
    private readonly now: () => number,
    private readonly maxGroup = COMMIT_GROUP_MAX,
  ) {}

  /** When the oldest outcome waiting arrived (Infinity: none waits). */
  get oldestAt(): number {
    return this.queue[0]?.at ?? Infinity;
  }

  /** Resolves once committed, to when the first entry its commit put back is due. */
  submit(pushed: Pushed): Promise<number | undefined> {
    return new Promise<number | undefined>((resolve, reject) => {
      // A failed outcome is never held: a pause (401), a 429's wait or a backoff takes effect now.
      const urgent = pushed.outcomes.some((o) => !o.ok);
      this.queue.push({
        pushed,
        at: this.now(),
        urgent,
        done: (dueAgain, error) => (error === undefined ? resolve(dueAgain) : reject(error)),
      });
      this.kick();
    });
  }

  /** Commits what waits, unless held. */
  kick(): void {
    if (!this.running && this.queue.length && !this.held()) void this.drain();
  }

  private held(): boolean {
    return !this.queue.some((q) => q.urgent) && this.hold();
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.queue.length && !this.held()) {
      const group = this.queue.splice(0, this.maxGroup);
      let error: unknown;
      let dueAgain: number | undefined;
      try {
        dueAgain = await this.flush(group.map((g) => g.pushed));
      } catch (err) {
        error = err ?? new Error('commit failed');
      }
      group.forEach((g) => g.done(dueAgain, error));
    }
    this.running = false;
  }
}
