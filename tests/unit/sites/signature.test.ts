// @vitest-environment jsdom
// Message splitting (body / quoted reply / signature) and signature reading, on plain text and HTML.
import { describe, expect, it } from 'vitest';
import { extractMessageParts, findQuoteStart, isSignoff, splitMessageText } from '../../../sites/mail/body';
import { countryFromEmail, parseSignature, splitTitleCompany } from '../../../capture/signature';

const text = (...lines: string[]) => lines.join('\n');
function html(markup: string): Element {
  const div = document.createElement('div');
  div.innerHTML = markup;
  return div;
}

describe('splitMessageText: quoted reply', () => {
  it('">" lines', () => {
    expect(splitMessageText(text('Sounds good.', '', '> Can we meet Tuesday?', '> Jane'))).toEqual({
      body: 'Sounds good.',
      quoted: '> Can we meet Tuesday?\n> Jane',
      signature: '',
    });
  });

  it('"On … wrote:", also wrapped over two lines', () => {
    const one = splitMessageText(text('Yes.', '', 'On Mon, Nov 2, 2026 at 9:41 AM Jane Doe <jane@acme.test> wrote:', 'Hi'));
    expect(one.body).toBe('Yes.');
    expect(one.quoted.startsWith('On Mon, Nov 2')).toBe(true);
    const two = splitMessageText(text('Yes.', '', 'On Mon, Nov 2, 2026 at 9:41 AM Jane Doe <jane@acme.test>', 'wrote:', '> Hi'));
    expect(two.body).toBe('Yes.');
    expect(two.quoted.split('\n')[1]).toBe('wrote:');
  });

  it('German, French and Spanish attributions', () => {
    expect(splitMessageText(text('Ja.', 'Am Mo., 2. Nov. 2026 um 09:41 Uhr schrieb Jane Doe <jane@acme.test>:', '> Hallo')).body).toBe(
      'Ja.',
    );
    expect(splitMessageText(text('Oui.', 'Le lun. 2 nov. 2026 à 09:41, Jane Doe <jane@acme.test> a écrit :', '> Bonjour')).body).toBe(
      'Oui.',
    );
    expect(splitMessageText(text('Sí.', 'El lun, 2 nov 2026 a las 9:41, Jane Doe (<jane@acme.test>) escribió:', '> Hola')).body).toBe(
      'Sí.',
    );
  });

  it('Outlook header blocks and "Original Message" separators', () => {
    const en = splitMessageText(
      text('Done.', '', 'From: Jane Doe <jane@acme.test>', 'Sent: Monday, November 2, 2026 9:41 AM', 'To: Max', 'Subject: Hi', '', 'Hi'),
    );
    expect(en.body).toBe('Done.');
    expect(en.quoted.startsWith('From: Jane Doe')).toBe(true);
    const de = splitMessageText(
      text('Erledigt.', '_____________', 'Von: Jane Doe <jane@acme.test>', 'Gesendet: Montag, 2. November 2026 09:41', 'An: Max'),
    );
    expect(de.body).toBe('Erledigt.');
    expect(de.quoted.startsWith('_____________\nVon: Jane Doe')).toBe(true);
    const bold = splitMessageText(text('Ok.', '*From:* Jane Doe', '*Date:* Mon, Nov 2'));
    expect(bold.body).toBe('Ok.');
    expect(splitMessageText(text('Ok.', '-----Original Message-----', 'From: Jane')).quoted.startsWith('-----Original')).toBe(true);
    expect(splitMessageText(text('Ok.', '-----Ursprüngliche Nachricht-----', 'Von: Jane')).body).toBe('Ok.');
    expect(splitMessageText(text('FYI', '---------- Forwarded message ---------', 'From: Jane')).body).toBe('FYI');
  });

  it('"From:" in the middle of a sentence is not a quote', () => {
    expect(findQuoteStart(['From: the team, with thanks.', 'See you'])).toBe(-1);
  });
});

describe('splitMessageText: signature', () => {
  it('"-- " delimiter', () => {
    expect(splitMessageText('Hi,\nsee attached.\n-- \nJane Doe\nCEO, Acme Inc.')).toEqual({
      body: 'Hi,\nsee attached.',
      quoted: '',
      signature: 'Jane Doe\nCEO, Acme Inc.',
    });
  });

  it.each([
    ['Best regards,'],
    ['Thanks,'],
    ['Thanks!'],
    ['Cheers'],
    ['Mit freundlichen Grüßen'],
    ['Viele Grüße'],
    ['Cordialement,'],
    ['Saludos'],
    ['Thanks, Jane'],
  ])('after the sign-off "%s"', (signoff) => {
    const r = splitMessageText(
      text('Hi Max,', '', 'the contract is attached.', '', signoff, 'Jane Doe', 'Head of Sales | Acme', '+1 415 555 0100'),
    );
    expect(r.body.endsWith(signoff)).toBe(true);
    expect(r.signature).toBe('Jane Doe\nHead of Sales | Acme\n+1 415 555 0100');
  });

  it('not when the "sign-off" is followed by prose or by more than 10 lines', () => {
    const prose = splitMessageText(text('Thanks!', '', 'Also, could you send the signed contract?', 'Jane'));
    expect(prose.signature).toBe('');
    const long = splitMessageText(text('Hi', 'Best,', ...Array.from({ length: 11 }, (_, i) => `line ${i}`)));
    expect(long.signature).toBe('');
  });

  it('a trailing contact block without a sign-off', () => {
    const r = splitMessageText(text('Please call me.', '', 'Jane Doe', 'Acme Inc.', 'T: +1 415 555 0100'));
    expect(r).toMatchObject({ body: 'Please call me.', signature: 'Jane Doe\nAcme Inc.\nT: +1 415 555 0100' });
  });

  it('sign-off detection', () => {
    expect(isSignoff('Best regards,')).toBe(true);
    expect(isSignoff('Viele Grüße, Max')).toBe(true);
    expect(isSignoff('Thanks for the update')).toBe(false);
    expect(isSignoff('Best price we can do is 10k')).toBe(false);
  });
});

