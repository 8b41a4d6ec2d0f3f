// Bulk actions of the People table: chunked writes with their outbox entries, coalesced per
// person; a delete that waits out its undo window; the selection's export; saved views.
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  bulkDelete,
  bulkDeleteContacts,
  bulkEdit,
  bulkEditContacts,
  bulkQueue,
  bulkQueueForSync,
  deleteWithUndo,
} from '../../../storage/bulk';
import { entryKey } from '../../../storage/outbox';
import { upsertCompany, upsertContacts } from '../../../storage/repositories';
import { deleteView, getSavedViews, saveView } from '../../../storage/saved-views';
import { decodeOffsets } from '../../../storage/posting-chunk';
import { putRecords, writeScope } from '../../../storage/records';
import { search } from '../../../storage/search-index';
import { closeDbs, freshDb, setup, src } from '../sync/helpers';

afterEach(() => {
  vi.useRealTimers();
  return closeDbs();
});

async function people(db: Awaited<ReturnType<typeof freshDb>>, count: number) {
  const res = (await upsertContacts(
    Array.from({ length: count }, (_, i) => ({
      name: `Person ${i}`,
      emails: [`p${i}@acme.example`],
      company: 'Acme',
      tags: i % 2 ? ['old'] : [],
    })),
    src,
    {},
    db,
  )) as { contact: { id: string } }[];
  return res.map((r) => r.contact.id);
}

describe('bulk edits', () => {
  it('tags every selected person in chunks, searchable by the tag, with one coalesced outbox entry each', async () => {
    const { db, inst } = await setup({ kinds: ['contact'] });
    const ids = await people(db, 23);
    const picked = ids.slice(0, 20);
    const seen: number[] = [];
    const changed = await bulkEditContacts(picked, { addTags: [' Hot  lead '] }, src, {
      db,
      chunkSize: 7,
      onProgress: (p) => seen.push(p.done),
    });
    expect(changed).toBe(20);
    expect(seen).toEqual([7, 14, 20]);
    const stored = await db.contacts.where('id').anyOf(picked).toArray();
    expect(stored.every((c) => c.tags.includes('Hot lead'))).toBe(true);
    expect((await db.contacts.where('id').equals(ids[22]).first())!.tags).not.toContain('Hot lead');
    expect((await search(db, 'hot lead', { kinds: ['contact'], limit: 50 })).contacts).toHaveLength(20);

    // Created (version 1), then tagged: one entry per person, version 2; tagging again: version 3.
    const entry = () => db.outbox.get(entryKey(inst.id, 'contact', picked[3]));
    expect((await entry())!.version).toBe(2);
    await bulkEditContacts(picked, { removeTags: ['old'], stage: 'qualified' }, src, { db });
    expect((await entry())!.version).toBe(3);
    expect(await db.outbox.where('[kind+localId]').between(['contact', ''], ['contact', '\uffff']).count()).toBe(23);
    const one = (await db.contacts.where('id').equals(picked[1]).first())!;
    expect(one.tags).toEqual(['Hot lead']);
    expect(one.stage).toBe('qualified');
  });

  it('leaves people the edit does not change unwritten and unqueued, and clears a stage with ""', async () => {
    const { db, inst } = await setup({ kinds: ['contact'] });
    const ids = await people(db, 4);
    expect(await bulkEditContacts(ids, { removeTags: ['old'] }, src, { db })).toBe(2);
    expect((await db.outbox.get(entryKey(inst.id, 'contact', ids[0])))!.version).toBe(1);
    expect((await db.outbox.get(entryKey(inst.id, 'contact', ids[1])))!.version).toBe(2);
    await bulkEditContacts(ids, { stage: 'lead' }, src, { db });
    await bulkEditContacts(ids, { stage: '' }, src, { db });
    expect((await db.contacts.toArray()).some((c) => c.stage)).toBe(false);
  });

  it('reads people given with their numbers by number, and by id where the number is not theirs (any more)', async () => {
    const { db, inst } = await setup({ kinds: ['contact'] });
    const ids = await people(db, 4);
    const n = async (id: string) => (await db.contacts.where('id').equals(id).first())!.n;
    const last = await n(ids[3]);
    await bulkDeleteContacts([ids[3]], { db });
    // The last number is given again to the next person created.
    const [made] = (await upsertContacts([{ name: 'New Comer', emails: ['new@acme.example'] }], src, {}, db)) as {
      contact: { id: string };
    }[];
    const newcomer = made.contact.id;
    expect(await n(newcomer)).toBe(last);
    const changed = await bulkEditContacts(
      [{ id: ids[0], n: await n(ids[0]) }, { id: ids[1], n: await n(ids[2]) }, { id: ids[3], n: last }, ids[2]],
      { addTags: ['picked'] },
      src,
      { db },
    );
    expect(changed).toBe(3);
    const tagged = (await db.contacts.toArray()).filter((c) => c.tags.includes('picked')).map((c) => c.id);
    expect(tagged.sort()).toEqual([ids[0], ids[1], ids[2]].sort());
    expect((await db.outbox.get(entryKey(inst.id, 'contact', newcomer)))!.version).toBe(1);
  });

  it('queues people for sync (re-arming a refused entry) and counts what it queued', async () => {
    const { db, inst } = await setup({ kinds: ['contact'] });
    const ids = await people(db, 3);
    await db.outbox.update(entryKey(inst.id, 'contact', ids[0]), { state: 'dead' });
    expect(await bulkQueueForSync([...ids, 'ct_missing'], { db })).toBe(3);
    expect((await db.outbox.get(entryKey(inst.id, 'contact', ids[0])))!.state).toBe('pending');
  });
});

