// The sidebar frame's session (decision 0031): it travels only between extension parts. The
// content script of a tab's top document registers it; the tab's sidebar frame gets it from the
// background; a new page in the tab replaces it and drops the previous page's capture.
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { browser } from 'wxt/browser';
import { handlers } from '../../entrypoints/background/handlers';
import { type PageCapture, validateMessage } from '../../messaging/protocol';

const OWN = 'chrome-extension://me/';
const contentScript = (tab: number, frameId = 0) => ({ id: 'me', tab: { id: tab }, frameId, url: 'https://mail.google.com/mail/u/0/' });
const sidebarFrame = (tab: number) => ({ id: 'me', tab: { id: tab }, frameId: 5, url: `${OWN}sidebar.html?site=gmail&theme=light` });
const capture: PageCapture = {
  site: 'gmail',
  url: 'https://mail.google.com/mail/u/0/#inbox/x',
  result: { kind: 'not-capturable', reason: 'no-thread', detail: 'no open conversation' },
} as PageCapture;

/** What the tabs' content scripts answer the background (fakeBrowser has no tabs.sendMessage). */
let contentScripts: Record<number, (message: unknown) => unknown> = {};

describe('sidebar session', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    contentScripts = {};
    (browser.tabs as { sendMessage: unknown }).sendMessage = async (tabId: number, message: unknown) => {
      const answer = contentScripts[tabId];
      if (!answer) throw new Error('Could not establish connection. Receiving end does not exist.');
      return answer(message);
    };
  });

  it('the tab’s sidebar frame gets the session its page’s content script registered', async () => {
    await handlers.siteConfig({ site: 'gmail', session: 'session-a' }, contentScript(11));
    const answer = await handlers.getCapture({}, sidebarFrame(11));
    expect(answer).toMatchObject({ tabId: 11, session: 'session-a', capture: null });
  });

  it('a new page in the tab replaces the session and drops the previous page’s capture', async () => {
    await handlers.siteConfig({ site: 'gmail', session: 'old-page' }, contentScript(12));
    await handlers.captureChanged({ capture, session: 'old-page', seq: 1 }, contentScript(12));
    expect(await handlers.getCapture({}, sidebarFrame(12))).toMatchObject({ session: 'old-page', capture });
    await handlers.siteConfig({ site: 'gmail', session: 'new-page' }, contentScript(12));
    expect(await handlers.getCapture({}, sidebarFrame(12))).toMatchObject({ session: 'new-page', capture: null });
  });

  it('a background that lost its memory (worker restart) asks the page’s content script, and tells it the frame is ready', async () => {
    const received: unknown[] = [];
    contentScripts[14] = (message) => {
      received.push(message);
      return (message as { rapportEvent: string }).rapportEvent === 'recapture' ? { capture, session: 'from-page' } : undefined;
    };
    expect(await handlers.getCapture({}, sidebarFrame(14))).toMatchObject({ session: 'from-page', capture });
    expect(received).toEqual([{ rapportEvent: 'recapture' }, { rapportEvent: 'sidebarReady' }]);
  });

  it('only a top document registers a session, and no content script can ask for one', async () => {
    await handlers.siteConfig({ site: 'gmail', session: 'top' }, contentScript(13));
    await handlers.siteConfig({ site: 'gmail', session: 'subframe' }, contentScript(13, 4));
    expect(await handlers.getCapture({}, sidebarFrame(13))).toMatchObject({ session: 'top' });
    const ask = { rapport: 1, type: 'getCapture', payload: {} };
    expect(validateMessage(ask, contentScript(13), 'me', OWN)).toEqual({
      ok: false,
      error: '"getCapture" may not be sent from a web page',
    });
    expect(validateMessage(ask, sidebarFrame(13), 'me', OWN)).toMatchObject({ ok: true });
  });
});
