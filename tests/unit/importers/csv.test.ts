import { describe, expect, it } from 'vitest';
import { detectMapping, findHeaderRow, parseCsv, readCsvHeader, type CsvOptions } from '../../../importers/csv';
import { collectImport, type ImportInput } from '../../../importers/types';

// All people below are invented.

/** Builds CSV text from header names and rows keyed by header (quoted where needed). */
function csv(headers: string[], rows: Record<string, string>[], sep = ',', eol = '\r\n'): string {
  const q = (v: string) => (/[",;\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return [headers.map(q).join(sep), ...rows.map((r) => headers.map((h) => q(r[h] ?? '')).join(sep))].join(eol) + eol;
}

async function parse(input: ImportInput, options?: CsvOptions) {
  return collectImport(parseCsv(input, options));
}

function errorsOf(r: { errors: { message: string; severity?: string }[] }, severity: 'error' | 'warning') {
  return r.errors.filter((e) => (e.severity ?? 'error') === severity).map((e) => e.message);
}

const GOOGLE_HEADERS = [
  'First Name',
  'Middle Name',
  'Last Name',
  'Phonetic First Name',
  'Phonetic Middle Name',
  'Phonetic Last Name',
  'Name Prefix',
  'Name Suffix',
  'Nickname',
  'File As',
  'Organization Name',
  'Organization Title',
  'Organization Department',
  'Birthday',
  'Notes',
  'Photo',
  'Labels',
  'E-mail 1 - Label',
  'E-mail 1 - Value',
  'E-mail 2 - Label',
  'E-mail 2 - Value',
  'Phone 1 - Label',
  'Phone 1 - Value',
  'Phone 2 - Label',
  'Phone 2 - Value',
  'Address 1 - Label',
  'Address 1 - Formatted',
  'Address 1 - Street',
  'Address 1 - City',
  'Address 1 - PO Box',
  'Address 1 - Region',
  'Address 1 - Postal Code',
  'Address 1 - Country',
  'Address 1 - Extended Address',
  'Website 1 - Label',
  'Website 1 - Value',
];

const GOOGLE_LEGACY_HEADERS = [
  'Name',
  'Given Name',
  'Additional Name',
  'Family Name',
  'Yomi Name',
  'Given Name Yomi',
  'Additional Name Yomi',
  'Family Name Yomi',
  'Name Prefix',
  'Name Suffix',
  'Initials',
  'Nickname',
  'Short Name',
  'Maiden Name',
  'Birthday',
  'Gender',
  'Location',
  'Billing Information',
  'Directory Server',
  'Mileage',
  'Occupation',
  'Hobby',
  'Sensitivity',
  'Priority',
  'Subject',
  'Notes',
  'Language',
  'Photo',
  'Group Membership',
  'E-mail 1 - Type',
  'E-mail 1 - Value',
  'E-mail 2 - Type',
  'E-mail 2 - Value',
  'Phone 1 - Type',
  'Phone 1 - Value',
  'Organization 1 - Type',
  'Organization 1 - Name',
  'Organization 1 - Yomi Name',
  'Organization 1 - Title',
  'Organization 1 - Department',
  'Organization 1 - Symbol',
  'Organization 1 - Location',
  'Organization 1 - Job Description',
  'Website 1 - Type',
  'Website 1 - Value',
];

const OUTLOOK_HEADERS = [
  'Title',
  'First Name',
  'Middle Name',
  'Last Name',
  'Suffix',
  'Company',
  'Department',
  'Job Title',
  'Business Street',
  'Business Street 2',
  'Business City',
  'Business State',
  'Business Postal Code',
  'Business Country/Region',
  'Home Street',
  'Home City',
  'Home State',
  'Home Postal Code',
  'Home Country/Region',
  'Business Fax',
  'Business Phone',
  'Business Phone 2',
  'Home Phone',
  'Mobile Phone',
  'Pager',
  'Anniversary',
  'Birthday',
  'Categories',
  'E-mail Address',
  'E-mail Type',
  'E-mail Display Name',
  'E-mail 2 Address',
  'E-mail 2 Type',
  'E-mail 2 Display Name',
  'Notes',
  'Web Page',
];

const LINKEDIN_HEADERS = ['First Name', 'Last Name', 'URL', 'Email Address', 'Company', 'Position', 'Connected On'];

const HUBSPOT_HEADERS = [
  'Record ID',
  'First Name',
  'Last Name',
  'Email',
  'Phone Number',
  'Mobile Phone Number',
  'Company Name',
  'Job Title',
  'Lifecycle Stage',
  'Lead Status',
  'Contact owner',
  'City',
  'State/Region',
  'Country/Region',
  'Website URL',
  'Create Date',
];

const XSS = '<img src=x onerror=alert(1)>';

describe('Google Contacts CSV', () => {
  const text = csv(GOOGLE_HEADERS, [
    {
      'First Name': 'Zoë',
      'Last Name': 'Dubois-Lefèvre',
      'Organization Name': 'Atelier Lumière',
      'Organization Title': 'Directrice artistique 🎨',
      Notes: 'Met at the design fair 🎉\nPrefers WhatsApp',
      Labels: 'Clients ::: * myContacts ::: * starred',
      'E-mail 1 - Label': '* Work',
      'E-mail 1 - Value': 'zoe.dubois@atelier-lumiere.example ::: ZOE.perso@example.com',
      'E-mail 2 - Value': 'zoe.dubois@atelier-lumiere.example',
      'Phone 1 - Value': '+33 6 12 34 56 78',
      'Phone 2 - Value': '04 78 00 00 00',
      'Address 1 - City': 'Lyon',
      'Address 1 - Region': 'Auvergne-Rhône-Alpes',
      'Address 1 - Country': 'France',
      'Website 1 - Value': 'https://fr.linkedin.com/in/Zoe-Dubois-Lefevre-Example?trk=people',
    },
    {
      'First Name': 'ليلى',
      'Last Name': 'حداد',
      'Organization Name': 'شركة النخيل',
      Labels: 'Partners ::: * myContacts',
      'E-mail 1 - Value': 'layla.haddad@nakheel.example',
      'Phone 1 - Value': '+971 50 123 4567',
    },
    {
      'First Name': 'נועה',
      'Last Name': 'כהן',
      'Organization Name': 'Tel Aviv Labs',
      'Organization Title': XSS,
      'E-mail 1 - Value': 'noa@telaviv-labs.example',
    },
    { 'Phone 1 - Value': '+44 20 7946 0958', 'Organization Name': 'Nameless Ltd' },
    { 'First Name': 'Bram', 'Last Name': 'de Vries', 'E-mail 1 - Value': 'not-an-email' },
  ]);

  it('detects the preset and maps the columns', () => {
    const { preset, mapping } = detectMapping(GOOGLE_HEADERS);
    expect(preset).toBe('google');
    expect(mapping.firstName).toBe(0);
    expect(mapping.lastName).toBe(2);
    expect(mapping.company).toBe(10);
    expect(mapping.title).toBe(11);
    expect(mapping.tags).toBe(16);
    expect(mapping.email).toEqual([18, 20]);
    expect(mapping.phone).toEqual([22, 24]);
    expect(mapping.city).toBe(28);
    expect(mapping.linkedinUrl).toBe(35);
    expect(mapping.note).toBe(14);
  });

  it('imports people with accents, emoji, RTL names and literal HTML', async () => {
    const r = await parse(text);
    expect(r.rows.map((x) => x.row)).toEqual([2, 3, 4, 6]);
    const [zoe, layla, noa, bram] = r.rows.map((x) => x.contact);
    expect(zoe).toMatchObject({
      name: 'Zoë Dubois-Lefèvre',
      firstName: 'Zoë',
      lastName: 'Dubois-Lefèvre',
      company: 'Atelier Lumière',
      title: 'Directrice artistique 🎨',
      emails: ['zoe.dubois@atelier-lumiere.example', 'zoe.perso@example.com'],
      phones: ['+33612345678', '04 78 00 00 00'],
      tags: ['Clients', 'starred'],
      location: 'Lyon, Auvergne-Rhône-Alpes, France',
      linkedinUrl: 'https://www.linkedin.com/in/zoe-dubois-lefevre-example/',
      linkedinId: 'zoe-dubois-lefevre-example',
    });
    expect(r.rows[0].note).toBe('Met at the design fair 🎉\nPrefers WhatsApp');
    expect(layla).toMatchObject({ name: 'ليلى حداد', company: 'شركة النخيل', phones: ['+971501234567'], tags: ['Partners'] });
    expect(noa.name).toBe('נועה כהן');
    expect(noa.title).toBe(XSS); // kept as literal text, never interpreted
    expect(bram).toMatchObject({ name: 'Bram de Vries', emails: [] });
    expect(errorsOf(r, 'error')).toEqual(['row 5: no name or email']);
    expect(errorsOf(r, 'warning')).toEqual(['row 6: invalid email "not-an-email": has no @']);
  });

  it('uses the default country for national phone numbers', async () => {
    const r = await parse(text, { defaultCountry: 'FR' });
    expect(r.rows[0].contact.phones).toEqual(['+33612345678', '+33478000000']);
  });

  it('reads the legacy Google CSV (Given Name, Group Membership, Organization 1 - Name)', async () => {
    const legacy = csv(GOOGLE_LEGACY_HEADERS, [
      {
        Name: 'Søren Møller',
        'Given Name': 'Søren',
        'Family Name': 'Møller',
        'Group Membership': 'Suppliers ::: * myContacts',
        'E-mail 1 - Type': '* Work',
        'E-mail 1 - Value': 'soren@moller.example ::: s.moller@example.dk',
        'Phone 1 - Value': '+45 32 12 34 56',
        'Organization 1 - Name': 'Møller & Co',
        'Organization 1 - Title': 'Indkøbschef',
      },
    ]);
    expect(detectMapping(GOOGLE_LEGACY_HEADERS).preset).toBe('google');
    const r = await parse(legacy);
    expect(r.errors).toEqual([]);
    expect(r.rows[0].contact).toMatchObject({
      name: 'Søren Møller',
      firstName: 'Søren',
      lastName: 'Møller',
      emails: ['soren@moller.example', 's.moller@example.dk'],
      phones: ['+4532123456'],
      company: 'Møller & Co',
      title: 'Indkøbschef',
      tags: ['Suppliers'],
    });
  });
});

describe('Outlook CSV', () => {
  it('maps Job Title (not the courtesy Title), both e-mails, phones, business address and categories', async () => {
    const { preset, mapping } = detectMapping(OUTLOOK_HEADERS);
    expect(preset).toBe('outlook');
    expect(mapping.title).toBe(7);
    expect(mapping.email).toEqual([28, 31]);
    const text = csv(OUTLOOK_HEADERS, [
      {
        Title: 'Dr.',
        'First Name': 'Ana',
        'Middle Name': 'Lucía',
        'Last Name': 'García Márquez',
        Company: 'Ibérica Foods',
        'Job Title': 'Head of Procurement',
        'Business City': 'Madrid',
        'Business Country/Region': 'Spain',
        'Home City': 'Toledo',
        'Business Fax': '+34 912 345 679',
        'Business Phone': '+34 912 345 678',
        'Mobile Phone': '+34 612 34 56 78',
        Categories: 'Key account;Spain',
        'E-mail Address': 'ana.garcia@iberica.example',
        'E-mail Type': 'SMTP',
        'E-mail Display Name': 'Ana García (ana.garcia@iberica.example)',
        'E-mail 2 Address': 'ana@example.es',
        Notes: 'Allergic to 🥜 — no peanuts at lunch',
      },
      { Company: '🦄 Unicorn Ltd', 'Business Phone': '+34 900 000 000' },
    ]);
    const r = await parse(text);
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0].contact).toMatchObject({
      name: 'Ana Lucía García Márquez',
      firstName: 'Ana',
      lastName: 'García Márquez',
      company: 'Ibérica Foods',
      title: 'Head of Procurement',
      emails: ['ana.garcia@iberica.example', 'ana@example.es'],
      phones: ['+34912345678', '+34612345678'],
      location: 'Madrid, Spain',
      tags: ['Key account', 'Spain'],
    });
    expect(r.rows[0].note).toBe('Allergic to 🥜 — no peanuts at lunch');
    expect(errorsOf(r, 'error')).toEqual(['row 3: no name or email']);
  });
});

