// The outbox is written in the same transaction as the change, coalesces, and costs nothing
// without a connector.
import { afterEach, describe, expect, it } from 'vitest';
import { createRegistry } from '../../../connectors/registry';
import { writeScope } from '../../../storage/records';
import {
  addActivities,
  addNote,
  deleteContact,
  saveDeal,
  updateContact,
  upsertCompany,
  upsertContact,
  upsertContacts,
} from '../../../storage/repositories';
import { createTask, setTaskDone } from '../../../storage/tasks';
import { saveConnectorInstance } from '../../../sync/connectors';
import { discardEntry, runOnce } from '../../../sync/engine';
import { ConnectorError } from '../../../connectors/types';
import { changeIdOf, enqueue, entryKey, outboxScope } from '../../../storage/outbox';
import { backfill } from '../../../storage/backfill';
import { MemoryCrm, beforeFirstPush, closeDbs, freshDb, setup, src } from './helpers';

afterEach(closeDbs);

describe('enqueue', () => {
  it('writes nothing when no connector is configured', async () => {
    const db = await freshDb();
    await upsertContacts([{ name: 'Ana', emails: ['ana@acme.com'], company: 'Acme' }], src, {}, db);
    await addNote([], 'hello', src, db);
    expect(await db.outbox.count()).toBe(0);
  });

  it('maps each change to its kind, for enabled pushing instances that sync that kind', async () => {
    const { db, inst } = await setup({ kinds: ['contact', 'company', 'email', 'note', 'task'] });
    const { contact } = await upsertContact({ name: 'Ana', emails: ['ana@acme.com'], company: 'Acme' }, src, {}, db);
    await addActivities(
      [
        {
          type: 'email',
          contactIds: [contact.id],
          subject: 'Hi',
          occurredAt: '2026-01-02T00:00:00Z',
          messageId: 'm1',
          direction: 'incoming',
        },
        { type: 'call', contactIds: [contact.id], subject: 'Call', occurredAt: '2026-01-02T00:00:00Z' },
      ],
      src,
      db,
    );
    const note = await addNote([contact.id], 'a note', src, db);
    const task = await createTask({ title: 'Follow up', contactIds: [contact.id] }, src, db);
    await saveDeal({ name: 'Big', stage: 'open', contactIds: [contact.id] }, src, db); // deals not chosen
    const rows = await db.outbox.toArray();
    const kinds = rows.map((r) => r.kind).sort();
    expect(kinds).toEqual(['company', 'contact', 'email', 'note', 'task']);
    expect(rows.every((r) => r.connectorId === inst.id && r.state === 'pending' && r.attempts === 0)).toBe(true);
    expect(await db.outbox.get(entryKey(inst.id, 'note', note.id))).toBeTruthy();
    await setTaskDone(task.id, true, db);
    expect((await db.outbox.get(entryKey(inst.id, 'task', task.id)))!.version).toBe(2);
  });

  it('skips disabled and pull-only instances, and kinds the connector cannot sync', async () => {
    const db = await freshDb();
    const crm = new MemoryCrm();
    const registry = createRegistry([crm.connector({ capabilities: { tasks: false } })]);
    await saveConnectorInstance(db, registry, { type: 'memory', values: { token: 'abcd1234' }, enabled: false });
    await saveConnectorInstance(db, registry, { type: 'memory', values: { token: 'abcd1234' }, direction: 'pull' });
    const only = await saveConnectorInstance(db, registry, { type: 'memory', values: { token: 'abcd1234' }, kinds: ['task', 'contact'] });
    expect(only.kinds).toEqual(['contact']);
    await createTask({ title: 'x', contactIds: [] }, src, db);
    await upsertContact({ name: 'Bo', emails: ['bo@x.io'] }, src, {}, db);
    const rows = await db.outbox.toArray();
    expect(rows.map((r) => [r.connectorId, r.kind])).toEqual([[only.id, 'contact']]);
  });

  it('coalesces: ten edits before a sync are one entry and one remote write', async () => {
    const { db, crm, registry, engineOpts, inst } = await setup();
    const { contact } = await upsertContact({ name: 'Cy', emails: ['cy@x.io'] }, src, {}, db);
    for (let i = 0; i < 10; i++) await updateContact(contact.id, { title: `Title ${i}` }, src, db);
    const rows = await db.outbox.toArray();
    expect(rows).toHaveLength(1);
    expect(rows[0].version).toBe(11);
    const run = await runOnce(db, registry, engineOpts());
    expect(run.pushed).toBe(1);
    expect(crm.pushes).toHaveLength(1);
    expect(crm.writes).toBe(1);
    expect(await db.outbox.count()).toBe(0);
    const link = await db.links.get([inst.id, 'contact', contact.id]);
    expect(link?.remoteId).toBe(crm.records.get(`contact|${contact.id}`)!.remoteId);
  });

  it('a change while the entry is in flight is sent again after the push finishes', async () => {
    const { db, crm, registry, engineOpts, inst } = await setup();
    const { contact } = await upsertContact({ name: 'Di', emails: ['di@x.io'] }, src, {}, db);
    beforeFirstPush(registry, async () => {
      // The user edits the contact while its push is on the wire.
      await updateContact(contact.id, { title: 'New title' }, src, db);
      // The entry in flight is not written to: the change is a new version of it.
      const e = await db.outbox.get(entryKey(inst.id, 'contact', contact.id));
      expect(e?.state).toBe('pending');
      expect(e?.version).toBe(2);
    });
    await runOnce(db, registry, engineOpts());
    // Pushed twice in the same run: the second carries the new title, and the link is kept.
    expect(crm.pushes).toHaveLength(2);
    expect((crm.pushes[1].items[0].item.record as { title?: string }).title).toBe('New title');
    expect(crm.pushes[1].items[0].remoteId).toBe(crm.pushes[0].items[0].remoteId ?? crm.records.get(`contact|${contact.id}`)!.remoteId);
    expect(crm.records.size).toBe(1);
    expect(await db.outbox.count()).toBe(0);
  });

  it('change ids: new for every change (also once the entry was pushed and queued again, or discarded), kept by a retry', async () => {
    const { db, crm, registry, engineOpts, inst, clock } = await setup({ kinds: ['contact'] });
    const { contact } = await upsertContact({ name: 'Flo', emails: ['flo@x.io'] }, src, {}, db);
    const id = entryKey(inst.id, 'contact', contact.id);
    const stored = async () => (await db.outbox.get(id))!.changeId;
    const first = await stored();
    await updateContact(contact.id, { title: 'A' }, src, db); // coalesced before the sync: one change, a new id
    const coalesced = await stored();
    expect(coalesced).not.toBe(first);
    await runOnce(db, registry, engineOpts());
    await updateContact(contact.id, { title: 'B' }, src, db);
    // The entry was deleted and queued again: its id and version repeat, its change id does not.
    expect((await db.outbox.get(id))!.version).toBe(1);
    crm.scripts.push({ throw: new ConnectorError('Bad Gateway', 'transient', 502) });
    const failed = await runOnce(db, registry, engineOpts());
    clock.advance(failed.nextDueAt! - clock.now());
    await runOnce(db, registry, engineOpts());
    await updateContact(contact.id, { title: 'C' }, src, db);
    expect(await discardEntry(db, id)).toBe(true);
    await updateContact(contact.id, { title: 'D' }, src, db);
    await runOnce(db, registry, engineOpts());
    const sent = crm.pushes.map((p) => p.items[0]);
    expect(sent.map((i) => (i.item.record as { title?: string }).title)).toEqual(['A', 'B', 'B', 'D']);
    expect(sent[3].entryId).toBe(sent[1].entryId); // what the old event id was made of: it repeats
    expect(sent[0].changeId).toBe(coalesced);
    expect(sent[2].changeId).toBe(sent[1].changeId); // the retry
    expect(new Set(sent.map((i) => i.changeId)).size).toBe(3);
  });

  it('an entry written before change ids existed gets a stable one from its creation time and version', async () => {
    const { db, crm, registry, engineOpts, inst } = await setup({ kinds: ['contact'] });
    const { contact } = await upsertContact({ name: 'Gus', emails: ['gus@x.io'] }, src, {}, db);
    const id = entryKey(inst.id, 'contact', contact.id);
    const { changeId: _c, ...old } = (await db.outbox.get(id))!;
    await db.outbox.put(old);
    await runOnce(db, registry, engineOpts());
    expect(crm.pushes[0].items[0].changeId).toBe(changeIdOf(old));
    expect(changeIdOf(old)).toBe(`${id}#${old.createdAt}#${old.version}`);
  });

  it('a change re-arms a dead entry', async () => {
    const { db, inst } = await setup();
    const { contact } = await upsertContact({ name: 'Ed', emails: ['ed@x.io'] }, src, {}, db);
    const id = entryKey(inst.id, 'contact', contact.id);
    await db.outbox.update(id, { state: 'dead', nextAt: Number.MAX_SAFE_INTEGER, lastError: 'bad' });
    await updateContact(contact.id, { title: 'fixed' }, src, db);
    const e = await db.outbox.get(id);
    expect(e?.state).toBe('pending');
    expect(e?.lastError).toBeUndefined();
  });

  it('deleting a contact drops what it still had to push', async () => {
    const { db } = await setup();
    const { contact } = await upsertContact({ name: 'Flo', emails: ['flo@x.io'] }, src, {}, db);
    expect(await db.outbox.count()).toBe(1);
    await deleteContact(contact.id, db);
    expect(await db.outbox.count()).toBe(0);
  });

  it('upsertCompany queues the company it creates or fills', async () => {
    const { db } = await setup();
    const co = await upsertCompany({ name: 'Globex', domain: 'globex.com' }, src, db);
    await upsertCompany({ name: 'Globex', domain: 'globex.com', industry: 'Energy' }, src, db);
    const rows = await db.outbox.toArray();
    expect(rows.map((r) => [r.kind, r.localId, r.version])).toEqual([['company', co.id, 2]]);
  });

  it('backfill queues existing records of the chosen kinds once', async () => {
    const db = await freshDb();
    await upsertContacts(
      Array.from({ length: 25 }, (_, i) => ({ name: `P${i}`, emails: [`p${i}@x.io`], company: i % 2 ? 'Odd Inc' : undefined })),
      src,
      {},
      db,
    );
    await addNote([], 'n', src, db);
    const crm = new MemoryCrm();
    const registry = createRegistry([crm.connector()]);
    const inst = await saveConnectorInstance(db, registry, {
      type: 'memory',
      values: { token: 'abcd1234' },
      kinds: ['contact', 'company'],
    });
    expect(await backfill(db, inst.id, 7)).toBe(26);
    expect(await backfill(db, inst.id, 7)).toBe(0);
    expect(await db.outbox.count()).toBe(26);
  });
});

