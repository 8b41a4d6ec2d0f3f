import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RapportDB } from '../../../storage/db';
import { exportParts } from '../../../storage/export';
import { restoreExport } from '../../../storage/restore';
import {
  addActivities,
  addNote,
  counts,
  deleteAllData,
  deleteContact,
  findContactByEmail,
  getTimeline,
  upsertContact,
  updateContact,
  upsertContacts,
} from '../../../storage/repositories';
import { createTask } from '../../../storage/tasks';
import { ExportFile, type Source } from '../../../storage/schema';
import { IndexBuilder, docRank, docTerms, matchingDocs, reindexDoc, search } from '../../../storage/search-index';
import { cardinality, decodeOffsets } from '../../../storage/posting-chunk';
import { continueIndexRebuild, rebuildIndexStep, rebuildProgress, rebuildState, startIndexRebuild } from '../../../storage/index-rebuild';

const src: Source = { type: 'manual', at: '2026-11-01T00:00:00.000Z' };
let db: RapportDB;
let dbName: string;

beforeEach(async () => {
  dbName = `t-${Math.random().toString(36).slice(2)}`;
  db = new RapportDB(dbName);
  await db.open();
});
afterEach(async () => {
  db.close();
  await Dexie.delete(dbName);
});

const names = (hits: { record: { name?: string; subject?: string } }[]) => hits.map((h) => h.record.name ?? h.record.subject);

describe('contacts merge instead of duplicating', () => {
  it('same email in another case is the same person; empty fields are filled, set ones kept', async () => {
    const a = await upsertContact({ name: 'Ana Pérez', emails: [' Ana.Perez@Acme.com '], title: 'CTO' }, src, {}, db);
    expect(a.status).toBe('created');
    expect(a.contact.emails).toEqual(['ana.perez@acme.com']);
    const b = await upsertContact({ name: 'Ana P.', emails: ['ANA.PEREZ@acme.com'], title: 'CEO', location: 'Madrid' }, src, {}, db);
    expect(b.status).toBe('merged');
    expect(b.contact.id).toBe(a.contact.id);
    expect(b.contact.title).toBe('CTO');
    expect(b.contact.location).toBe('Madrid');
    expect((await counts(db)).contacts).toBe(1);
    const c = await upsertContact({ emails: ['ana.perez@acme.com'], title: 'CEO' }, src, { overwrite: true }, db);
    expect(c.contact.title).toBe('CEO');
  });

  it('the same LinkedIn profile in any URL form is the same person', async () => {
    const a = await upsertContact({ name: 'Jan Novák', linkedinUrl: 'https://www.linkedin.com/in/jan-novak-1/' }, src, {}, db);
    const b = await upsertContact(
      { name: 'Jan Novak', linkedinUrl: 'https://cz.linkedin.com/in/Jan-Novak-1?trk=x', emails: ['jan@firma.cz'] },
      src,
      {},
      db,
    );
    expect(b.contact.id).toBe(a.contact.id);
    expect(b.contact.emails).toEqual(['jan@firma.cz']);
  });

  it('a similar name at the same company only suggests a merge', async () => {
    await upsertContact({ name: 'Maria Garcia', company: 'Acme', emails: ['maria@acme.com'] }, src, {}, db);
    const r = await upsertContact({ name: 'María García', company: 'ACME', emails: ['mgarcia@gmail.com'] }, src, {}, db);
    expect(r.status).toBe('created');
    expect(r.suggestions.map((s) => s.name)).toEqual(['Maria Garcia']);
    expect((await counts(db)).contacts).toBe(2);
  });

  it('companies are keyed by domain when known', async () => {
    const [a, b] = (await upsertContacts(
      [
        { name: 'A One', company: 'Acme Inc', emails: ['a@acme.com'] },
        { name: 'B Two', company: 'ACME', emails: ['b@acme.com'] },
      ],
      src,
      {},
      db,
    )) as { contact: { companyId?: string } }[];
    expect(a.contact.companyId).toBeTruthy();
    expect(b.contact.companyId).toBe(a.contact.companyId);
    const companies = await db.companies.toArray();
    expect(companies.map((c) => c.domain)).toEqual(['acme.com']);
  });

  it('unusable rows come back as errors and do not stop the others', async () => {
    const res = await upsertContacts([{ name: '  ' }, { name: 'Ok Person' }], src, {}, db);
    expect(res[0]).toBeInstanceOf(Error);
    expect((res[1] as { status: string }).status).toBe('created');
  });
});