describe('LinkedIn Connections.csv', () => {
  const preamble =
    'Notes:\r\n"When exporting your connection data, you may notice that some of the email addresses are missing. You will only see email addresses for connections who have allowed their connections to see or download their email address using this setting https://www.linkedin.com/psettings/privacy/email. You can learn more here https://www.linkedin.com/help/linkedin/answer/261"\r\n\r\n';
  const text =
    preamble +
    csv(LINKEDIN_HEADERS, [
      {
        'First Name': 'Mateo',
        'Last Name': 'Ñúñez',
        URL: 'https://www.linkedin.com/in/mateo-nunez-example',
        Company: 'Andes Analytics',
        Position: 'Data Engineer',
        'Connected On': '03 Feb 2024',
      },
      {
        'First Name': 'Yasmin',
        'Last Name': 'الخطيب',
        URL: 'https://www.linkedin.com/in/yasmin-alkhatib-example',
        'Email Address': 'yasmin@example.org',
        Company: 'Cedar & Sons, LLC',
        Position: 'VP Sales 🚀',
        'Connected On': '17 Nov 2023',
      },
    ]);

  it('skips the "Notes:" preamble and finds the real header', async () => {
    const info = await readCsvHeader(text);
    expect(info).toMatchObject({ headerRow: 4, preset: 'linkedin', headers: LINKEDIN_HEADERS, delimiter: ',' });
    expect(info?.mapping).toMatchObject({ firstName: 0, lastName: 1, linkedinUrl: 2, email: 3, company: 4, title: 5 });
  });

  it('imports connections with and without e-mail', async () => {
    const r = await parse(new Blob([text]));
    expect(r.errors).toEqual([]);
    expect(r.rows.map((x) => x.row)).toEqual([5, 6]);
    expect(r.rows[0].contact).toMatchObject({
      name: 'Mateo Ñúñez',
      emails: [],
      company: 'Andes Analytics',
      title: 'Data Engineer',
      linkedinUrl: 'https://www.linkedin.com/in/mateo-nunez-example/',
      linkedinId: 'mateo-nunez-example',
    });
    expect(r.rows[1].contact).toMatchObject({
      name: 'Yasmin الخطيب',
      emails: ['yasmin@example.org'],
      company: 'Cedar & Sons, LLC',
      title: 'VP Sales 🚀',
    });
  });

  it('finds the header index in parsed rows', () => {
    expect(findHeaderRow([['Notes:'], ['When exporting, …'], [''], LINKEDIN_HEADERS, ['A', 'B']])).toBe(3);
    expect(
      findHeaderRow([
        ['', ''],
        ['foo', 'bar'],
        ['1', '2'],
      ]),
    ).toBe(1);
  });
});

