// refineThreadCapture: the text rules applied, on the extension side, to what a content script
// read by the page's markers (decision 0034). Idempotent: captures arrive twice.
import { describe, expect, it } from 'vitest';
import type { MailMessage, ThreadCapture } from '../../../capture/mail';
import { refineCaptureResult, refineThreadCapture } from '../../../capture/refine';

function message(over: Partial<MailMessage>): MailMessage {
  return {
    messageId: 'm1',
    from: { name: 'Jane Doe', email: 'jane@acme.test' },
    to: [],
    cc: [],
    dateText: '',
    snippet: '',
    bodyText: '',
    quotedText: '',
    signature: '',
    links: [],
    direction: 'incoming',
    collapsed: false,
    ...over,
  };
}
const thread = (...messages: MailMessage[]): ThreadCapture => ({
  kind: 'thread',
  site: 'outlook',
  threadId: 't1',
  subject: 'Angebot',
  url: 'https://outlook.office.com/mail/inbox/id/t1',
  messages,
  participants: [],
});

describe('refineThreadCapture', () => {
  const outlookGerman = message({
    bodyText:
      'Passt, danke.\n\nViele Grüße\nMax\n\n________________________________\nVon: Jane Doe <jane@acme.test>\nGesendet: Dienstag, 18. April 2017 13:09\nAn: Max\nBetreff: Angebot\n\nHallo Max',
    quotedText: 'older marked quote',
    snippet: 'Passt, danke. Viele Grüße Max ____ Von: Jane Doe',
  });

  it('moves a plain-text quote to quotedText (before the marked quote), splits the signature, renews the snippet', () => {
    const [m] = refineThreadCapture(thread(outlookGerman)).messages;
    expect(m.bodyText).toBe('Passt, danke.\n\nViele Grüße');
    expect(m.signature).toBe('Max');
    expect(m.quotedText.split('\n').slice(0, 2)).toEqual(['________________________________', 'Von: Jane Doe <jane@acme.test>']);
    expect(m.quotedText.endsWith('Hallo Max\n\nolder marked quote')).toBe(true);
    expect(m.snippet).toBe('Passt, danke. Viele Grüße');
  });

  it('is idempotent', () => {
    const gmail = message({ bodyText: 'Hi Max,\n\nsee below.\n\n--', signature: '--\nJane Doe\nCEO | Acme' });
    const once = refineThreadCapture(thread(outlookGerman, gmail, message({ bodyText: 'Ok.\n\nSent from my iPhone' })));
    expect(refineThreadCapture(once)).toEqual(once);
  });

  it("keeps the page's signature; strips Gmail's '--' delimiter before it", () => {
    const [m] = refineThreadCapture(thread(message({ bodyText: 'Hi Max,\n\nsee below.\n--', signature: 'Jane Doe\nCEO | Acme' }))).messages;
    expect(m.bodyText).toBe('Hi Max,\n\nsee below.');
    expect(m.signature).toBe('Jane Doe\nCEO | Acme');
  });

  it('leaves collapsed messages and other captures alone', () => {
    const collapsed = message({ collapsed: true, snippet: 'On Mon Jane wrote: hi' });
    expect(refineThreadCapture(thread(collapsed)).messages[0]).toBe(collapsed);
    const page = { site: 'linkedin', url: 'https://www.linkedin.com/in/x', result: { kind: 'profile' } };
    expect(refineCaptureResult(page)).toBe(page);
  });

  it('snippet: one line of at most 200 characters', () => {
    const [m] = refineThreadCapture(thread(message({ bodyText: `${'word '.repeat(100)}\n\nmore` }))).messages;
    expect(m.snippet.length).toBeLessThanOrEqual(200);
    expect(m.snippet).not.toContain('\n');
  });
});
