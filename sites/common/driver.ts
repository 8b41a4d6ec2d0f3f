// The page lifecycle shared by the site drivers: read the page on load, on in-app navigation and
// when its content changes; send what was read (validated) to the background; mount the sidebar
// when there is something to show. Everything is tied to the content script's context, so it
// stops when the extension is reloaded or the page goes away.
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { browser } from 'wxt/browser';
import { callBackground } from '../../messaging/client';
import type { ZodType } from 'zod';
import type { PageCapture } from '../../messaging/protocol';
import { type SidebarFrame, mountSidebar } from './sidebar-frame';

export interface SiteDriver {
  site: PageCapture['site'];
  /** Pure parser of the page. */
  parse(doc: Document, url: string): PageCapture['result'];
  /** The site's own result schema (not the union of all sites: keeps each content script small). */
  schema: ZodType<PageCapture['result']>;
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
    frame?.ensureAttached();
    const parsed = driver.schema.safeParse(driver.parse(document, url));
    // A parser bug must never send half a record: an invalid capture is reported as not capturable.
    const capture: PageCapture = {
      site: driver.site,
      url,
      result: parsed.success ? parsed.data : { kind: 'not-capturable', reason: 'missing-field', detail: 'the page could not be read reliably' },
    };
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

  // Only the background can message a content script; still, act only on the two known events.
  const onMessage = (raw: unknown) => {
    const event = raw as { rapportEvent?: unknown; collapsed?: unknown } | null;
    if (event?.rapportEvent === 'layout' && typeof event.collapsed === 'boolean') frame?.setCollapsed(event.collapsed);
    if (event?.rapportEvent === 'recapture') {
      lastKey = '';
      read();
      return Promise.resolve(current);
    }
    return undefined;
  };
  browser.runtime.onMessage.addListener(onMessage);
  ctx.onInvalidated(() => browser.runtime.onMessage.removeListener(onMessage));
}
