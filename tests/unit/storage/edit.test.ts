// Edits by hand (storage/edit.ts): what the user typed is checked with messages naming the field and
// line at fault, nothing is written when something does not pass, and every edit writes the record,
// its search-index rows and its outbox entry in one transaction (decision 0043).
import { afterEach, describe, expect, it } from 'vitest';
import {
  ValidationError,
  checkContactFields,
  createCompany,
  createContact,
  defineCustomField,
  deleteNote,
  editCompany,
  editContact,
  editNote,
  removeContact,
  removeCustomField,
  splitLines,
  splitTags,
} from '../../../storage/edit';
import { enqueue, entryKey } from '../../../storage/outbox';
import { getCompanyTimeline, getTimeline, suggestCompanies } from '../../../storage/queries';
import { addNote, upsertContacts } from '../../../storage/repositories';
import type { Contact } from '../../../storage/schema';
import { search } from '../../../storage/search-index';
import { runOnce } from '../../../sync/engine';
import { closeDbs, setup, src } from '../sync/helpers';

afterEach(closeDbs);

async function world() {
  const w = await setup({ kinds: ['contact', 'company', 'note', 'email', 'task'] });
  const [ann, bob] = (await upsertContacts(
    [
      { name: 'Ann Quill', emails: ['ann@quill.example'], company: 'Quill Ltd' },
      { name: 'Bob Marsh', emails: ['bob@marsh.example'] },
    ],
    src,
    {},
    w.db,
  )) as { contact: Contact }[];
  return { ...w, ann: ann.contact, bob: bob.contact };
}

/** The ValidationError's messages by field, or a failure when the call did not throw one. */
async function fieldErrors(p: Promise<unknown>): Promise<Record<string, string>> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ValidationError);
  return (e as ValidationError).fields;
}

describe('checking a contact form', () => {
  const keys = new Set<string>();

  it('names the line and the reason of a bad e-mail or phone, and keeps the first e-mail first', () => {
    const r = checkContactFields(
      { name: 'X', emails: splitLines('Zed@Example.com\nnot-an-address\nzed@example.com'), phones: splitLines('+44 20 7946 0958\n12') },
      { customKeys: keys },
    );
    expect(r.errors.emails).toBe('E-mail on line 2 (“not-an-address”) has no @.');
    expect(r.errors.phones).toMatch(/^Phone on line 2 \(“12”\) is not a valid phone number/);
    expect(r.patch.emails).toEqual(['zed@example.com']);
    expect(r.patch.phones).toEqual(['+442079460958']);
  });

  it('requires a name (or first and last names), a known stage, a LinkedIn profile address, a web address', () => {
    expect(checkContactFields({ name: '  ' }, { customKeys: keys }).errors.name).toBe('Name is required.');
    expect(checkContactFields({ firstName: 'Ada', lastName: 'Byron' }, { customKeys: keys }).patch.name).toBe('Ada Byron');
    const r = checkContactFields(
      { name: 'X', stage: 'someday', linkedinUrl: 'https://example.com/in/x', website: 'not a site' },
      { customKeys: keys },
    );
    expect(r.errors.stage).toMatch(/^Stage must be one of: lead, contacted/);
    expect(r.errors.linkedinUrl).toMatch(/^LinkedIn URL must be a profile address/);
    expect(r.errors.website).toMatch(/is not a web address/);
    const ok = checkContactFields({ name: 'X', linkedinUrl: 'linkedin.com/in/Ada-B?x=1', website: 'ada.example' }, { customKeys: keys });
    expect(ok.errors).toEqual({});
    expect(ok.patch).toMatchObject({
      linkedinUrl: 'https://www.linkedin.com/in/ada-b/',
      linkedinId: 'ada-b',
      website: 'https://ada.example/',
    });
  });

  it('keeps a stored value that would not pass today (an imported stage, a phone kept as written)', () => {
    const current = { stage: 'Prospect', phones: ['ext 12'] } as Contact;
    const r = checkContactFields({ stage: 'Prospect', phones: ['ext 12'] }, { current, customKeys: keys });
    expect(r.errors).toEqual({});
  });

  it('splits tags on commas without repeats', () => {
    expect(splitTags(' vip, ,partner ,vip')).toEqual(['vip', 'partner']);
  });
});

