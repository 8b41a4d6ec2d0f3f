// The receivers' check of a capture (capture/check-result.ts), used through PageCapture by the
// background (captureChanged, the recapture of getCapture) and the sidebar frame (its direct
// port, the background's events): content scripts send unchecked results, so a parser bug must
// arrive as a readable not-capturable result, and a hostile message must stay small.
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { browser } from 'wxt/browser';
import { checkCaptureResult } from '../../../capture/check-result';
import type { ThreadCapture } from '../../../capture/mail';
import type { LinkedinProfileCapture } from '../../../capture/linkedin';
import { handlers } from '../../../entrypoints/background/handlers';
import { PageCapture, RapportEvent, validateMessage } from '../../../messaging/protocol';

const URL_ = 'https://mail.google.com/mail/u/0/#inbox/18c2f4a9b7d3e601';
function thread(fromName: string): ThreadCapture {
  return {
    kind: 'thread',
    site: 'gmail',
    threadId: '18c2f4a9b7d3e601',
    subject: 'Quote',
    url: URL_,
    messages: [
      {
        messageId: 'm1',
        from: { email: 'marco@globex.example', name: fromName },
        to: [{ email: 'me@acme.example', name: 'Me' }],
        cc: [],
        dateText: '',
        snippet: '',
        bodyText: 'Hello',
        quotedText: '',
        signature: '',
        links: [],
        direction: 'incoming',
        collapsed: false,
      },
    ],
    participants: [],
  };
}
const profile: LinkedinProfileCapture = {
  kind: 'profile',
  site: 'linkedin',
  variant: 'logged-in',
  name: 'Jane Doe',
  firstName: 'Jane',
  lastName: 'Doe',
  experience: [],
  education: [],
  profileUrl: 'https://www.linkedin.com/in/jane-doe/',
  publicId: 'jane-doe',
};
const invalidAt = (path: string) => expect.stringMatching(new RegExp(`^capture failed validation at ${path.replace(/\./g, '\\.')}: `));

describe('checkCaptureResult', () => {
  it('passes a valid result through as it is', () => {
    expect(checkCaptureResult('gmail', thread('Marco Rossi'))).toEqual(thread('Marco Rossi'));
    expect(checkCaptureResult('linkedin', profile)).toEqual(profile);
  });

  it('a from.name a broken parser let through (over 300 characters) becomes not-capturable/invalid naming its path', () => {
    const r = checkCaptureResult('gmail', thread('M'.repeat(301)));
    expect(r).toEqual({ kind: 'not-capturable', site: 'gmail', reason: 'invalid', detail: invalidAt('messages.0.from.name') });
    // What the receiver made of it passes the check again unchanged (the sidebar checks the
    // background's copy once more).
    expect(checkCaptureResult('gmail', r)).toEqual(r);
  });

  it('a LinkedIn result names the path inside its kind, and its invalid result passes again', () => {
    const r = checkCaptureResult('linkedin', { ...profile, photoUrl: 'javascript:alert(1)' });
    expect(r).toEqual({ kind: 'not-capturable', reason: 'invalid', detail: invalidAt('photoUrl') });
    expect(checkCaptureResult('linkedin', r)).toEqual(r);
  });

  it('a kind the site never sends, or no object at all, fails at kind', () => {
    const compose = { kind: 'compose', site: 'gmail', recipients: [{ email: 'a@b.example', name: '', field: 'to' }] };
    expect(checkCaptureResult('gmail', compose)).toEqual(compose);
    // Outlook sends compose captures too, but only its own: a result naming another site fails at site.
    expect(checkCaptureResult('outlook', { ...compose, site: 'outlook' })).toEqual({ ...compose, site: 'outlook' });
    expect(checkCaptureResult('outlook', compose)).toMatchObject({ reason: 'invalid', detail: invalidAt('site') });
    expect(checkCaptureResult('outlook', thread('Marco'))).toMatchObject({ reason: 'invalid', detail: invalidAt('site') });
    for (const [site, result] of [
      ['linkedin', compose],
      ['linkedin', thread('Marco')],
      ['gmail', profile],
      ['gmail', null],
      ['gmail', 'thread'],
      ['gmail', [thread('Marco')]],
    ] as const) {
      expect(checkCaptureResult(site, result), `${site} ${JSON.stringify(result).slice(0, 40)}`).toMatchObject({
        kind: 'not-capturable',
        reason: 'invalid',
        detail: invalidAt('kind'),
      });
    }
  });

  it('a hostile result stays small: bounded detail, nothing of the input kept', () => {
    const huge = { ...thread('x'), messages: Array.from({ length: 5_000 }, () => thread('y'.repeat(10_000)).messages[0]) };
    const r = checkCaptureResult('gmail', huge);
    expect(r).toMatchObject({ kind: 'not-capturable', reason: 'invalid', detail: invalidAt('messages') });
    expect(JSON.stringify(r).length).toBeLessThan(2_200);
    const keys = { ...thread('x'), subject: 's'.repeat(1_000_000) };
    expect(JSON.stringify(checkCaptureResult('gmail', keys)).length).toBeLessThan(2_200);
  });
});

