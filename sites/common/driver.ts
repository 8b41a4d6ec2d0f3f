// The page lifecycle shared by the site drivers: read the page on load, on in-app navigation and
// when its content changes; send what was read to the background and the sidebar frame, which
// check it (capture/check-result.ts: no schema travels in a content script); mount the sidebar
// when there is something to show. Everything is tied to the content script's context, so it
// stops when the extension is reloaded or the page goes away.
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { browser } from 'wxt/browser';
import { callBackground } from '../../messaging/client';
import type { PageCapture } from '../../messaging/protocol';
import {
  SIDEBAR_WIDTH,
  type SidebarFrame,
  type SidebarLayout,
  mountSidebar,
  offerPortsToSidebars,
  postToSidebar,
  preloadSidebar,
} from './sidebar-frame';
import { watchLocation } from './location';
import { captureKey as keyOf } from './capture-key';

export interface SiteDriver {
  site: PageCapture['site'];
  /** Pure parser of the page. */
  parse(doc: Document, url: string): PageCapture['result'];
  /** Whether this result deserves the sidebar (a capture, or a page that looks like one but is not). */
  wantsSidebar(result: PageCapture['result'], url: string): boolean;
  /**
   * Optional cheap URL gate: false when no page at this URL can want the sidebar. The driver then
   * does nothing on that page (no message to the background, no parse, no DOM observer) until an
   * in-app navigation reaches a URL that passes; from then on it runs as usual.
   */
  mayShowSidebar?(url: string): boolean;
}

/** Optional behaviour of a driver (Gmail with InboxSDK uses both). */
export interface DriverOptions {
  /**
   * Mounts the sidebar when a result first wants one (`session` is what the frame must be handed
   * its port with, see createSidebarHost). Default: the floating frame on `<html>`, preloaded at
   * document_start.
   */
  mountSidebar?(site: PageCapture['site'], layout: SidebarLayout, session: string, onResized: (width: number) => void): SidebarFrame;
}

/** Lets another integration (InboxSDK) steer a running driver. */
export interface DriverHandle {
  /** Reads the page now, even if nothing seems to have changed (e.g. a thread view opened). */
  readNow(): void;
  /**
   * Shows `result` instead of what the page reads (e.g. the recipients of the message being
   * written), sent like a page read; `null` goes back to the page.
   */
  setOverride(result: PageCapture['result'] | null): void;
}

/** Resolves once the page's DOM is parsed (content scripts run at document_start). */
export function domReady(ctx: ContentScriptContext): Promise<void> {
  if (document.readyState !== 'loading') return Promise.resolve();
  return new Promise((resolve) => ctx.addEventListener(document, 'DOMContentLoaded', () => resolve(), { once: true }));
}

