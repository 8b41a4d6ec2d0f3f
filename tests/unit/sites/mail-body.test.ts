// @vitest-environment jsdom
// Reading a message's HTML by the markers mail programs leave (sites/mail/body.ts, in the content
// scripts), then the text rules on the extension side (capture/refine.ts): one test per client.
import { describe, expect, it } from 'vitest';
import type { MailMessage } from '../../../capture/mail';
import { refineMessage } from '../../../capture/refine';
import { extractMessageParts } from '../../../sites/mail/body';

function html(markup: string): Element {
  const div = document.createElement('div');
  div.innerHTML = markup;
  return div;
}
/** What the extension side holds for a message element: the page's reading, then the text rules. */
function read(el: Element): MailMessage {
  const p = extractMessageParts(el);
  return refineMessage({
    messageId: 'm',
    from: { name: 'Jane' },
    to: [],
    cc: [],
    dateText: '',
    snippet: '',
    bodyText: p.body,
    quotedText: p.quoted,
    signature: p.signature,
    links: p.links,
    direction: 'incoming',
    collapsed: false,
  });
}

describe('extractMessageParts (HTML)', () => {
  it('Gmail: gmail_signature and gmail_quote', () => {
    const el = html(
      '<div dir="ltr">Hi Max,<div><br></div><div>see below.</div><div><br></div>' +
        '<span class="gmail_signature_prefix">-- </span><br><div class="gmail_signature">Jane Doe<br>CEO | Acme</div></div>' +
        '<br><div class="gmail_quote"><div class="gmail_attr">On Mon, Jane wrote:<br></div><blockquote class="gmail_quote">old text<div class="gmail_signature">Old Sig</div></blockquote></div>',
    );
    expect(extractMessageParts(el)).toEqual({
      body: 'Hi Max,\n\nsee below.\n\n--',
      quoted: 'On Mon, Jane wrote:\nold text\nOld Sig',
      signature: 'Jane Doe\nCEO | Acme',
      links: [],
    });
    expect(read(el)).toMatchObject({ bodyText: 'Hi Max,\n\nsee below.', signature: 'Jane Doe\nCEO | Acme' });
  });

  it('Outlook: #Signature, #appendonsend then the quoted message as siblings', () => {
    const el = html(
      '<div>Hello,</div><div>done.</div><div id="Signature"><p>Max Muster<br>CTO, Acme GmbH</p></div>' +
        '<div id="appendonsend"></div><hr><div id="divRplyFwdMsg"><b>From:</b> Jane<br><b>Sent:</b> Monday</div><div>older text</div>',
    );
    const r = extractMessageParts(el);
    expect(r.body).toBe('Hello,\ndone.');
    expect(r.signature).toBe('Max Muster\nCTO, Acme GmbH');
    expect(r.quoted).toBe('From: Jane\nSent: Monday\nolder text');
  });

  it('links outside the quote only, http(s) only; text of tables, lists and pre', () => {
    const el = html(
      '<p>See <a href="https://acme.test/q">quote</a> and <a href="javascript:alert(1)">x</a>.</p>' +
        '<table><tr><td>Seats</td><td>125</td></tr></table><ul><li>one</li><li>two</li></ul><pre>a  b\nc</pre>' +
        '<blockquote><a href="https://old.test/">old</a></blockquote>',
    );
    const r = extractMessageParts(el);
    expect(r.links).toEqual(['https://acme.test/q']);
    expect(r.body).toBe('See quote and x.\n\nSeats 125\none\ntwo\na  b\nc');
  });
});

