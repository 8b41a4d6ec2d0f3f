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
  /**
   * Optional cheap URL gate: false when no page at this URL can want the sidebar. The driver then
   * does nothing on that page (no message to the background, no parse, no DOM observer) until an
   * in-app navigation reaches a URL that passes; from then on it runs as usual.
   */
  mayShowSidebar?(url: string): boolean;
}

/** Optional behaviour of a driver (Gmail with InboxSDK uses both). */
export interface DriverOptions {
  /** Mounts the sidebar when a result first wants one. Default: the floating frame on `<html>`. */
  mountSidebar?(site: PageCapture['site'], collapsed: boolean): SidebarFrame;
}

/** Lets another integration (InboxSDK) steer a running driver. */
export interface DriverHandle {
  /** Reads the page now, even if nothing seems to have changed (e.g. a thread view opened). */
  readNow(): void;
  /**
   * Shows `result` instead of what the page reads (e.g. the recipients of the message being
   * written), validated with the driver's schema like a page read; `null` goes back to the page.
   */
  setOverride(result: PageCapture['result'] | null): void;
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
    case 'compose':
      return `m:${result.recipients.map((r) => `${r.field}:${r.email}:${r.name}`).join(',')}`;
    default:
      return `n:${result.reason}:${url}`;
  }
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
      let open = true;
      ctx.addEventListener(window, 'wxt:locationchange', (event) => {
        if (open && gate(event.newUrl.href)) {
          open = false;
          resolve();
        }
      });
    });
  }
  const config = await callBackground('siteConfig', { site: driver.site }).catch(() => ({ enabled: false, collapsed: false }));
  if (!config.enabled || ctx.isInvalid) return undefined;
  const mount = options.mountSidebar ?? mountSidebar;

  let frame: SidebarFrame | undefined;
  let lastKey = '';
  let current: PageCapture | undefined;
  let override: PageCapture['result'] | null = null;

  const read = () => {
    if (ctx.isInvalid) return;
    const url = location.href;
    frame?.ensureAttached();
    const parsed = driver.schema.safeParse(override ?? driver.parse(document, url));
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
    if (!frame && driver.wantsSidebar(capture.result, url)) frame = mount(driver.site, config.collapsed);
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