describe('HubSpot export', () => {
  it('maps lifecycle stage, company website and address', async () => {
    expect(detectMapping(HUBSPOT_HEADERS).preset).toBe('hubspot');
    const text = csv(HUBSPOT_HEADERS, [
      {
        'Record ID': '51',
        'First Name': 'Kwame',
        'Last Name': 'Mensah-Bonsu',
        Email: 'kwame@accrasolar.example',
        'Phone Number': '+233 30 222 3333',
        'Company Name': 'Accra Solar',
        'Job Title': 'COO',
        'Lifecycle Stage': 'Marketing Qualified Lead',
        'Lead Status': 'Open',
        'Contact owner': 'Sam Owner',
        City: 'Accra',
        'State/Region': 'Greater Accra',
        'Country/Region': 'Ghana',
        'Website URL': 'https://www.accrasolar.example/about',
        'Create Date': '2024-03-01 10:00',
      },
      { 'Record ID': '52', 'First Name': 'Élodie', 'Last Name': 'Brun', Email: 'elodie.brun@example.fr', 'Lifecycle Stage': 'Customer' },
      { 'Record ID': '53', 'First Name': 'Priya', Email: 'priya@example.in', 'Lifecycle Stage': 'Evangelist-ish' },
    ]);
    const r = await parse(text);
    expect(r.errors).toEqual([]);
    expect(r.rows[0].contact).toMatchObject({
      name: 'Kwame Mensah-Bonsu',
      emails: ['kwame@accrasolar.example'],
      phones: ['+233302223333'],
      company: 'Accra Solar',
      title: 'COO',
      stage: 'qualified',
      location: 'Accra, Greater Accra, Ghana',
      companyDomain: 'accrasolar.example',
    });
    expect(r.rows[1].contact.stage).toBe('customer');
    expect(r.rows[2].contact.stage).toBe('Evangelist-ish'); // unknown stages are kept as written
  });
});

