/**
 * What a hostile page can observe of Rapport, gathered by the page itself: an inline script put
 * first in a fixture records every message posted to its window (and whether it came with
 * a handle on another window), listens for the events WXT would dispatch under Rapport's id, and
 * on request lists its resource and navigation timing entries, the frames it can reach, and every
 * element (with its attributes) that is not in the HTML it was served.
 *
 *   server.route('mail.google.com', '/mail/u/0/', { html: withPageSpy(html, extensionId) });
 *   const seen = await readPageSpy(page);
 */
import type { Page } from 'puppeteer-core';

export interface PageSpyReport {
  messages: { origin: string; data: string; withHandle: boolean }[];
  wxtEvents: string[];
  timingEntries: string[];
  reachableFrames: number;
  /** The page's own iframes (in its light DOM): every frame it can reach should be one of them. */
  ownIframes: number;
  /** Elements (tag and sorted attributes) in the live document but not in the served HTML. */
  addedElements: string[];
}

function spy(extensionId: string): void {
  type Msg = PageSpyReport['messages'][number];
  const w = window as unknown as { __spy: { messages: Msg[]; wxtEvents: string[]; handles: Window[] } };
  w.__spy = { messages: [], wxtEvents: [], handles: [] };
  addEventListener('message', (e) => {
    let data: string;
    try {
      data = JSON.stringify(e.data);
    } catch {
      data = String(e.data);
    }
    const withHandle = !!e.source && e.source !== window;
    if (withHandle) w.__spy.handles.push(e.source as Window);
    w.__spy.messages.push({ origin: e.origin, data: (data ?? '').slice(0, 300), withHandle });
  });
  for (const script of ['gmail', 'outlook', 'linkedin']) {
    for (const name of ['wxt:locationchange', 'wxt:content-script-started']) {
      const type = `${extensionId}:${script}:${name}`;
      for (const target of [window, document]) target.addEventListener(type, () => w.__spy.wxtEvents.push(type));
    }
  }
}

/** The fixture with the spy as its first script (right after the doctype; the parser puts it in <head>). */
export function withPageSpy(html: string, extensionId: string): string {
  const doctype = /^\s*<!doctype[^>]*>/i.exec(html);
  const at = doctype ? doctype[0].length : 0;
  return `${html.slice(0, at)}<script>(${spy.toString()})(${JSON.stringify(extensionId)});</script>${html.slice(at)}`;
}

export async function readPageSpy(page: Page): Promise<PageSpyReport> {
  return page.evaluate(async () => {
    const w = window as unknown as { __spy: { messages: PageSpyReport['messages']; wxtEvents: string[] } };
    const signature = (el: Element) =>
      [
        el.tagName,
        ...el
          .getAttributeNames()
          .sort()
          .map((n) => `${n}=${el.getAttribute(n)}`),
      ].join(' ');
    const served = new DOMParser().parseFromString(await (await fetch(location.href)).text(), 'text/html');
    const left = new Map<string, number>();
    for (const el of served.querySelectorAll('*')) left.set(signature(el), (left.get(signature(el)) ?? 0) + 1);
    const addedElements: string[] = [];
    for (const el of document.querySelectorAll('*')) {
      const sig = signature(el);
      const n = left.get(sig) ?? 0;
      if (n > 0) left.set(sig, n - 1);
      else addedElements.push(sig);
    }
    return {
      messages: w.__spy.messages,
      wxtEvents: w.__spy.wxtEvents,
      timingEntries: [...performance.getEntriesByType('resource'), ...performance.getEntriesByType('navigation')].map((e) => e.name),
      reachableFrames: window.frames.length,
      ownIframes: document.querySelectorAll('iframe, frame').length,
      addedElements,
    };
  });
}
