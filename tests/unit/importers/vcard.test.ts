import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectImport, type ImportRow } from '../../../importers/types';
import { parseVcard, parseVcardText, type VcardOptions } from '../../../importers/vcard';

const ROOT = join(__dirname, '../../fixtures/vcard');
const FOLDERS = ['ez-vcard', 'caldavtester/vcardput', 'caldavtester/vnonascii', 'caldavtester/vcarderrors'];
const FIXTURES = FOLDERS.flatMap((d) =>
  readdirSync(join(ROOT, d))
    .filter((f) => /\.(vcf|json|xml)$/.test(f))
    .map((f) => `${d}/${f}`),
);

function bytes(path: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(readFileSync(join(ROOT, path)));
}

async function load(path: string, options?: VcardOptions) {
  return collectImport(parseVcard(new Blob([bytes(path)]), options));
}

function contacts(rows: ImportRow[]) {
  return rows.map((r) => r.contact);
}

describe('every vCard fixture', () => {
  it('is a known set', () => {
    expect(FIXTURES.length).toBeGreaterThanOrEqual(50);
  });

  it.each(FIXTURES)('%s: parses without throwing, every card accounted for', async (path) => {
    const r = await load(path);
    expect(r.rows.length + r.errors.filter((e) => e.severity !== 'warning').length).toBeGreaterThan(0);
    for (const row of r.rows) {
      expect(row.row).toBeGreaterThan(0);
      expect(row.contact.name || row.contact.emails[0]).toBeTruthy();
    }
    for (const e of r.errors) expect(e.message).toMatch(/^(card \d+|xCard|no vCard)/);
    expect(r.progress.at(-1)?.bytesRead).toBe(r.progress.at(-1)?.totalBytes);

    if (path.endsWith('.vcf')) {
      // Same result from text already in memory, from tiny slices, and from the built-in fallback reader.
      const text = new TextDecoder().decode(bytes(path));
      const fromString = parseVcardText(text);
      const sliced = await collectImport(parseVcard(new Blob([bytes(path)]), { chunkBytes: 61 }));
      expect(sliced.rows).toEqual(r.rows);
      if (!path.includes('ANDROID')) expect(fromString.rows).toEqual(r.rows); // ANDROID has a stray non-UTF-8 byte
      const fallback = await load(path, { useIcal: false });
      expect(fallback.rows.map((x) => [x.contact.name, x.contact.emails, x.contact.company])).toEqual(
        r.rows.map((x) => [x.contact.name, x.contact.emails, x.contact.company]),
      );
    }
  });
});

