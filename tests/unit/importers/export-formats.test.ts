// CSV and vCard exports: export → import gives the same people; spreadsheet formulas are defused; the BOM
// is there when asked; a selection exports only the chosen people.
import Dexie from 'dexie';
import Papa from 'papaparse';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCsv } from '../../../importers/csv';
import { CSV_EXPORT_COLUMNS, contactsToCsv } from '../../../importers/export-csv';
import { exportFileParts } from '../../../importers/export-files';
import { contactsToVcard } from '../../../importers/export-vcard';
import { runImport } from '../../../importers/import-job';
import { collectImport } from '../../../importers/types';
import { parseVcard } from '../../../importers/vcard';
import { RapportDB } from '../../../storage/db';
import { publicRecord } from '../../../storage/records';
import { upsertCompany, upsertContacts } from '../../../storage/repositories';
import type { Contact } from '../../../storage/schema';

// All people below are invented.
const source = { type: 'manual' as const, at: '2026-12-07T09:00:00.000Z' };
const PEOPLE = [
  {
    name: 'Zoë Dubois-Lefèvre',
    firstName: 'Zoë',
    lastName: 'Dubois-Lefèvre',
    emails: ['zoe@atelier.example', 'zoe.perso@example.com'],
    phones: ['+33612345678', '+33478000000'],
    company: 'Atelier; Lumière, "Lyon"',
    title: 'Directrice artistique 🎨',
    location: 'Lyon, France',
    tags: ['Clients', 'VIP'],
    linkedinUrl: 'https://www.linkedin.com/in/zoe-dubois-example',
    stage: 'customer',
  },
  { name: 'ليلى حداد', firstName: 'ليلى', lastName: 'حداد', emails: ['layla@nakheel.example'], phones: [], tags: [] },
  { name: 'Noa Cohen', emails: ['noa@labs.example'], phones: ['+972501234567'], tags: ['a,b'], title: 'Line one\nline two' },
  { name: 'Only Name', emails: [], phones: [], tags: [], company: 'Nameless Ltd' },
];

/** What must survive a round trip, in a form that compares. */
function person(c: Partial<Contact>) {
  return {
    name: c.name,
    emails: [...(c.emails ?? [])].sort(),
    phones: [...(c.phones ?? [])].sort(),
    company: c.company,
    title: c.title?.replace(/\s+/g, ' '),
    location: c.location,
    tags: [...(c.tags ?? [])].sort(),
    linkedinId: c.linkedinId,
  };
}

let db: RapportDB;
let other: RapportDB;
let stored: Contact[];
beforeEach(async () => {
  db = new RapportDB(`t-${Math.random().toString(36).slice(2)}`);
  other = new RapportDB(`t-${Math.random().toString(36).slice(2)}`);
  await db.open();
  await other.open();
  await upsertContacts(PEOPLE, source, {}, db);
  stored = (await db.contacts.toArray()).map((c) => publicRecord(c) as Contact);
});
afterEach(async () => {
  db.close();
  other.close();
  await Dexie.delete(db.name);
  await Dexie.delete(other.name);
});

async function fileOf(parts: AsyncIterable<string>, name: string): Promise<File> {
  const chunks: string[] = [];
  for await (const p of parts) chunks.push(p);
  return new File(chunks, name);
}

const createCompanies = (names: string[]) => Promise.all(names.map(async (name) => (await upsertCompany({ name }, source, db)).id));

const byName = (a: { name?: string }, b: { name?: string }) => (a.name ?? '').localeCompare(b.name ?? '');

describe('CSV export', () => {
  it('imports back as the same people (every column), through the real import into another database', async () => {
    const file = await fileOf(exportFileParts({ format: 'csv', csv: { columns: CSV_EXPORT_COLUMNS, bom: true } }, db), 'people.csv');
    const summary = await runImport(file, undefined, other);
    expect(summary.errors.filter((e) => e.severity !== 'warning')).toEqual([]);
    expect(summary.created).toBe(PEOPLE.length);
    const back = (await other.contacts.toArray()).map(person).sort(byName);
    expect(back).toEqual(stored.map(person).sort(byName));
    const zoe = (await other.contacts.toArray()).find((c) => c.name.startsWith('Zoë'))!;
    expect(zoe.stage).toBe('customer');
  });

  it('writes only the chosen columns, in their order, with a header the import recognises', async () => {
    const text = contactsToCsv(stored, { columns: ['emails', 'name'] });
    const parsed = Papa.parse<string[]>(text.trim()).data;
    expect(parsed[0]).toEqual(['Email', 'Name']);
    expect(parsed.slice(1).map((r) => r.length)).toEqual(stored.map(() => 2));
    const zoe = parsed.find((r) => r[1].startsWith('Zoë'))!;
    expect(zoe[0]).toBe('zoe@atelier.example; zoe.perso@example.com');
  });

  it('starts with a UTF-8 BOM only when asked (for Excel)', () => {
    expect(contactsToCsv(stored, { bom: true }).charCodeAt(0)).toBe(0xfeff);
    expect(contactsToCsv(stored, { bom: false }).charCodeAt(0)).not.toBe(0xfeff);
    expect(new TextEncoder().encode(contactsToCsv(stored, { bom: true })).slice(0, 3)).toEqual(new Uint8Array([0xef, 0xbb, 0xbf]));
  });

  it('defuses cells a spreadsheet would run as formulas (= + - @, tab, CR), even across lines; the import takes the guard off', async () => {
    const evil: Contact[] = [
      {
        ...stored[0],
        name: '=HYPERLINK("http://evil.example","x")',
        company: '+cmd|"/c calc"!A0',
        title: '-2+3',
        location: '@SUM(A1)',
        headline: '=1+1\nsecond line',
        tags: ['\tTab', 'plain'],
      },
    ];
    const text = contactsToCsv(evil, { columns: ['name', 'company', 'title', 'location', 'headline', 'tags'] });
    const cells = Papa.parse<string[]>(text.trim()).data[1];
    expect(cells).toEqual([
      `'=HYPERLINK("http://evil.example","x")`,
      `'+cmd|"/c calc"!A0`,
      `'-2+3`,
      `'@SUM(A1)`,
      `'=1+1\nsecond line`,
      `'\tTab; plain`,
    ]);
    for (const c of cells) expect(c).not.toMatch(/^[=+\-@\t\r]/);
    const { rows } = await collectImport(parseCsv(text));
    expect(rows[0].contact).toMatchObject({ name: evil[0].name, company: evil[0].company, title: '-2+3', location: '@SUM(A1)' });
  });

  it('a phone in E.164 ("+33…") is guarded too and imports back as the same number', async () => {
    const text = contactsToCsv(stored, { columns: ['name', 'phones'] });
    expect(text).toContain(`"'+33612345678; +33478000000"`);
    const { rows } = await collectImport(parseCsv(text));
    expect(rows.find((r) => r.contact.name?.startsWith('Zoë'))!.contact.phones).toEqual(['+33612345678', '+33478000000']);
  });
});

