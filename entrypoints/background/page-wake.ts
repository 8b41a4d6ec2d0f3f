// Extension pages write IndexedDB themselves; the background's badge, reminder alarm and
// keep-in-touch pass follow their task, cadence and settings writes. While the service worker runs
// it hears them through Dexie's cross-context signal, but a stopped worker is only started by an
// extension event: this sends it one (decision 0050). Installed once per page: it runs in the pages,
// not in the worker.
import { type WriteSignal, onCommittedWrite, writeSignalOf } from '../../storage/write-signal';
import { callBackground } from '../../messaging/client';

let installed = false;

export function wakeBackgroundOnWrites(): void {
  if (installed) return;
  installed = true;
  const pending = new Set<WriteSignal>();
  onCommittedWrite((write) => {
    const signal = writeSignalOf(write);
    if (!signal) return;
    // A transaction of many writes sends one message per kind.
    if (pending.size === 0) setTimeout(flush, 0);
    pending.add(signal);
  });
  function flush() {
    for (const what of pending) void callBackground('dataChanged', { what }).catch(() => undefined);
    pending.clear();
  }
}
