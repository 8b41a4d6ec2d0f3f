// The People table's query layer: each filter alone and combined, sorting by every column, the
// count, text through the search index, the route's query, and the projection kept in step.
import { afterEach, describe, expect, it } from 'vitest';
import {
  CONTACT_COLUMNS,
  type ContactFilter,
  type ContactRow,
  DEFAULT_CONTACT_COLUMNS,
  DEFAULT_CONTACT_SORT,
  contactPredicate,
  formatListState,
  parseContactListState,
  toContactRow,
} from '../../../storage/contact-list';
import { OrderCache, runQuery } from '../../../storage/list-query';
import { TableProjection, companyPeopleCounts, contactSyncStates, openFollowUps } from '../../../storage/list-source';
import { COMPANY_COLUMNS, toCompanyRow, withPeopleCounts } from '../../../storage/company-list';
import { addActivities, updateContact, upsertContacts } from '../../../storage/repositories';
import { createTask, setTaskDone } from '../../../storage/tasks';
import type { Contact } from '../../../storage/schema';
import { matchingDocs } from '../../../storage/search-index';
import { entryKey } from '../../../storage/outbox';
import { closeDbs, freshDb, setup, src } from '../sync/helpers';

afterEach(closeDbs);

const at = '2026-01-01T00:00:00.000Z';
function contact(n: number, over: Partial<Contact> = {}): ContactRow {
  return toContactRow({
    n,
    id: `c${n}`,
    name: `Person ${n}`,
    emails: [`p${n}@x.example`],
    phones: [],
    tags: [],
    createdAt: at,
    updatedAt: at,
    sources: [{ type: 'import', at }],
    ...over,
  });
}

const rows: ContactRow[] = [
  contact(1, { name: 'Zoë Adler', stage: 'lead', tags: ['vip'], company: 'Acme GmbH', lastActivityAt: '2026-03-01T10:00:00Z' }),
  contact(2, { name: 'Ann Baker', stage: 'lead', tags: ['cold'], company: 'Beta', lastActivityAt: '2025-11-01T10:00:00Z' }),
  contact(3, {
    name: 'Émile Cole',
    stage: 'customer',
    tags: ['vip', 'cold'],
    company: 'acme inc',
    sources: [{ type: 'linkedin', at }],
    lastActivityAt: '2026-02-01T10:00:00Z',
  }),
  contact(4, { name: 'bob Dunn', tags: ['vip'], lastActivityAt: undefined, sources: [{ type: 'gmail', at }] }),
  contact(5, { name: 'Cara Egan', stage: 'lead', tags: ['vip'], company: 'Gamma', lastActivityAt: '2026-01-15T10:00:00Z' }),
];
const orders = new OrderCache(rows, CONTACT_COLUMNS);
const ids = (filter: ContactFilter, ctx = {}, sort = { key: 'name', desc: false }) =>
  [...runQuery(rows, orders, contactPredicate(filter, ctx), sort)].map((p) => rows[p].id);

describe('filters', () => {
  it('each filter alone keeps exactly the rows that match it', () => {
    expect(ids({})).toEqual(['c2', 'c4', 'c5', 'c3', 'c1']);
    expect(ids({ stage: 'lead' })).toEqual(['c2', 'c5', 'c1']);
    expect(ids({ tag: 'cold' })).toEqual(['c2', 'c3']);
    expect(ids({ company: 'ACME' })).toEqual(['c3', 'c1']);
    expect(ids({ source: 'linkedin' })).toEqual(['c3']);
    expect(ids({ after: '2026-01-20' })).toEqual(['c3', 'c1']);
    // Before: people never contacted do not count as "contacted before".
    expect(ids({ before: '2026-01-20' })).toEqual(['c2', 'c5']);
    expect(ids({ followUp: 'yes' }, { openFollowUps: new Set(['c4']) })).toEqual(['c4']);
    expect(ids({ followUp: 'no' }, { openFollowUps: new Set(['c4']) })).toEqual(['c2', 'c5', 'c3', 'c1']);
    expect(ids({ sync: 'failed' }, { syncStates: new Map([['c5', 'failed' as const]]) })).toEqual(['c5']);
    expect(ids({ sync: 'local' }, { syncStates: new Map([['c5', 'failed' as const]]) })).toEqual(['c2', 'c4', 'c3', 'c1']);
    expect(ids({ text: 'whatever' }, { textHits: new Set([3, 4]) })).toEqual(['c4', 'c3']);
  });

  it('filters combine (stage + tag + last-contact range) and the count is the matching rows', () => {
    const got = ids({ stage: 'lead', tag: 'vip', after: '2026-01-01', before: '2026-12-31' });
    expect(got).toEqual(['c5', 'c1']);
    expect(runQuery(rows, orders, contactPredicate({ stage: 'lead', tag: 'vip' }), DEFAULT_CONTACT_SORT).length).toBe(2);
  });
});