describe('vCard export', () => {
  for (const version of ['4.0', '3.0'] as const) {
    it(`vCard ${version} imports back as the same people`, async () => {
      const text = contactsToVcard(stored, version);
      expect(text.match(/^VERSION:(.*)\r$/gm)).toEqual(stored.map(() => `VERSION:${version}\r`));
      expect(text.split('\r\n').every((l) => new TextEncoder().encode(l).length <= 75)).toBe(true);
      const { rows, errors } = await collectImport(parseVcard(text));
      expect(errors.filter((e) => e.severity !== 'warning')).toEqual([]);
      const back = rows.map((r) => person({ ...r.contact, name: r.contact.name ?? '' })).sort(byName);
      // One known difference: a tag with a comma comes back as two, because the importer reads escaped
      // commas as separators (Thunderbird writes its category list as "a\, b\, c").
      const expected = stored.map((c) => person({ ...c, tags: c.tags.flatMap((t) => t.split(',')) })).sort(byName);
      expect(back).toEqual(expected);
    });
  }

  it('3.0 writes what older address books require (N, TYPE=INTERNET); 4.0 writes text phones', () => {
    const zoe = stored.find((c) => c.name.startsWith('Zoë'))!;
    const v3 = contactsToVcard([zoe], '3.0');
    expect(v3).toContain('N:Dubois-Lefèvre;Zoë;;;\r\n');
    expect(v3).toContain('EMAIL;TYPE=INTERNET,PREF:zoe@atelier.example\r\n');
    expect(v3).toContain('ORG:Atelier\\; Lumière\\, "Lyon"\r\n');
    const v4 = contactsToVcard([zoe], '4.0');
    expect(v4).toContain('TEL;VALUE=text:+33612345678\r\n');
    expect(v4).toContain('CATEGORIES:Clients,VIP\r\n');
  });
});

describe('a selection', () => {
  it('CSV, vCard and JSON exports of some ids hold only those people', async () => {
    const chosen = stored.filter((c) => c.name === 'Noa Cohen' || c.name === 'Only Name').map((c) => c.id);
    const csv = await fileOf(exportFileParts({ format: 'csv', ids: chosen, csv: { columns: ['id', 'name'] } }, db), 'x.csv');
    const csvIds = Papa.parse<string[]>((await csv.text()).trim())
      .data.slice(1)
      .map((r) => r[0]);
    expect(csvIds.sort()).toEqual([...chosen].sort());
    const vcf = await (await fileOf(exportFileParts({ format: 'vcard', ids: chosen }, db), 'x.vcf')).text();
    expect(
      vcf
        .match(/^FN:.*$/gm)!
        .map((l) => l.trim())
        .sort(),
    ).toEqual(['FN:Noa Cohen', 'FN:Only Name']);
    const json = JSON.parse(await (await fileOf(exportFileParts({ format: 'json', ids: chosen }, db), 'x.json')).text());
    expect(json.format).toBe('rapport-export');
    expect(json.contacts.map((c: Contact) => c.id).sort()).toEqual([...chosen].sort());
    expect(json.companies.map((c: { name: string }) => c.name)).toEqual(['Nameless Ltd']);
    expect(json.settings).toBeUndefined();
  });

  it('a selection of companies exports their people (CSV, vCard) and, in JSON, the companies themselves', async () => {
    const [empty] = await createCompanies(['Empty Co']);
    const companyIds = [stored.find((c) => c.name === 'Only Name')!.companyId!, empty];
    const csv = await fileOf(exportFileParts({ format: 'csv', companyIds, csv: { columns: ['name'] } }, db), 'x.csv');
    expect((await csv.text()).trim().split('\r\n')).toEqual(['Name', 'Only Name']);
    const vcf = await (await fileOf(exportFileParts({ format: 'vcard', companyIds }, db), 'x.vcf')).text();
    expect(vcf.match(/^FN:.*$/gm)!.map((l) => l.trim())).toEqual(['FN:Only Name']);
    const json = JSON.parse(await (await fileOf(exportFileParts({ format: 'json', companyIds }, db), 'x.json')).text());
    expect(json.contacts.map((c: Contact) => c.name)).toEqual(['Only Name']);
    expect(json.companies.map((c: { name: string }) => c.name).sort()).toEqual(['Empty Co', 'Nameless Ltd']);
  });
});
