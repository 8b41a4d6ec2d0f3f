// Duplicate suggestions: each reason on its own, none across companies or webmail domains, the
// bucket bounds, and "not a duplicate" remembered.
import { afterEach, describe, expect, it } from 'vitest';
import {
  MAX_BUCKET,
  dismissPair,
  duplicateReasons,
  findDuplicatePairs,
  pairKey,
  pairsFromBuckets,
  phoneKey,
} from '../../../storage/duplicates';
import type { Contact } from '../../../storage/schema';
import { upsertContacts } from '../../../storage/repositories';
import { closeDbs, freshDb, src } from '../sync/helpers';

afterEach(closeDbs);

let seq = 0;
const person = (p: Partial<Contact>): Contact => ({
  id: `ct_${++seq}`,
  name: 'Nobody',
  emails: [],
  phones: [],
  tags: [],
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  sources: [],
  ...p,
});

describe('why two people may be one (pure)', () => {
  it('same name at the same company, whatever the word order, case and accents', () => {
    const a = person({ name: 'María García', company: 'Acme GmbH', emails: ['maria@acme.example'] });
    const b = person({ name: 'garcia, maria', company: 'ACME GmbH', emails: ['mg@other.example'] });
    expect(duplicateReasons(a, b)).toEqual(['same-name-company']);
    expect(duplicateReasons(a, { ...b, company: 'Globex' })).toEqual([]);
    expect(duplicateReasons(a, { ...b, company: undefined })).toEqual([]);
  });

  it('same phone (E.164), and nothing for numbers that are not E.164', () => {
    const a = person({ name: 'Ann One', phones: ['+49 30 1234567'] });
    const b = person({ name: 'Someone Else', phones: ['+49301234567;ext=12'] });
    expect(duplicateReasons(a, b)).toEqual(['same-phone']);
    expect(phoneKey('030 1234567')).toBeUndefined();
    expect(duplicateReasons(person({ name: 'X Y', phones: ['1234'] }), person({ name: 'Z W', phones: ['1234'] }))).toEqual([]);
  });

  it('a LinkedIn-only capture and an e-mail contact with the same name and company', () => {
    const li = person({
      name: 'Ola Nordmann',
      company: 'Fjord AS',
      linkedinId: 'ola-nordmann',
      linkedinUrl: 'https://www.linkedin.com/in/ola-nordmann/',
    });
    const mail = person({ name: 'Ola Nordmann', company: 'Fjord AS', emails: ['ola@fjord.example'] });
    expect(duplicateReasons(li, mail)).toEqual(['linkedin-and-email', 'same-name-company']);
    const lead = person({ name: 'Ola Nordmann', company: 'Fjord AS', linkedinUrns: ['urn:li:fs_salesProfile:ACwAA1'] });
    expect(duplicateReasons(mail, lead)[0]).toBe('linkedin-and-email');
  });

  it('same name with addresses at the same work domain, never a webmail one', () => {
    const a = person({ name: 'Jan Kowalski', emails: ['jan@firma.pl'] });
    const b = person({ name: 'Jan Kowalski', emails: ['j.kowalski@firma.pl'] });
    expect(duplicateReasons(a, b)).toEqual(['same-name-domain']);
    const g1 = person({ name: 'Jan Kowalski', emails: ['jan.k@gmail.com'] });
    const g2 = person({ name: 'Jan Kowalski', emails: ['kowalski.jan@gmail.com'] });
    expect(duplicateReasons(g1, g2)).toEqual([]);
  });

  it('two different LinkedIn profiles are two people; one-word names suggest nothing', () => {
    const a = person({ name: 'Ann Lee', company: 'Acme', linkedinId: 'ann-lee-1' });
    const b = person({ name: 'Ann Lee', company: 'Acme', linkedinId: 'ann-lee-2' });
    expect(duplicateReasons(a, b)).toEqual([]);
    expect(duplicateReasons(person({ name: 'Support', company: 'Acme' }), person({ name: 'Support', company: 'Acme' }))).toEqual([]);
  });
});

describe('bounds', () => {
  it('a bucket over the limit is skipped; pairs per bucket are capped', () => {
    const big = Array.from({ length: MAX_BUCKET + 1 }, (_, i) => i + 1);
    const small = Array.from({ length: 20 }, (_, i) => 100 + i);
    const r = pairsFromBuckets(
      new Map([
        ['big', big],
        ['small', small],
      ]),
      MAX_BUCKET,
      30,
    );
    expect(r.skippedBuckets).toBe(1);
    expect(r.pairs).toHaveLength(30);
    expect(r.pairs.every(([x, y]) => x >= 100 && y >= 100)).toBe(true);
  });

  it('over the database: 1,000 people sharing one name at one company give no pair; a real pair beside them does', async () => {
    const db = await freshDb();
    await upsertContacts(
      Array.from({ length: 1000 }, (_, i) => ({ name: 'John Smith', company: 'Big Corp', emails: [`john.smith${i}@mail${i}.example`] })),
      src,
      {},
      db,
    );
    await upsertContacts(
      [
        { name: 'Rare Person', company: 'Tiny Ltd', emails: ['rare@tiny.example'] },
        { name: 'Rare Person', company: 'Tiny Ltd', emails: ['rp@home.example'] },
      ],
      src,
      {},
      db,
    );
    const scan = await findDuplicatePairs(db);
    expect(scan.pairs.map((p) => [p.a.name, p.reason])).toEqual([['Rare Person', 'same-name-company']]);
    expect(scan.skippedBuckets).toBe(1);
  });
});

describe('over the database', () => {
  it('finds each kind of pair, not the people at other companies, and forgets a pair said not to be one', async () => {
    const db = await freshDb();
    const results = (await upsertContacts(
      [
        { name: 'María García', company: 'Acme', emails: ['maria@acme.example'] },
        { name: 'Maria Garcia', company: 'Acme', emails: ['maria.garcia@gmail.com'] },
        { name: 'Maria Garcia', company: 'Globex', emails: ['maria@globex.example'] },
        { name: 'Phone One', phones: ['+14155550100'] },
        { name: 'Phone Two', phones: ['+1 415 555 0100'] },
        { name: 'Ola Nordmann', company: 'Fjord AS', linkedinUrl: 'https://www.linkedin.com/in/ola-nordmann/' },
        { name: 'Ola Nordmann', company: 'Fjord AS', emails: ['ola@fjord.example'] },
        { name: 'Jan Kowalski', emails: ['jan@firma.pl'] },
        { name: 'Jan Kowalski', emails: ['j.kowalski@firma.pl'] },
      ],
      src,
      {},
      db,
    )) as { contact: Contact }[];
    const ids = results.map((r) => r.contact.id);
    const scan = await findDuplicatePairs(db);
    const found = scan.pairs.map((p) => [pairKey(p.a.id, p.b.id), p.reason]);
    expect(found).toEqual([
      [pairKey(ids[5], ids[6]), 'linkedin-and-email'],
      [pairKey(ids[0], ids[1]), 'same-name-company'],
      [pairKey(ids[3], ids[4]), 'same-phone'],
      [pairKey(ids[7], ids[8]), 'same-name-domain'],
    ]);
    // Maria at Globex is not suggested with either Maria at Acme.
    expect(scan.pairs.some((p) => p.a.id === ids[2] || p.b.id === ids[2])).toBe(false);

    await dismissPair(ids[4], ids[3], db);
    const after = await findDuplicatePairs(db);
    expect(after.pairs.map((p) => p.reason)).toEqual(['linkedin-and-email', 'same-name-company', 'same-name-domain']);
  });
});
