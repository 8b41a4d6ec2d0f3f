// The page lifecycle shared by the site drivers: read the page on load, on in-app navigation and
// when its content changes; send what was read (validated) to the background; mount the sidebar
// when there is something to show. Everything is tied to the content script's context, so it
// stops when the extension is reloaded or the page goes away.
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { browser } from 'wxt/browser';
import { callBackground } from '../../messaging/client';
import { PageCapture, RapportEvent } from '../../messaging/protocol';
import { type SidebarFrame, mountSidebar } from './sidebar-frame';

export interface SiteDriver {
  site: PageCapture['site'];
  /** Pure parser of the page. */
  parse(doc: Document, url: string): PageCapture['result'];
  /** Whether this result deserves the sidebar (a capture, or a page that looks like one but is not). */
  wantsSidebar(result: PageCapture['result'], url: string): boolean;
}

/** A cheap identity of a result, so unchanged pages are not re-sent. */
function keyOf(result: PageCapture['result'], url: string): string {
  switch (result.kind) {
    case 'thread':
      return `t:${result.threadId}:${result.messages.length}:${result.messages.map((m) => m.collapsed ? 0 : 1).join('')}`;
    case 'profile':
      return `p:${result.publicId}:${result.currentTitle ?? ''}:${result.currentCompany ?? ''}:${result.headline ?? ''}`;
    case 'company':
      return `c:${result.slug}`;
    case 'lead':
      return `l:${result.pageUrl}:${result.name}`;
    default:
      return `n:${result.reason}:${url}`;
  }
}

export async function runSiteDriver(ctx: ContentScriptContext, driver: SiteDriver): Promise<void> {
  const config = await callBackground('siteConfig', { site: driver.site }).catch(() => ({ enabled: false, collapsed: false }));
  if (!config.enabled || ctx.isInvalid) return;

  let frame: SidebarFrame | undefined;
  let lastKey = '';
  let current: PageCapture | undefined;

  const read = () => {
    if (ctx.isInvalid) return;
    const url = location.href;
    const parsed = PageCapture.safeParse({ site: driver.site, url, result: driver.parse(document, url) });
    // A parser bug must never send half a record: an invalid capture is reported as not capturable.
    const capture: PageCapture = parsed.success
      ? parsed.data
      : { site: driver.site, url, result: { kind: 'not-capturable', reason: 'missing-field', detail: 'the page could not be read reliably' } };
    const key = keyOf(capture.result, url);
    if (key === lastKey) return;
    lastKey = key;
    current = capture;
    if (!frame && driver.wantsSidebar(capture.result, url)) frame = mountSidebar(driver.site, config.collapsed);
    if (frame) void callBackground('captureChanged', { capture }).catch(() => undefined);
  };

  let pending: number | undefined;
  const schedule = (delay = 120) => {
    if (pending) return;
    pending = ctx.setTimeout(() => {
      pending = undefined;
      read();
    }, delay);
  };

  read();
  ctx.addEventListener(window, 'wxt:locationchange', () => {
    lastKey = '';
    schedule(0);
  });
  // Webmail and LinkedIn render after load and on navigation: re-read when the page settles.
  const observer = new MutationObserver(() => schedule());
  observer.observe(document.body ?? document.documentElement, { childList: true, subtree: true });
  ctx.onInvalidated(() => {
    observer.disconnect();
    frame?.remove();
  });

  const onMessage = (raw: unknown) => {
    const event = RapportEvent.safeParse(raw);
    if (!event.success) return undefined;
    if (event.data.rapportEvent === 'layout') frame?.setCollapsed(event.data.collapsed);
    if (event.data.rapportEvent === 'recapture') {
      lastKey = '';
      read();
      return Promise.resolve(current);
    }
    return undefined;
  };
  browser.runtime.onMessage.addListener(onMessage);
  ctx.onInvalidated(() => browser.runtime.onMessage.removeListener(onMessage));
}