describe('bulk actions on companies', () => {
  it('tags companies (searchable, queued), ignores a stage, queues them and deletes them with undo; their people stay', async () => {
    const { db, inst } = await setup({ kinds: ['contact', 'company'] });
    await people(db, 3); // all at Acme
    const acme = (await db.companies.toArray())[0].id;
    const other = (await upsertCompany({ name: 'Borealis' }, src, db)).id;
    expect(await bulkEdit('company', [acme, other], { addTags: ['Key account'], stage: 'lead' }, src, { db })).toBe(2);
    const stored = await db.companies.toArray();
    expect(stored.map((c) => c.tags)).toEqual([['Key account'], ['Key account']]);
    expect(stored.some((c) => 'stage' in c)).toBe(false);
    expect((await search(db, 'key account', { kinds: ['company'], limit: 10 })).companies).toHaveLength(2);
    expect((await db.outbox.get(entryKey(inst.id, 'company', acme)))!.version).toBe(2);
    expect(await bulkEdit('company', [acme], { removeTags: ['key account', 'Key account'] }, src, { db })).toBe(1);
    expect(await bulkQueue('company', [acme, other, 'co_missing'], { db })).toBe(2);

    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const undone = deleteWithUndo([acme], 5000, { db, kind: 'company' });
    expect(undone.undo()).toBe(true);
    const job = deleteWithUndo([acme, other], 5000, { db, kind: 'company' });
    vi.advanceTimersByTime(5001);
    vi.useRealTimers();
    expect(await job.done).toBe(2);
    expect(await db.companies.count()).toBe(0);
    const left = await db.contacts.toArray();
    expect(left).toHaveLength(3);
    expect(left.every((c) => c.company === 'Acme' && !c.companyId)).toBe(true);
    expect(await bulkDelete('company', [acme], { db })).toBe(0);
  });
});

