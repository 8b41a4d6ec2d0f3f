// Whether the user really sees the sidebar, so its buttons cannot be clickjacked: the page could
// cover the frame with a decoy that lets clicks through, fade it out, move it off screen or under
// another element. The content script undoes changes to the host element itself; what the page
// does around it, only the frame can notice. Chromium's IntersectionObserver v2 (`trackVisibility`)
// tells whether anything is drawn over the frame or an ancestor fades, filters or distorts it; the
// ratio tells whether all of it is on screen. While either says no, the frame's actions are off
// (`inert`); once it is seen again they come back after a pause, with a notice. Without IOv2
// (Firefox) the actions stay on and the host guard is the defence. Decision 0031.
import { useEffect, useState } from 'preact/hooks';

export interface Visibility {
  /** The frame is fully on screen and nothing covers it: its buttons may act. */
  actionsOn: boolean;
  /** The page hid or covered the frame after it was shown (the user is told once it is seen again). */
  wasCovered: boolean;
}

/** Visible again: buttons come back only after this long, so a decoy lifted just before a click fails. */
export const REARM_MS = 500;
/** Below this share of the frame on screen, it counts as moved away. */
const ON_SCREEN = 0.98;
/**
 * Only partly on screen but nothing drawn over it: looked at again after this long before it counts
 * as moved away. Its content script resizes the frame (collapse, drag): the new size reaches the
 * frame's document a moment after its box changed, and meanwhile the frame seems cut off.
 */
const SETTLE_MS = 250;

type VisibleEntry = IntersectionObserverEntry & { isVisible?: boolean };

function supportsTrackVisibility(): boolean {
  return typeof IntersectionObserverEntry !== 'undefined' && 'isVisible' in IntersectionObserverEntry.prototype;
}

/** Watches the frame's visibility; calls `onChange` on each change. Returns the function that stops it. */
export function watchVisibility(onChange: (v: Visibility) => void): () => void {
  if (!supportsTrackVisibility()) {
    onChange({ actionsOn: true, wasCovered: false });
    return () => undefined;
  }
  // The observed element is the frame's whole viewport, drawn above the sidebar's own content
  // (which would otherwise count as covering it) and letting every click through.
  const sentinel = document.createElement('div');
  sentinel.setAttribute('aria-hidden', 'true');
  sentinel.style.cssText = 'position: fixed; inset: 0; pointer-events: none; z-index: 2147483647;';
  document.documentElement.append(sentinel);

  let state: Visibility = { actionsOn: false, wasCovered: false };
  let shownOnce = false;
  let rearm: ReturnType<typeof setTimeout> | undefined;
  // A partial view waiting to be looked at again ('waiting'), or looked at again ('rechecked').
  let settling: 'no' | 'waiting' | 'rechecked' = 'no';
  let settle: ReturnType<typeof setTimeout> | undefined;
  const publish = (next: Visibility) => {
    if (next.actionsOn === state.actionsOn && next.wasCovered === state.wasCovered) return;
    state = next;
    onChange(state);
  };
  const observer = new IntersectionObserver(
    (entries) => {
      const entry = entries[entries.length - 1] as VisibleEntry;
      const seen = entry.isVisible === true && entry.intersectionRatio >= ON_SCREEN;
      if (!seen) {
        clearTimeout(rearm);
        rearm = undefined;
        // Not shown yet (the frame preloads hidden): nothing to report.
        if (!shownOnce) return;
        if (entry.isVisible === true && state.actionsOn && settling !== 'rechecked') {
          if (settling === 'no') {
            settling = 'waiting';
            settle = setTimeout(() => {
              settling = 'rechecked';
              // Observing again gives a fresh entry at once.
              observer.unobserve(sentinel);
              observer.observe(sentinel);
            }, SETTLE_MS);
          }
          return;
        }
        clearTimeout(settle);
        settling = 'no';
        publish({ actionsOn: false, wasCovered: true });
        return;
      }
      clearTimeout(settle);
      settling = 'no';
      if (!shownOnce) {
        shownOnce = true;
        publish({ actionsOn: true, wasCovered: false });
        return;
      }
      if (state.actionsOn || rearm !== undefined) return;
      rearm = setTimeout(() => {
        rearm = undefined;
        publish({ actionsOn: true, wasCovered: true });
      }, REARM_MS);
    },
    // trackVisibility needs a delay of at least 100 ms between notifications.
    { threshold: [0, 0.5, ON_SCREEN, 1], trackVisibility: true, delay: 100 } as IntersectionObserverInit,
  );
  observer.observe(sentinel);
  return () => {
    observer.disconnect();
    clearTimeout(rearm);
    clearTimeout(settle);
    sentinel.remove();
  };
}

/** The frame's visibility for the UI; also written to `<html data-actions="on|off">` (tests wait for it). */
export function useVisibility(): Visibility & { dismiss(): void } {
  const [state, setState] = useState<Visibility>({ actionsOn: !supportsTrackVisibility(), wasCovered: false });
  useEffect(
    () =>
      watchVisibility((next) => {
        document.documentElement.dataset.actions = next.actionsOn ? 'on' : 'off';
        setState(next);
      }),
    [],
  );
  return { ...state, dismiss: () => setState((s) => ({ ...s, wasCovered: false })) };
}
