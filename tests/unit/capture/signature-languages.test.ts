// Signature facts in the languages of issue 15: title, company, phones (E.164, fax and the numbers
// in a confidentiality notice left out) and LinkedIn from a realistic signature per language; disclaimers, mobile footers, environment notes,
// addresses and register lines are never a title; a quoted signature gives nothing. The signatures
// are constructed (no public corpus labels signature fields: ../shared/fixtures/README.md).
import { describe, expect, it } from 'vitest';
import { parseSignature } from '../../../capture/signature';

const sig = (...lines: string[]) => lines.join('\n');

describe('a signature per language: title, company, E.164 phones, LinkedIn', () => {
  const cases: {
    lang: string;
    text: string;
    email: string;
    title: string;
    company: string;
    phones: string[];
    kinds?: string[];
    linkedin?: string;
  }[] = [
    {
      lang: 'English',
      text: sig(
        'Jane Doe',
        'Head of Sales | Acme Ltd',
        'T: +44 20 7946 0958',
        'M: 07911 123456',
        'uk.linkedin.com/in/janedoe',
        '',
        'This email and any files transmitted with it are confidential. If you',
        'have received it in error, please call us on +44 20 7946 0000.',
      ),
      email: 'jane@acme.co.uk',
      title: 'Head of Sales',
      company: 'Acme Ltd',
      phones: ['+442079460958', '+447911123456'],
      kinds: ['work', 'mobile'],
      linkedin: 'https://www.linkedin.com/in/janedoe/',
    },
    {
      lang: 'German',
      text: sig(
        'Max Mustermann',
        'Vertriebsleiter bei Musterfirma GmbH & Co. KG',
        'Telefon: +49 30 1234567',
        'Handy: 0171 2345678',
        'Fax: +49 30 1234568',
        'https://de.linkedin.com/in/max-mustermann',
        'Sitz der Gesellschaft: Berlin',
        'Diese E-Mail enthält vertrauliche Informationen. Zentrale: +49 30 1234500',
      ),
      email: 'max@musterfirma.de',
      title: 'Vertriebsleiter',
      company: 'Musterfirma GmbH & Co. KG',
      phones: ['+49301234567', '+491712345678'],
      kinds: ['work', 'mobile', 'fax'],
      linkedin: 'https://www.linkedin.com/in/max-mustermann/',
    },
    {
      lang: 'French',
      text: sig(
        'Claire Martin',
        'Directrice commerciale chez Exemple SARL',
        'Tél. : 01 42 68 53 01',
        'Portable : 06 12 34 56 78',
        'www.linkedin.com/in/clairemartin',
        'Ce message et ses pièces jointes sont confidentiels. Standard : 01 42 68 00 00',
      ),
      email: 'claire@exemple.fr',
      title: 'Directrice commerciale',
      company: 'Exemple SARL',
      phones: ['+33142685301', '+33612345678'],
      kinds: ['work', 'mobile'],
      linkedin: 'https://www.linkedin.com/in/clairemartin/',
    },
    {
      lang: 'Spanish',
      text: sig(
        'Carlos García',
        'Director Comercial en Ejemplo S.L.',
        'Tel.: +34 912 345 678',
        'Móvil: 612 345 678',
        'es.linkedin.com/in/carlosgarcia',
      ),
      email: 'carlos@ejemplo.es',
      title: 'Director Comercial',
      company: 'Ejemplo S.L.',
      phones: ['+34912345678', '+34612345678'],
      kinds: ['work', 'mobile'],
      linkedin: 'https://www.linkedin.com/in/carlosgarcia/',
    },
    {
      lang: 'Italian',
      text: sig(
        'Marco Rossi',
        'Responsabile Vendite presso Esempio S.p.A.',
        'Tel. 02 1234 5678',
        'Cellulare: 347 123 4567',
        'it.linkedin.com/in/marcorossi',
      ),
      email: 'marco@esempio.it',
      title: 'Responsabile Vendite',
      company: 'Esempio S.p.A.',
      phones: ['+390212345678', '+393471234567'],
      kinds: ['work', 'mobile'],
      linkedin: 'https://www.linkedin.com/in/marcorossi/',
    },
    {
      lang: 'Portuguese',
      text: sig(
        'João Silva',
        'Diretor Comercial na Exemplo Lda.',
        'Tel.: +351 21 123 4567',
        'Telemóvel: 912 345 678',
        'pt.linkedin.com/in/joaosilva',
      ),
      email: 'joao@exemplo.pt',
      title: 'Diretor Comercial',
      company: 'Exemplo Lda.',
      phones: ['+351211234567', '+351912345678'],
      kinds: ['work', 'mobile'],
      linkedin: 'https://www.linkedin.com/in/joaosilva/',
    },
    {
      lang: 'Portuguese (Brazil)',
      text: sig('Ana Souza', 'Gerente de Vendas na Exemplo Ltda.', 'Tel: (11) 3456-7890', 'Cel: (11) 98765-4321'),
      email: 'ana@exemplo.com.br',
      title: 'Gerente de Vendas',
      company: 'Exemplo Ltda.',
      phones: ['+551134567890', '+5511987654321'],
      kinds: ['work', 'mobile'],
    },
    {
      lang: 'Dutch',
      text: sig('Jan de Vries', 'Accountmanager bij Voorbeeld B.V.', 'T: 020 123 4567', 'M: 06 12345678', 'nl.linkedin.com/in/jandevries'),
      email: 'jan@voorbeeld.nl',
      title: 'Accountmanager',
      company: 'Voorbeeld B.V.',
      phones: ['+31201234567', '+31612345678'],
      kinds: ['work', 'mobile'],
      linkedin: 'https://www.linkedin.com/in/jandevries/',
    },
    {
      lang: 'Swedish',
      text: sig(
        'Erik Andersson',
        'Försäljningschef på Exempel AB',
        'Tfn: 08-123 456 78',
        'Mobil: 070-123 45 67',
        'se.linkedin.com/in/erikandersson',
      ),
      email: 'erik@exempel.se',
      title: 'Försäljningschef',
      company: 'Exempel AB',
      phones: ['+46812345678', '+46701234567'],
      kinds: ['work', 'mobile'],
      linkedin: 'https://www.linkedin.com/in/erikandersson/',
    },
    {
      lang: 'Norwegian',
      text: sig('Ola Nordmann', 'Daglig leder, Eksempel AS', 'Tlf: 22 12 34 56', 'Mobil: 912 34 567', 'no.linkedin.com/in/olanordmann'),
      email: 'ola@eksempel.no',
      title: 'Daglig leder',
      company: 'Eksempel AS',
      phones: ['+4722123456', '+4791234567'],
      kinds: ['work', 'mobile'],
      linkedin: 'https://www.linkedin.com/in/olanordmann/',
    },
    {
      lang: 'Danish',
      text: sig(
        'Lars Jensen',
        'Salgsdirektør hos Eksempel A/S',
        'Tlf.: 33 12 34 56',
        'Mobil: 20 12 34 56',
        'dk.linkedin.com/in/larsjensen',
      ),
      email: 'lars@eksempel.dk',
      title: 'Salgsdirektør',
      company: 'Eksempel A/S',
      phones: ['+4533123456', '+4520123456'],
      kinds: ['work', 'mobile'],
      linkedin: 'https://www.linkedin.com/in/larsjensen/',
    },
    {
      lang: 'Finnish',
      text: sig(
        'Matti Virtanen',
        'Myyntijohtaja, Esimerkki Oy',
        'Puh. 09 123 4567',
        'GSM 040 123 4567',
        'fi.linkedin.com/in/mattivirtanen',
      ),
      email: 'matti@esimerkki.fi',
      title: 'Myyntijohtaja',
      company: 'Esimerkki Oy',
      phones: ['+35891234567', '+358401234567'],
      kinds: ['work', 'mobile'],
      linkedin: 'https://www.linkedin.com/in/mattivirtanen/',
    },
    {
      lang: 'Polish',
      text: sig(
        'Jan Kowalski',
        'Dyrektor Sprzedaży w Przykład Sp. z o.o.',
        'Tel. +48 22 123 45 67',
        'Tel. kom. 601 234 567',
        'pl.linkedin.com/in/jankowalski',
      ),
      email: 'jan@przyklad.pl',
      title: 'Dyrektor Sprzedaży',
      company: 'Przykład Sp. z o.o.',
      phones: ['+48221234567', '+48601234567'],
      kinds: ['work', 'mobile'],
      linkedin: 'https://www.linkedin.com/in/jankowalski/',
    },
    {
      lang: 'Russian',
      text: sig(
        'Иван Петров',
        'Коммерческий директор',
        'ООО «Пример»',
        'Тел.: +7 495 123-45-67',
        'Моб.: +7 916 123-45-67',
        'ru.linkedin.com/in/ivanpetrov',
      ),
      email: 'ivan@primer.ru',
      title: 'Коммерческий директор',
      company: 'ООО «Пример»',
      phones: ['+74951234567', '+79161234567'],
      kinds: ['work', 'mobile'],
      linkedin: 'https://www.linkedin.com/in/ivanpetrov/',
    },
    {
      lang: 'Chinese (name | title on one line, full-width colons)',
      text: sig(
        '张伟 | 销售总监',
        '示例科技有限公司',
        '电话：010-1234 5678',
        '手机：138 0013 8000',
        '传真：010-1234 5679',
        'cn.linkedin.com/in/zhangwei',
      ),
      email: 'zhang.wei@example.cn',
      title: '销售总监',
      company: '示例科技有限公司',
      phones: ['+861012345678', '+8613800138000'],
      kinds: ['work', 'mobile', 'fax'],
      linkedin: 'https://www.linkedin.com/in/zhangwei/',
    },
    {
      lang: 'Japanese (company, then department and title)',
      text: sig(
        '山田 太郎',
        '株式会社サンプル',
        '営業部 部長',
        '〒100-0005 東京都千代田区丸の内1-1-1',
        '電話：03-1234-5678',
        '携帯：090-1234-5678',
      ),
      email: 'yamada@sample.co.jp',
      title: '営業部 部長',
      company: '株式会社サンプル',
      phones: ['+81312345678', '+819012345678'],
      kinds: ['work', 'mobile'],
    },
  ];

  it.each(cases)('$lang', ({ text, email, title, company, phones, kinds, linkedin }) => {
    const name = text.split('\n')[0].split(' | ')[0];
    const out = parseSignature(text, { name, email });
    expect(out).toMatchObject({ title, company, phones });
    expect(out.linkedinUrl).toBe(linkedin);
    if (kinds) expect(out.phoneDetails.map((p) => p.kind)).toEqual(kinds);
  });
});