describe('the search index after a bulk edit', () => {
  it('holds the same postings, counts and top lists as an index built from the edited records', async () => {
    // The edit comes minutes later: people without activity are ranked by their last change, so
    // it moves them up in every prefix entry of their terms.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-01T10:00:00.000Z'));
    const db = await freshDb();
    const inputs = Array.from({ length: 260 }, (_, i) => ({
      name: `Ida Marsh${i % 40}`,
      emails: [`ida${i}@marsh${i % 9}.example`],
      company: `Marsh ${i % 5}`,
      // "bell" keeps some of the "beta" people under the prefixes "b" and "be" once beta goes.
      tags: i % 3 ? ['alpha'] : i % 2 ? ['alpha', 'beta', 'bell'] : ['alpha', 'beta'],
      ...(i % 2 ? { lastActivityAt: `2026-0${1 + (i % 9)}-01T00:00:00.000Z` } : {}),
    }));
    const ids = (await upsertContacts(inputs, src, {}, db)).map((r) => (r as { contact: { id: string } }).contact.id);
    vi.setSystemTime(new Date('2026-12-01T10:07:00.000Z'));
    await bulkEditContacts(ids.slice(0, 200), { addTags: ['gamma ray'], removeTags: ['beta'] }, src, { db, chunkSize: 64 });
    const edited = (await db.contacts.orderBy(':id').toArray()).map(({ n: _n, ...c }) => c);

    const rebuilt = await freshDb();
    await rebuilt.transaction('rw', writeScope(rebuilt, 'contact'), () => putRecords(rebuilt, 'contact', edited));
    const postings = async (d: typeof db) =>
      (await d.postings.toArray())
        .filter((p) => p.k === 'contact')
        .map((p) => `${p.k}|${p.t}|${p.c}|${Array.from(decodeOffsets(p)).join(',')}`)
        .sort();
    expect(await postings(db)).toEqual(await postings(rebuilt));
    const counts = async (d: typeof db) =>
      (await d.prefixes.toArray())
        .filter((p) => p.k === 'contact')
        .map((p) => `${p.p}:${p.count}`)
        .sort();
    expect(await counts(db)).toEqual(await counts(rebuilt));
    // Top lists: the same docs at the same ranks wherever the rebuilt entry is complete (a
    // truncated list may keep a hole where a doc left it). Docs of equal rank are compared as a set.
    const rebuiltLists = (await rebuilt.prefixes.toArray()).filter((p) => p.k === 'contact' && !p.truncated);
    expect(rebuiltLists.length).toBeGreaterThan(20);
    const entries = await db.prefixes.bulkGet(rebuiltLists.map((p) => ['contact', p.p] as ['contact', string]));
    const list = (e: { p: string; ids: ArrayLike<number>; ranks: ArrayLike<number> } | undefined) =>
      e &&
      `${e.p}: ${Array.from(e.ids, (n, i) => [e.ranks[i], n])
        .sort((a, b) => b[0] - a[0] || a[1] - b[1])
        .join(' ')}`;
    expect(entries.map(list)).toEqual(rebuiltLists.map(list));
    for (const q of ['gamma', 'gam ray', 'beta', 'ida marsh1', 'alpha']) {
      const names = async (d: typeof db) =>
        (await search(d, q, { kinds: ['contact'], limit: 300 })).contacts.map((h) => h.record.id).sort();
      expect(await names(db), q).toEqual(await names(rebuilt));
    }
  });
});

describe('bulk delete', () => {
  it('deletes in chunks, with their index rows and outbox entries', async () => {
    const { db } = await setup({ kinds: ['contact'] });
    const ids = await people(db, 9);
    expect(await bulkDeleteContacts(ids.slice(0, 7), { db, chunkSize: 3 })).toBe(7);
    expect(await db.contacts.count()).toBe(2);
    expect(await db.outbox.where('[kind+localId]').between(['contact', ''], ['contact', '\uffff']).count()).toBe(2);
    expect((await search(db, 'person', { kinds: ['contact'], limit: 50 })).contacts).toHaveLength(2);
  });

  it('waits out the undo window: undone, nothing is deleted; otherwise everything is', async () => {
    const db = await freshDb();
    const ids = await people(db, 5);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const undone = deleteWithUndo(ids.slice(0, 2), 5000, { db });
    vi.advanceTimersByTime(4000);
    expect(undone.undo()).toBe(true);
    vi.advanceTimersByTime(5000);
    expect(await undone.done).toBe(0);
    expect(await db.contacts.count()).toBe(5);

    const kept = deleteWithUndo(ids.slice(0, 3), 5000, { db });
    vi.advanceTimersByTime(5001);
    vi.useRealTimers();
    expect(await kept.done).toBe(3);
    expect(kept.undo()).toBe(false);
    expect(await db.contacts.count()).toBe(2);
  });
});

describe('saved views', () => {
  it('saves, replaces by name and deletes views', async () => {
    const db = await freshDb();
    const a = await saveView({ table: 'people', name: 'Hot leads', query: 'stage=lead&tag=hot' }, db);
    await saveView({ table: 'companies', name: 'Hot leads', query: 'tag=hot' }, db);
    const again = await saveView({ table: 'people', name: ' Hot leads ', query: 'stage=lead' }, db);
    expect(again.id).toBe(a.id);
    expect((await getSavedViews(db)).map((v) => [v.table, v.name, v.query])).toEqual([
      ['people', 'Hot leads', 'stage=lead'],
      ['companies', 'Hot leads', 'tag=hot'],
    ]);
    await deleteView(a.id, db);
    expect(await getSavedViews(db)).toHaveLength(1);
    await expect(saveView({ table: 'people', name: '  ', query: '' }, db)).rejects.toThrow();
  });
});
