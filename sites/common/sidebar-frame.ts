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

/** The host element (closed shadow root holding the sidebar frame), not yet placed in the page. */
export function createSidebarHost(site: string): HTMLElement {
  const host = document.createElement('div');
  host.setAttribute('data-testid', 'rapport-sidebar');
  const root = host.attachShadow({ mode: 'closed' });
  const frame = document.createElement('iframe');
  const url = new URL(browser.runtime.getURL('/sidebar.html'));
  url.searchParams.set('site', site);
  url.searchParams.set('theme', pageTheme(document));
  frame.src = url.href;
  frame.title = 'Rapport';
  frame.setAttribute('allow', '');
  frame.style.cssText = 'border: 0; width: 100%; height: 100%; display: block; color-scheme: normal;';
  root.append(frame);
  return host;
}

export function mountSidebar(site: string, collapsed: boolean): SidebarFrame {
  const host = createSidebarHost(site);
  host.setAttribute('data-placement', 'floating');
  const place = (c: boolean) => {
    host.style.cssText =
      `all: initial; position: fixed; top: 0; right: 0; height: 100vh; z-index: 2147483646; ` +
      `width: ${c ? COLLAPSED_WIDTH : SIDEBAR_WIDTH}px; box-shadow: -2px 0 8px rgba(0,0,0,.15);`;
    host.setAttribute('data-collapsed', String(c));
  };
  place(collapsed);
  // On <html>, not <body>: apps that re-render their body do not take the sidebar with them.
  document.documentElement.append(host);
  return {
    host,
    setCollapsed: place,
    remove: () => host.remove(),
    ensureAttached: () => {
      if (!host.isConnected) document.documentElement.append(host);
    },
  };
}
