// First response to a case: the first answer logged to the customer after the case was opened
// (an outgoing e-mail, a call, a meeting, a note; on the person or in a linked thread) stamps it,
// in the transaction that adds the activity; incoming mail, earlier answers, closed cases and deals do not.
import { afterEach, describe, expect, it } from 'vitest';
import { firstResponseFrom } from '../../../storage/case-response';
import { createItem, moveItemTo } from '../../../storage/pipelines';
import { addActivities, addNote, upsertContacts } from '../../../storage/repositories';
import type { Contact } from '../../../storage/schema';
import { logInteraction } from '../../../storage/tasks';
import { closeDbs, freshDb, src } from '../sync/helpers';

afterEach(closeDbs);

const later = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

async function world() {
  const db = await freshDb();
  const [ann, bob] = (await upsertContacts(
    [
      { name: 'Ann Quill', emails: ['ann@quill.example'] },
      { name: 'Bob Stone', emails: ['bob@stone.example'] },
    ],
    src,
    {},
    db,
  )) as { contact: Contact }[];
  return { db, ann: ann.contact, bob: bob.contact };
}

const mail = (contactIds: string[], direction: 'incoming' | 'outgoing', occurredAt: string, threadId = 'gmail:t1') => ({
  type: 'email' as const,
  contactIds,
  subject: 'Invoice',
  direction,
  occurredAt,
  threadId,
  messageId: `gmail:${direction}-${occurredAt}`,
});

describe('first response to a case', () => {
  it('an incoming mail is not an answer; the first outgoing one is, and a later call changes nothing', async () => {
    const { db, ann } = await world();
    const kase = await createItem('pl_service', { title: 'Wrong invoice', contactIds: [ann.id], category: 'complaint' }, src, db);
    await addActivities([mail([ann.id], 'incoming', later(1))], src, db);
    expect((await db.items.get(kase.id))!.firstResponseAt).toBeUndefined();
    const reply = later(5);
    await addActivities([mail([ann.id], 'outgoing', reply)], src, db);
    expect((await db.items.get(kase.id))!.firstResponseAt).toBe(reply);
    await logInteraction({ type: 'call', contactIds: [ann.id], occurredAt: later(10) }, src, db);
    expect((await db.items.get(kase.id))!.firstResponseAt).toBe(reply);
  });

  it('a call logged on the person answers (logInteraction runs it in its own transaction)', async () => {
    const { db, ann } = await world();
    const kase = await createItem('pl_service', { title: 'Outage', contactIds: [ann.id] }, src, db);
    const at = later(3);
    await logInteraction({ type: 'call', contactIds: [ann.id], occurredAt: at }, src, db);
    expect((await db.items.get(kase.id))!.firstResponseAt).toBe(at);
  });

  it('a note on the person answers; a reply in a linked thread answers even to someone else on it', async () => {
    const { db, ann, bob } = await world();
    const noted = await createItem('pl_service', { title: 'Question', contactIds: [ann.id] }, src, db);
    await addNote([ann.id], 'Explained the plan on the phone', src, db);
    expect((await db.items.get(noted.id))!.firstResponseAt).toBeDefined();
    const threaded = await createItem('pl_service', { title: 'Refund', contactIds: [], threadIds: ['gmail:t9'] }, src, db);
    const at = later(2);
    await addActivities([mail([bob.id], 'outgoing', at, 'gmail:t9')], src, db);
    expect((await db.items.get(threaded.id))!.firstResponseAt).toBe(at);
  });

  it('answers dated before the case opened, closed cases and deals are left alone', async () => {
    const { db, ann } = await world();
    const kase = await createItem('pl_service', { title: 'Old', contactIds: [ann.id] }, src, db);
    await addActivities([mail([ann.id], 'outgoing', '2020-01-01T00:00:00.000Z')], src, db);
    expect((await db.items.get(kase.id))!.firstResponseAt).toBeUndefined();
    const deal = await createItem('pl_sales', { title: 'Rollout', contactIds: [ann.id] }, src, db);
    await moveItemTo(kase.id, 'resolved', db);
    await addActivities([mail([ann.id], 'outgoing', later(4))], src, db);
    expect((await db.items.get(kase.id))!.firstResponseAt).toBeUndefined();
    expect((await db.items.get(deal.id))!.firstResponseAt).toBeUndefined();
  });
});

describe('firstResponseFrom', () => {
  const item = { createdAt: '2026-06-01T10:00:00.000Z', contactIds: ['ct_a'], threadIds: [] };
  it('takes the earliest answer at or after opening, compared as instants', () => {
    const acts = [
      { type: 'call' as const, occurredAt: '2026-06-01T12:00:00Z', contactIds: ['ct_a'] },
      { type: 'email' as const, direction: 'outgoing' as const, occurredAt: '2026-06-01T10:00:00Z', contactIds: ['ct_a'] },
      { type: 'profile' as const, occurredAt: '2026-06-01T10:30:00.000Z', contactIds: ['ct_a'] },
    ];
    expect(firstResponseFrom(item, acts)).toBe('2026-06-01T10:00:00.000Z');
    expect(firstResponseFrom({ ...item, firstResponseAt: '2026-06-01T11:00:00.000Z' }, acts)).toBeUndefined();
    expect(firstResponseFrom({ ...item, contactIds: ['ct_b'] }, acts)).toBeUndefined();
  });
});
