// What a failed write tells the user, from the errors Dexie really raises.
import Dexie, { type DBCore } from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { RapportDB } from '../../../storage/db';
import { describeStorageError, isQuotaError } from '../../../storage/errors';
import { addNote } from '../../../storage/repositories';

let db: RapportDB | undefined;
afterEach(async () => {
  db?.close();
  if (db) await Dexie.delete(db.name);
  db = undefined;
});

/** A database whose writes fail with `error`, as the browser's storage layer would raise it. */
async function failingDb(error: () => Error): Promise<RapportDB> {
  db = new RapportDB(`t-${Math.random().toString(36).slice(2)}`);
  db.use({
    stack: 'dbcore',
    name: 'failing-writes',
    create: (down: DBCore): DBCore => ({ ...down, table: (name) => ({ ...down.table(name), mutate: () => Promise.reject(error()) }) }),
  });
  await db.open();
  return db;
}

describe('describeStorageError', () => {
  it('a full disk, as Dexie reports it from a repository write, says so and what to do', async () => {
    const d = await failingDb(() => new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
    const e = await addNote(['ct_1'], 'hello', { type: 'manual', at: new Date().toISOString() }, d).catch((x: unknown) => x);
    expect(isQuotaError(e)).toBe(true);
    expect(describeStorageError(e)).toMatch(
      /^the browser has no storage space left for Rapport \(QuotaExceededError\): free some disk space/,
    );
    expect(await d.activities.count()).toBe(0);
  });

  it('another storage failure names it; our own errors read as they are', async () => {
    const d = await failingDb(() => new DOMException('Unknown error occurred while writing.', 'UnknownError'));
    const e = await addNote(['ct_1'], 'hello', { type: 'manual', at: new Date().toISOString() }, d).catch((x: unknown) => x);
    expect(describeStorageError(e)).toMatch(/UnknownError: .*Unknown error occurred while writing/);
    expect(describeStorageError(new Error('a note cannot be empty'))).toBe('a note cannot be empty');
  });
});