describe('well-known cards', () => {
  it('RFC 6350 example (vCard 4.0)', async () => {
    const r = await load('ez-vcard/rfc6350-example.vcf');
    expect(r.errors).toEqual([]);
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0].contact).toMatchObject({
      name: 'Simon Perreault',
      firstName: 'Simon',
      lastName: 'Perreault',
      emails: ['simon.perreault@viagenie.ca'],
      company: 'Viagenie',
      phones: ['+14186569254;ext=102', '+14182626501'],
      location: 'Quebec, QC, Canada',
    });
  });

  it('RFC 7095 jCard example gives the same person', async () => {
    const r = await load('ez-vcard/jcard-example.json');
    const vcf = await load('ez-vcard/rfc6350-example.vcf');
    expect(r.errors).toEqual([]);
    expect(r.rows).toEqual(vcf.rows);
  });

  it('RFC 2426 example (two vCard 3.0 cards, lower-case "vCard")', async () => {
    const r = await load('ez-vcard/rfc2426-example.vcf');
    expect(contacts(r.rows)).toMatchObject([
      {
        name: 'Frank Dawson',
        company: 'Lotus Development Corporation',
        emails: ['frank_dawson@lotus.com', 'fdawson@earthlink.net'],
        phones: ['+19196769515'],
        location: 'Raleigh, NC, U.S.A.',
      },
      {
        name: 'Tim Howes',
        company: 'Netscape Communications Corp.',
        emails: ['howes@netscape.com'],
        location: 'Mountain View, CA, U.S.A.',
      },
    ]);
  });

  it('xCard is reported as unsupported', async () => {
    const r = await load('ez-vcard/rfc6351-example.xml');
    expect(r.rows).toEqual([]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ row: null, severity: 'error' });
    expect(r.errors[0].message).toMatch(/xCard.*not supported/);
  });

  it('Gmail exports', async () => {
    const list = await load('ez-vcard/gmail-list.vcf');
    expect(list.rows.map((x) => [x.row, x.contact.name, x.contact.firstName, x.contact.lastName, x.contact.emails[0]])).toEqual([
      [1, 'Arnold Smith', 'Arnold', 'Smith', 'asmithk@gmail.com'],
      [2, 'Chris Beatle', 'Chris', 'Beatle', 'chrisy55d@yahoo.com'],
      [3, 'Doug White', 'Doug', 'White', 'dwhite@gmail.com'],
    ]);
    const single = await load('ez-vcard/gmail-single.vcf');
    expect(single.rows[0].contact).toMatchObject({
      name: 'Greg Dartmouth',
      company: 'TheCompany',
      title: 'TheJobTitle',
      emails: ['gdartmouth@hotmail.com'],
    });
    expect(single.rows[0].note).toBe("This is GMail's note field.\nIt should be added as a NOTE type.\nACustomField: CustomField");
    const doe = await load('ez-vcard/John_Doe_GMAIL.vcf');
    expect(doe.rows[0].contact).toMatchObject({
      name: 'Mr. John Richter, James Doe Sr.',
      firstName: 'John',
      lastName: 'Doe',
      company: 'IBM',
      title: 'Money Counter',
    });
  });

  it('non-ASCII names stay intact (Polish, Japanese)', async () => {
    expect((await load('caldavtester/vnonascii/8.vcf')).rows[0].contact).toMatchObject({
      name: 'HiAscii Śuteri',
      lastName: 'Śuteri',
      location: 'Paris, France',
    });
    const jp = await load('caldavtester/vnonascii/9.vcf');
    expect(jp.rows[0].contact).toMatchObject({
      name: 'ダブル バイト',
      firstName: 'ダブル',
      lastName: 'バイト',
      emails: ['doublebytes@example.com'],
    });
    expect(jp.rows[0].note).toBe('日本ですよ。');
    expect((await load('caldavtester/vcardput/8.vcf')).rows[0].contact.name).toBe('HiAscii Śuterry');
  });

  it('Android vCard 2.1: quoted-printable UTF-8 with soft line breaks', async () => {
    const r = await load('ez-vcard/John_Doe_ANDROID.vcf');
    expect(r.rows).toHaveLength(6);
    expect(r.rows[0].contact).toMatchObject({ emails: ['john.doe@company.com'], tags: [] }); // "My Contacts" is not a tag
    expect(r.rows[2].contact.name).toBe('Ñ Ñ Ñ Ñ Ñ');
    expect(r.rows[3].contact.name).toBe('Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ'); // joined across "=" soft breaks
    expect(r.rows[4].contact).toMatchObject({ emails: ['bob@company.com'], company: 'ÑÑÑÑÑÑÑÑÑÑÑÑ' });
    expect(r.errors.map((e) => e.severity)).toEqual(['warning']); // a QP-encoded "e-mail" that is not one
  });

  it('Outlook 2003/2007 vCard 2.1: bare parameters, QP notes, literal commas', async () => {
    const o3 = await load('ez-vcard/outlook-2003.vcf');
    expect(o3.rows[0].contact).toMatchObject({
      name: 'John Doe III',
      company: 'Company, The',
      title: 'The Job Title',
      emails: ['jdoe@hotmail.com'],
      location: 'Austin, TX, United States of America',
    });
    expect(o3.rows[0].contact.phones).toEqual([]); // "BusinessPhone" placeholders are not numbers
    expect(o3.rows[0].note).toBe('This is the note field!!\nSecond line\n\nThird line is empty');
    const o7 = await load('ez-vcard/outlook-2007.vcf');
    expect(o7.rows[0].contact).toMatchObject({
      name: 'Mr. Morgan Example Jr.',
      company: 'TheCompany',
      emails: ['morgan.example@example.com'],
      phones: ['(111) 555-1111', '(111) 555-2222', '(111) 555-4444'],
    });
    expect((await load('ez-vcard/outlook-2007.vcf', { defaultCountry: 'US' })).rows[0].contact.phones[0]).toBe('(111) 555-1111'); // not a valid US number: kept as written
  });

  it('iPhone (CR CR LF, folded base64 photo) and macOS (indented base64) exports', async () => {
    const iphone = await load('ez-vcard/John_Doe_IPHONE.vcf');
    expect(iphone.errors).toEqual([]);
    expect(iphone.rows[0].contact).toMatchObject({
      name: 'Mr. John Richter James Doe Sr.',
      company: 'IBM',
      title: 'Money Counter',
      emails: ['john.doe@ibm.com'],
    });
    expect(iphone.rows[0].contact.phones).toContain('905-555-1234');
    expect(iphone.rows[0].contact.phones).not.toContain('905-888-1234'); // fax
    expect(JSON.stringify(iphone.rows[0])).not.toMatch(/9j\/4AAQ/); // photo ignored
    const mac = await load('ez-vcard/John_Doe_MAC_ADDRESS_BOOK.vcf');
    expect(mac.rows[0].contact).toMatchObject({ name: 'Mr. John Richter,James Doe Sr.', company: 'IBM' });
    expect(mac.rows[0].note).toMatch(/Favotire Color: Blue$/);
  });

  it('Lotus Notes, Evolution, Thunderbird, BlackBerry, FullContact', async () => {
    expect((await load('ez-vcard/John_Doe_LOTUS_NOTES.vcf')).rows[0].contact).toMatchObject({
      name: 'Mr. Doe John I Johny',
      emails: ['john.doe@ibm.com', 'billy_bob@gmail.com'],
    });
    expect((await load('ez-vcard/John_Doe_EVOLUTION.vcf')).rows[0].contact).toMatchObject({
      emails: ['john.doe@ibm.com'],
      tags: ['VIP'],
      company: 'IBM',
    });
    expect((await load('ez-vcard/thunderbird-MoreFunctionsForAddressBook-extension.vcf')).rows[0].contact).toMatchObject({
      name: 'John Doe',
      tags: ['category1', 'category2', 'category3'],
    });
    expect((await load('ez-vcard/John_Doe_BLACK_BERRY.vcf')).rows[0].contact).toMatchObject({
      name: 'John Doe',
      company: 'Acme Solutions',
    });
    const fc = await load('ez-vcard/fullcontact.vcf');
    expect(fc.rows[0].contact).toMatchObject({
      company: 'Organization1',
      title: 'Title1',
      tags: ['Tag'],
      location: 'WorkCity, WorkState, WorkCountry',
    });
    expect(fc.rows[0].contact.emails).toHaveLength(5);
  });

  it('CardDAV error vectors: broken cards are reported, readable ones imported', async () => {
    const missingBegin = await load('caldavtester/vcarderrors/4.vcf');
    expect(missingBegin.rows).toEqual([]);
    expect(missingBegin.errors).toHaveLength(1);
    expect(missingBegin.errors[0]).toMatchObject({ row: 1, card: 'WithNote Mariotte', severity: 'error' });
    expect(missingBegin.errors[0].message).toMatch(/END:VCARD without BEGIN:VCARD/);

    const control = await load('caldavtester/vcarderrors/8.vcf');
    expect(control.rows[0].note).toBe('Illegal control here -><-');

    const mixedEol = await load('caldavtester/vcarderrors/6.vcf'); // vCard 2.1, LF and CRLF mixed
    expect(mixedEol.rows[0].contact).toMatchObject({
      name: 'Saeko 176-edited',
      company: 'Apple',
      tags: ['saeko'],
      location: 'Mountain Top, CA 99999',
    });
  });

  it('contact groups are not imported as people', async () => {
    const r = await load('caldavtester/vcardput/16.vcf');
    expect(r.rows).toEqual([]);
    expect(r.errors[0].message).toMatch(/card 1 \(Group\): a contact group/);
  });
});