describe('search', () => {
  beforeEach(async () => {
    await upsertContacts(
      [
        { name: 'José Álvarez', emails: ['jose@sol.es'], company: 'Sol Energía', title: 'Ingeniero' },
        { name: 'Jürgen Müller', emails: ['j.mueller@bau.de'], company: 'Bau GmbH' },
        { name: 'Ann Lee', emails: ['ann@lee.io'] },
        { name: 'Anna Karlsson', emails: ['anna@nord.se'] },
        { name: 'Annabel Smith', emails: ['annabel@smith.co.uk'], tags: ['vip'] },
        { name: 'محمد الأحمد', emails: ['m@example.sa'] },
      ],
      src,
      {},
      db,
    );
  });

  it('is accent- and case-insensitive and matches prefixes per word', async () => {
    expect(names((await search(db, 'jose', {})).contacts)).toEqual(['José Álvarez']);
    expect(names((await search(db, 'MULL')).contacts)).toEqual(['Jürgen Müller']);
    expect(names((await search(db, 'álv jo')).contacts)).toEqual(['José Álvarez']);
    expect(names((await search(db, 'محمد')).contacts)).toEqual(['محمد الأحمد']);
  });
  it('multi-word queries intersect', async () => {
    expect(names((await search(db, 'ann smith')).contacts)).toEqual(['Annabel Smith']);
    expect((await search(db, 'ann zzz')).contacts).toEqual([]);
  });
  it('intersects across postings chunks, newest chunk first, and still finds old docs', async () => {
    const at = '2026-01-01T00:00:00.000Z';
    const rows = [50, 70_000, 140_000, 140_001].map((n, i) => ({
      n,
      id: `ct_far${i}`,
      name: i === 3 ? 'Zed Quorra' : `Zed Quill ${i}`,
      emails: [],
      phones: [],
      tags: [],
      createdAt: at,
      updatedAt: at,
      sources: [],
    }));
    await db.transaction('rw', db.contacts, db.postings, db.prefixes, async () => {
      await db.contacts.bulkAdd(rows);
      const b = new IndexBuilder();
      for (const r of rows) b.add('contact', r.n, docTerms('contact', r), docRank('contact', r));
      await b.flush(db);
    });
    expect(names((await search(db, 'zed quill')).contacts).sort()).toEqual(['Zed Quill 0', 'Zed Quill 1', 'Zed Quill 2']);
    expect(names((await search(db, 'ze qu 0')).contacts)).toEqual(['Zed Quill 0']);
    expect(names((await search(db, 'quorra zed')).contacts)).toEqual(['Zed Quorra']);

    // Common words (prefix entries counting more postings than a driver is read ahead for): the
    // newest chunks are read one row per word, the rest in one range read per word.
    await db.prefixes
      .where('[k+p]')
      .anyOf([
        ['contact', 'zed'],
        ['contact', 'quill'],
      ])
      .modify({ count: 50_000 });
    expect(names((await search(db, 'zed quill')).contacts).sort()).toEqual(['Zed Quill 0', 'Zed Quill 1', 'Zed Quill 2']);
    expect(names((await search(db, 'ze qu 0')).contacts)).toEqual(['Zed Quill 0']);
  });
  it('a fairly rare word (more than its prefix entry lists) drives the intersection across chunks', async () => {
    const at = '2026-01-01T00:00:00.000Z';
    // 40 "Yara Vex" spread over three chunks, among 60 other "Yara"s: "vex" is read once across
    // all chunks; only the chunks where it occurs are intersected with "yara".
    const rows = Array.from({ length: 100 }, (_, i) => ({
      n: 200_000 + (i % 3) * 65_536 + i,
      id: `ct_yara${i}`,
      name: i % 5 < 2 ? `Yara Vex ${i}` : `Yara Other ${i}`,
      emails: [],
      phones: [],
      tags: [],
      createdAt: at,
      updatedAt: at,
      sources: [],
    })).sort((a, b) => a.n - b.n); // the builder takes doc numbers in ascending order, as putRecords allocates them
    await db.transaction('rw', db.contacts, db.postings, db.prefixes, async () => {
      await db.contacts.bulkAdd(rows);
      const b = new IndexBuilder();
      for (const r of rows) b.add('contact', r.n, docTerms('contact', r), docRank('contact', r));
      await b.flush(db);
    });
    const vex = rows.filter((r) => r.name.includes('Vex'));
    expect(vex.length).toBe(40);
    const found = (await search(db, 'yara vex', { limit: 50 })).contacts.map((h) => h.record.name);
    expect(found.length).toBeGreaterThanOrEqual(10);
    for (const name of found) expect(name).toMatch(/^Yara Vex /);
    // The newest chunk's matches come first (doc numbers descending within a chunk).
    const newestChunk = vex.filter((r) => r.n >= 200_000 + 2 * 65_536).map((r) => r.name);
    expect(newestChunk.every((n) => found.includes(n))).toBe(true);
    // "6" is a prefix of 60–69 too (of which 60, 61, 65, 66 are Vex); the exact word ranks first.
    const six = (await search(db, 'yara vex 6')).contacts.map((h) => h.record.name);
    expect(six).toHaveLength(5);
    expect(six[0]).toBe('Yara Vex 6');
    expect(six.slice(1).sort()).toEqual(['Yara Vex 60', 'Yara Vex 61', 'Yara Vex 65', 'Yara Vex 66']);
  });

  it('finds by email, company, title and tag', async () => {
    expect(names((await search(db, 'j.mueller@bau')).contacts)).toEqual(['Jürgen Müller']);
    expect(names((await search(db, 'energia')).contacts)).toEqual(['José Álvarez']);
    expect(names((await search(db, 'ingen')).contacts)).toEqual(['José Álvarez']);
    expect(names((await search(db, 'vip')).contacts)).toEqual(['Annabel Smith']);
    expect((await search(db, 'bau')).companies.map((c) => c.record.name)).toEqual(['Bau GmbH']);
  });
  it('ranks exact word matches above prefix matches, then recent activity', async () => {
    expect(names((await search(db, 'ann')).contacts)[0]).toBe('Ann Lee');
    const karlsson = await findContactByEmail('anna@nord.se', db);
    await addActivities(
      [
        {
          type: 'email',
          contactIds: [karlsson!.id],
          subject: 'Hej',
          occurredAt: '2026-11-20T10:00:00Z',
          messageId: 'm1',
          direction: 'incoming',
        },
      ],
      src,
      db,
    );
    const order = names((await search(db, 'ann')).contacts);
    expect(order[0]).toBe('Ann Lee');
    expect(order[1]).toBe('Anna Karlsson');
  });
  it('a long word finds the record that is it, however many newer ones start with it', async () => {
    await upsertContacts([{ name: 'Person17 Exact', emails: ['p17@exact.example'] }], src, {}, db);
    await upsertContacts(
      Array.from({ length: 100 }, (_, i) => ({ name: `Person${1700 + i} Later`, emails: [`p${1700 + i}@later.example`] })),
      src,
      {},
      db,
    );
    expect(names((await search(db, 'person17')).contacts)[0]).toBe('Person17 Exact');
  });
  it('finds activities by subject and participants, and forgets deleted records', async () => {
    const ann = await findContactByEmail('ann@lee.io', db);
    await addActivities(
      [
        {
          type: 'email',
          contactIds: [ann!.id],
          subject: 'Quarterly proposal',
          occurredAt: '2026-10-01T00:00:00Z',
          participants: [{ email: 'ann@lee.io', name: 'Ann Lee' }],
          messageId: 'x',
        },
      ],
      src,
      db,
    );
    expect(names((await search(db, 'propos')).activities)).toEqual(['Quarterly proposal']);
    expect(names((await search(db, 'quarterly lee')).activities)).toEqual(['Quarterly proposal']);
    await deleteContact(ann!.id, db);
    expect((await search(db, 'ann lee')).contacts).toEqual([]);
    expect(await db.prefixes.where('[k+p]').equals(['contact', 'lee']).count()).toBe(0);
  });
});

