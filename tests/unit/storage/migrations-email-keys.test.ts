// The upgrade to version 7 re-keys contacts' addresses (storage/email-keys.ts): what happens when
// a re-keyed address meets one already stored, on the same person or another.
import Dexie from 'dexie';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { RapportDB } from '../../../storage/db';
import { rebuildState } from '../../../storage/index-rebuild';
import { restoreExport } from '../../../storage/restore';
import { findContactByEmail } from '../../../storage/queries';
import { parseDump, restoreDump } from './migrations/dump';

const v6 = parseDump(readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'migrations/v6.json'), 'utf8'));
const at = '2026-11-20T00:00:00.000Z';
const person = (n: number, name: string, emails: string[]) => ({
  n,
  id: `ct_${n}`,
  name,
  emails,
  phones: [],
  tags: [],
  createdAt: at,
  updatedAt: at,
  sources: [],
});

let name = '';
afterEach(async () => {
  await Dexie.delete(name);
});

async function upgrade(contacts: ReturnType<typeof person>[]) {
  name = `rekey-${Math.random().toString(36).slice(2)}`;
  await restoreDump(name, { ...v6, tables: { contacts } });
  const db = new RapportDB(name);
  await db.open();
  const stored = new Map((await db.contacts.toArray()).map((c) => [c.id, c]));
  return { db, stored };
}

it('gives each person the key of each address once, never a key another person holds, and drops nothing', async () => {
  const { db, stored } = await upgrade([
    person(1, 'Ann Upper', ['Ann@Example.COM']),
    person(2, 'Ann Lower', ['ann@example.com']),
    person(3, 'Bo Twice', ['Bo@Example.com', 'bo@example.com', 'BO@EXAMPLE.COM ']),
    person(4, 'Cy First', ['Cy@Example.com']),
    person(5, 'Cy Second', ['cY@example.COM']),
    person(6, 'Di Notanaddress', ['not an address', 'Di@Example.com']),
  ]);
  expect(stored.get('ct_1')!.emails).toEqual(['Ann@Example.COM']); // its key is Ann Lower's
  expect(stored.get('ct_2')!.emails).toEqual(['ann@example.com']);
  expect(stored.get('ct_3')!.emails).toEqual(['bo@example.com']);
  expect(stored.get('ct_4')!.emails).toEqual(['cy@example.com']); // the first to claim the key
  expect(stored.get('ct_5')!.emails).toEqual(['cY@example.COM']);
  expect(stored.get('ct_6')!.emails).toEqual(['not an address', 'di@example.com']);
  expect((await findContactByEmail('ANN@example.com', db))?.id).toBe('ct_2');
  expect((await findContactByEmail('bo@example.com', db))?.id).toBe('ct_3');
  expect((await findContactByEmail('CY@example.com', db))?.id).toBe('ct_4');
  expect((await findContactByEmail('di@example.com', db))?.id).toBe('ct_6');
  // Re-keying is not an edit: nothing else changes, nothing is queued for a CRM.
  for (const c of stored.values()) expect(c.updatedAt).toBe(at);
  expect(await db.outbox.count()).toBe(0);
  // Same words either way: the index is not rebuilt for it.
  expect(await rebuildState(db)).toBeUndefined();
  db.close();
});

it('rebuilds the search index after the upgrade when a re-keyed address has other words', async () => {
  const { db, stored } = await upgrade([person(1, 'Ed Mailto', ['mailto:Ed@Example.com'])]);
  expect(stored.get('ct_1')!.emails).toEqual(['ed@example.com']);
  expect(await rebuildState(db)).toMatchObject({ kind: 'contact', after: -1 });
  db.close();
});

it('a restore stores identity keys too, so what the upgrade re-keyed stays keyed', async () => {
  name = `restore-${Math.random().toString(36).slice(2)}`;
  const db = new RapportDB(name);
  await db.open();
  const { n: _n, ...marta } = person(1, 'Marta Restored', ['Marta.Restored@Case.EXAMPLE', ' mailto:m.r@case.example', 'no address']);
  await restoreExport({ contacts: [marta], companies: [], activities: [], tasks: [], deals: [] }, undefined, db);
  expect((await db.contacts.toArray())[0].emails).toEqual(['marta.restored@case.example', 'm.r@case.example', 'no address']);
  expect((await findContactByEmail('marta.restored@case.example', db))?.id).toBe('ct_1');
  db.close();
});