describe('never a title', () => {
  const disclaimers: [string, string[]][] = [
    ['English', ['This e-mail and any attachments are confidential and', 'may be privileged. If you are not the intended recipient,']],
    ['German', ['Diese E-Mail enthält vertrauliche und/oder rechtlich', 'geschützte Informationen der Musterfirma GmbH.']],
    ['French', ['Ce message et toutes les pièces jointes sont', 'confidentiels et établis à l’intention exclusive de Exemple SA.']],
    ['Spanish', ['Este mensaje y sus archivos adjuntos van dirigidos', 'exclusivamente a su destinatario. Ejemplo S.L.']],
    ['Italian', ['Questo messaggio e i suoi allegati sono indirizzati', 'esclusivamente alle persone indicate. Esempio S.p.A.']],
    ['Portuguese', ['Esta mensagem e quaisquer anexos podem conter', 'informação sigilosa. Exemplo Lda.']],
    ['Dutch', ['Deze e-mail en eventuele bijlagen zijn uitsluitend', 'bestemd voor de geadresseerde. Voorbeeld B.V.']],
    ['Swedish', ['Detta e-postmeddelande kan innehålla information', 'som endast är avsedd för mottagaren. Exempel AB']],
    ['Norwegian', ['Denne e-posten kan inneholde informasjon som', 'kun er ment for mottakeren. Eksempel AS']],
    ['Danish', ['Denne e-mail kan indeholde fortrolig information', 'og er kun beregnet til modtageren. Eksempel A/S']],
    ['Finnish', ['Tämä viesti saattaa sisältää tietoja, jotka on', 'tarkoitettu vain vastaanottajalle. Esimerkki Oy']],
    ['Polish', ['Ta wiadomość może zawierać informacje prawnie', 'chronione, przeznaczone wyłącznie dla adresata.']],
    ['Russian', ['Это сообщение и любые приложения к нему', 'предназначены только для адресата. ООО «Пример»']],
    ['Chinese', ['本邮件及其附件含有保密信息，仅限于发送给', '上面地址中列出的个人或群组。示例有限公司']],
    ['Japanese', ['このメールには機密情報が含まれている可能性が', 'あります。株式会社サンプル']],
  ];
  it.each(disclaimers)('a %s disclaimer right after the name, with a phone number in it', (_lang, lines) => {
    const out = parseSignature(sig('Jane Doe', ...lines, 'Tel. +49 30 1234567'), { name: 'Jane Doe', email: 'jane@acme.de' });
    expect(out.name).toBe('Jane Doe');
    expect(out.title).toBeUndefined();
    expect(out.company).toBeUndefined();
    expect(out.phones).toEqual([]);
  });

  it('a disclaimer after the facts leaves the facts', () => {
    const out = parseSignature(
      sig('Max Mustermann', 'Leiter Einkauf | Musterfirma GmbH', 'Tel. 030 1234567', '', ...disclaimers[1][1], 'Tel. 030 7654321'),
      { name: 'Max Mustermann', email: 'max@musterfirma.de' },
    );
    expect(out).toMatchObject({ title: 'Leiter Einkauf', company: 'Musterfirma GmbH', phones: ['+49301234567'] });
  });

  const footers = [
    'Sent from my iPhone',
    'Get Outlook for iOS',
    'Get Outlook for Android',
    'Gesendet von Outlook für Android',
    'Von meinem iPhone gesendet',
    'Envoyé de mon iPhone',
    'Enviado desde mi iPhone',
    'Enviado do meu iPhone',
    'Inviato da iPhone',
    'Verzonden vanaf mijn iPhone',
    'Skickat från min iPhone',
    'Sendt fra min iPhone',
    'Lähetetty iPhonesta',
    'Wysłane z iPhone’a',
    'Отправлено с iPhone',
    '发自我的iPhone',
    'iPhoneから送信',
  ];
  it.each(footers)('the mobile footer "%s"', (footer) => {
    const out = parseSignature(sig('Jane Doe', footer), { name: 'Jane Doe', email: 'jane@acme.test' });
    expect(out.name).toBe('Jane Doe');
    expect(out.title).toBeUndefined();
    expect(out.company).toBeUndefined();
  });

  it.each([
    'Please consider the environment before printing this email.',
    'Bitte denken Sie an die Umwelt, bevor Sie drucken.',
    'Pensez à l’environnement avant d’imprimer ce courriel.',
    'Antes de imprimir, piense en su responsabilidad con el entorno.',
    'Rispetta l’ambiente: prima di stampare, pensaci.',
  ])('the environment note "%s"', (note) => {
    const out = parseSignature(sig('Jane Doe', note, 'Acme Ltd'), { name: 'Jane Doe', email: 'jane@acme.test' });
    expect(out.title).toBeUndefined();
    expect(out.company).toBe('Acme Ltd');
  });

  it.each([
    'Via Roma 1, Milano',
    'Calle Mayor 5, Madrid',
    'Rua Augusta 10, Lisboa',
    'Storgatan 12, Stockholm',
    'Mannerheimintie 1, Helsinki',
    'ul. Długa 5, Gdańsk',
    'ул. Тверская, д. 7, Москва',
    'Friedrichstr. 12, Berlin',
    '北京市朝阳区建国路8号',
  ])('the address "%s"', (address) => {
    const out = parseSignature(sig('Jane Doe', address), { name: 'Jane Doe', email: 'jane@acme.test' });
    expect(out.title).toBeUndefined();
    expect(out.company).toBeUndefined();
  });

  it.each(['Sitz der Gesellschaft: Berlin', 'Geschäftsführer: Hans Muster', 'KvK: Amsterdam', 'Registered office: London'])(
    'the register line "%s"',
    (line) => {
      const out = parseSignature(sig('Jane Doe', line), { name: 'Jane Doe', email: 'jane@acme.test' });
      expect(out.title).toBeUndefined();
    },
  );
});