describe('bulk writes into a chunk that already has postings', () => {
  it('a second large batch adds its people to the words they share with the first, and each keeps its own word', async () => {
    // Each batch writes more than a thousand index rows into chunk 0, most of them new words (the
    // addresses); the words both batches share must keep the first batch's people.
    const batch = (from: number) =>
      Array.from({ length: 1500 }, (_, i) => ({ name: `Nimbus Person${from + i}`, emails: [`p${from + i}@nimbus.example`] }));
    await upsertContacts(batch(0), src, {}, db);
    await upsertContacts(batch(1500), src, {}, db);
    expect((await matchingDocs(db, 'contact', 'nimbus'))!.size).toBe(3000);
    expect((await matchingDocs(db, 'contact', 'nim'))!.size).toBe(3000);
    const nimbus = (await db.postings.get(['contact', 'nimbus', 0]))!;
    expect(cardinality(nimbus)).toBe(3000);
    expect(names((await search(db, 'person1234')).contacts)).toEqual(['Nimbus Person1234']);
    expect(names((await search(db, 'person2345')).contacts)).toEqual(['Nimbus Person2345']);
    expect(names((await search(db, 'nimbus person2999')).contacts)).toEqual(['Nimbus Person2999']);
  });
});

describe('activities', () => {
  it('logging the same message twice adds nothing; the timeline is newest first', async () => {
    const { contact } = await upsertContact({ name: 'T Person', emails: ['t@x.io'] }, src, {}, db);
    const mail = {
      type: 'email' as const,
      contactIds: [contact.id],
      subject: 'Hi',
      occurredAt: '2026-01-01T00:00:00Z',
      messageId: '<a@b>',
      direction: 'incoming' as const,
    };
    const first = await addActivities([mail], src, db);
    const second = await addActivities([mail], src, db);
    expect(first.added).toHaveLength(1);
    expect(second.added).toHaveLength(0);
    expect(second.existing).toHaveLength(1);
    await addNote([contact.id], 'Called, wants a demo', src, db);
    await createTask({ title: 'Follow up', dueAt: '2030-01-01T00:00:00Z', contactIds: [contact.id] }, src, db);
    const tl = await getTimeline(contact.id, db);
    expect(tl.map((i) => (i.kind === 'task' ? 'task' : i.activity.type))).toEqual(['task', 'note', 'email']);
  });
});