describe('extractMessageParts (HTML)', () => {
  it('Gmail: gmail_signature and gmail_quote', () => {
    const el = html(
      '<div dir="ltr">Hi Max,<div><br></div><div>see below.</div><div><br></div>' +
        '<span class="gmail_signature_prefix">-- </span><br><div class="gmail_signature">Jane Doe<br>CEO | Acme</div></div>' +
        '<br><div class="gmail_quote"><div class="gmail_attr">On Mon, Jane wrote:<br></div><blockquote class="gmail_quote">old text<div class="gmail_signature">Old Sig</div></blockquote></div>',
    );
    expect(extractMessageParts(el)).toEqual({
      body: 'Hi Max,\n\nsee below.',
      quoted: 'On Mon, Jane wrote:\nold text\nOld Sig',
      signature: 'Jane Doe\nCEO | Acme',
      links: [],
    });
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

describe('parseSignature', () => {
  it('"Title | Company", "Title at Company", "Title, Company", then company on the next line', () => {
    expect(splitTitleCompany('Head of Sales | Acme')).toEqual({ title: 'Head of Sales', company: 'Acme' });
    expect(splitTitleCompany('VP Sales at Umbrella Analytics')).toEqual({ title: 'VP Sales', company: 'Umbrella Analytics' });
    expect(splitTitleCompany('Account Executive, Acme Corp')).toEqual({ title: 'Account Executive', company: 'Acme Corp' });
    expect(splitTitleCompany('Head of Sales, EMEA')).toEqual({ title: 'Head of Sales, EMEA' });
    expect(splitTitleCompany('Partner, Globex', 'globex')).toEqual({ title: 'Partner', company: 'Globex' });
    expect(parseSignature('Jane Doe\nChief Revenue Officer\nGlobex Corporation\nM: +1 415 555 0100', { name: 'Jane Doe' })).toMatchObject({
      name: 'Jane Doe',
      title: 'Chief Revenue Officer',
      company: 'Globex Corporation',
    });
  });

  it('phones: E.164 with the region from a country TLD; raw when no region is known; fax set apart', () => {
    const de = parseSignature('Max Muster\nVertriebsleiter\nT: 030 1234567\nM: 0171 2345678\nFax: 030 1234568', {
      email: 'max@firma.example.de',
    });
    expect(de.phones).toEqual(['+49301234567', '+491712345678']);
    expect(de.phoneDetails.map((p) => p.kind)).toEqual(['work', 'mobile', 'fax']);
    const fr = parseSignature('Claire Martin\nDirectrice commerciale\nTél. : 01 42 68 53 01\nPortable : 06 12 34 56 78', {
      email: 'claire@societe.example.fr',
    });
    expect(fr.phones).toEqual(['+33142685301', '+33612345678']);
    const us = parseSignature('Bob Smith\nSales Engineer\nPhone: (415) 555-0100', { email: 'bob@example.com' });
    expect(us.phones).toEqual(['(415) 555-0100']);
    expect(us.phoneDetails[0].e164).toBeUndefined();
    expect(parseSignature('Bob Smith\nPhone: (415) 555-0100', { email: 'bob@example.com', defaultCountry: 'US' }).phones).toEqual([
      '+14155550100',
    ]);
    // Dates, postcodes and years are not phone numbers.
    expect(parseSignature('Jane Doe\nFriedrichstraße 123, 10117 Berlin\nSince 2019', { email: 'j@firma.example.de' }).phones).toEqual([]);
  });

  it('LinkedIn from text or from the links, website, emails', () => {
    const a = parseSignature('Jane Doe\nCEO\nlinkedin.com/in/Jane-Doe-42?trk=sig\nwww.acme.test\njane.doe@acme.test', {
      email: 'jane.doe@acme.test',
    });
    expect(a).toMatchObject({
      linkedinUrl: 'https://www.linkedin.com/in/jane-doe-42/',
      linkedinId: 'jane-doe-42',
      website: 'https://www.acme.test',
      emails: ['jane.doe@acme.test'],
      title: 'CEO',
    });
    const b = parseSignature('Jane Doe\nCEO | Acme\nLinkedIn', {
      email: 'jane@acme.test',
      links: ['https://twitter.com/acme', 'https://de.linkedin.com/in/jane-doe/', 'https://www.acme.test/about'],
    });
    expect(b.linkedinUrl).toBe('https://www.linkedin.com/in/jane-doe/');
    expect(b.website).toBe('https://www.acme.test/about');
  });

  it('never throws on odd input', () => {
    expect(parseSignature('')).toEqual({ phones: [], phoneDetails: [], emails: [] });
    expect(() => parseSignature('|||\n---\n+\n(\n<img src=x onerror=alert(1)>')).not.toThrow();
  });

  it('default region from the sender address', () => {
    expect(countryFromEmail('a@firma.example.de')).toBe('DE');
    expect(countryFromEmail('a@initech.example.co.uk')).toBe('GB');
    expect(countryFromEmail('a@example.jp')).toBe('JP');
    expect(countryFromEmail('a@example.com')).toBeUndefined();
    expect(countryFromEmail('a@startup.io')).toBeUndefined();
    expect(countryFromEmail('a@acme.test')).toBeUndefined();
    expect(countryFromEmail('a@example.eu')).toBeUndefined();
    expect(countryFromEmail('not an address')).toBeUndefined();
  });
});