describe('editing a contact', () => {
  it('a bad line saves nothing; the fixed form saves record, index rows and one outbox entry together', async () => {
    const w = await world();
    const { db, inst, ann } = w;
    await runOnce(db, w.registry, w.engineOpts());
    expect(await db.outbox.count()).toBe(0);

    const bad = await fieldErrors(editContact(ann.id, { name: 'Ann Zephyr', emails: ['ann@quill.example', 'ann@@x'] }, {}, db));
    expect(bad.emails).toBe('E-mail on line 2 (“ann@@x”) has more than one @.');
    expect((await db.contacts.where('id').equals(ann.id).first())?.name).toBe('Ann Quill');
    expect(await db.outbox.count()).toBe(0);

    const saved = await editContact(
      ann.id,
      { name: 'Ann Zephyr', emails: ['ann.z@quill.example', 'ann@quill.example'], phones: ['+1 415 555 2671'] },
      {},
      db,
    );
    expect(saved).toMatchObject({ name: 'Ann Zephyr', emails: ['ann.z@quill.example', 'ann@quill.example'], phones: ['+14155552671'] });
    expect((await search(db, 'zephyr')).contacts.map((h) => h.record.id)).toEqual([ann.id]);
    expect(await db.outbox.get(entryKey(inst.id, 'contact', ann.id))).toMatchObject({ state: 'pending', version: 1 });
    await editContact(ann.id, { title: 'CEO' }, {}, db);
    expect(await db.outbox.get(entryKey(inst.id, 'contact', ann.id))).toMatchObject({ version: 2 });
    await runOnce(db, w.registry, w.engineOpts());
    expect(w.crm.pushes.at(-1)?.items.map((i) => i.item.record)).toEqual([expect.objectContaining({ name: 'Ann Zephyr', title: 'CEO' })]);
  });

  it('when the outbox write fails, neither the record nor its index rows change', async () => {
    const { db, inst, ann } = await world();
    await db.outbox.clear();
    // A corrupt instance row makes enqueue throw inside the edit's transaction.
    await db.connectors.update(inst.id, { kinds: null as never });
    await expect(editContact(ann.id, { name: 'Ann Yonder', company: 'Brand New Co' }, {}, db)).rejects.toThrow();
    expect((await db.contacts.where('id').equals(ann.id).first())?.name).toBe('Ann Quill');
    expect((await search(db, 'yonder')).contacts).toEqual([]);
    expect(await db.companies.where('name').equals('Brand New Co').count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
  });

  it("refuses an address or a LinkedIn profile that is someone else's", async () => {
    const { db, ann, bob } = await world();
    await editContact(bob.id, { linkedinUrl: 'https://www.linkedin.com/in/bob-marsh/' }, {}, db);
    const errors = await fieldErrors(
      editContact(ann.id, { emails: ['ann@quill.example', 'BOB@marsh.example'], linkedinUrl: 'linkedin.com/in/bob-marsh' }, {}, db),
    );
    expect(errors.emails).toBe('bob@marsh.example is already the address of Bob Marsh: open that person instead, or remove the line.');
    expect(errors.linkedinUrl).toBe("This LinkedIn profile is already Bob Marsh's.");
  });

  it('company by name: the stored company (any case), else a new one queued with the person', async () => {
    const { db, inst, ann, bob } = await world();
    expect((await suggestCompanies('qu', 8, db)).map((c) => c.name)).toEqual(['Quill Ltd']);
    const joined = await editContact(bob.id, { company: 'quill ltd' }, {}, db);
    expect(joined.companyId).toBe(ann.companyId);
    const moved = await editContact(bob.id, { company: 'Marsh Works' }, {}, db);
    const created = await db.companies.where('id').equals(moved.companyId!).first();
    expect(created?.name).toBe('Marsh Works');
    expect(await db.outbox.get(entryKey(inst.id, 'company', created!.id))).toMatchObject({ fresh: true });
    const left = await editContact(bob.id, { company: '' }, {}, db);
    expect(left.company).toBeUndefined();
    expect(left.companyId).toBeUndefined();
  });

  it('custom fields are defined once, then set, cleared and refused when unknown', async () => {
    const { db, ann, bob } = await world();
    const key = await defineCustomField('Shoe size', db);
    expect(key).toBe('shoe-size');
    expect(await fieldErrors(defineCustomField(' shoe SIZE ', db))).toEqual({ customLabel: 'There is already a field named “shoe SIZE”.' });
    expect((await editContact(ann.id, { custom: { [key]: ' 42 ' } }, {}, db)).custom).toEqual({ 'shoe-size': '42' });
    expect((await editContact(bob.id, { custom: { [key]: '39' } }, {}, db)).custom).toEqual({ 'shoe-size': '39' });
    expect((await editContact(ann.id, { custom: { [key]: '' } }, {}, db)).custom).toBeUndefined();
    await removeCustomField(key, db);
    expect(await fieldErrors(editContact(bob.id, { custom: { [key]: '40' } }, {}, db))).toEqual({
      'custom.shoe-size': 'There is no custom field “shoe-size”: define it first.',
    });
  });
});

describe('creating by hand', () => {
  it('a contact is found by search at once and queued as fresh; a taken address is refused', async () => {
    const { db, inst } = await world();
    const c = await createContact(
      { firstName: 'Cleo', lastName: 'Vance', emails: ['cleo@vance.example'], tags: ['vip'], stage: 'lead' },
      {},
      db,
    );
    expect(c).toMatchObject({ name: 'Cleo Vance', emails: ['cleo@vance.example'], tags: ['vip'], stage: 'lead' });
    expect(c.sources.map((s) => s.type)).toEqual(['manual']);
    expect((await search(db, 'cleo')).contacts.map((h) => h.record.id)).toEqual([c.id]);
    expect(await db.outbox.get(entryKey(inst.id, 'contact', c.id))).toMatchObject({ fresh: true });
    expect((await fieldErrors(createContact({ name: 'Again', emails: ['ann@quill.example'] }, {}, db))).emails).toMatch(
      /already the address of Ann Quill/,
    );
    expect((await fieldErrors(createContact({ emails: ['x@y.example'] }, {}, db))).name).toBe('Name is required.');
  });

  it('a company: a name that exists is refused; a rename reaches its people and their outbox entries', async () => {
    const { db, inst, ann } = await world();
    expect((await fieldErrors(createCompany({ name: 'QUILL LTD' }, db))).name).toBe('A company named Quill Ltd already exists.');
    const co = await createCompany({ name: 'Orbit', website: 'orbit.example/about' }, db);
    expect(co).toMatchObject({ name: 'Orbit', website: 'https://orbit.example/about', domain: 'orbit.example' });
    await db.outbox.clear();
    await editCompany(ann.companyId!, { name: 'Quill Group' }, db);
    expect((await db.contacts.where('id').equals(ann.id).first())?.company).toBe('Quill Group');
    expect((await db.outbox.toArray()).map((e) => e.id).sort()).toEqual(
      [entryKey(inst.id, 'company', ann.companyId!), entryKey(inst.id, 'contact', ann.id)].sort(),
    );
  });
});

describe('notes and the timeline', () => {
  it('a note is edited (index and outbox follow) and deleted; other history cannot be deleted as a note', async () => {
    const { db, inst, ann } = await world();
    const note = await addNote([ann.id], 'Call back Tuesday', src, db);
    await db.outbox.clear();
    await editNote(note.id, 'Call back Thursday', db);
    expect((await search(db, 'thursday')).activities.map((h) => h.record.id)).toEqual([note.id]);
    expect((await search(db, 'tuesday')).activities).toEqual([]);
    expect(await db.outbox.get(entryKey(inst.id, 'note', note.id))).toBeDefined();
    expect(await fieldErrors(editNote(note.id, '   ', db))).toEqual({ note: 'A note cannot be empty: delete it instead.' });
    expect((await getCompanyTimeline(ann.companyId!, 500, db)).map((i) => i.kind === 'activity' && i.activity.body)).toEqual([
      'Call back Thursday',
    ]);
    await deleteNote(note.id, db);
    expect(await getTimeline(ann.id, db)).toEqual([]);
  });
});

describe('deleting with archive in the CRMs', () => {
  it('queues one archive entry per connection holding the person, with its id there, in the delete transaction', async () => {
    const w = await world();
    const { db, inst, ann, bob } = w;
    await runOnce(db, w.registry, w.engineOpts());
    const remote = w.crm.records.get(`contact|${ann.id}`)!.remoteId;

    const r = await removeContact(ann.id, { archiveInCrms: true }, db);
    expect(r.keptRemotely).toEqual([]);
    expect(await db.outbox.toArray()).toEqual([
      expect.objectContaining({ id: entryKey(inst.id, 'contact', ann.id), op: 'archive', remoteId: remote, state: 'pending' }),
    ]);
    // Without the choice, the CRM keeps its copy and the page says where.
    const kept = await removeContact(bob.id, {}, db);
    expect(kept.keptRemotely).toEqual([{ connectorId: inst.id, name: inst.name }]);
    expect((await db.outbox.toArray()).map((e) => e.op)).toEqual(['archive']);
  });

  it('the engine archives them through the connector and forgets the entry; the link does not come back', async () => {
    const w = await world();
    const { db, inst, ann } = w;
    await runOnce(db, w.registry, w.engineOpts());
    const remote = w.crm.records.get(`contact|${ann.id}`)!.remoteId;
    const archived: [string, string[]][] = [];
    const memory = w.registry.get('memory')!;
    memory.archivable = ['contact', 'company'];
    memory.archive = async (_ctx, kind, requests) => {
      archived.push([kind, requests.map((r) => r.remoteId)]);
      return requests.map(({ remoteId }) => ({ remoteId, ok: true as const }));
    };
    await removeContact(ann.id, { archiveInCrms: true }, db);
    await runOnce(db, w.registry, w.engineOpts());
    expect(archived).toEqual([['contact', [remote]]]);
    expect(await db.outbox.count()).toBe(0);
    expect(await db.links.get([inst.id, 'contact', ann.id])).toBeUndefined();
    expect((await db.syncState.toArray()).filter((r) => JSON.stringify(r.linkJournal ?? '').includes(ann.id))).toEqual([]);
  });

  it('a connector that cannot archive: the entry fails for good, saying to archive it there by hand', async () => {
    const w = await world();
    const { db, inst, ann } = w;
    await runOnce(db, w.registry, w.engineOpts());
    const remote = w.crm.records.get(`contact|${ann.id}`)!.remoteId;
    await removeContact(ann.id, { archiveInCrms: true }, db);
    await runOnce(db, w.registry, w.engineOpts());
    expect(await db.outbox.get(entryKey(inst.id, 'contact', ann.id))).toMatchObject({
      state: 'dead',
      lastError: `Memory CRM cannot archive from Rapport: archive this record there by hand (its id there: ${remote})`,
    });
  });

  it('a CRM that says why it cannot archive (an address book): the failed entry gives that reason', async () => {
    const w = await world();
    const { db, inst, ann } = w;
    await runOnce(db, w.registry, w.engineOpts());
    const remote = w.crm.records.get(`contact|${ann.id}`)!.remoteId;
    w.registry.get('memory')!.noArchive = 'it has no archive; delete it there by hand';
    await removeContact(ann.id, { archiveInCrms: true }, db);
    await runOnce(db, w.registry, w.engineOpts());
    expect(await db.outbox.get(entryKey(inst.id, 'contact', ann.id))).toMatchObject({
      state: 'dead',
      lastError: `Memory CRM cannot archive from Rapport: it has no archive; delete it there by hand (its id there: ${remote})`,
    });
  });

  it('a record back (restored) before its archive went out is pushed instead', async () => {
    const w = await world();
    const { db, inst, ann } = w;
    await runOnce(db, w.registry, w.engineOpts());
    await removeContact(ann.id, { archiveInCrms: true }, db);
    await db.transaction('rw', db.outbox, db.connectors, () => enqueue(db, [{ kind: 'contact', localId: ann.id }]));
    const entry = await db.outbox.get(entryKey(inst.id, 'contact', ann.id));
    expect(entry?.op).toBeUndefined();
    expect(entry?.remoteId).toBeUndefined();
  });
});
