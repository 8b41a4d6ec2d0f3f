// The text rules that split a message into its own words, the quoted reply and the signature
// (capture/quotes.ts, capture/signoffs.ts), in the formats mail programs write in each language.
import { describe, expect, it } from 'vitest';
import { findQuoteStart, splitMessageText } from '../../../capture/quotes';
import { isSignoff } from '../../../capture/signoffs';

const text = (...lines: string[]) => lines.join('\n');

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

describe('quote headers as Gmail, Outlook, Apple Mail, Thunderbird, Yandex and Mail.ru write them', () => {
  it.each([
    ['English (Gmail)', 'On Tue, Apr 18, 2017 at 1:09 PM Jane Doe <jane@acme.test> wrote:'],
    ['German (Gmail)', 'Am Di., 18. Apr. 2017 um 13:09 Uhr schrieb Jane Doe <jane@acme.test>:'],
    ['French (Gmail)', 'Le mar. 18 avr. 2017 à 13:09, Jane Doe <jane@acme.test> a écrit :'],
    ['Spanish (Gmail)', 'El mar., 18 abr. 2017 a las 13:09, Jane Doe (<jane@acme.test>) escribió:'],
    ['Italian (Gmail)', 'Il giorno mar 18 apr 2017 alle ore 13:09 Jane Doe <jane@acme.test> ha scritto:'],
    ['Portuguese (Gmail)', 'Em ter., 18 de abr. de 2017 às 13:09, Jane Doe <jane@acme.test> escreveu:'],
    ['Dutch (Gmail)', 'Op di 18 apr. 2017 om 13:09 schreef Jane Doe <jane@acme.test>:'],
    ['Norwegian/Danish (Gmail)', 'tir. 18. apr. 2017 kl. 13:09 skrev Jane Doe <jane@acme.test>:'],
    ['Swedish (Gmail)', 'Den tis 18 apr. 2017 kl 13:09 skrev Jane Doe <jane@acme.test>:'],
    ['Finnish (Gmail)', 'ti 18. huhtik. 2017 klo 13.09 Jane Doe <jane@acme.test> kirjoitti:'],
    ['Polish (Gmail)', 'wt., 18 kwi 2017 o 13:09 Jane Doe <jane@acme.test> napisał(a):'],
    ['Polish (Thunderbird)', 'W dniu 18.04.2017 o 13:09, Jane Doe pisze:'],
    ['Russian (Gmail, no verb)', 'вт, 18 апр. 2017 г. в 13:09, Jane Doe <jane@acme.test>:'],
    ['Russian (Thunderbird)', '18.04.2017 13:09, Jane Doe пишет:'],
    ['Russian (Mail.ru)', 'Вторник, 18 апреля 2017, 13:09 +03:00 от Jane Doe <jane@acme.test>:'],
    ['Russian (Yandex, date first)', '30.09.2017, 18:30, "Jane Doe" <jane@acme.test>:'],
    ['Chinese (Gmail)', 'Jane Doe <jane@acme.test> 于2017年4月18日周二 下午1:09写道：'],
    ['Japanese (Gmail, date first)', '2017年4月18日(火) 13:09 Jane Doe <jane@acme.test>:'],
  ])('%s', (_, header) => {
    const r = splitMessageText(text('Sounds good.', '', header, '> Can we meet Tuesday?'));
    expect(r.body).toBe('Sounds good.');
    expect(r.quoted.split('\n')[0]).toBe(header);
  });

  it.each([
    ['-----Original Message-----'],
    ['-----Ursprüngliche Nachricht-----'],
    ["-------- Message d'origine --------"],
    ['-------- Oprindelig besked --------'],
    ['-------- Opprinnelig melding --------'],
    ['-------- Ursprungligt meddelande --------'],
    ['-------- Alkuperäinen viesti --------'],
    ['-------- Oryginalna wiadomość --------'],
    ['-------- Пересылаемое сообщение --------'],
    ['-------- Forwarded Message --------'],
    ['---------- Forwarded message ---------'],
  ])('separator "%s"', (separator) => {
    const r = splitMessageText(text('See below.', '', separator, 'Jane wrote this long ago.'));
    expect(r.body).toBe('See below.');
    expect(r.quoted.startsWith(separator)).toBe(true);
  });

  it.each([
    ['English', 'From: Jane Doe <jane@acme.test>', 'Sent: Tuesday, April 18, 2017 1:09 PM', 'To: Max', 'Subject: Offer'],
    ['German', 'Von: Jane Doe <jane@acme.test>', 'Gesendet: Dienstag, 18. April 2017 13:09', 'An: Max', 'Betreff: Angebot'],
    ['French', 'De : Jane Doe <jane@acme.test>', 'Envoyé : mardi 18 avril 2017 13:09', 'À : Max', 'Objet : Offre'],
    ['Spanish', 'De: Jane Doe <jane@acme.test>', 'Enviado el: martes, 18 de abril de 2017 13:09', 'Para: Max', 'Asunto: Oferta'],
    ['Italian', 'Da: Jane Doe <jane@acme.test>', 'Inviato: martedì 18 aprile 2017 13:09', 'A: Max', 'Oggetto: Offerta'],
    ['Portuguese', 'De: Jane Doe <jane@acme.test>', 'Enviado: terça-feira, 18 de abril de 2017 13:09', 'Para: Max', 'Assunto: Oferta'],
    ['Dutch', 'Van: Jane Doe <jane@acme.test>', 'Verzonden: dinsdag 18 april 2017 13:09', 'Aan: Max', 'Onderwerp: Offerte'],
    ['Swedish', 'Från: Jane Doe <jane@acme.test>', 'Skickat: den 18 april 2017 13:09', 'Till: Max', 'Ämne: Offert'],
    ['Danish/Norwegian', 'Fra: Jane Doe <jane@acme.test>', 'Sendt: 18. april 2017 13:09', 'Til: Max', 'Emne: Tilbud'],
    [
      'Finnish',
      'Lähettäjä: Jane Doe <jane@acme.test>',
      'Lähetetty: tiistai 18. huhtikuuta 2017 13.09',
      'Vastaanottaja: Max',
      'Aihe: Tarjous',
    ],
    ['Polish', 'Od: Jane Doe <jane@acme.test>', 'Wysłano: wtorek, 18 kwietnia 2017 13:09', 'Do: Max', 'Temat: Oferta'],
    ['Russian', 'От: Jane Doe <jane@acme.test>', 'Отправлено: 18 апреля 2017 г. 13:09', 'Кому: Max', 'Тема: Предложение'],
    [
      'Russian (Mail.ru)',
      'От кого: Jane Doe <jane@acme.test>',
      'Кому: Max',
      'Дата: Вторник, 18 апреля 2017, 13:09 +03:00',
      'Тема: Предложение',
    ],
    ['Chinese', '发件人: Jane Doe <jane@acme.test>', '发送时间: 2017年4月18日 13:09', '收件人: Max', '主题: 报价'],
    ['Japanese', '差出人: Jane Doe <jane@acme.test>', '送信日時: 2017年4月18日 13:09', '宛先: Max', '件名: 見積もり'],
  ])('Outlook header block in %s', (_, ...header) => {
    const r = splitMessageText(text('Done.', '', '________________________________', ...header, '', 'Old text'));
    expect(r.body).toBe('Done.');
    expect(r.quoted.split('\n').slice(0, 2)).toEqual(['________________________________', header[0]]);
  });

  it("reply text on the header's own line stays with the reply", () => {
    expect(splitMessageText(text('Yes. On Wed, Apr 4, 2012 at 3:59 PM, bob@example.com wrote:', '> Hi')).body).toBe('Yes.');
    expect(splitMessageText(text('Yes.--- On Wed, Apr 4, 2012 at 3:59 PM, bob@example.com wrote:', '> Hi')).body).toBe('Yes.');
  });

  it('text below a ">" quote is the sender\'s; a line that lost its ">" inside the quote is not', () => {
    const r = splitMessageText(
      text('Hi', '', 'On 04/19/2011 07:10 AM, Jane wrote:', '', '> Old', '> text (http://x.test/a', 'b)', '> more', '', 'Regards, Max'),
    );
    expect(r.body).toBe('Hi\n\nRegards, Max');
    expect(r.quoted).toContain('b)');
  });

  it('one ">" line inside a paragraph is not a quote', () => {
    const t = text('Visit us now', '>>> http://www.example.test <<<', 'for assistance');
    expect(splitMessageText(t).body).toBe(t);
  });

  it('a header wrapped across blank lines after "On <date>" (Polymail)', () => {
    const r = splitMessageText(
      text(
        'Test reply',
        '',
        'On Tue, Apr 11, 2017 at 10:07 PM John Smith',
        '',
        '<',
        'mailto:John Smith <john@example.test>',
        '> wrote:',
        'Old',
      ),
    );
    expect(r.body).toBe('Test reply');
  });

  it('prose with "wrote:" and no date or address is not a header', () => {
    expect(splitMessageText(text('As I wrote:', 'the price holds.')).body).toBe('As I wrote:\nthe price holds.');
  });
});