describe('generic CSV', () => {
  it('matches headers case/space/underscore-insensitively, detects ";" and splits tags', async () => {
    const text = csv(
      ['full_name', 'E-Mail', 'PHONE', 'Company ', 'job title', 'Tags', 'LinkedIn'],
      [
        {
          full_name: 'Nguyễn Thị Minh Khai',
          'E-Mail': 'Minh.Khai@Example.VN',
          PHONE: '+84 28 3822 1234',
          'Company ': 'Saigon Trading',
          'job title': 'CEO',
          Tags: 'vip, asia; 2024',
          LinkedIn: 'https://vn.linkedin.com/in/minh-khai-example?trk=abc',
        },
      ],
      ';',
    );
    const r = await parse(text);
    expect(r.errors).toEqual([]);
    expect(r.rows[0].contact).toMatchObject({
      name: 'Nguyễn Thị Minh Khai',
      emails: ['minh.khai@example.vn'],
      phones: ['+842838221234'],
      company: 'Saigon Trading',
      title: 'CEO',
      tags: ['vip', 'asia', '2024'],
      linkedinUrl: 'https://www.linkedin.com/in/minh-khai-example/',
    });
    const { preset, mapping } = detectMapping(['full_name', 'E-Mail', 'PHONE', 'Company ', 'job title', 'Tags', 'LinkedIn']);
    expect(preset).toBe('generic');
    expect(mapping).toEqual({ name: 0, email: 1, phone: 2, company: 3, title: 4, tags: 5, linkedinUrl: 6 });
  });

  it('reads tab-separated files', async () => {
    const r = await parse('Name\tEmail\tOrganisation\nKofi Annan-Example\tkofi@example.org\tUN-ish, Geneva\n');
    expect(r.errors).toEqual([]);
    expect(r.rows[0].contact).toMatchObject({ name: 'Kofi Annan-Example', emails: ['kofi@example.org'], company: 'UN-ish, Geneva' });
  });

  it('imports what is there in ragged rows and reports rows with no name or email', async () => {
    const text = [
      'name,email,company,title',
      'Short Row,short@example.com',
      'Long Row,long@example.com,Acme,Engineer,extra1,extra2',
      ',,Orphan Corp,CEO',
      'Only Name',
      '',
    ].join('\n');
    const r = await parse(text);
    expect(r.rows.map((x) => [x.row, x.contact.name, x.contact.emails, x.contact.company])).toEqual([
      [2, 'Short Row', ['short@example.com'], undefined],
      [3, 'Long Row', ['long@example.com'], 'Acme'],
      [5, 'Only Name', [], undefined],
    ]);
    expect(errorsOf(r, 'error')).toEqual(['row 4: no name or email']);
  });

  it('keeps quoted newlines, commas and quotes; skips empty lines; counts records like a spreadsheet', async () => {
    const text =
      'name,email,notes\n"Doe, Jane",jane@example.com,"line one\nline two"\n"Multi\nLine ""Name""",multi@example.com,x\n\n\nLast,last@example.com,\n';
    const r = await parse(text);
    expect(r.errors).toEqual([]);
    expect(r.rows.map((x) => [x.row, x.contact.name, x.note])).toEqual([
      [2, 'Doe, Jane', 'line one\nline two'],
      [3, 'Multi Line "Name"', 'x'],
      [6, 'Last', undefined],
    ]);
  });

  it('accepts an explicit mapping for headers it cannot recognise', async () => {
    const text = 'Col A,Col B,Col C\nRosa Parks-Example,rosa@example.org,Montgomery Co-op\n' + 'x,y,z\n'.repeat(100);
    const auto = await parse(text);
    expect(auto.rows).toHaveLength(0);
    expect(auto.errors).toHaveLength(1); // said once, not once per row
    expect(auto.errors[0].message).toMatch(/no name or email column found in the header \(Col A, Col B, Col C\)/);
    const r = await parse(text, { mapping: { name: 0, email: 1, company: 2 } });
    expect(r.errors).toHaveLength(100); // the "x,y,z" rows: invalid e-mail "y" (warning) with a name
    expect(r.rows).toHaveLength(101);
    expect(r.rows[0].contact).toMatchObject({ name: 'Rosa Parks-Example', emails: ['rosa@example.org'], company: 'Montgomery Co-op' });
  });

  it('stops when aborted', async () => {
    const text = 'name,email\n' + Array.from({ length: 5000 }, (_, i) => `P${i},p${i}@example.com`).join('\n');
    const controller = new AbortController();
    let rows = 0;
    for await (const b of parseCsv(new Blob([text]), { signal: controller.signal, chunkBytes: 4096, batchSize: 50 })) {
      rows += b.rows.length;
      controller.abort();
    }
    expect(rows).toBeGreaterThan(0);
    expect(rows).toBeLessThan(5000);
  });

  it('reports an empty file', async () => {
    const r = await parse('');
    expect(r.rows).toEqual([]);
    expect(r.errors.map((e) => e.message)).toEqual(['the file is empty']);
  });

  it('treats values as plain text', async () => {
    const r = await parse(`name,email,company\n"${XSS}",x@example.com,<script>alert(1)</script>\n`);
    expect(r.rows[0].contact.name).toBe(XSS);
    expect(r.rows[0].contact.company).toBe('<script>alert(1)</script>');
  });
});

