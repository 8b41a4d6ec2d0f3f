// Where the sidebar's load time goes, for `npm run bench:sidebar` and the end-to-end tests: user
// timing marks and two timestamps on the frame's window. Test build only: main.tsx installs it
// under `import.meta.env.RAPPORT_TEST_BUILD` (a build-time constant, see wxt.config.ts), so the
// release bundle does not contain this module. It watches the feed and the DOM; the UI itself
// knows nothing of it.
import { type FeedState, observeFeed, prefetchSidebar } from './capture-feed';

type Timed = typeof globalThis & {
  /** When the latest capture's cards were painted (absolute ms), and its URL. */
  __rapportPainted?: { url: string; at: number };
  /** When a card first showed what the database holds for its person (or that it holds nothing). */
  __rapportLookupShown?: { at: number };
};
const w = globalThis as Timed;

/** Runs `fn` once the frame that shows what was just rendered has been painted. */
const afterPaint = (fn: () => void) => requestAnimationFrame(() => setTimeout(fn, 0));
const now = () => performance.timeOrigin + performance.now();

export function installMeasurement(): void {
  performance.mark('rapport:script-start');
  void prefetchSidebar().then(
    () => performance.mark('rapport:capture-received'),
    () => undefined,
  );
  let direct = false;
  observeFeed({
    direct() {
      if (direct) return;
      direct = true;
      performance.mark('rapport:capture-direct');
    },
    // Each capture shown: the feed's state is rendered in this task's microtasks, the next frame
    // paints it, and a task queued from that frame's animation callback runs once it has.
    state(state: FeedState) {
      if (state.status !== 'ready' || !state.capture) return;
      const { url } = state.capture;
      afterPaint(() => {
        if (document.querySelector('.sb-collapsed')) return; // nothing shown
        performance.mark('rapport:cards-painted');
        w.__rapportPainted = { url, at: now() };
      });
    },
  });
  // A card carries data-known once its person was looked up in the database.
  const looked = new MutationObserver(() => {
    if (!document.querySelector('[data-testid="sidebar-contact"][data-known]')) return;
    looked.disconnect();
    afterPaint(() => {
      w.__rapportLookupShown ??= { at: now() };
    });
  });
  looked.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-known'] });
}