describe('mobile footers go to the signature; the sign-off stays with the message', () => {
  it.each([
    ['Sent from my iPhone'],
    ['Get Outlook for iOS'],
    ['Get Outlook for Android'],
    ['Gesendet von Outlook für Android'],
    ['Von meinem iPhone gesendet'],
    ['Envoyé de mon iPhone'],
    ['Enviado desde mi iPhone'],
    ['Enviado do meu iPhone'],
    ['Inviato da iPhone'],
    ['Inviato dal mio iPhone'],
    ['Verzonden vanaf mijn iPhone'],
    ['Skickat från min iPhone'],
    ['Sendt fra min iPhone'],
    ['Lähetetty iPhonesta'],
    ["Wysłane z iPhone'a"],
    ['Отправлено с iPhone'],
    ['发自我的iPhone'],
    ['iPhoneから送信'],
  ])('"%s"', (footer) => {
    const r = splitMessageText(text('See you at 2.', '', footer));
    expect(r.body).toBe('See you at 2.');
    expect(r.signature).toBe(footer);
  });

  it('"Thanks,\\nAlex": the sign-off stays in the body, the name below it is the signature', () => {
    const r = splitMessageText(text('The contract is attached.', '', 'Thanks,', 'Alex'));
    expect(r.body).toBe('The contract is attached.\n\nThanks,');
    expect(r.signature).toBe('Alex');
    const mobile = splitMessageText(text('The contract is attached.', '', 'Thanks,', 'Alex', '', 'Sent from my iPhone'));
    expect(mobile.body).toBe('The contract is attached.\n\nThanks,');
    expect(mobile.signature).toBe('Alex\nSent from my iPhone');
  });

  it('a rule of dashes over a contact block is part of the signature', () => {
    const r = splitMessageText(
      text('See you then.', '', '----------------', '', 'Jane Doe', '', 't. 555-931-0702', '', 'http://acme.test/'),
    );
    expect(r.body).toBe('See you then.');
    expect(r.signature.split('\n')[0]).toBe('----------------');
  });
});
