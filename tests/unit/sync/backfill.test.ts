// Backfill is a job in the database: planned with the connection, run a page per transaction with
// its cursor, so a worker stopped anywhere resumes and queues every record exactly once.
import { afterEach, describe, expect, it } from 'vitest';
import { createRegistry } from '../../../connectors/registry';
import { backfill, backfillJob, backfillStep, continueBackfills } from '../../../storage/backfill';
import type { RapportDB } from '../../../storage/db';
import { addNote, upsertContacts } from '../../../storage/repositories';
import { createTask } from '../../../storage/tasks';
import { removeConnectorInstance, saveConnectorInstance } from '../../../sync/connectors';
import { MemoryCrm, closeDbs, freshDb, src } from './helpers';

afterEach(closeDbs);

async function seed(db: RapportDB) {
  await upsertContacts(
    Array.from({ length: 23 }, (_, i) => ({ name: `P${i}`, emails: [`p${i}@x.io`], company: i % 3 ? `Co ${i % 4}` : undefined })),
    src,
    {},
    db,
  );
  for (let i = 0; i < 9; i++) await addNote([], `note ${i}`, src, db);
  await createTask({ title: 'T', contactIds: [] }, src, db);
}

const registry = createRegistry([new MemoryCrm().connector()]);
const save = (db: RapportDB, extra: Parameters<typeof saveConnectorInstance>[2] extends infer I ? Partial<I> : never = {}) =>
  saveConnectorInstance(db, registry, { type: 'memory', values: { token: 'abcd1234' }, ...extra });

/** Ids of every record of these kinds, as the outbox names them. */
async function expected(db: RapportDB, kinds: string[]): Promise<string[]> {
  const ids: string[] = [];
  if (kinds.includes('company')) ids.push(...(await db.companies.toArray()).map((r) => `company|${r.id}`));
  if (kinds.includes('contact')) ids.push(...(await db.contacts.toArray()).map((r) => `contact|${r.id}`));
  if (kinds.includes('note')) ids.push(...(await db.activities.toArray()).map((r) => `note|${r.id}`));
  if (kinds.includes('task')) ids.push(...(await db.tasks.toArray()).map((r) => `task|${r.id}`));
  return ids.sort();
}

/** What the engine would do meanwhile: push and delete whatever is queued. Returns what it took. */
async function drain(db: RapportDB): Promise<string[]> {
  const rows = await db.outbox.toArray();
  await db.outbox.clear();
  return rows.map((r) => `${r.kind}|${r.localId}`);
}

describe('backfill job', () => {
  it('saving a new connection plans the job; the page that saved it does not have to run it', async () => {
    const db = await freshDb();
    await seed(db);
    const inst = await save(db, { kinds: ['contact', 'company'] });
    expect(await db.outbox.count()).toBe(0);
    const job = await backfillJob(db, inst.id);
    expect(job?.scans.map((s) => [s.table, s.kinds])).toEqual([
      ['companies', ['company']],
      ['contacts', ['contact']],
    ]);
    expect(await continueBackfills(db)).toBe((await expected(db, ['contact', 'company'])).length);
    expect(await backfillJob(db, inst.id)).toBeUndefined();
  });

  it('a backfill stopped mid-way and restarted queues every record exactly once, while the engine drains the queue', async () => {
    const db = await freshDb();
    await seed(db);
    const inst = await save(db, { kinds: ['contact', 'company', 'note', 'task'] });
    const seen: string[] = [];
    // First worker: three pages, the engine pushing in between, then it is stopped.
    for (let i = 0; i < 3; i++) {
      await backfillStep(db, inst.id, 4);
      seen.push(...(await drain(db)));
    }
    // A page whose transaction died half-way (the worker killed inside it) leaves nothing behind.
    await expect(
      db.transaction('rw', db.tables, async () => {
        await backfillStep(db, inst.id, 4);
        throw new Error('worker killed');
      }),
    ).rejects.toThrow('worker killed');
    expect(await db.outbox.count()).toBe(0);
    // Second worker: resumes from the saved cursor, one page at a time, to the end.
    for (let page = 0; page < 100; page++) {
      const step = await backfillStep(db, inst.id, 4);
      seen.push(...(await drain(db)));
      if (step.done) break;
    }
    const all = await expected(db, ['contact', 'company', 'note', 'task']);
    expect(all.length).toBeGreaterThan(30);
    expect(seen.sort()).toEqual(all);
    expect(await backfillJob(db, inst.id)).toBeUndefined();
  });

  it('a kind chosen later, or a direction that starts pushing, backfills only what is new', async () => {
    const db = await freshDb();
    await seed(db);
    const inst = await save(db, { kinds: ['contact'] });
    await continueBackfills(db);
    expect(await drain(db)).toHaveLength(23);
    // Notes newly chosen: only notes are queued, not the people again.
    await save(db, { id: inst.id, kinds: ['contact', 'note'] });
    await continueBackfills(db);
    expect((await drain(db)).every((k) => k.startsWith('note|'))).toBe(true);
    // Saved again without a change: nothing.
    await save(db, { id: inst.id });
    expect(await backfillJob(db, inst.id)).toBeUndefined();
    // A pull-only connection queues nothing; switched to both ways, it queues everything it syncs.
    const pull = await save(db, { kinds: ['contact'], direction: 'pull' });
    expect(await backfillJob(db, pull.id)).toBeUndefined();
    await save(db, { id: pull.id, direction: 'both' });
    expect(await continueBackfills(db)).toBe(23);
  });

  it('a removed connection takes its job with it', async () => {
    const db = await freshDb();
    await seed(db);
    const inst = await save(db);
    await removeConnectorInstance(db, inst.id);
    expect(await backfillJob(db, inst.id)).toBeUndefined();
    expect(await continueBackfills(db)).toBe(0);
    expect(await db.outbox.count()).toBe(0);
  });

  it('backfill() runs a job to its end and a second call queues nothing', async () => {
    const db = await freshDb();
    await seed(db);
    const inst = await save(db, { kinds: ['contact'] });
    expect(await backfill(db, inst.id, 5)).toBe(23);
    expect(await backfill(db, inst.id, 5)).toBe(0);
  });
});
