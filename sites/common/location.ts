// In-app navigations (pushState, hash changes) of single-page sites. WXT's own watcher announces
// each one as an event on the page's window, named after the extension's id: a page listening for
// it would know Rapport is installed. This one tells only the content script.
import type { ContentScriptContext } from 'wxt/utils/content-script-context';

type NavigationLike = EventTarget & { currentEntry?: { url?: string | null } | null };

/** Calls `onChange(url)` after each change of the page's URL; returns the function that stops it. */
export function watchLocation(ctx: ContentScriptContext, onChange: (url: string) => void): () => void {
  let last = location.href;
  const check = () => {
    if (ctx.isInvalid || location.href === last) return;
    last = location.href;
    onChange(last);
  };
  const navigation = (globalThis as { navigation?: NavigationLike }).navigation;
  if (navigation && typeof navigation.addEventListener === 'function') {
    // Fires once the URL has changed (push, replace, traverse, fragment).
    const stopped = new AbortController();
    navigation.addEventListener('currententrychange', check, { signal: stopped.signal });
    ctx.onInvalidated(() => stopped.abort());
    return () => stopped.abort();
  }
  // Without the Navigation API (older Firefox): look once a second, as WXT does.
  const timer = ctx.setInterval(check, 1000);
  return () => clearInterval(timer);
}
