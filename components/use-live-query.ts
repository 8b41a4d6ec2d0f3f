// The UI reads the database through Dexie's liveQuery: a query re-runs whenever a write touches
// what it read, from this page, another extension page, the service worker or the import worker
// (Dexie signals writes across them with a BroadcastChannel in the extension's origin). So a page
// never reloads or polls for data: it shows the answer and every later change to it.
//
// The querier must await only Dexie calls (it may call async functions that do): Dexie tracks
// what it reads across those awaits, not across fetch(), timers or extension messages.
import { liveQuery } from 'dexie';
import { useEffect, useState } from 'preact/hooks';

export type Live<T> = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; value: T };

/** The query's answer, kept current: loading, then ready (or error); back to loading when deps change. */
export function useLiveState<T>(query: () => Promise<T> | T, deps: unknown[]): Live<T> {
  const [live, setLive] = useState<Live<T>>({ state: 'loading' });
  useEffect(() => {
    setLive((s) => (s.state === 'loading' ? s : { state: 'loading' }));
    const subscription = liveQuery(query).subscribe({
      next: (value) => setLive({ state: 'ready', value }),
      error: (e: unknown) => setLive({ state: 'error', message: e instanceof Error ? e.message : String(e) }),
    });
    return () => subscription.unsubscribe();
  }, deps);
  return live;
}

/** The query's answer, kept current; undefined until the first answer (or after an error). */
export function useLiveQuery<T>(query: () => Promise<T> | T, deps: unknown[]): T | undefined {
  const live = useLiveState(query, deps);
  return live.state === 'ready' ? live.value : undefined;
}
