// A page's own edits wake the background's sync a moment later (entrypoints/workspace/sync-soon.ts over storage/write-signal.ts), instead
// of waiting for its one-minute alarm: once per burst, only for writes that queued CRM work, only
// for transactions that committed.
import { afterEach, describe, expect, it } from 'vitest';
import { wakeAfterOutboxWrites } from '../../../entrypoints/workspace/sync-soon';
import { editContact } from '../../../storage/edit';
import { enqueue } from '../../../storage/outbox';
import { upsertContacts } from '../../../storage/repositories';
import type { Contact } from '../../../storage/schema';
import { closeDbs, setup, src } from '../sync/helpers';

afterEach(closeDbs);

const DELAY = 60;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function world() {
  const w = await setup({ kinds: ['contact', 'company', 'note'] });
  const [{ contact: ann }] = (await upsertContacts([{ name: 'Ann Quill', emails: ['ann@quill.example'] }], src, {}, w.db)) as {
    contact: Contact;
  }[];
  const wakes: number[] = [];
  wakeAfterOutboxWrites(() => wakes.push(Date.now()), DELAY);
  return { ...w, ann, wakes };
}

describe('sync soon after a page edits', () => {
  it('an edit that queues an outbox entry wakes the sync once, a moment later; a burst of edits wakes it once', async () => {
    const { db, ann, wakes } = await world();
    const before = Date.now();
    await editContact(ann.id, { title: 'CTO' }, {}, db);
    expect(wakes).toEqual([]); // not at once: more edits may follow
    await editContact(ann.id, { title: 'CEO' }, {}, db);
    await editContact(ann.id, { location: 'Leeds' }, {}, db);
    await wait(DELAY * 3);
    expect(wakes).toHaveLength(1);
    expect(wakes[0] - before).toBeGreaterThanOrEqual(DELAY);
    expect(await db.outbox.count()).toBeGreaterThan(0);
  });

  it('writes that queue nothing for the CRMs, and a transaction that fails, wake nothing', async () => {
    const { db, ann, wakes } = await world();
    await db.contacts.where('id').equals(ann.id).modify({ title: 'Local only' });
    await db
      .transaction('rw', db.outbox, db.connectors, db.contacts, async () => {
        await enqueue(db, [{ kind: 'contact', localId: ann.id }]);
        throw new Error('the edit fails after queueing');
      })
      .catch(() => undefined);
    await wait(DELAY * 3);
    expect(wakes).toEqual([]);
  });
});
