// What the background answers. Result types flow from here to callers (messaging/client.ts).
import { browser } from 'wxt/browser';
import { autoLogRuleMatches, logThread } from '../../capture/actions';
import { refineCaptureResult } from '../../capture/refine';
import type { Handlers, Sender } from '../../messaging/background-router';
import { type MessageInput, PageCapture, type RapportEvent } from '../../messaging/protocol';
import { registry } from '../../connectors/registry';
import { counts } from '../../storage/repositories';
import { getDb } from '../../storage/db';
import { kickSync, syncNowFromUser, testConnection } from './sync-service';
import { NEW_TASK_COMMAND, OPEN_WORKSPACE_COMMAND, openWorkspace } from './entry-points';
import { watchTasks } from './task-service';
import { runReconnectPass } from './keep-in-touch';
import { getSettings, rememberSidebarLayout } from '../../storage/settings';
import { refreshCrmCards } from '../../sync/lookups';
import { connectWithOAuth } from './oauth';
import { connectorPipelines } from './connector-pipelines';
import { deleteLocalDataFromUser, mergeContactsFromUser, releaseUnusedPermissions } from './data-service';

/**
 * The session of each tab's page and its latest capture (in memory: the page itself is the source
 * of truth). A new session (the tab loaded another page) drops the previous page's capture.
 */
const captures = new Map<number, { capture?: PageCapture; session?: string }>();
browser.tabs?.onRemoved?.addListener((tabId: number) => captures.delete(tabId));

function tabOf(sender: Sender): number {
  const id = sender.tab?.id;
  if (typeof id !== 'number') throw new Error('this message must come from a tab');
  return id;
}

async function broadcast(event: RapportEvent): Promise<void> {
  // Extension pages (the sidebar frames) listen; no listener is not an error.
  await browser.runtime.sendMessage(event).catch(() => undefined);
}