describe('sorting', () => {
  it('sorts by every column, both ways, case- and accent-insensitively', () => {
    expect(ids({}, {}, { key: 'name', desc: true })).toEqual(['c1', 'c3', 'c5', 'c4', 'c2']);
    expect(ids({}, {}, { key: 'lastContact', desc: true })).toEqual(['c1', 'c3', 'c5', 'c2', 'c4']);
    expect(ids({}, {}, { key: 'company', desc: false })).toEqual(['c4', 'c1', 'c3', 'c2', 'c5']);
    expect(ids({}, {}, { key: 'stage', desc: false })).toEqual(['c4', 'c3', 'c1', 'c2', 'c5']);
    expect(ids({}, {}, { key: 'tags', desc: false })).toEqual(['c2', 'c1', 'c4', 'c5', 'c3']);
    expect(ids({}, {}, { key: 'source', desc: false })).toEqual(['c4', 'c1', 'c2', 'c5', 'c3']);
    for (const column of CONTACT_COLUMNS) {
      const asc = ids({}, {}, { key: column.key, desc: false });
      const values = asc.map((id) => column.sortValue(rows.find((r) => r.id === id)!));
      expect(
        [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
        column.key,
      ).toEqual(values);
    }
  });
});

describe('the route query', () => {
  it('round-trips a view and drops what it does not know', () => {
    const state = parseContactListState('stage=lead&tag=vip&sort=-name&cols=name,email,bogus&sync=nope&followUp=yes');
    expect(state).toEqual({
      filter: { stage: 'lead', tag: 'vip', followUp: 'yes' },
      sort: { key: 'name', desc: true },
      columns: ['name', 'email'],
    });
    const q = formatListState(state, { sort: DEFAULT_CONTACT_SORT, columns: DEFAULT_CONTACT_COLUMNS });
    expect(parseContactListState(q)).toEqual(state);
    expect(formatListState(parseContactListState(''), { sort: DEFAULT_CONTACT_SORT, columns: DEFAULT_CONTACT_COLUMNS })).toBe('');
  });
});

describe('against the database', () => {
  it('text goes through the search index: every person matching every word, beyond any search limit', async () => {
    const db = await freshDb();
    const inputs = Array.from({ length: 150 }, (_, i) => ({
      name: `Nora Quist${i}`,
      emails: [`nora${i}@quist.example`],
      company: i % 2 ? 'Zephyr' : 'Yarrow',
    }));
    await upsertContacts([...inputs, { name: 'Otto Other', emails: ['otto@else.example'] }], src, {}, db);
    expect((await matchingDocs(db, 'contact', 'nora'))!.size).toBe(150);
    expect((await matchingDocs(db, 'contact', 'nor zeph'))!.size).toBe(75);
    expect((await matchingDocs(db, 'contact', 'quist149'))!.size).toBe(1);
    expect((await matchingDocs(db, 'contact', 'nora otto'))!.size).toBe(0);
    expect(await matchingDocs(db, 'contact', '  ')).toBeUndefined();
  });

  it('the projection loads every record in pages and follows edits, additions and deletions', async () => {
    const db = await freshDb();
    await upsertContacts(
      Array.from({ length: 12 }, (_, i) => ({ name: `P ${i}`, emails: [`p${i}@a.example`] })),
      src,
      {},
      db,
    );
    const projection = new TableProjection(db, 'contacts', toContactRow);
    const published: number[] = [];
    await projection.load(() => published.push(projection.rows.length), 5, 2);
    // The first page, then each time the rows have doubled, then the whole table.
    expect(published).toEqual([2, 7, 12]);
    expect(projection.loaded).toBe(true);
    expect(projection.rows).toHaveLength(12);
    const target = projection.rows[4];
    await new Promise((r) => setTimeout(r, 2));
    await updateContact(target.id, { stage: 'qualified', tags: ['vip'] }, src, db);
    await upsertContacts([{ name: 'New One', emails: ['new@a.example'] }], src, {}, db);
    await db.contacts.where('id').equals(projection.rows[0].id).delete();
    expect(await projection.refresh()).toBe(true);
    expect(projection.rows).toHaveLength(12);
    expect(projection.rows.find((r) => r.id === target.id)).toMatchObject({ stage: 'qualified', tags: ['vip'] });
    expect(projection.rows[0].name).toBe('New One');
    expect(await projection.refresh()).toBe(false);
  });

  it('watch() brings the rows in step after a write made elsewhere', async () => {
    const db = await freshDb();
    await upsertContacts([{ name: 'Ann', emails: ['ann@a.example'] }], src, {}, db);
    const projection = new TableProjection(db, 'contacts', toContactRow);
    await projection.load();
    let changes = 0;
    const stop = projection.watch(() => changes++);
    await new Promise((r) => setTimeout(r, 30));
    await upsertContacts([{ name: 'Bob', emails: ['bob@a.example'] }], src, {}, db);
    await expect.poll(() => projection.rows.map((r) => r.name)).toEqual(['Bob', 'Ann']);
    expect(changes).toBeGreaterThan(0);
    stop();
  });

  it('watch() refreshes once for writes that come while a refresh runs, and ends in step', async () => {
    const db = await freshDb();
    await upsertContacts([{ name: 'Ann', emails: ['ann@a.example'] }], src, {}, db);
    const projection = new TableProjection(db, 'contacts', toContactRow);
    await projection.load();
    let refreshes = 0;
    const refresh = projection.refresh.bind(projection);
    projection.refresh = async () => {
      refreshes++;
      await new Promise((r) => setTimeout(r, 300));
      return refresh();
    };
    const stop = projection.watch(() => undefined);
    await new Promise((r) => setTimeout(r, 30));
    const names = ['Bob', 'Cy', 'Di', 'Ed', 'Flo'];
    for (const name of names) {
      await upsertContacts([{ name, emails: [`${name.toLowerCase()}@a.example`] }], src, {}, db);
      await new Promise((r) => setTimeout(r, 30));
    }
    await expect.poll(() => projection.rows.length, { timeout: 3000 }).toBe(6);
    await new Promise((r) => setTimeout(r, 400));
    // The first write's refresh, then one for the four that came while it ran.
    expect(refreshes).toBe(2);
    stop();
  });

  it('last contact is the latest activity; open follow-ups and sync states come from tasks and the outbox', async () => {
    const w = await setup({ kinds: ['contact', 'note', 'task'] });
    const { db } = w;
    const [a, b] = (await upsertContacts(
      [
        { name: 'Ann', emails: ['ann@a.example'] },
        { name: 'Bob', emails: ['bob@a.example'] },
      ],
      src,
      {},
      db,
    )) as { contact: { id: string } }[];
    await addActivities([{ type: 'note', contactIds: [a.contact.id], body: 'hi', occurredAt: '2026-05-05T10:00:00Z' }], src, db);
    const projection = new TableProjection(db, 'contacts', toContactRow);
    await projection.load();
    expect(projection.rows.find((r) => r.id === a.contact.id)!.lastContact).toBe(Date.parse('2026-05-05T10:00:00Z'));
    const open = await createTask({ title: 'call', contactIds: [b.contact.id] }, src, db);
    const closed = await createTask({ title: 'done', contactIds: [a.contact.id] }, src, db);
    await setTaskDone(closed.id, true, db);
    expect([...(await openFollowUps(db))]).toEqual([b.contact.id]);
    expect(open.done).toBe(false);
    const states = await contactSyncStates(db);
    expect(states.get(a.contact.id)).toBe('pending');
    await db.outbox.update(entryKey(w.inst.id, 'contact', b.contact.id), { state: 'dead' });
    expect((await contactSyncStates(db)).get(b.contact.id)).toBe('failed');
  });

  it('companies count their people (where they work now) and sort by that count', async () => {
    const db = await freshDb();
    await upsertContacts(
      [
        { name: 'A One', emails: ['a1@a.example'], company: 'Alpha' },
        { name: 'A Two', emails: ['a2@a.example'], company: 'Alpha' },
        { name: 'B One', emails: ['b1@b.example'], company: 'Beta' },
        { name: 'Nobody', emails: ['n@n.example'] },
      ],
      src,
      {},
      db,
    );
    await upsertContacts([{ name: 'G', emails: ['g@g.example'], company: 'Gamma' }], src, {}, db);
    // G moves from Gamma to Beta: counted where they are now.
    const g = (await db.contacts.toArray()).find((c) => c.name === 'G')!;
    await db.contacts.update(g.n, { companyId: (await db.companies.toArray()).find((c) => c.name === 'Beta')!.id });
    const rows = withPeopleCounts((await db.companies.toArray()).map(toCompanyRow), await companyPeopleCounts(db));
    expect(Object.fromEntries(rows.map((r) => [r.name, r.people]))).toEqual({ Alpha: 2, Beta: 2, Gamma: 0 });
    const sorted = runQuery(rows, new OrderCache(rows, COMPANY_COLUMNS), undefined, { key: 'people', desc: false });
    expect([...sorted].map((p) => rows[p].name)[0]).toBe('Gamma');
    expect(COMPANY_COLUMNS.find((c) => c.key === 'people')!.cell(rows[0])).toBe(String(rows[0].people));
  });
});