describe('labels and company forms that are not what they look like', () => {
  it('"S.p.A.", "Sp. z o.o." and "e.V." keep their letters (no phone label in them)', () => {
    expect(parseSignature(sig('Anna Bianchi', 'Esempio S.p.A.'), { name: 'Anna Bianchi' }).company).toBe('Esempio S.p.A.');
    expect(parseSignature(sig('Jan Nowak', 'Przykład Sp. z o.o.'), { name: 'Jan Nowak' }).company).toBe('Przykład Sp. z o.o.');
    expect(parseSignature(sig('Max Muster', 'Geschäftsführer', 'Förderverein e.V.'), { name: 'Max Muster' }).company).toBe(
      'Förderverein e.V.',
    );
  });

  it('"en", "na", "w" split a title only from a company ("Ingeniero en Informática" stays one title)', () => {
    expect(parseSignature(sig('Luis Pérez', 'Ingeniero en Informática'), { name: 'Luis Pérez' })).toMatchObject({
      title: 'Ingeniero en Informática',
    });
    expect(parseSignature(sig('Luis Pérez', 'Ingeniero en Informática'), { name: 'Luis Pérez' }).company).toBeUndefined();
  });
});

describe('a quoted signature is never the sender’s', () => {
  it('lines quoted with ">" end the signature: no title, company or phone from them', () => {
    const out = parseSignature(sig('Bob', '> Alice Example', '> CEO | Example GmbH', '> Tel. +49 30 1234567', '> linkedin.com/in/alice'), {
      name: 'Bob Sender',
      email: 'bob@sender.test',
    });
    expect(out).toMatchObject({ phones: [], emails: [] });
    expect(out.title).toBeUndefined();
    expect(out.company).toBeUndefined();
    expect(out.linkedinUrl).toBeUndefined();
  });
});