export async function runSiteDriver(
  ctx: ContentScriptContext,
  driver: SiteDriver,
  options: DriverOptions = {},
): Promise<DriverHandle | undefined> {
  if (driver.mayShowSidebar && !driver.mayShowSidebar(location.href)) {
    const gate = driver.mayShowSidebar;
    // Single-page sites (LinkedIn): wait, cheaply, for a navigation to a page that may show one.
    await new Promise<void>((resolve) => {
      const stop = watchLocation(ctx, (url) => {
        if (!gate(url)) return;
        stop();
        resolve();
      });
    });
  }
  // One id per document: the frame asks for (and shows) only captures sent with it. The frame
  // learns it from the background (registered with siteConfig), never from the page.
  const session = crypto.randomUUID();
  // Answers the background from the start: the frame's script may run before this page's DOM.
  // Only the background can message a content script; still, act only on the known events.
  const running: { recapture?: () => PageCapture | undefined; setCollapsed?: (collapsed?: boolean) => void } = {};
  const onMessage = (raw: unknown) => {
    const event = raw as { rapportEvent?: unknown; collapsed?: unknown } | null;
    if (event?.rapportEvent === 'layout' && typeof event.collapsed === 'boolean') running.setCollapsed?.(event.collapsed);
    // The keyboard shortcut (the background's command): open or collapse this tab's sidebar.
    if (event?.rapportEvent === 'toggleSidebar') running.setCollapsed?.();
    if (event?.rapportEvent === 'sidebarReady') offerPortsToSidebars();
    if (event?.rapportEvent === 'recapture') return Promise.resolve({ capture: running.recapture?.(), session });
    return undefined;
  };
  browser.runtime.onMessage.addListener(onMessage);
  ctx.onInvalidated(() => browser.runtime.onMessage.removeListener(onMessage));
  // The config round trip, the frame's loading and the page's own loading all run at once: the
  // frame starts loading (hidden) now, at document_start, and is dropped if the site is off.
  const configured = callBackground('siteConfig', { site: driver.site, session }).catch(() => ({
    enabled: false,
    collapsed: false,
    width: SIDEBAR_WIDTH,
  }));
  let preloaded = options.mountSidebar ? undefined : preloadSidebar(driver.site, session);
  const config = await configured;
  if (!config.enabled || ctx.isInvalid) {
    preloaded?.remove();
    browser.runtime.onMessage.removeListener(onMessage);
    return undefined;
  }
  await domReady(ctx);
  if (ctx.isInvalid) {
    preloaded?.remove();
    return undefined;
  }
  const mount =
    options.mountSidebar ??
    ((site: PageCapture['site'], layout: SidebarLayout, _session: string, onResized: (width: number) => void) => {
      const f = mountSidebar(site, layout, session, preloaded, onResized);
      preloaded = undefined;
      return f;
    });
  // The layout the user chose is remembered for this site (through the background).
  const remember = (layout: Partial<SidebarLayout>) =>
    void callBackground('sidebarLayout', { site: driver.site, ...layout }).catch(() => undefined);

  let frame: SidebarFrame | undefined;
  let lastKey = '';
  let current: PageCapture | undefined;
  let override: PageCapture['result'] | null = null;
  let sent = 0;

  const read = () => {
    if (ctx.isInvalid) return;
    const url = location.href;
    frame?.ensureAttached();
    // Parsers clip every text to its limit; the receivers still check it all (a parser bug
    // arrives there as a not-capturable `invalid` result, never as half a record).
    const capture: PageCapture = { site: driver.site, url, result: override ?? driver.parse(document, url) };
    const key = keyOf(capture.result, url);
    if (key === lastKey) return;
    lastKey = key;
    current = capture;
    if (!frame && driver.wantsSidebar(capture.result, url)) {
      frame = mount(driver.site, { collapsed: config.collapsed, width: config.width }, session, (width) => remember({ width }));
    }
    if (!frame) return;
    const seq = ++sent;
    postToSidebar(frame.host, { capture, seq });
    // The background keeps it too (a reloaded frame asks for it) and applies auto-log rules.
    void callBackground('captureChanged', { capture, session, seq }).catch(() => undefined);
  };

  // One pending read; a request for an earlier one (a navigation) moves it forward.
  let pending: number | undefined;
  let pendingAt = 0;
  const schedule = (delay = 120) => {
    const at = performance.now() + delay;
    if (pending !== undefined) {
      if (at >= pendingAt) return;
      clearTimeout(pending);
    }
    pendingAt = at;
    pending = ctx.setTimeout(() => {
      pending = undefined;
      read();
    }, delay);
  };

  read();
  watchLocation(ctx, () => {
    lastKey = '';
    schedule(0);
  });
  // Webmail and LinkedIn render after load and on navigation: re-read when the page settles.
  const observer = new MutationObserver(() => schedule());
  observer.observe(document.body ?? document.documentElement, { childList: true, subtree: true });
  ctx.onInvalidated(() => {
    observer.disconnect();
    frame?.remove();
    preloaded?.remove();
  });

  // From the sidebar's own button (through the background) or the shortcut (no value: toggle).
  running.setCollapsed = (collapsed) => {
    if (!frame) return;
    const next = collapsed ?? !frame.collapsed;
    frame.setCollapsed(next);
    remember({ collapsed: next });
  };
  running.recapture = () => {
    lastKey = '';
    read();
    return current;
  };

  return {
    readNow: () => {
      lastKey = '';
      read();
    },
    setOverride: (result) => {
      override = result;
      lastKey = '';
      read();
    },
  };
}
