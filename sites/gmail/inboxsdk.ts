// Gmail through InboxSDK (@inboxsdk/core), used when the build has an app id
// (WXT_INBOXSDK_APP_ID). InboxSDK tells us *when* something happens (a thread view opened or
// closed, a compose view's recipients changed) and gives us Gmail's native sidebar; *what* a
// thread holds is still read by the DOM parser (sites/gmail/parse.ts), so both paths produce the
// same ThreadCapture. Compose views send their recipients (text only). The receivers check both.
//
// `load()` never settles on a page that is not (real) Gmail and can hang when Gmail changes: it is
// raced against a timeout, and the caller falls back to the DOM driver.
import type { InboxSDK } from '@inboxsdk/core';
import { type ComposeCapture, type ComposeRecipient, composeRecipients } from '../../capture/compose';

/** How long `InboxSDK.load` may take before the DOM driver takes over. */
export const LOAD_TIMEOUT_MS = 4_000;

export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: 'timeout' | 'error'; detail: string };

/**
 * `promise` or a timeout, whichever comes first. A value arriving after the timeout is handed to
 * `onLate` (to be disposed of); a late rejection is ignored.
 */
export function raceWithTimeout<T>(promise: Promise<T>, ms: number, onLate?: (value: T) => void): Promise<Outcome<T>> {
  return new Promise((resolve) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      resolve({ ok: false, reason: 'timeout', detail: `no answer within ${ms} ms` });
    }, ms);
    promise.then(
      (value) => {
        if (settled) {
          onLate?.(value);
          return;
        }
        settled = true;
        clearTimeout(timer);
        resolve({ ok: true, value });
      },
      (err: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ ok: false, reason: 'error', detail: err instanceof Error ? err.message : String(err) });
      },
    );
  });
}

// The part of InboxSDK's API used here, as structural types: the real SDK must satisfy them (checked
// below against @inboxsdk/core's own typings), and unit tests can hand in a fake.
interface Emitter<E extends string> {
  on(event: E, listener: () => void): unknown;
}
export type SdkThreadView = Emitter<'destroy'>;
export interface SdkComposeView extends Emitter<'recipientsChanged' | 'destroy'> {
  getToRecipients(): { emailAddress: string; name?: string | null }[];
  getCcRecipients(): { emailAddress: string; name?: string | null }[];
  getBccRecipients(): { emailAddress: string; name?: string | null }[];
}
export interface SdkLike {
  Conversations: { registerThreadViewHandler(handler: (view: SdkThreadView) => void): () => void };
  Compose: { registerComposeViewHandler(handler: (view: SdkComposeView) => void): () => void };
  Global: {
    addSidebarContentPanel(descriptor: {
      el: HTMLElement;
      title?: string;
      iconUrl?: string;
      id?: string;
    }): Promise<{ remove(): void } | null>;
  };
  User: { getEmailAddress(): string };
  destroy(): void;
}
export interface SdkModule {
  load(
    version: number,
    appId: string,
    opts?: { eventTracking?: boolean; globalErrorLogging?: boolean; appName?: string | null },
  ): Promise<SdkLike>;
}
// Compile-time check that the real SDK fits the structural types above.
export const realSdkFits = (sdk: InboxSDK): SdkLike => sdk;
const realModuleFits = (m: typeof import('@inboxsdk/core')): SdkModule => m;

export interface InboxSdkHooks {
  /** A thread view opened (`true`) or went away (`false`): re-read the page now. */
  threadView(open: boolean): void;
  /** The recipients of the compose view being written, or `null` when none is open with recipients. */
  compose(capture: ComposeCapture | null): void;
}

/** A loaded SDK with our handlers registered. */
export interface GmailSdk {
  /** Adds Gmail's native sidebar content panel holding `el`; null when Gmail offers none. */
  addSidebarPanel(el: HTMLElement): Promise<{ remove(): void } | null>;
  destroy(): void;
}

export interface StartOptions {
  timeoutMs?: number;
  /** For tests: stands in for `import('@inboxsdk/core')`. */
  loadModule?: () => Promise<SdkModule>;
}

// The panel's icon: an inline SVG (a data: URL needs no web-accessible resource).
const ICON =
  'data:image/svg+xml,' +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><rect width="24" height="24" rx="5" fill="#2563eb"/>' +
      '<text x="12" y="17" font-family="Arial,sans-serif" font-size="14" font-weight="700" fill="#fff" text-anchor="middle">R</text></svg>',
  );

/** Loads InboxSDK (raced against `timeoutMs`) and registers the thread view and compose view handlers. */
export async function startInboxSdk(appId: string, hooks: InboxSdkHooks, options: StartOptions = {}): Promise<Outcome<GmailSdk>> {
  const loadModule = options.loadModule ?? (async () => realModuleFits(await import('@inboxsdk/core')));
  // Event tracking and error reports to InboxSDK's servers off (it still contacts api.inboxsdk.com).
  const loading = loadModule().then((m) => m.load(2, appId, { eventTracking: false, globalErrorLogging: false, appName: 'Rapport' }));
  const outcome = await raceWithTimeout(loading, options.timeoutMs ?? LOAD_TIMEOUT_MS, (late) => late.destroy());
  if (!outcome.ok) return outcome;
  const sdk = outcome.value;
  try {
    register(sdk, hooks);
  } catch (e) {
    sdk.destroy();
    return { ok: false, reason: 'error', detail: e instanceof Error ? e.message : String(e) };
  }
  return {
    ok: true,
    value: {
      addSidebarPanel: (el) => sdk.Global.addSidebarContentPanel({ el, title: 'Rapport', iconUrl: ICON, id: 'rapport' }),
      destroy: () => sdk.destroy(),
    },
  };
}

function recipientsOf(view: SdkComposeView): ComposeRecipient[] {
  try {
    return composeRecipients({ to: view.getToRecipients(), cc: view.getCcRecipients(), bcc: view.getBccRecipients() });
  } catch {
    return []; // Gmail changed under InboxSDK: show nothing rather than half a list
  }
}

function register(sdk: SdkLike, hooks: InboxSdkHooks): void {
  sdk.Conversations.registerThreadViewHandler((view) => {
    hooks.threadView(true);
    view.on('destroy', () => hooks.threadView(false));
  });

  let userEmail: string | undefined;
  try {
    userEmail = sdk.User.getEmailAddress().trim().toLowerCase().slice(0, 320) || undefined;
  } catch {
    userEmail = undefined;
  }
  // Open compose views, the most recently changed last.
  const open = new Map<SdkComposeView, ComposeRecipient[]>();
  let published = 'null'; // nothing shown yet
  const publish = () => {
    const recipients = [...open.values()].filter((r) => r.length).pop();
    const capture: ComposeCapture | null = recipients
      ? { kind: 'compose', site: 'gmail', ...(userEmail ? { userEmail } : {}), recipients }
      : null;
    const key = JSON.stringify(capture);
    if (key === published) return;
    published = key;
    hooks.compose(capture);
  };
  sdk.Compose.registerComposeViewHandler((view) => {
    const update = () => {
      open.delete(view);
      open.set(view, recipientsOf(view));
      publish();
    };
    update();
    view.on('recipientsChanged', update);
    view.on('destroy', () => {
      open.delete(view);
      publish();
    });
  });
}