// --- encodings -----------------------------------------------------------------------------------

const SAMPLE = 'name,email,company\nJosé Müller,jose@example.com,Café “Le Zinc” – 5 €\nقمر,qamar@example.com,شركة\n';

function utf16le(s: string, bom = true): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array((bom ? 2 : 0) + s.length * 2);
  let o = 0;
  if (bom) {
    out[o++] = 0xff;
    out[o++] = 0xfe;
  }
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out[o++] = c & 0xff;
    out[o++] = c >> 8;
  }
  return out;
}

function utf16be(s: string): Uint8Array<ArrayBuffer> {
  const le = utf16le(s, false);
  const out = new Uint8Array(le.length + 2);
  out[0] = 0xfe;
  out[1] = 0xff;
  for (let i = 0; i < le.length; i += 2) {
    out[i + 2] = le[i + 1];
    out[i + 3] = le[i];
  }
  return out;
}

const CP1252: Record<string, number> = { '€': 0x80, '“': 0x93, '”': 0x94, '–': 0x96, '’': 0x92 };
function windows1252(s: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from([...s].map((c) => CP1252[c] ?? (c.charCodeAt(0) <= 0xff ? c.charCodeAt(0) : 0x3f)));
}

describe('encodings', () => {
  const expectSample = (r: Awaited<ReturnType<typeof parse>>, arabic = true) => {
    expect(r.errors).toEqual([]);
    expect(r.rows[0].contact).toMatchObject({ name: 'José Müller', emails: ['jose@example.com'], company: 'Café “Le Zinc” – 5 €' });
    if (arabic) expect(r.rows[1].contact).toMatchObject({ name: 'قمر', company: 'شركة' });
  };

  it('UTF-8 with BOM', async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(SAMPLE)]);
    expectSample(await parse(new Blob([bytes])));
    const info = await readCsvHeader(new Blob([bytes]));
    expect(info?.headers[0]).toBe('name');
  });

  it('UTF-16 LE and BE with BOM', async () => {
    expectSample(await parse(new Blob([utf16le(SAMPLE)])));
    expectSample(await parse(new Blob([utf16be(SAMPLE)])));
    // Small slices split code units and surrogate pairs: the streaming decoder must rejoin them.
    expectSample(await parse(new Blob([utf16le(SAMPLE)]), { chunkBytes: 5 }));
  });

  it('Windows-1252 when the bytes are not valid UTF-8', async () => {
    const text = SAMPLE.split('\n').slice(0, 2).join('\n') + '\nO’Brien,obrien@example.ie,Pub\n';
    const r = await parse(new Blob([windows1252(text)]));
    expectSample(r, false);
    expect(r.rows[1].contact.name).toBe('O’Brien');
  });

  it('switches to Windows-1252 mid-stream when invalid bytes appear late', async () => {
    const ascii = 'name,email\n' + Array.from({ length: 50 }, (_, i) => `Person ${i},p${i}@example.com`).join('\n') + '\n';
    const bytes = new Uint8Array([...new TextEncoder().encode(ascii), ...windows1252('Zoë Café,zoe@example.com\n')]);
    const r = await parse(new Blob([bytes]), { chunkBytes: 64 });
    expect(r.rows).toHaveLength(51);
    expect(r.rows[50].contact.name).toBe('Zoë Café');
  });

  it.each([64, 1024 * 1024])(
    'a mixed file keeps each line in its own encoding: UTF-8 lines after a Windows-1252 line stay UTF-8 (slices of %i bytes)',
    async (chunkBytes) => {
      const utf8 = (s: string) => new TextEncoder().encode(s);
      const bytes = new Uint8Array([
        ...utf8('name,email,company\nJosé Álvarez,jose@example.es,Café Ñ\n'),
        ...windows1252('O’Brien Zoë,obrien@example.ie,Pub “Quay”\n'),
        ...utf8(Array.from({ length: 20 }, (_, i) => `Jürgen ${i} 🦜,j${i}@example.de,Müller GmbH`).join('\n') + '\n'),
      ]);
      const r = await parse(new Blob([bytes]), { chunkBytes });
      expect(r.errors).toEqual([]);
      expect(r.rows.map((x) => x.contact.name)).toEqual([
        'José Álvarez',
        'O’Brien Zoë',
        ...Array.from({ length: 20 }, (_, i) => `Jürgen ${i} 🦜`),
      ]);
      expect(r.rows[0].contact.company).toBe('Café Ñ');
      expect(r.rows[1].contact.company).toBe('Pub “Quay”');
      expect(r.rows[21].contact.company).toBe('Müller GmbH');
    },
  );

  it('multi-byte UTF-8 characters split across slices', async () => {
    const text =
      'name,email,notes\n' + Array.from({ length: 30 }, (_, i) => `Ñandú ${i} 🦜,n${i}@example.com,"مرحبا 👋🏽\nשלום"`).join('\n') + '\n';
    const whole = await parse(text);
    const sliced = await parse(new Blob([new TextEncoder().encode(text)]), { chunkBytes: 7 });
    expect(sliced.rows).toEqual(whole.rows);
    expect(sliced.rows).toHaveLength(30);
    expect(sliced.rows[29].contact.name).toBe('Ñandú 29 🦜');
    expect(sliced.rows[29].note).toBe('مرحبا 👋🏽\nשלום');
  });
});