describe('robustness', () => {
  const good = (n: number, extra = '') =>
    `BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person ${n}\r\nEMAIL:p${n}@example.com\r\n${extra}END:VCARD\r\n`;

  it('one broken card gives one error and the others import', () => {
    const text = [
      good(1),
      'BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:no name and no e-mail here\r\nTEL:+1 415 555 0100\r\nEND:VCARD\r\n',
      good(3),
      'BEGIN:VCARD\r\nVERSION:4.0\r\n\u0000\u0001garbage;;;:::\r\n%%%\r\nFN:Survivor\r\nEND:VCARD\r\n',
      good(5),
      'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Truncated Tina\r\nEMAIL:tina@example.com\r\n',
    ].join('');
    const r = parseVcardText(text);
    expect(r.rows.map((x) => [x.row, x.contact.name])).toEqual([
      [1, 'Person 1'],
      [3, 'Person 3'],
      [4, 'Survivor'],
      [5, 'Person 5'],
      [6, 'Truncated Tina'],
    ]);
    expect(r.errors.filter((e) => e.severity === 'error').map((e) => e.message)).toEqual(['card 2 (+1 415 555 0100): no name or email']);
    expect(r.errors.filter((e) => e.severity === 'warning').map((e) => e.message)).toEqual([
      'card 4 (Survivor): 2 malformed lines skipped',
      'card 6 (Truncated Tina): missing END:VCARD (file truncated?)',
    ]);
  });

  it('skips a vCard 2.1 AGENT card embedded in another', () => {
    const r = parseVcardText(
      'BEGIN:VCARD\r\nVERSION:2.1\r\nN:Boss;Big\r\nAGENT:\r\nBEGIN:VCARD\r\nVERSION:2.1\r\nFN:Assistant Ann\r\nEMAIL:ann@example.com\r\nEND:VCARD\r\nEMAIL:boss@example.com\r\nEND:VCARD\r\n' +
        'BEGIN:VCARD\r\nFN:Next One\r\nEND:VCARD\r\n',
    );
    expect(r.errors).toEqual([]);
    expect(r.rows.map((x) => [x.row, x.contact.name, x.contact.emails])).toEqual([
      [1, 'Big Boss', ['boss@example.com']],
      [2, 'Next One', []],
    ]);
  });

  it('a BEGIN before the previous END starts a new card', () => {
    const r = parseVcardText('BEGIN:VCARD\nFN:First\nBEGIN:VCARD\nFN:Second\nEND:VCARD\n');
    expect(r.rows.map((x) => x.contact.name)).toEqual(['First', 'Second']);
  });

  it('maps LinkedIn URLs (URL, X-SOCIALPROFILE), categories, notes, work URL and keeps HTML literal', () => {
    const r = parseVcardText(
      [
        'BEGIN:VCARD',
        'VERSION:3.0',
        'N:Okafor;Chiamaka;;;',
        'FN:Chiamaka Okafor',
        'ORG:Lagos Fintech Hub;Research',
        'TITLE:<img src=x onerror=alert(1)>',
        'EMAIL;TYPE=INTERNET,WORK:Chiamaka@LagosFintech.example',
        'TEL;TYPE=CELL:+234 803 123 4567',
        'URL;TYPE=WORK:https://www.lagosfintech.example/team',
        'X-SOCIALPROFILE;type=linkedin:https://ng.linkedin.com/in/chiamaka-okafor-example',
        'CATEGORIES:Investors,Africa',
        'NOTE:First line\\nsecond\\, with comma',
        'END:VCARD',
        'BEGIN:VCARD',
        'VERSION:4.0',
        'FN:Ari Ben-David',
        'URL:https://www.linkedin.com/in/ari-ben-david-example/',
        'END:VCARD',
      ].join('\n'),
    );
    expect(r.errors).toEqual([]);
    expect(r.rows[0].contact).toMatchObject({
      name: 'Chiamaka Okafor',
      company: 'Lagos Fintech Hub',
      title: '<img src=x onerror=alert(1)>',
      emails: ['chiamaka@lagosfintech.example'],
      phones: ['+2348031234567'],
      companyDomain: 'lagosfintech.example',
      linkedinUrl: 'https://www.linkedin.com/in/chiamaka-okafor-example/',
      linkedinId: 'chiamaka-okafor-example',
      tags: ['Investors', 'Africa'],
    });
    expect(r.rows[0].note).toBe('First line\nsecond, with comma');
    expect(r.rows[1].contact).toMatchObject({ name: 'Ari Ben-David', linkedinUrl: 'https://www.linkedin.com/in/ari-ben-david-example/' });
  });

  it('decodes CHARSET on quoted-printable and raw 8-bit values, and Windows-1252 bytes', async () => {
    const latin1QP =
      'BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:M=FCller;J=FCrgen\r\nEMAIL;INTERNET:jm@example.de\r\nEND:VCARD\r\n';
    const prefix = 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:';
    const suffix = '\r\nEMAIL:x@example.com\r\nEND:VCARD\r\n';
    const enc = new TextEncoder();
    const file = new Uint8Array([
      ...enc.encode(latin1QP),
      // an undeclared Windows-1252 card ("Zoë Ñúñez – “Café”")
      ...enc.encode(prefix),
      0x5a,
      0x6f,
      0xeb,
      0x20,
      0xd1,
      0xfa,
      0xf1,
      0x65,
      0x7a,
      0x20,
      0x96,
      0x20,
      0x93,
      0x43,
      0x61,
      0x66,
      0xe9,
      0x94,
      ...enc.encode(suffix),
      // and a UTF-8 one right after it
      ...enc.encode(`${prefix}Ελένη Παπαδοπούλου 🇬🇷${suffix}`),
      // an explicit CHARSET on raw 8-bit text (Shift_JIS "山田")
      ...enc.encode('BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=SHIFT_JIS:'),
      0x8e,
      0x52,
      0x93,
      0x63,
      ...enc.encode(suffix),
    ]);
    const r = await collectImport(parseVcard(new Blob([file])));
    expect(r.errors).toEqual([]);
    expect(r.rows.map((x) => x.contact.name)).toEqual(['Jürgen Müller', 'Zoë Ñúñez – “Café”', 'Ελένη Παπαδοπούλου 🇬🇷', '山田']);
    expect(r.rows[0].contact).toMatchObject({ firstName: 'Jürgen', lastName: 'Müller' });
  });

  it('reads UTF-16 files', async () => {
    const text = '\ufeff' + good(1) + 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Nadia Benali – نادية\r\nEND:VCARD\r\n';
    const buf = new Uint8Array(text.length * 2);
    for (let i = 0; i < text.length; i++) {
      buf[i * 2] = text.charCodeAt(i) & 0xff;
      buf[i * 2 + 1] = text.charCodeAt(i) >> 8;
    }
    const r = await collectImport(parseVcard(new Blob([buf]), { chunkBytes: 3 }));
    expect(r.errors).toEqual([]);
    expect(r.rows.map((x) => x.contact.name)).toEqual(['Person 1', 'Nadia Benali – نادية']);
  });

  it('a file with no card at all', () => {
    expect(parseVcardText('hello\nworld\n').errors.map((e) => e.message)).toEqual([
      'no vCard found in the file (no BEGIN:VCARD … END:VCARD)',
    ]);
    expect(parseVcardText('[1, 2]').errors[0].message).toMatch(/^not a jCard file/);
  });

  it('streams many cards in bounded batches', async () => {
    const n = 2500;
    const text = Array.from({ length: n }, (_, i) => good(i + 1, `NOTE:card ${i + 1} – ${'x'.repeat(i % 50)}\r\n`)).join('');
    let rows = 0;
    let batches = 0;
    let maxBatch = 0;
    const seen = new Set<number>();
    for await (const b of parseVcard(new Blob([text]), { batchSize: 100, chunkBytes: 16 * 1024 })) {
      batches++;
      rows += b.rows.length;
      maxBatch = Math.max(maxBatch, b.rows.length);
      for (const row of b.rows) seen.add(row.row);
    }
    expect(rows).toBe(n);
    expect(seen.size).toBe(n);
    expect(maxBatch).toBeLessThanOrEqual(100);
    expect(batches).toBeGreaterThan(10);
  });
});