describe('a change and its sync intent are one transaction', () => {
  it('a transaction that throws after the write leaves neither the record nor the entry', async () => {
    const { db } = await setup();
    await expect(
      db.transaction('rw', [...writeScope(db, 'contact', 'company'), ...outboxScope(db)], async () => {
        await upsertContacts([{ name: 'Gus', emails: ['gus@x.io'] }], src, {}, db);
        expect(await db.outbox.count()).toBe(1); // written inside the transaction…
        throw new Error('crash');
      }),
    ).rejects.toThrow('crash');
    // …and rolled back with the contact.
    expect(await db.contacts.count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
  });

  it('when writing the entry fails, the change is not stored either', async () => {
    const { db, inst } = await setup();
    // A corrupt instance row makes enqueue throw inside the repository's transaction.
    await db.connectors.update(inst.id, { kinds: null as never });
    await expect(upsertContact({ name: 'Hal', emails: ['hal@x.io'] }, src, {}, db)).rejects.toThrow();
    expect(await db.contacts.count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
  });

  it('enqueue outside a transaction that includes the outbox fails loudly', async () => {
    const { db } = await setup();
    await expect(
      db.transaction('rw', db.contacts, async () => {
        await enqueue(db, [{ kind: 'contact', localId: 'x' }]);
      }),
    ).rejects.toThrow();
  });
});
