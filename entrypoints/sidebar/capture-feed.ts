// The captures this frame shows: asked of the background when the frame's script runs, then
// pushed by the content script (over a port of its own) and by the background, each copy numbered
// alike so the first to arrive is shown and the other skipped. The sidebar renders what the feed
// publishes; anything else (the test build's measurements) can watch it too.
import { useEffect, useState } from 'preact/hooks';
import { z } from 'zod';
import { browser } from 'wxt/browser';
import { refineCaptureResult } from '../../capture/refine';
import { callBackground } from '../../messaging/client';
import { PageCapture, RapportEvent } from '../../messaging/protocol';
import type { Settings } from '../../storage/settings';

export type FeedState =
  { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; capture: PageCapture | null; settings: Settings };

/** Watches the feed. Every member is optional. */
export interface FeedObserver {
  /** A message came over the content script's port (before it is checked or deduplicated). */
  direct?(): void;
  /** What the sidebar is to show now. */
  state?(state: FeedState): void;
}

const observers = new Set<FeedObserver>();
export function observeFeed(observer: FeedObserver): () => void {
  observers.add(observer);
  return () => observers.delete(observer);
}

// Asked for as soon as the frame's script runs (not after the first paint): the first cards
// appear one round trip after the frame loads. The answer also carries this frame's session (see
// sites/common/sidebar-frame.ts): it comes from the background, never from this frame's URL, which
// the page might read.
type Initial = { tabId: number; session: string | null; capture: PageCapture | null; settings: Settings };
let initial: Promise<Initial> | undefined;
export function prefetchSidebar(): Promise<Initial> {
  initial ??= callBackground('getCapture', {});
  return initial;
}

// Captures sent straight from the content script, over a MessagePort it hands over with the
// session (registered at module load so none is missed). The page cannot reach this frame's
// window, and could not name the session if it did; a port offered with anything else is closed.
type DirectListener = (capture: PageCapture, seq: number | undefined) => void;
const direct: { latest?: { capture: PageCapture; seq: number }; listener?: DirectListener; port?: MessagePort } = {};
const DirectMessage = z.object({ capture: PageCapture, seq: z.number().int().nonnegative() });
addEventListener('message', (event: MessageEvent) => {
  const data = event.data as { rapportPort?: unknown } | null;
  const port = event.ports[0];
  if (!data || typeof data.rapportPort !== 'string' || !port) return;
  const offered = data.rapportPort;
  void prefetchSidebar()
    .then(({ session }) => {
      if (!session || offered !== session) {
        port.close();
        return;
      }
      // The content script's newest port replaces the previous one.
      direct.port?.close();
      direct.port = port;
      port.onmessage = (m: MessageEvent) => {
        for (const o of observers) o.direct?.();
        const parsed = DirectMessage.safeParse(m.data);
        if (!parsed.success) return;
        direct.latest = parsed.data;
        direct.listener?.(parsed.data.capture, parsed.data.seq);
      };
    })
    .catch(() => port.close());
});

/** Starts receiving captures from both channels; returns the function that stops it. */
function startFeed(publish: (state: FeedState) => void): () => void {
  let settings: Settings | undefined;
  // Captures that arrive before the settings are kept (the newest) and applied once they are.
  let early: PageCapture | undefined;
  let shownSeq = -1;
  const apply = (capture: PageCapture, seq: number | undefined) => {
    if (seq !== undefined) {
      if (seq <= shownSeq) return; // already shown (the other copy), or older
      shownSeq = seq;
    }
    // Refined here too: the direct copy comes straight from the content script (decision 0034).
    if (settings) publish({ status: 'ready', capture: refineCaptureResult(capture), settings });
    else early = capture;
  };
  direct.listener = apply;
  if (direct.latest) apply(direct.latest.capture, direct.latest.seq);
  const onEvent = (raw: unknown) => {
    const ev = RapportEvent.safeParse(raw);
    if (!ev.success || ev.data.rapportEvent !== 'capture') return undefined;
    const event = ev.data;
    // Checked once this frame knows its session (the first answer); seq keeps the order.
    void prefetchSidebar()
      .then(({ session, tabId }) => {
        if (session ? event.session === session : event.tabId === tabId) apply(event.capture, event.seq);
      })
      .catch(() => undefined);
    return undefined;
  };
  browser.runtime.onMessage.addListener(onEvent);
  prefetchSidebar()
    .then((res) => {
      settings = res.settings;
      const capture = early ?? res.capture;
      publish({ status: 'ready', capture: capture && refineCaptureResult(capture), settings: res.settings });
    })
    .catch((e: unknown) => publish({ status: 'error', message: e instanceof Error ? e.message : String(e) }));
  return () => {
    browser.runtime.onMessage.removeListener(onEvent);
    direct.listener = undefined;
  };
}

/** The feed's current state, for the component that renders it (started on mount). */
export function useCaptureFeed(): FeedState {
  const [state, setState] = useState<FeedState>({ status: 'loading' });
  useEffect(() => {
    let live = true;
    const stop = startFeed((next) => {
      if (!live) return;
      setState(next);
      for (const o of observers) o.state?.(next);
    });
    return () => {
      live = false;
      stop();
    };
  }, []);
  return state;
}
