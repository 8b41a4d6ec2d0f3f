// @vitest-environment jsdom
// Gmail through InboxSDK, against a fake SDK (the real one needs Gmail itself; see docs/gmail-inboxsdk.md): the
// timeout race that picks the DOM driver, the thread view and compose view wiring, the compose
// capture's schema, and where the sidebar goes (Gmail's side panel, else the floating frame).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PageCapture } from '../../../messaging/protocol';
import { composeRecipients } from '../../../capture/compose';
import { ComposeCaptureSchema } from '../../../capture/compose-schema';
import {
  type InboxSdkHooks,
  type SdkComposeView,
  type SdkLike,
  type SdkModule,
  type SdkThreadView,
  raceWithTimeout,
  startInboxSdk,
} from '../../../sites/gmail/inboxsdk';
import { PANEL_WAIT_MS, mountInSidePanel } from '../../../sites/gmail/run';

// jsdom has no matchMedia (the sidebar asks it for the page's colour scheme).
window.matchMedia ??= ((query: string) => ({ matches: false, media: query })) as unknown as typeof window.matchMedia;

type Listener = () => void;
class FakeEmitter {
  listeners = new Map<string, Listener[]>();
  on(event: string, listener: Listener) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  emit(event: string) {
    for (const l of this.listeners.get(event) ?? []) l();
  }
}

class FakeCompose extends FakeEmitter implements SdkComposeView {
  to: { emailAddress: string; name?: string }[] = [];
  cc: { emailAddress: string; name?: string }[] = [];
  bcc: { emailAddress: string; name?: string }[] = [];
  getToRecipients = () => this.to;
  getCcRecipients = () => this.cc;
  getBccRecipients = () => this.bcc;
}

function fakeSdk() {
  const threadHandlers: ((v: SdkThreadView) => void)[] = [];
  const composeHandlers: ((v: SdkComposeView) => void)[] = [];
  const sdk = {
    Conversations: { registerThreadViewHandler: (h: (v: SdkThreadView) => void) => (threadHandlers.push(h), () => undefined) },
    Compose: { registerComposeViewHandler: (h: (v: SdkComposeView) => void) => (composeHandlers.push(h), () => undefined) },
    Global: { addSidebarContentPanel: vi.fn(async () => ({ remove: vi.fn() })) },
    User: { getEmailAddress: () => 'Me@Acme.example' },
    destroy: vi.fn(),
  } satisfies SdkLike;
  return { sdk, threadHandlers, composeHandlers };
}

const moduleOf =
  (load: SdkModule['load']): (() => Promise<SdkModule>) =>
  async () => ({ load });
const noHooks = (): InboxSdkHooks => ({ threadView: vi.fn(), compose: vi.fn() });

afterEach(() => {
  vi.useRealTimers();
  document.documentElement.querySelectorAll('[data-testid="rapport-sidebar"]').forEach((e) => e.remove());
});