// --- streaming -----------------------------------------------------------------------------------

describe('streaming a large file', () => {
  it('parses ~50 MB in bounded batches, reporting progress along the way', async () => {
    const header = 'First Name,Last Name,Email,Company,Phone,Notes\n';
    const filler =
      'Met at the trade fair in München; interested in the premium plan, follow up next quarter about pricing, onboarding and the “Enterprise” tier. ' +
      'Prefers e-mail over phone, replies within a day; decision expected after the board meeting — budget approved for two seats, maybe five.';
    const line = (n: number) => {
      // Every 20th row has a phone number (libphonenumber is the costly part; this keeps the test quick).
      const phone = n % 20 === 0 ? `+1 415 555 ${String(n % 10000).padStart(4, '0')}` : '';
      return `Person${n},Ñoño-${n},person${n}@example.com,"Company ${n % 1000}, Inc.",${phone},"${filler} #${n}\nsecond line"\n`;
    };
    const multibyteExtra = new TextEncoder().encode(line(1)).length - line(1).length; // same for every line
    const parts: string[] = [header];
    let size = header.length;
    let n = 0;
    const t0 = Date.now();
    let piece: string[] = [];
    while (size < 50 * 1024 * 1024) {
      const l = line(n);
      piece.push(l);
      size += l.length + multibyteExtra;
      n++;
      if (piece.length === 2000) {
        parts.push(piece.join(''));
        piece = [];
      }
    }
    parts.push(piece.join(''));
    const blob = new Blob(parts);
    parts.length = 0;
    expect(blob.size).toBeGreaterThanOrEqual(50 * 1024 * 1024);

    const batchSize = 2000;
    let rows = 0;
    let errors = 0;
    let maxBatch = 0;
    let lastRow = 0;
    let outOfOrder = 0;
    const progress: number[] = [];
    let last: { row: number; name?: string } | undefined;
    for await (const batch of parseCsv(blob, { batchSize, chunkBytes: 1024 * 1024 })) {
      rows += batch.rows.length;
      errors += batch.errors.length;
      maxBatch = Math.max(maxBatch, batch.rows.length);
      for (const r of batch.rows) {
        if (r.row <= lastRow) outOfOrder++; // in order, none repeated
        lastRow = r.row;
      }
      if (batch.rows.length) last = { row: batch.rows[batch.rows.length - 1].row, name: batch.rows[batch.rows.length - 1].contact.name };
      progress.push(batch.progress.bytesRead);
      expect(batch.progress.totalBytes).toBe(blob.size);
    }
    expect(rows).toBe(n);
    expect(errors).toBe(0);
    expect(outOfOrder).toBe(0);
    expect(maxBatch).toBeLessThanOrEqual(batchSize);
    expect(last).toEqual({ row: n + 1, name: `Person${n - 1} Ñoño-${n - 1}` });
    expect(new Set(progress).size).toBeGreaterThan(10);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress[progress.length - 1]).toBe(blob.size);
    console.info(`50 MB CSV: ${n} rows in ${Date.now() - t0} ms (generation included)`);
  }, 60_000);
});