describe('the receivers', () => {
  /** What the tab's content script answers the background (fakeBrowser has no tabs.sendMessage). */
  let contentScript: (message: unknown) => unknown = () => undefined;
  beforeEach(() => {
    fakeBrowser.reset();
    contentScript = () => undefined;
    (browser.tabs as { sendMessage: unknown }).sendMessage = async (_tabId: number, message: unknown) => contentScript(message);
  });
  const tab = { id: 'me', tab: { id: 7 }, frameId: 0, url: URL_ };
  const frame = { id: 'me', tab: { id: 7 }, frameId: 3, url: 'chrome-extension://me/sidebar.html' };

  it('the background turns an invalid capture into not-capturable/invalid, keeps it for the sidebar and passes it on', async () => {
    const raw = {
      rapport: 1,
      type: 'captureChanged',
      payload: { capture: { site: 'gmail', url: URL_, result: thread('M'.repeat(400)) }, seq: 1 },
    };
    const checked = validateMessage(raw, tab, 'me');
    if (!checked.ok) throw new Error(checked.error);
    const input = checked.input as { capture: PageCapture; seq: number };
    const expected = { kind: 'not-capturable', site: 'gmail', reason: 'invalid', detail: invalidAt('messages.0.from.name') };
    expect(input.capture.result).toEqual(expected);
    await handlers.siteConfig({ site: 'gmail', session: 's1' }, tab);
    await handlers.captureChanged({ ...input, session: 's1' }, tab);
    expect((await handlers.getCapture({}, frame)).capture).toEqual({ site: 'gmail', url: URL_, result: expected });
    // The event the background sends the frame carries the same result.
    const event = RapportEvent.parse({ rapportEvent: 'capture', tabId: 7, capture: input.capture, session: 's1', seq: 1 });
    expect(event).toMatchObject({ capture: { result: expected } });
  });

  it('a background that lost its memory checks what the content script answers it the same way', async () => {
    contentScript = (message) =>
      (message as { rapportEvent: string }).rapportEvent === 'recapture'
        ? { capture: { site: 'gmail', url: URL_, result: thread('M'.repeat(400)) }, session: 's2' }
        : undefined;
    // Another tab: the background's memory of tab 7 is not lost in this module.
    expect(await handlers.getCapture({}, { ...frame, tab: { id: 8 } })).toMatchObject({
      session: 's2',
      capture: {
        site: 'gmail',
        url: URL_,
        result: { kind: 'not-capturable', reason: 'invalid', detail: invalidAt('messages.0.from.name') },
      },
    });
  });

  it('the envelope stays strict: an unknown site or an oversized URL is refused', () => {
    const send = (capture: unknown) => validateMessage({ rapport: 1, type: 'captureChanged', payload: { capture } }, tab, 'me');
    expect(send({ site: 'gmail', url: URL_, result: thread('Marco') })).toMatchObject({ ok: true });
    expect(send({ site: 'facebook', url: URL_, result: thread('Marco') })).toMatchObject({ ok: false });
    expect(send({ site: 'gmail', url: 'u'.repeat(4001), result: thread('Marco') })).toMatchObject({ ok: false });
    expect(send({ site: 'gmail', url: URL_ })).toMatchObject({ ok: false });
    // A result that is there but no capture at all arrives as invalid.
    expect(PageCapture.parse({ site: 'gmail', url: URL_, result: null }).result).toMatchObject({
      reason: 'invalid',
      detail: invalidAt('kind'),
    });
  });
});
