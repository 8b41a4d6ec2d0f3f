// The mapping step's model and preview: columns ↔ fields, an edited mapping changes what is stored, and the
// preview says whom each row merges with (people already here, found with bulk reads, or an earlier row).
import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCsv, readCsvSample } from '../../../importers/csv';
import { IGNORE, columnsFromMapping, mappingFromColumns, mappingProblem, proposeColumns } from '../../../importers/csv-mapping';
import { markMerges, matchRows, previewRows } from '../../../importers/import-preview';
import { runImport } from '../../../importers/import-job';
import { collectImport } from '../../../importers/types';
import { RapportDB } from '../../../storage/db';
import { upsertContacts } from '../../../storage/repositories';

// All people below are invented.
const CSV = [
  'Full Name,Work Mail,Private Mail,Employer,Notes',
  'Ada Quist,ada@quist.example,ada.q@example.org,Quist & Co,met in Oslo',
  'Ben Ortega,ben@ortega.example,,Ortega Ltd,',
  'Ada Q.,,ada.q@example.org,Quist & Co,',
  ',,,Nobody Inc,',
].join('\r\n');

describe('column mapping', () => {
  it('proposes one target per column and turns it into the mapping the parser reads, both ways', () => {
    const headers = ['Full Name', 'Work Mail', 'Private Mail', 'Employer', 'Notes'];
    const { preset, columns } = proposeColumns(headers);
    expect(preset).toBe('generic');
    expect(columns).toEqual(['name', IGNORE, IGNORE, 'company', 'note']);
    const edited = columns.map((t, i) => (i === 1 || i === 2 ? 'email' : t));
    const mapping = mappingFromColumns(edited);
    expect(mapping).toEqual({ name: 0, email: [1, 2], company: 3, note: 4 });
    expect(columnsFromMapping(headers.length, mapping)).toEqual(edited);
  });

  it('says why a mapping without a name or e-mail column cannot import', () => {
    expect(mappingProblem(['company', IGNORE])).toMatch(/name .* or to E-mail/);
    expect(mappingProblem(['company', 'email'])).toBeNull();
  });

  it('an edited mapping changes what the import stores: any column to any field, or ignored', async () => {
    const sample = await readCsvSample(CSV);
    const columns = proposeColumns(sample!.headers).columns;
    columns[1] = 'email';
    columns[2] = 'email';
    columns[3] = 'title'; // "Employer" read as the job title, on purpose
    columns[4] = IGNORE;
    const { rows } = await collectImport(parseCsv(CSV, { mapping: mappingFromColumns(columns) }));
    expect(rows[0].contact).toMatchObject({ name: 'Ada Quist', emails: ['ada@quist.example', 'ada.q@example.org'], title: 'Quist & Co' });
    expect(rows[0].contact.company).toBeUndefined();
    expect(rows[0].note).toBeUndefined();
  });
});

describe('preview', () => {
  let db: RapportDB;
  beforeEach(async () => {
    db = new RapportDB(`t-${Math.random().toString(36).slice(2)}`);
    await db.open();
  });
  afterEach(async () => {
    db.close();
    await Dexie.delete(db.name);
  });

  it('shows the first rows as stored, and skipped rows with their reason', async () => {
    const sample = await readCsvSample(CSV, { rows: 3 });
    expect(sample!.records.map((r) => r.row)).toEqual([2, 3, 4]);
    const columns = proposeColumns(sample!.headers).columns.map((t, i) => (i === 1 ? 'email' : t));
    const rows = previewRows(sample!, mappingFromColumns(columns));
    expect(rows[0]).toMatchObject({ row: 2, contact: { name: 'Ada Quist', emails: ['ada@quist.example'], company: 'Quist & Co' } });
    expect(rows[0].note).toBe('met in Oslo');
    // Row 4 has a name but its only address is in the ignored column.
    expect(rows[2].contact).toMatchObject({ name: 'Ada Q.', emails: [] });
    const all = previewRows((await readCsvSample(CSV))!, mappingFromColumns(columns));
    expect(all[3]).toMatchObject({ row: 5, error: 'no name or email' });
  });

  it('finds whom each row merges with: a stored person by e-mail or LinkedIn, else an earlier row', async () => {
    await upsertContacts(
      [
        { name: 'Ada Quist (stored)', emails: ['ADA.Q@example.org'] },
        { name: 'Cy Linked', linkedinUrl: 'https://www.linkedin.com/in/cy-linked-example/' },
      ],
      { type: 'manual', at: new Date().toISOString() },
      {},
      db,
    );
    const text = [
      'Name,Email,LinkedIn',
      'Ada,ada.q@example.org,',
      'Ben,ben@ortega.example,',
      'Ben again,BEN@ortega.example,',
      'Cy,,https://linkedin.com/in/Cy-Linked-Example',
    ].join('\n');
    const sample = await readCsvSample(text);
    const rows = await markMerges(previewRows(sample!, mappingFromColumns(proposeColumns(sample!.headers).columns)), db);
    expect(rows.map((r) => [r.row, r.existing?.name, r.existing?.by, r.sameAsRow])).toEqual([
      [2, 'Ada Quist (stored)', 'email', undefined],
      [3, undefined, undefined, undefined],
      [4, undefined, undefined, 3],
      [5, 'Cy Linked', 'linkedin', undefined],
    ]);
  });

  it('reads the database once per key kind, not once per row', async () => {
    let reads = 0;
    const counting = {
      contacts: {
        where: (index: string) => ({
          anyOf: (keys: string[]) => ({
            toArray: async () => {
              reads++;
              expect(['emails', 'linkedinId']).toContain(index);
              expect(keys.length).toBeGreaterThan(1);
              return [];
            },
          }),
        }),
      },
    };
    const text = [
      'Name,Email,LinkedIn',
      ...Array.from({ length: 50 }, (_, i) => `P${i},p${i}@x.example,https://www.linkedin.com/in/p${i}-example`),
    ].join('\n');
    const sample = await readCsvSample(text, { rows: 50 });
    const rows = previewRows(sample!, mappingFromColumns(proposeColumns(sample!.headers).columns));
    await markMerges(rows, counting as unknown as RapportDB);
    expect(reads).toBe(2);
  });

  it('the import merges the rows the preview said it would', async () => {
    await upsertContacts(
      [{ name: 'Ada Quist (stored)', emails: ['ada.q@example.org'] }],
      { type: 'manual', at: new Date().toISOString() },
      {},
      db,
    );
    const sample = await readCsvSample(CSV);
    const columns = proposeColumns(sample!.headers).columns.map((t, i) => (i === 1 || i === 2 ? 'email' : t));
    const preview = await markMerges(previewRows(sample!, mappingFromColumns(columns)), db);
    const file = new File([CSV], 'people.csv', { type: 'text/csv' });
    const summary = await runImport(file, undefined, db, undefined, { mapping: mappingFromColumns(columns) });
    const mergedInPreview = preview.filter((r) => r.existing || r.sameAsRow !== undefined).length;
    const newInPreview = preview.filter((r) => r.contact && !r.existing && r.sameAsRow === undefined).length;
    expect(mergedInPreview).toBe(2);
    expect(await db.contacts.count()).toBe(1 + newInPreview);
    expect(summary.created).toBe(newInPreview);
  });

  it('matchRows: a row with no contact (skipped) is left as it is', () => {
    const rows = matchRows([{ row: 2, error: 'no name or email', warnings: [] }], []);
    expect(rows).toEqual([{ row: 2, error: 'no name or email', warnings: [] }]);
  });
});
