// Mounts the sidebar: a host element in the page (data-testid="rapport-sidebar") holding, in a
// closed shadow root, an iframe of the extension's sidebar page. The page's scripts cannot read
// the frame (other origin) nor reach it through the shadow root (an iframe in a shadow tree is not
// in `window.frames` either); the page's CSS cannot touch it. What the page could still do to the
// host itself (restyle it, hide it, give it attributes) is undone here; what it does around it
// (covering it, fading or moving an ancestor) the frame notices itself (entrypoints/sidebar/
// visibility-guard.ts). See docs/decisions/0031-sidebar-hidden-from-the-page.md.
import { browser } from 'wxt/browser';
import { MIN_WIDTH, clampWidth, dockPage } from './dock';

export const SIDEBAR_WIDTH = 340;
/** The collapsed sidebar: a small tab at the right edge (the page keeps its whole width). */
const TAB_WIDTH = 36;
const TAB_HEIGHT = 48;
/** Width change per arrow key on the resize handle. */
const KEY_STEP = 20;

/** How the sidebar is shown on a site (remembered per site in the settings). */
export interface SidebarLayout {
  collapsed: boolean;
  width: number;
}

export interface SidebarFrame {
  host: HTMLElement;
  /** Whether it shows as the small tab now. */
  readonly collapsed: boolean;
  setCollapsed(collapsed: boolean): void;
  remove(): void;
  /** Puts the sidebar back if the page removed it. */
  ensureAttached(): void;
}

/**
 * Attributes that only help tests and debugging (placement, collapsed, preloaded). Left out of the
 * release build (a build-time constant), so the page sees one bare host element and its contract
 * test id; kept in the test build and in unit tests.
 */
const TEST_MARKERS = !!import.meta.env.RAPPORT_TEST_BUILD || import.meta.env.MODE === 'test';
export function testMarker(el: HTMLElement, name: string, value: string | null): void {
  if (TEST_MARKERS) setAttribute(el, name, value);
}

/** Sets (or with null removes) an attribute; on the host, also the value its guard keeps. */
function setAttribute(el: HTMLElement, name: string, value: string | null): void {
  const kept = wanted.get(el);
  if (kept) kept.set(name, value);
  if (value === null) el.removeAttribute(name);
  else el.setAttribute(name, value);
}

