// The two ways the Gmail content script runs: the DOM driver alone (no InboxSDK app id in the
// build, or InboxSDK did not load in time), or InboxSDK steering the same DOM driver (thread view
// events trigger a read, compose views send their recipients, the sidebar sits in Gmail's native
// side panel). Which one ran is written to `<html data-rapport-driver="inboxsdk|dom">` in the test build.
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { callBackground } from '../../messaging/client';
import { type DriverHandle, type SiteDriver, domReady, runSiteDriver } from '../common/driver';
import { type SidebarFrame, type SidebarLayout, createSidebarHost, mountSidebar, styleHost, testMarker } from '../common/sidebar-frame';
import type { ComposeCapture } from '../../capture/compose';
import { type GmailSdk, type StartOptions, raceWithTimeout, startInboxSdk } from './inboxsdk';
import { parseGmailThread } from './parse';

export const GMAIL_DRIVER: SiteDriver = {
  site: 'gmail',
  parse: parseGmailThread,
  wantsSidebar: (result) => result.kind === 'thread' || result.kind === 'compose',
};

/** How long Gmail's side panel may take to accept our panel before the floating sidebar is used. */
export const PANEL_WAIT_MS = 2_500;

/** Test build only: the release build leaves the page's own elements as they are. */
function markDriver(driver: 'inboxsdk' | 'dom', detail: string): void {
  testMarker(document.documentElement, 'data-rapport-driver', driver);
  testMarker(document.documentElement, 'data-rapport-driver-detail', detail);
}

/** The DOM driver alone, exactly as without InboxSDK. */
export async function runGmailDom(ctx: ContentScriptContext, detail = 'no-app-id'): Promise<DriverHandle | undefined> {
  markDriver('dom', detail);
  return runSiteDriver(ctx, GMAIL_DRIVER);
}

/** InboxSDK first; the DOM driver alone when it does not load within the timeout. */
export async function runGmailWithInboxSdk(ctx: ContentScriptContext, appId: string, options: StartOptions = {}): Promise<void> {
  // Gmail switched off in the options: InboxSDK is not even loaded (it talks to its servers).
  const config = await callBackground('siteConfig', { site: 'gmail' }).catch(() => ({ enabled: false }));
  if (!config.enabled || ctx.isInvalid) return;
  // The content script runs at document_start; InboxSDK wants Gmail's document.
  await domReady(ctx);
  if (ctx.isInvalid) return;
  const running: { handle?: DriverHandle } = {};
  // Compose events can come before the driver runs: keep the latest and apply it then.
  let compose: ComposeCapture | null = null;
  const outcome = await startInboxSdk(
    appId,
    {
      threadView: () => running.handle?.readNow(),
      compose: (capture) => {
        compose = capture;
        running.handle?.setOverride(capture);
      },
    },
    options,
  );
  if (!outcome.ok) {
    // The test build says why in the page's console; the release build says nothing there.
    if (import.meta.env.RAPPORT_TEST_BUILD)
      console.info(`Rapport: InboxSDK did not load (${outcome.reason}: ${outcome.detail}); reading Gmail's page instead.`);
    await runGmailDom(ctx, outcome.reason);
    return;
  }
  const sdk = outcome.value;
  if (ctx.isInvalid) {
    sdk.destroy();
    return;
  }
  ctx.onInvalidated(() => sdk.destroy());
  markDriver('inboxsdk', 'loaded');
  running.handle = await runSiteDriver(ctx, GMAIL_DRIVER, {
    mountSidebar: (site, layout, session, onResized) => mountInSidePanel(site, layout, session, sdk, onResized),
  });
  if (compose) running.handle?.setOverride(compose);
}

/**
 * The sidebar in Gmail's native side panel (InboxSDK's global sidebar content panel: it stays
 * across thread list, threads and compose, so one frame serves all three). When Gmail offers no
 * panel within PANEL_WAIT_MS, the usual floating (docked) sidebar is mounted instead; never both.
 * In the panel, Gmail makes the room: nothing is docked, and Gmail's own panel toggle collapses it.
 */
export function mountInSidePanel(
  site: 'gmail' | 'outlook' | 'linkedin',
  layout: SidebarLayout,
  session: string,
  sdk: Pick<GmailSdk, 'addSidebarPanel'>,
  onResized?: (width: number) => void,
): SidebarFrame {
  const host = createSidebarHost(site, session);
  testMarker(host, 'data-placement', 'panel');
  styleHost(host, 'all: initial; display: block; width: 100%; height: calc(100vh - 130px); min-height: 360px');
  let collapsedNow = layout.collapsed;
  let floating: SidebarFrame | undefined;
  let panel: { remove(): void } | null = null;
  let removed = false;
  const panelPromise = sdk.addSidebarPanel(host).catch(() => null);
  void raceWithTimeout(panelPromise, PANEL_WAIT_MS, (late) => late?.remove()).then((o) => {
    if (removed) {
      if (o.ok) o.value?.remove();
      return;
    }
    if (o.ok && o.value) panel = o.value;
    else floating = mountSidebar(site, { ...layout, collapsed: collapsedNow }, session, undefined, onResized);
  });
  return {
    get host() {
      return floating?.host ?? host;
    },
    get collapsed() {
      return collapsedNow;
    },
    // In the side panel, Gmail's own panel toggle collapses it; the floating one follows the setting.
    setCollapsed: (c) => {
      collapsedNow = c;
      floating?.setCollapsed(c);
    },
    remove: () => {
      removed = true;
      panel?.remove();
      floating?.remove();
    },
    ensureAttached: () => floating?.ensureAttached(),
  };
}