describe('the quote and signature markers of each client', () => {
  it('Outlook for Mac: OLK_SRC_BODY_SECTION', () => {
    const r = extractMessageParts(
      html('<div>Agreed.</div><span id="OLK_SRC_BODY_SECTION"><div><b>From: </b>Jane</div><div>old</div></span>'),
    );
    expect(r).toMatchObject({ body: 'Agreed.', quoted: 'From: Jane\nold' });
  });

  it('Outlook on the web: hr separator, x_divRplyFwdMsg, x_x_ prefixes of a message quoted again', () => {
    const r = extractMessageParts(
      html('<div>Fine.</div><hr><div id="x_x_divRplyFwdMsg"><b>From:</b> Jane<br><b>Sent:</b> Monday</div><div>old</div>'),
    );
    expect(r).toMatchObject({ body: 'Fine.', quoted: 'From: Jane\nSent: Monday\nold' });
  });

  it('Outlook 2003: OutlookMessageHeader', () => {
    const r = extractMessageParts(
      html('<div>Fine.</div><div class="OutlookMessageHeader">-----Original Message-----<br>From: Jane</div><div>old</div>'),
    );
    expect(r).toMatchObject({ body: 'Fine.', quoted: '-----Original Message-----\nFrom: Jane\nold' });
  });

  it('Outlook 2016 desktop and Windows Mail: an unmarked header block, found by the text rules', () => {
    const el = html(
      '<div>Fine.</div><div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">' +
        '<p><b>From:</b> Jane Doe &lt;jane@acme.test&gt;<br><b>Sent:</b> Tuesday, April 18, 2017 1:09 PM<br><b>To:</b> Max<br><b>Subject:</b> Offer</p></div><p>old</p>',
    );
    expect(read(el)).toMatchObject({ bodyText: 'Fine.', signature: '' });
    expect(read(el).quotedText.startsWith('From: Jane Doe')).toBe(true);
  });

  it('Apple Mail / iOS: blockquote type="cite", AppleMailSignature ("Sent from my iPhone")', () => {
    const el = html(
      '<div>See you at 2.</div><div><br></div><div id="AppleMailSignature">Sent from my iPhone</div>' +
        '<div><br>On Sep 4, 2025, at 11:30 AM, Jane Roe &lt;jane@example.com&gt; wrote:<br><br></div><blockquote type="cite"><div>Can we move?</div></blockquote>',
    );
    expect(read(el)).toMatchObject({ bodyText: 'See you at 2.', signature: 'Sent from my iPhone' });
    expect(read(el).quotedText.startsWith('On Sep 4, 2025')).toBe(true);
  });

  it('Thunderbird: moz-cite-prefix, moz-signature, moz-forward-container', () => {
    const reply = html(
      '<p>Yes.</p><div class="moz-signature">-- <br>Jane</div><div class="moz-cite-prefix">On 4/18/17 1:09 PM, Max wrote:<br></div><blockquote type="cite">old</blockquote>',
    );
    expect(read(reply)).toMatchObject({ bodyText: 'Yes.', signature: 'Jane', quotedText: 'On 4/18/17 1:09 PM, Max wrote:\nold' });
    const fwd = html('<p>FYI</p><div class="moz-forward-container">-------- Forwarded Message --------<br>Subject: x</div>');
    expect(read(fwd)).toMatchObject({ bodyText: 'FYI' });
  });

  it('Yahoo: yahoo_quoted, also with its per-message prefix', () => {
    const r = extractMessageParts(
      html(
        '<div>Ok.</div><div id="ydp5e3cyahoo_quoted_1234" class="ydp5e3cyahoo_quoted"><div>On Tuesday, Jane wrote:</div><div>old</div></div>',
      ),
    );
    expect(r).toMatchObject({ body: 'Ok.', quoted: 'On Tuesday, Jane wrote:\nold' });
  });

  it('Yandex: a date-first header line above a blockquote', () => {
    const el = html(
      '<div>Да.</div><div>30.09.2017, 18:30, "Jane Doe" &lt;jane@acme.test&gt;:</div><blockquote><div>Привет</div></blockquote>',
    );
    expect(read(el)).toMatchObject({ bodyText: 'Да.', quotedText: '30.09.2017, 18:30, "Jane Doe" <jane@acme.test>:\n\nПривет' });
  });

  it('Mail.ru: a header without a verb above a blockquote; a forward header block', () => {
    const reply = html(
      '<div>Да.</div><div>Вторник, 18 апреля 2017, 13:09 +03:00 от Jane Doe &lt;jane@acme.test&gt;:</div><blockquote><div>Привет</div></blockquote>',
    );
    expect(read(reply).bodyText).toBe('Да.');
    const fwd = html('-------- Пересылаемое сообщение --------<br>От кого: Jane &lt;jane@acme.test&gt;<br>Кому: Max<br><div>Привет</div>');
    expect(read(fwd).bodyText).toBe('');
  });

  it('Gmail in German: the quoted "Am … schrieb …:" header and the signature element', () => {
    const el = html(
      '<div dir="ltr">Passt.<br><br>Viele Grüße</div><div class="gmail_quote"><div class="gmail_attr">Am Di., 18. Apr. 2017 um 13:09 Uhr schrieb Jane &lt;jane@acme.test&gt;:<br></div><blockquote class="gmail_quote">alt</blockquote></div>',
    );
    expect(read(el)).toMatchObject({
      bodyText: 'Passt.\n\nViele Grüße',
      quotedText: 'Am Di., 18. Apr. 2017 um 13:09 Uhr schrieb Jane <jane@acme.test>:\nalt',
    });
  });
});