describe('export and import', () => {
  it('round trip export → delete all → import restores identical data', async () => {
    await upsertContacts(
      [
        { name: 'Zoë 😀 Ng', emails: ['zoe@ng.io'], company: 'Ng Ltd', tags: ['a'], phones: ['+14155550100'] },
        { name: '<img src=x onerror=alert(1)>', emails: ['x@evil.test'] },
      ],
      src,
      {},
      db,
    );
    const z = await findContactByEmail('zoe@ng.io', db);
    await addActivities(
      [{ type: 'email', contactIds: [z!.id], subject: 'S', occurredAt: '2026-01-01T00:00:00Z', messageId: 'q', direction: 'outgoing' }],
      src,
      db,
    );
    await createTask({ title: 'T', contactIds: [z!.id] }, src, db);
    const collect = async () => {
      let s = '';
      for await (const p of exportParts(db, '2026-11-23T00:00:00.000Z')) s += p;
      return JSON.parse(s);
    };
    const before = await collect();
    expect(ExportFile.safeParse(before).success).toBe(true);
    expect(before.contacts).toHaveLength(2);
    expect(before.contacts[0].n).toBeUndefined();
    await deleteAllData(db);
    expect((await counts(db)).contacts).toBe(0);
    expect((await search(db, 'zoe')).contacts).toHaveLength(0);
    await restoreExport(before, undefined, db);
    const after = await collect();
    expect(after).toEqual(before);
    expect(names((await search(db, 'zoe')).contacts)).toEqual(['Zoë 😀 Ng']);
    // Importing again changes nothing.
    await restoreExport(before, undefined, db);
    expect(await collect()).toEqual(before);
  });
});

