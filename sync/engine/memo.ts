// The remote ids a run knows (LinkMemo).
import type { SyncKind } from '../../connectors/types';

/**
 * The remote ids of contacts and companies as this run knows them, so that a batch of emails
 * need not read the link of every contact it names: on a first sync the contacts were pushed a
 * moment before, by this run, which wrote those links. Only this engine writes links of its
 * instance while it holds the lease (the pull keeps existing links and runs after the pushes),
 * and commit updates the memo with every link it writes or drops, so a remembered id — or a
 * remembered absence — is what is stored. Bounded: the oldest are forgotten past MAX (then read
 * again).
 */
export class LinkMemo {
  constructor(private readonly max = 50_000) {}
  private readonly ids = new Map<string, string>();
  /** Some id was forgotten: it may be in a journal row not folded yet, so `links` alone is not the truth. */
  evicted = false;
  /** Looked for and not found (a contact's company that is not synced has no link, batch after batch). */
  private readonly absent = new Set<string>();
  get(kind: SyncKind, localId: string): string | undefined {
    return this.ids.get(`${kind}|${localId}`);
  }
  /** Known to have no link (until this run writes one). */
  isAbsent(kind: SyncKind, localId: string): boolean {
    return this.absent.has(`${kind}|${localId}`);
  }
  set(kind: SyncKind, localId: string, remoteId: string): void {
    const key = `${kind}|${localId}`;
    this.absent.delete(key);
    this.ids.delete(key);
    this.ids.set(key, remoteId);
    if (this.ids.size > this.max) {
      this.ids.delete(this.ids.keys().next().value as string);
      this.evicted = true;
    }
  }
  setAbsent(kind: SyncKind, localId: string): void {
    const key = `${kind}|${localId}`;
    this.ids.delete(key);
    this.absent.add(key);
    if (this.absent.size > this.max) this.absent.delete(this.absent.values().next().value as string);
  }
  forget(kind: SyncKind, localId: string): void {
    this.ids.delete(`${kind}|${localId}`);
    this.absent.delete(`${kind}|${localId}`);
  }
}