/** "dark" when the page's background is dark: the sidebar follows the page's theme. */
export function pageTheme(doc: Document): 'dark' | 'light' {
  const bg = getComputedStyle(doc.body ?? doc.documentElement).backgroundColor;
  const m = /rgba?\((\d+),\s*(\d+),\s*(\d+)(?:,\s*([\d.]+))?/.exec(bg);
  if (!m || m[4] === '0') return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  const [r, g, b] = [m[1], m[2], m[3]].map(Number);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 128 ? 'dark' : 'light';
}

/** Every declaration `!important`: inline important styles win over any stylesheet of the page. */
export function importantCss(declarations: string): string {
  return declarations
    .split(';')
    .map((d) => d.trim())
    .filter(Boolean)
    .map((d) => `${d} !important`)
    .join('; ');
}

/**
 * The host element (closed shadow root holding the sidebar frame), not yet placed in the page.
 * `session` ties the frame to this document's content script: the frame learns it from the
 * background (never from its URL, which the page might read) and accepts a port only with it.
 */
export function createSidebarHost(site: string, session: string, theme: 'dark' | 'light' = pageTheme(document)): HTMLElement {
  const host = document.createElement('div');
  guardHost(host);
  setAttribute(host, 'data-testid', 'rapport-sidebar');
  const root = host.attachShadow({ mode: 'closed' });
  const frame = document.createElement('iframe');
  // Nothing secret in the URL: the session travels through the background.
  const url = new URL(browser.runtime.getURL('/sidebar.html'));
  url.searchParams.set('site', site);
  url.searchParams.set('theme', theme);
  frame.src = url.href;
  frame.title = 'Rapport';
  frame.setAttribute('allow', '');
  // A flex item beside the resize handle (floating), or the whole of a block host (Gmail's panel).
  frame.style.cssText = 'border: 0; width: 100%; flex: 1 1 0; min-width: 0; height: 100%; display: block; color-scheme: normal;';
  root.append(frame);
  // A direct line to the frame: each document of the frame gets a MessagePort with the session,
  // then the latest capture. Captures reach it without two hops through the service worker.
  const link: FrameLink = { root, frame, session, theme, urlTheme: theme, latest: undefined, port: undefined, loaded: false };
  frame.addEventListener('load', () => {
    offerPort(link);
    link.loaded = true;
    // A theme decided while the frame was still loading would have been lost: send it now.
    if (link.theme !== link.urlTheme) postTheme(link);
  });
  frameOf.set(host, link);
  links.add(link);
  return host;
}

/**
 * The origin the sidebar page runs under. Not the origin of the frame's URL: with
 * `use_dynamic_url` Chromium loads it from a per-session id (chrome-extension://<random>/…) but
 * the page's origin is the extension's own id, and a message addressed to the former is dropped.
 * Addressed there, a port or theme never reaches a document the page put into the frame.
 */
function extensionOrigin(): string {
  const url = new URL(browser.runtime.getURL('/'));
  return url.protocol === 'chrome-extension:' ? `chrome-extension://${browser.runtime.id}` : url.origin;
}

interface FrameLink {
  /** The host's closed shadow root (the resize handle joins the frame there). */
  root: ShadowRoot;
  frame: HTMLIFrameElement;
  session: string;
  /** The theme the frame should show, and the one its URL was created with. */
  theme: 'dark' | 'light';
  urlTheme: 'dark' | 'light';
  /** Its page has loaded (a message posted before then is lost). */
  loaded: boolean;
  latest: unknown;
  port: MessagePort | undefined;
}
const frameOf = new WeakMap<HTMLElement, FrameLink>();
/** The frames this content script made (the background's "sidebar ready" nudge reaches them all). */
const links = new Set<FrameLink>();

function offerPort(link: FrameLink): void {
  const target = link.frame.contentWindow;
  if (!target) return;
  const channel = new MessageChannel();
  link.port?.close();
  link.port = channel.port1;
  target.postMessage({ rapportPort: link.session }, extensionOrigin(), [channel.port2]);
  if (link.latest !== undefined) link.port.postMessage(link.latest);
}

/**
 * The sidebar's script runs and asked the background for its session: hand each of our frames a
 * port now rather than at its load event (which waits for the rest of its page). The frame says
 * so through the background, never to this window: a message from the frame would give the page
 * the frame's window (to navigate or to post to) and the extension's real id (its origin).
 */
export function offerPortsToSidebars(): void {
  for (const link of links) {
    if (!link.frame.isConnected) links.delete(link);
    else offerPort(link);
  }
}

/** Sends a (validated) capture straight to the sidebar frame in `host`, now or once it loads. */
export function postToSidebar(host: HTMLElement, message: { capture: unknown; seq: number }): void {
  const link = frameOf.get(host);
  if (!link) return;
  link.latest = message;
  link.port?.postMessage(message);
}

function postTheme(link: FrameLink): void {
  // Only the theme travels this way (the frame accepts nothing else from a postMessage).
  link.frame.contentWindow?.postMessage({ rapportTheme: link.theme }, extensionOrigin());
}

/** Tells the frame the page's theme when it differs from the one the frame was created with. */
function syncTheme(host: HTMLElement): void {
  const link = frameOf.get(host);
  const theme = pageTheme(document);
  if (!link || link.theme === theme) return;
  link.theme = theme;
  if (link.loaded) postTheme(link); // else the load handler sends it
}

/** The attributes (style included) the host should have; its guard puts them back when the page changes them. */
const wanted = new WeakMap<HTMLElement, Map<string, string | null>>();

/** Sets the host's style (every declaration important) and remembers it as the one to keep. */
export function styleHost(host: HTMLElement, declarations: string): void {
  setAttribute(host, 'style', importantCss(declarations));
}

/**
 * Undoes what the page does to the host element itself: a changed or removed style (display none,
 * opacity, visibility, size, transform, position…), a removed attribute of ours, any attribute it
 * adds (hidden, inert, class…). Restyling from a stylesheet loses to the important inline style
 * (its `all: initial` covers mask, clip-path and filter too).
 */
function guardHost(host: HTMLElement): void {
  const kept = new Map<string, string | null>();
  wanted.set(host, kept);
  const restore = () => {
    for (const name of host.getAttributeNames()) if (!kept.has(name)) host.removeAttribute(name);
    for (const [name, value] of kept) {
      if (value === null) host.removeAttribute(name);
      else if (host.getAttribute(name) !== value) host.setAttribute(name, value);
    }
  };
  new MutationObserver(restore).observe(host, { attributes: true });
}

/**
 * Puts the host in the browser's top layer (a manual popover): there no ancestor's opacity, filter,
 * mask, clip-path or transform applies to it, and only the page's own later top-layer elements can
 * cover it (which the frame notices). If the page closes it, it goes straight back.
 */
function liftToTopLayer(host: HTMLElement): void {
  if (typeof host.showPopover !== 'function') return;
  setAttribute(host, 'popover', 'manual');
  const show = () => {
    try {
      if (host.isConnected && !host.matches(':popover-open')) host.showPopover();
    } catch {
      // Not showable right now (e.g. taken out of the page): ensureAttached shows it again.
    }
  };
  host.addEventListener('toggle', (event) => {
    if ((event as ToggleEvent).newState === 'closed') show();
  });
  show();
  lifted.set(host, show);
}
const lifted = new WeakMap<HTMLElement, () => void>();

/**
 * Starts loading the sidebar frame, hidden, as soon as the content script runs (document_start):
 * the frame's page and scripts load while the site's page does, so the first card can be painted
 * right after the page is read. `mountSidebar` shows it; `remove()` drops it if nothing wants it.
 */
export function preloadSidebar(site: string, session: string): HTMLElement {
  const host = createSidebarHost(site, session);
  testMarker(host, 'data-placement', 'floating');
  // Not "the sidebar" yet (no test id): just a hidden frame getting ready.
  setAttribute(host, 'data-testid', null);
  testMarker(host, 'data-rapport-preloaded', 'true');
  styleHost(host, 'all: initial; display: none');
  document.documentElement.append(host);
  // In the top layer already, so showing it changes its display only. Lifted only when shown, a
  // frame still loading (LinkedIn's in-app navigation) left puppeteer with a dead handle on it.
  liftToTopLayer(host);
  return host;
}

/**
 * Shows the sidebar docked at the right edge: the page is narrowed by its width (dock.ts), a handle
 * at its left edge resizes it (pointer or arrow keys; `onResized` gets the width the user chose).
 * Collapsed, it is a small tab and the page has its whole width back.
 */
export function mountSidebar(
  site: string,
  layout: SidebarLayout,
  session: string,
  preloaded?: HTMLElement,
  onResized?: (width: number) => void,
): SidebarFrame {
  const host = preloaded ?? createSidebarHost(site, session);
  testMarker(host, 'data-placement', 'floating');
  testMarker(host, 'data-rapport-preloaded', null);
  setAttribute(host, 'data-testid', 'rapport-sidebar');
  // Gmail and Outlook are full-viewport apps; LinkedIn's document scrolls under a fixed header.
  const dock = dockPage(document.documentElement, site !== 'linkedin');
  let { collapsed, width } = layout;
  const handle = resizeHandle(
    frameOf.get(host)!.root,
    () => clampWidth(width, innerWidth),
    (w, done) => {
      width = w;
      place();
      if (done) onResized?.(clampWidth(width, innerWidth));
    },
  );
  const place = () => {
    const w = clampWidth(width, innerWidth);
    const box = collapsed
      ? `top: calc(50% - ${TAB_HEIGHT / 2}px); height: ${TAB_HEIGHT}px; width: ${TAB_WIDTH}px; border-radius: 8px 0 0 8px; overflow: hidden`
      : `top: 0; height: 100vh; width: ${w}px`;
    styleHost(
      host,
      `all: initial; display: flex; position: fixed; right: 0; z-index: 2147483646; ${box}; box-shadow: -2px 0 8px rgba(0,0,0,.15)`,
    );
    handle.hidden = collapsed;
    handle.setAttribute('aria-valuenow', String(w));
    handle.setAttribute('aria-valuemax', String(clampWidth(Infinity, innerWidth)));
    dock.set(collapsed ? 0 : w);
    testMarker(host, 'data-collapsed', String(collapsed));
  };
  place();
  // A narrower window may leave less room for it.
  addEventListener('resize', place);
  // On <html>, not <body>: apps that re-render their body do not take the sidebar with them.
  if (!host.isConnected) document.documentElement.append(host);
  if (!lifted.has(host)) liftToTopLayer(host);
  if (preloaded) syncTheme(host);
  return {
    host,
    get collapsed() {
      return collapsed;
    },
    setCollapsed: (c) => {
      collapsed = c;
      place();
    },
    remove: () => {
      removeEventListener('resize', place);
      dock.release();
      lifted.delete(host);
      host.remove();
      const link = frameOf.get(host);
      if (link) links.delete(link);
    },
    ensureAttached: () => {
      if (!host.isConnected) document.documentElement.append(host);
      lifted.get(host)?.();
    },
  };
}

/**
 * The strip at the sidebar's left edge that resizes it: dragged with a pointer, or focused and moved
 * with the arrow keys (an ARIA separator). In the closed shadow root, beside the frame, not over it
 * (the frame must stay wholly visible for its buttons to work). `resize(width, done)`: `done` at
 * the end of a drag and after each key.
 */
function resizeHandle(root: ShadowRoot, current: () => number, resize: (width: number, done: boolean) => void): HTMLElement {
  const style = document.createElement('style');
  style.textContent =
    // Opaque: the page's pixels never show through the sidebar (decision 0031 compares them).
    '[role=separator]{flex:none;width:6px;cursor:ew-resize;touch-action:none;background:#c4c7cc}' +
    '[role=separator]:hover,[role=separator]:focus-visible{background:#2563eb}' +
    '[role=separator]:focus-visible{outline:2px solid #2563eb;outline-offset:-2px}[hidden]{display:none}';
  const handle = document.createElement('div');
  for (const [name, value] of [
    ['role', 'separator'],
    ['aria-orientation', 'vertical'],
    ['aria-label', 'Resize the Rapport sidebar (arrow keys)'],
    ['aria-valuemin', String(MIN_WIDTH)],
    ['tabindex', '0'],
  ])
    handle.setAttribute(name, value);
  let dragging = false;
  // Handled here only: the page's own shortcuts and click handlers need not see them.
  const own = (e: Event) => {
    e.preventDefault();
    e.stopPropagation();
  };
  handle.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    own(e);
    dragging = true;
    handle.focus();
    handle.setPointerCapture(e.pointerId);
  });
  handle.addEventListener('pointermove', (e) => {
    if (dragging) resize(innerWidth - e.clientX, false);
  });
  const end = (e: PointerEvent) => {
    if (!dragging) return;
    dragging = false;
    resize(innerWidth - e.clientX, true);
  };
  handle.addEventListener('pointerup', end);
  handle.addEventListener('pointercancel', end);
  handle.addEventListener('keydown', (e) => {
    const step = e.key === 'ArrowLeft' ? KEY_STEP : e.key === 'ArrowRight' ? -KEY_STEP : 0;
    if (!step) return;
    own(e);
    resize(current() + step, true);
  });
  root.prepend(style, handle);
  return handle;
}