// Schemas as earlier versions declared them, written out here on purpose: a migration test must
// open the database an older release left, not one derived from today's declarations.
const V1_STORES = {
  contacts: 'n, &id, *emails, linkedinId, companyId, updatedAt',
  companies: 'n, &id, domain, name',
  activities: 'n, &id, *contactIds, threadId, messageId',
  tasks: 'id, *contactIds, dueAt, done',
  deals: 'id, *contactIds, companyId, stage',
  meta: 'key',
};
const V4_STORES = {
  ...V1_STORES,
  postings: '[k+t+c], [k+c+t]',
  prefixes: '[k+p]',
  connectors: 'id, type',
  secrets: 'connectorId',
  outbox: 'id, [connectorId+kind+nextAt], [connectorId+state], [kind+localId]',
  links: '[connectorId+kind+localId], [connectorId+kind+remoteId]',
  syncState: 'key',
  crmCache: 'key, connectorId, email',
};

describe('schema migration', () => {
  it('opens a v1 database with data, upgrades to the current version, data intact and searchable', async () => {
    const name = `mig-${Math.random().toString(36).slice(2)}`;
    const v1 = new Dexie(name);
    v1.version(1).stores(V1_STORES);
    const at = '2025-01-01T00:00:00.000Z';
    const contact = {
      n: 1,
      id: 'ct_1',
      name: 'Łukasz Wróbel',
      emails: ['lw@firma.pl'],
      phones: [],
      tags: [],
      createdAt: at,
      updatedAt: at,
      sources: [],
    };
    await v1.table('contacts').add(contact);
    await v1.table('activities').add({
      n: 1,
      id: 'ac_1',
      type: 'note',
      contactIds: ['ct_1'],
      subject: 'Spotkanie',
      occurredAt: at,
      createdAt: at,
      updatedAt: at,
      sources: [],
    });
    v1.close();

    const upgraded = new RapportDB(name);
    await upgraded.open();
    expect(upgraded.verno).toBe(12);
    expect(await upgraded.contacts.get(1)).toEqual(contact);
    // The index is built after the upgrade, resumably: nothing is found until the rebuild runs.
    expect(await rebuildState(upgraded)).toMatchObject({ kind: 'contact', after: -1 });
    expect((await search(upgraded, 'lukasz')).contacts).toEqual([]);
    expect(await continueIndexRebuild(upgraded)).toBe(true);
    expect(await rebuildState(upgraded)).toBeUndefined();
    expect(names((await search(upgraded, 'lukasz')).contacts)).toEqual(['Łukasz Wróbel']);
    expect(names((await search(upgraded, 'spotk')).activities)).toEqual(['Spotkanie']);
    upgraded.close();
    await Dexie.delete(name);
  });

  it('rebuilds a v4 index (absolute doc numbers, 3-letter prefix unions) as offsets, bitmaps and 6-letter unions; search answers the same', async () => {
    // Index 5,001 contacts with the current code, then write its rows into a v4 database the way
    // v4 stored them (absolute Uint32 doc numbers), and let the v5 upgrade rebuild them.
    const at = '2025-01-01T00:00:00.000Z';
    const rows = Array.from({ length: 5001 }, (_, i) => ({
      n: 70_000 + i,
      id: `ct_z${i}`,
      name: i === 5000 ? 'Zed Único' : `Zed Person${i}`,
      emails: [],
      phones: [],
      tags: [],
      createdAt: at,
      updatedAt: at,
      sources: [],
    }));
    await db.transaction('rw', db.contacts, db.postings, db.prefixes, async () => {
      await db.contacts.bulkAdd(rows);
      const b = new IndexBuilder();
      for (const r of rows) b.add('contact', r.n, docTerms('contact', r), docRank('contact', r));
      await b.flush(db);
    });
    const before = await search(db, 'zed uni');
    expect(names(before.contacts)).toEqual(['Zed Único']);
    const current = await db.postings.toArray();
    expect(current.find((r) => r.t === 'zed')?.bits?.length).toBe(8192);
    // v4 had prefix unions (keys marked \u0001) for 1–3 letters only.
    const legacy = current
      .filter((r) => !(r.t.startsWith('\u0001') && r.t.length > 4))
      .map(({ k, t, c, ...docs }) => ({ k, t, c, ids: Uint32Array.from(decodeOffsets(docs), (o) => (c << 16) + o) }));
    expect(legacy.length).toBeLessThan(current.length);

    const name = `mig4-${Math.random().toString(36).slice(2)}`;
    const v4 = new Dexie(name);
    v4.version(4).stores(V4_STORES);
    await v4.table('contacts').bulkAdd(rows);
    await v4.table('postings').bulkAdd(legacy);
    await v4.table('prefixes').bulkAdd(await db.prefixes.toArray());
    v4.close();

    const upgraded = new RapportDB(name);
    await upgraded.open();
    expect(await upgraded.postings.count()).toBe(0);
    // Small pages, and a stop half-way (a worker killed): the rebuild resumes where it was.
    expect(await rebuildIndexStep(upgraded, 1000)).toBe(false);
    expect(await rebuildState(upgraded)).toMatchObject({ kind: 'contact', after: 70_999 });
    expect(await continueIndexRebuild(upgraded, Infinity, 1000)).toBe(true);
    const converted = await upgraded.postings.toArray(); // rebuilt from the records
    expect(converted).toHaveLength(current.length);
    expect(converted.every((r) => !('ids' in r) && (r.offs || r.bits))).toBe(true);
    expect(converted.find((r) => r.t === 'zed')?.bits).toEqual(current.find((r) => r.t === 'zed')?.bits);
    expect(names((await search(upgraded, 'zed uni')).contacts)).toEqual(['Zed Único']);
    expect((await search(upgraded, 'zed person4999')).contacts.map((h) => h.record.n)).toEqual([74_999]);

    // A doc leaves and joins a bitmap chunk when its record changes.
    const renamed = { ...rows[10], name: 'Ann Person10' };
    await upgraded.transaction('rw', upgraded.contacts, upgraded.postings, upgraded.prefixes, async () => {
      await upgraded.contacts.put(renamed);
      await reindexDoc(
        upgraded,
        'contact',
        renamed.n,
        docTerms('contact', rows[10]),
        docTerms('contact', renamed),
        docRank('contact', renamed),
      );
    });
    const zedPerson10 = (await search(upgraded, 'zed person10', { limit: 20 })).contacts.map((h) => h.record.n);
    expect(zedPerson10.length).toBeGreaterThan(0); // Person100…, Person1000…
    expect(zedPerson10).not.toContain(70_010);
    expect(names((await search(upgraded, 'ann person10')).contacts)).toEqual(['Ann Person10']);
    const zed = await upgraded.postings.get(['contact', 'zed', 1]);
    expect(cardinality(zed!)).toBe(5000);
    upgraded.close();
    await Dexie.delete(name);
  });

  it('while the index is rebuilt, writes ahead of the rebuild are left to it and writes behind it are indexed: nothing twice, nothing missed', async () => {
    const people = Array.from({ length: 30 }, (_, i) => ({ name: `Rhea Quint${i}`, emails: [`rq${i}@quint.example`] }));
    for (const p of people) await upsertContact(p, src, {}, db);
    const before = await db.postings.toArray();
    await db.transaction('rw', db.postings, db.prefixes, db.meta, () => startIndexRebuild(Dexie.currentTransaction!));
    expect((await search(db, 'rhea')).contacts).toEqual([]);
    // A page of 12: the rebuild has passed 12 of the 30.
    expect(await rebuildIndexStep(db, 12)).toBe(false);
    const state = (await rebuildState(db))!;
    expect(state.kind).toBe('contact');
    expect(await rebuildProgress(db, state)).toBeGreaterThan(0);
    const all = await db.contacts.orderBy(':id').toArray();
    const behind = all.find((c) => c.n <= state.after && c.name.startsWith('Rhea'))!;
    const ahead = all.find((c) => c.n > state.after && c.name.startsWith('Rhea'))!;
    // Renamed: one the rebuild has passed, one it has not; a new one; one deleted ahead of it.
    await updateContact(behind.id, { name: 'Rhea Renamedbehind' }, src, db);
    await updateContact(ahead.id, { name: 'Rhea Renamedahead' }, src, db);
    await upsertContact({ name: 'Rhea Newcomer', emails: ['new@quint.example'] }, src, {}, db);
    const gone = all.filter((c) => c.name.startsWith('Rhea')).pop()!;
    await deleteContact(gone.id, db);
    expect(await continueIndexRebuild(db, Infinity, 12)).toBe(true);

    expect(names((await search(db, 'renamedbehind')).contacts)).toEqual(['Rhea Renamedbehind']);
    expect(names((await search(db, 'renamedahead')).contacts)).toEqual(['Rhea Renamedahead']);
    expect(names((await search(db, 'newcomer')).contacts)).toEqual(['Rhea Newcomer']);
    expect((await search(db, behind.name)).contacts.map((h) => h.record.name)).not.toContain(behind.name);
    expect((await search(db, gone.name)).contacts.map((h) => h.record.name)).not.toContain(gone.name);
    // Every doc is in the "rhea" row once: 30 − 1 deleted + 1 new.
    const rhea = await db.postings.get(['contact', 'rhea', 0]);
    expect(cardinality(rhea!)).toBe(30);
    // And the rebuilt index is exactly what indexing the final records from scratch gives.
    const fresh = new RapportDB(`${dbName}-fresh`);
    await fresh.open();
    const rows = await db.contacts.orderBy(':id').toArray();
    await fresh.transaction('rw', fresh.contacts, fresh.postings, fresh.prefixes, async () => {
      await fresh.contacts.bulkAdd(rows);
      const b = new IndexBuilder();
      for (const r of rows) b.add('contact', r.n, docTerms('contact', r), docRank('contact', r));
      await b.flush(fresh);
    });
    const key = (r: { k: string; t: string; c: number }) => `${r.k}|${r.t}|${r.c}`;
    const rebuilt = new Map(
      (await db.postings.toArray()).filter((r) => r.k === 'contact').map((r) => [key(r), Array.from(decodeOffsets(r))]),
    );
    const expected = new Map((await fresh.postings.toArray()).map((r) => [key(r), Array.from(decodeOffsets(r))]));
    expect(rebuilt).toEqual(expected);
    const tops = async (d: RapportDB) =>
      new Map(
        (await d.prefixes.toArray()).filter((e) => e.k === 'contact').map((e) => [e.p, { count: e.count, ids: Array.from(e.ids).sort() }]),
      );
    expect(await tops(db)).toEqual(await tops(fresh));
    expect(before.length).toBeGreaterThan(0);
    fresh.close();
    await Dexie.delete(`${dbName}-fresh`);
  });
});