describe('InboxSDK load race', () => {
  it('a load that never settles: the fallback is chosen when the timeout passes, not later', async () => {
    const load = vi.fn(() => new Promise<SdkLike>(() => undefined));
    const started = Date.now();
    const outcome = await startInboxSdk('sdk_test_0123456789', noHooks(), { timeoutMs: 300, loadModule: moduleOf(load) });
    const took = Date.now() - started;
    expect(outcome).toMatchObject({ ok: false, reason: 'timeout' });
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(1_000);
    expect(load).toHaveBeenCalledWith(
      2,
      'sdk_test_0123456789',
      expect.objectContaining({ eventTracking: false, globalErrorLogging: false }),
    );
  });

  it('a load that rejects: the fallback is chosen at once, with the reason', async () => {
    const started = Date.now();
    const outcome = await startInboxSdk('sdk_test_0123456789', noHooks(), {
      timeoutMs: 5_000,
      loadModule: moduleOf(() => Promise.reject(new Error('Invalid AppId'))),
    });
    expect(outcome).toEqual({ ok: false, reason: 'error', detail: 'Invalid AppId' });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('the module itself failing to load counts as an error too', async () => {
    const outcome = await startInboxSdk('x', noHooks(), { timeoutMs: 1_000, loadModule: () => Promise.reject(new Error('chunk failed')) });
    expect(outcome).toMatchObject({ ok: false, reason: 'error', detail: 'chunk failed' });
  });

  it('an SDK that loads after the timeout is destroyed (the DOM driver already runs)', async () => {
    const { sdk } = fakeSdk();
    let resolve!: (s: SdkLike) => void;
    const outcome = await startInboxSdk('x', noHooks(), { timeoutMs: 50, loadModule: moduleOf(() => new Promise((r) => (resolve = r))) });
    expect(outcome.ok).toBe(false);
    resolve(sdk);
    await new Promise((r) => setTimeout(r, 0));
    expect(sdk.destroy).toHaveBeenCalledOnce();
  });

  it('raceWithTimeout ignores a rejection after the timeout', async () => {
    let reject!: (e: Error) => void;
    const outcome = await raceWithTimeout(new Promise((_, r) => (reject = r)), 20);
    expect(outcome.ok).toBe(false);
    reject(new Error('late'));
    await new Promise((r) => setTimeout(r, 0));
  });
});

describe('InboxSDK handlers', () => {
  it('thread views trigger a read on open and on destroy', async () => {
    const { sdk, threadHandlers } = fakeSdk();
    const hooks = noHooks();
    const outcome = await startInboxSdk('x', hooks, { timeoutMs: 1_000, loadModule: moduleOf(async () => sdk) });
    expect(outcome.ok).toBe(true);
    expect(threadHandlers).toHaveLength(1);
    const view = new FakeEmitter();
    threadHandlers[0](view);
    expect(hooks.threadView).toHaveBeenLastCalledWith(true);
    view.emit('destroy');
    expect(hooks.threadView).toHaveBeenLastCalledWith(false);
  });

  it('compose views send their recipients (validated), follow changes, and clear on close', async () => {
    const { sdk, composeHandlers } = fakeSdk();
    const hooks = noHooks();
    await startInboxSdk('x', hooks, { timeoutMs: 1_000, loadModule: moduleOf(async () => sdk) });
    const view = new FakeCompose();
    composeHandlers[0](view);
    // Opened empty: nothing to show, nothing sent.
    expect(hooks.compose).not.toHaveBeenCalled();

    view.to = [{ emailAddress: ' Jane.Doe@Globex.example ', name: 'Jane <b>Doe</b>' }];
    view.cc = [{ emailAddress: 'jane.doe@globex.example' }, { emailAddress: 'not an address' }];
    view.bcc = [{ emailAddress: 'boss@acme.example' }];
    view.emit('recipientsChanged');
    const sent = vi.mocked(hooks.compose).mock.lastCall![0]!;
    expect(ComposeCaptureSchema.parse(sent)).toEqual({
      kind: 'compose',
      site: 'gmail',
      userEmail: 'me@acme.example',
      recipients: [
        { email: 'jane.doe@globex.example', name: 'Jane <b>Doe</b>', field: 'to' },
        { email: 'boss@acme.example', name: '', field: 'bcc' },
      ],
    });
    // It travels inside the protocol's PageCapture, and arrives as it was sent.
    expect(PageCapture.parse({ site: 'gmail', url: 'https://mail.google.com/mail/u/0/#inbox?compose=new', result: sent }).result).toEqual(
      sent,
    );

    // The same recipients again: not re-sent.
    const calls = vi.mocked(hooks.compose).mock.calls.length;
    view.emit('recipientsChanged');
    expect(vi.mocked(hooks.compose).mock.calls.length).toBe(calls);

    view.emit('destroy');
    expect(hooks.compose).toHaveBeenLastCalledWith(null);
  });

  it('with two compose views, the last changed one is shown; closing it shows the other', async () => {
    const { sdk, composeHandlers } = fakeSdk();
    const hooks = noHooks();
    await startInboxSdk('x', hooks, { timeoutMs: 1_000, loadModule: moduleOf(async () => sdk) });
    const a = new FakeCompose();
    a.to = [{ emailAddress: 'a@one.example' }];
    const b = new FakeCompose();
    b.to = [{ emailAddress: 'b@two.example' }];
    composeHandlers[0](a);
    composeHandlers[0](b);
    expect(vi.mocked(hooks.compose).mock.lastCall![0]!.recipients[0].email).toBe('b@two.example');
    b.emit('destroy');
    expect(vi.mocked(hooks.compose).mock.lastCall![0]!.recipients[0].email).toBe('a@one.example');
  });

  it('a page-supplied oversized or hostile list is cut and cleaned, never rejected whole', () => {
    const many = Array.from({ length: 700 }, (_, i) => ({ emailAddress: `p${i}@x.example`, name: 'n'.repeat(1000) }));
    const r = composeRecipients({ to: many, cc: [], bcc: [] });
    expect(r).toHaveLength(500);
    expect(r[0].name).toHaveLength(300);
    expect(ComposeCaptureSchema.safeParse({ kind: 'compose', site: 'gmail', recipients: r }).success).toBe(true);
    expect(ComposeCaptureSchema.safeParse({ kind: 'compose', site: 'gmail', recipients: [] }).success).toBe(false);
  });
});

describe('sidebar placement with InboxSDK', () => {
  const hosts = () => [...document.querySelectorAll<HTMLElement>('[data-testid="rapport-sidebar"]')];

  it("in Gmail's side panel when it accepts one: no floating frame", async () => {
    const remove = vi.fn();
    const addSidebarPanel = vi.fn(async (el: HTMLElement) => {
      document.body.append(el); // what InboxSDK does with the panel's element
      return { remove };
    });
    const frame = mountInSidePanel('gmail', { collapsed: false, width: 340 }, 'test-session', { addSidebarPanel });
    await new Promise((r) => setTimeout(r, 10));
    expect(addSidebarPanel).toHaveBeenCalledOnce();
    expect(hosts().map((h) => h.getAttribute('data-placement'))).toEqual(['panel']);
    frame.ensureAttached();
    expect(hosts()).toHaveLength(1);
    frame.remove();
    expect(remove).toHaveBeenCalledOnce();
  });

  it('floating when Gmail offers no panel (null)', async () => {
    const frame = mountInSidePanel('gmail', { collapsed: false, width: 340 }, 'test-session', { addSidebarPanel: async () => null });
    await new Promise((r) => setTimeout(r, 10));
    expect(hosts().map((h) => h.getAttribute('data-placement'))).toEqual(['floating']);
    expect(frame.host.parentElement).toBe(document.documentElement);
    frame.remove();
    expect(hosts()).toHaveLength(0);
  });

  it('floating after PANEL_WAIT_MS when the panel never comes; a late panel is removed again', async () => {
    vi.useFakeTimers();
    let resolve!: (v: { remove(): void }) => void;
    mountInSidePanel('gmail', { collapsed: true, width: 340 }, 'test-session', {
      addSidebarPanel: () => new Promise((r) => (resolve = r)),
    });
    await vi.advanceTimersByTimeAsync(PANEL_WAIT_MS - 100);
    expect(hosts()).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(200);
    expect(hosts().map((h) => [h.getAttribute('data-placement'), h.getAttribute('data-collapsed')])).toEqual([['floating', 'true']]);
    const late = { remove: vi.fn() };
    resolve(late);
    await vi.advanceTimersByTimeAsync(0);
    expect(late.remove).toHaveBeenCalledOnce();
  });
});