export const handlers = {
  ping: async () => ({ alive: true as const, version: '0.1.0' }),
  dataChanged: async (input: MessageInput<'dataChanged'>) => {
    // A local change may have queued outbox entries: wake the engine (no-op without connectors).
    kickSync();
    // A page's task, cadence or settings write (entrypoints/background/page-wake.ts).
    // The message started the worker, whose task watch counts; it is only restarted after an error.
    if (input.what === 'tasks') watchTasks();
    else if (input.what === 'cadence') void runReconnectPass(true);
    else if (input.what === 'settings') void runReconnectPass(false);
    return { received: input.what };
  },
  counts: async () => counts(),
  deleteLocalData: async ({ scope }: MessageInput<'deleteLocalData'>) => deleteLocalDataFromUser(scope),
  mergeContacts: async ({ survivorId, mergedId, choices }: MessageInput<'mergeContacts'>) =>
    mergeContactsFromUser(survivorId, mergedId, choices),
  releasePermissions: async () => ({ released: await releaseUnusedPermissions(getDb(), registry) }),

  captureChanged: async ({ capture: raw, session, seq }: MessageInput<'captureChanged'>, sender: Sender) => {
    // The content script splits by the page's markers only; the text rules run here (decision 0034).
    const capture = refineCaptureResult(raw);
    const tabId = tabOf(sender);
    captures.set(tabId, { capture, session });
    void broadcast({ rapportEvent: 'capture', tabId, capture, ...(session ? { session } : {}), ...(seq !== undefined ? { seq } : {}) });
    let autoLogged = false;
    if (capture.result.kind === 'thread') {
      // Nothing is stored from a page without a user action, unless a rule the user enabled says so.
      const settings = await getSettings();
      const plan = await autoLogRuleMatches(capture.result, settings);
      if (plan?.people.length) {
        await logThread(capture.result, settings, plan);
        autoLogged = true;
        kickSync();
      }
    }
    return { tabId, autoLogged };
  },

  siteConfig: async ({ site, session }: MessageInput<'siteConfig'>, sender: Sender) => {
    // The top document's content script (the only kind Rapport has) registers its session.
    const tabId = sender.tab?.id;
    if (session && typeof tabId === 'number' && sender.frameId === 0 && captures.get(tabId)?.session !== session) {
      captures.set(tabId, { session });
    }
    const s = await getSettings();
    return { enabled: s.sites[site], ...s.sidebar[site] };
  },

  getCapture: async (_input: MessageInput<'getCapture'>, sender: Sender) => {
    const tabId = tabOf(sender);
    let stored = captures.get(tabId);
    if (!stored?.session || !stored.capture) {
      // Not read yet, or the worker was restarted since the page was read: ask the page's content
      // script (it answers from document_start; a capture not read yet arrives as an event).
      const raw = (await browser.tabs
        .sendMessage(tabId, { rapportEvent: 'recapture' } satisfies RapportEvent, { frameId: 0 })
        .catch(() => undefined)) as { capture?: unknown; session?: unknown } | undefined;
      const parsed = PageCapture.safeParse(raw?.capture);
      const session = typeof raw?.session === 'string' ? raw.session : stored?.session;
      const capture = parsed.success ? parsed.data : session === stored?.session ? stored?.capture : undefined;
      stored = { session, capture };
      if (session) captures.set(tabId, stored);
    }
    // The content script hands its frame a port now (the frame's script runs): the frame says so
    // through here rather than to the page's window.
    void browser.tabs.sendMessage(tabId, { rapportEvent: 'sidebarReady' } satisfies RapportEvent, { frameId: 0 }).catch(() => undefined);
    // The settings come along: the frame paints its first cards without opening the database.
    return { tabId, session: stored.session ?? null, capture: stored.capture ?? null, settings: await getSettings() };
  },

  // The content script lays the sidebar out and remembers it for its site (sidebarLayout).
  setSidebarCollapsed: async ({ collapsed }: MessageInput<'setSidebarCollapsed'>, sender: Sender) => {
    await browser.tabs
      .sendMessage(tabOf(sender), { rapportEvent: 'layout', collapsed } satisfies RapportEvent, { frameId: 0 })
      .catch(() => undefined);
    return { collapsed };
  },

  sidebarLayout: async ({ site, ...layout }: MessageInput<'sidebarLayout'>) => {
    await rememberSidebarLayout(site, layout);
    return { saved: true as const };
  },
  syncNow: async ({ connectorId }: MessageInput<'syncNow'>) => {
    const r = await syncNowFromUser(connectorId);
    return { pushed: r.pushed, failed: r.failed + r.dead, paused: r.paused.length };
  },

  crmLookup: async ({ emails, force }: MessageInput<'crmLookup'>) => ({
    cards: await refreshCrmCards(getDb(), registry, emails, { force }),
  }),

  connectorOAuth: async (input: MessageInput<'connectorOAuth'>) => {
    // The identity API exists once the optional permission was granted (asked for in the click).
    const identity = (
      globalThis as {
        chrome?: {
          identity?: { launchWebAuthFlow(d: { url: string; interactive: boolean }): Promise<string | undefined>; getRedirectURL(): string };
        };
      }
    ).chrome?.identity;
    if (!identity) return { ok: false as const, error: 'Rapport needs the "identity" permission to open the sign-in window' };
    const r = await connectWithOAuth(getDb(), registry, input, {
      launchWebAuthFlow: (d) => identity.launchWebAuthFlow(d),
      redirectUri: identity.getRedirectURL(),
      fetch: (i, init) => fetch(i, { ...init, signal: AbortSignal.timeout(15_000) }),
    });
    if (r.ok) kickSync();
    return r;
  },

  connectorTest: async ({ type, values, id, allowInsecureHttp }: MessageInput<'connectorTest'>) =>
    testConnection(getDb(), registry, type, values, id, allowInsecureHttp),

  connectorPipelines: async (input: MessageInput<'connectorPipelines'>) => connectorPipelines(getDb(), registry, input),
} satisfies Handlers;

export type BackgroundHandlers = typeof handlers;

/** The manifest's command that opens or collapses the sidebar in the current tab. */
export const TOGGLE_COMMAND = 'toggle-sidebar';

/** The keyboard shortcuts: open the workspace, or it with a new task; or the tab's content script opens or collapses its sidebar (if it has one). */
export async function onCommand(command: string, tab?: { id?: number }): Promise<void> {
  if (command === OPEN_WORKSPACE_COMMAND) {
    await openWorkspace();
    return;
  }
  if (command === NEW_TASK_COMMAND) {
    // The Tasks view opens its new-task form on this query.
    await openWorkspace('/tasks?new=1');
    return;
  }
  if (command !== TOGGLE_COMMAND) return;
  const tabId = tab?.id ?? (await browser.tabs.query({ active: true, currentWindow: true }))[0]?.id;
  if (typeof tabId !== 'number') return;
  await browser.tabs.sendMessage(tabId, { rapportEvent: 'toggleSidebar' } satisfies RapportEvent, { frameId: 0 }).catch(() => undefined);
}

type HandlerResults = { [K in keyof BackgroundHandlers]: Awaited<ReturnType<BackgroundHandlers[K]>> };
declare module '../../messaging/client' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface MessageResults extends HandlerResults {}
}
