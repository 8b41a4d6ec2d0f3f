// Mounts the sidebar: a host element in the page (data-testid="rapport-sidebar") holding, in a
// closed shadow root, an iframe of the extension's sidebar page. The page's scripts cannot read
// the frame (other origin) nor reach it through the shadow root; the page's CSS cannot touch it.
import { browser } from 'wxt/browser';

export const SIDEBAR_WIDTH = 340;
export const COLLAPSED_WIDTH = 40;

export interface SidebarFrame {
  host: HTMLElement;
  setCollapsed(collapsed: boolean): void;
  remove(): void;
  /** Puts the sidebar back if the page removed it. */
  ensureAttached(): void;
}

/** "dark" when the page's background is dark: the sidebar follows the page's theme. */
export function pageTheme(doc: Document): 'dark' | 'light' {
  const bg = getComputedStyle(doc.body ?? doc.documentElement).backgroundColor;
  const m = /rgba?\((\d+),\s*(\d+),\s*(\d+)(?:,\s*([\d.]+))?/.exec(bg);
  if (!m || m[4] === '0') return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  const [r, g, b] = [m[1], m[2], m[3]].map(Number);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 128 ? 'dark' : 'light';
}

/**
 * The host element (closed shadow root holding the sidebar frame), not yet placed in the page.
 * `session` ties the frame to this document's content script: the frame only shows captures sent
 * with it (after a reload the background may still hold the previous page's capture for the tab).
 */
export function createSidebarHost(site: string, session: string, theme: 'dark' | 'light' = pageTheme(document)): HTMLElement {
  const host = document.createElement('div');
  host.setAttribute('data-testid', 'rapport-sidebar');
  const root = host.attachShadow({ mode: 'closed' });
  const frame = document.createElement('iframe');
  const url = new URL(browser.runtime.getURL('/sidebar.html'));
  url.searchParams.set('site', site);
  url.searchParams.set('theme', theme);
  url.searchParams.set('session', session);
  frame.src = url.href;
  frame.title = 'Rapport';
  frame.setAttribute('allow', '');
  frame.style.cssText = 'border: 0; width: 100%; height: 100%; display: block; color-scheme: normal;';
  root.append(frame);
  // A direct line to the frame: each time its page has loaded, it gets a MessagePort with the
  // session it was created with (it ignores ports sent without it), then the latest capture.
  // Captures reach it without two hops through the service worker.
  const link: FrameLink = { frame, theme, urlTheme: theme, latest: undefined, port: undefined, loaded: false, sentEarly: false };
  const sendPort = () => {
    const channel = new MessageChannel();
    link.port?.close();
    link.port = channel.port1;
    frame.contentWindow?.postMessage({ rapportPort: session }, extensionOrigin(), [channel.port2]);
    if (link.latest !== undefined) link.port.postMessage(link.latest);
  };
  // The frame's script says when it runs (before its load event, which waits for the rest of
  // its page): it gets its port then. Only a message from that frame's own window counts.
  const onReady = (event: MessageEvent) => {
    // A frame taken out of the page has no window any more: stop listening for it.
    if (!frame.contentWindow && !host.isConnected) {
      window.removeEventListener('message', onReady);
      return;
    }
    if (event.source === null || event.source !== frame.contentWindow) return;
    if ((event.data as { rapportSidebarReady?: unknown } | null)?.rapportSidebarReady !== true) return;
    sendPort();
    link.sentEarly = true;
  };
  window.addEventListener('message', onReady);
  frame.addEventListener('load', () => {
    // Each document of the frame gets one port: here unless its script already asked for one.
    if (link.sentEarly) link.sentEarly = false;
    else sendPort();
    link.loaded = true;
    // A theme decided while the frame was still loading would have been lost: send it now.
    if (link.theme !== link.urlTheme) postTheme(link);
  });
  frameOf.set(host, link);
  return host;
}

/**
 * The origin the sidebar page runs under. Not the origin of the frame's URL: with
 * `use_dynamic_url` Chromium loads it from a per-session id (chrome-extension://<random>/…) but
 * the page's origin is the extension's own id, and a message addressed to the former is dropped.
 */
function extensionOrigin(): string {
  const url = new URL(browser.runtime.getURL('/'));
  return url.protocol === 'chrome-extension:' ? `chrome-extension://${browser.runtime.id}` : url.origin;
}

interface FrameLink {
  frame: HTMLIFrameElement;
  /** The theme the frame should show, and the one its URL was created with. */
  theme: 'dark' | 'light';
  urlTheme: 'dark' | 'light';
  /** Its page has loaded (a message posted before then is lost). */
  loaded: boolean;
  latest: unknown;
  port: MessagePort | undefined;
  /** The current document of the frame got its port when its script asked (see createSidebarHost). */
  sentEarly: boolean;
}
const frameOf = new WeakMap<HTMLElement, FrameLink>();

/** Sends a (validated) capture straight to the sidebar frame in `host`, now or once it loads. */
export function postToSidebar(host: HTMLElement, message: { capture: unknown; seq: number }): void {
  const link = frameOf.get(host);
  if (!link) return;
  link.latest = message;
  link.port?.postMessage(message);
}

function postTheme(link: FrameLink): void {
  // Only the theme travels this way (the frame accepts nothing else from a postMessage).
  link.frame.contentWindow?.postMessage({ rapportTheme: link.theme }, '*'); // nothing secret in it
}

/** Tells the frame the page's theme when it differs from the one the frame was created with. */
function syncTheme(host: HTMLElement): void {
  const link = frameOf.get(host);
  const theme = pageTheme(document);
  if (!link || link.theme === theme) return;
  link.theme = theme;
  if (link.loaded) postTheme(link); // else the load handler sends it
}

/**
 * Starts loading the sidebar frame, hidden, as soon as the content script runs (document_start):
 * the frame's page and scripts load while the site's page does, so the first card can be painted
 * right after the page is read. `mountSidebar` shows it; `remove()` drops it if nothing wants it.
 */
export function preloadSidebar(site: string, session: string): HTMLElement {
  const host = createSidebarHost(site, session);
  host.setAttribute('data-placement', 'floating');
  // Not "the sidebar" yet (no test id): just a hidden frame getting ready.
  host.removeAttribute('data-testid');
  host.setAttribute('data-rapport-preloaded', 'true');
  host.style.cssText = 'all: initial; display: none;';
  document.documentElement.append(host);
  return host;
}

export function mountSidebar(site: string, collapsed: boolean, session: string, preloaded?: HTMLElement): SidebarFrame {
  const host = preloaded ?? createSidebarHost(site, session);
  host.setAttribute('data-placement', 'floating');
  host.removeAttribute('data-rapport-preloaded');
  host.setAttribute('data-testid', 'rapport-sidebar');
  const place = (c: boolean) => {
    host.style.cssText =
      `all: initial; position: fixed; top: 0; right: 0; height: 100vh; z-index: 2147483646; ` +
      `width: ${c ? COLLAPSED_WIDTH : SIDEBAR_WIDTH}px; box-shadow: -2px 0 8px rgba(0,0,0,.15);`;
    host.setAttribute('data-collapsed', String(c));
  };
  place(collapsed);
  // On <html>, not <body>: apps that re-render their body do not take the sidebar with them.
  if (!host.isConnected) document.documentElement.append(host);
  if (preloaded) syncTheme(host);
  return {
    host,
    setCollapsed: place,
    remove: () => host.remove(),
    ensureAttached: () => {
      if (!host.isConnected) document.documentElement.append(host);
    },
  };
}
