// Contacts' addresses are stored as identity keys (normalizeEmail): the merge rules find a person
// by an exact match on the `emails` index. An address stored in another form is never found, and
// the next capture of that person adds a second one. Such addresses come from an earlier, looser
// normalizeEmail (decision 0024 made the key stricter: NFC, zero-width noise removed) and from
// export files restored as the file had them. Restores now store keys (emailKeys); the schema
// upgrade to version 7 re-keys what is stored.
import type { Transaction } from 'dexie';
import { startIndexRebuild } from './index-rows';
import { normalizeEmail, tokenize } from './normalize';

/** Addresses as identity keys, each once, in order; one that is no address stays as written. */
export function emailKeys(emails: string[]): string[] {
  return [...new Set(emails.map((e) => normalizeEmail(e) ?? e))];
}

/** The words addresses add to a contact's search terms, each once, in the order they first come. */
const emailWords = (emails: string[]) => [...new Set(tokenize(emails.join(' ')))].join(' ');

interface KeyedContact {
  n: number;
  emails: string[];
}

/**
 * Re-keys stored addresses inside an upgrade transaction. Reads the `emails` index's keys (every
 * distinct address, not the records), then only the contacts holding a stale one. A key another
 * contact already holds is left as it was on this one: two people are not given one address (the
 * merge rules would pick either), and nothing is dropped. If a contact's search terms change, the
 * index is rebuilt after the upgrade. Returns how many contacts changed.
 */
export async function rekeyStoredEmails(tx: Transaction): Promise<number> {
  const contacts = tx.table<KeyedContact, number>('contacts');
  const keys = (await contacts.orderBy('emails').uniqueKeys()) as string[];
  const stale = keys.filter((k) => {
    const key = normalizeEmail(k);
    return key !== undefined && key !== k;
  });
  if (!stale.length) return 0;
  const held = new Set(keys);
  const holder = new Map<string, number>();
  const holderOf = async (key: string) => {
    if (!holder.has(key)) holder.set(key, held.has(key) ? ((await contacts.where('emails').equals(key).primaryKeys())[0] as number) : -1);
    return holder.get(key)!;
  };
  const ns = [...new Set((await contacts.where('emails').anyOf(stale).primaryKeys()) as number[])].sort((a, b) => a - b);
  const changed: KeyedContact[] = [];
  let termsChanged = false;
  for (const c of await contacts.bulkGet(ns)) {
    if (!c) continue;
    const emails: string[] = [];
    for (const e of c.emails) {
      const key = normalizeEmail(e);
      let next = e;
      if (key !== undefined && key !== e) {
        const owner = await holderOf(key);
        if (owner === -1 || owner === c.n) {
          holder.set(key, c.n);
          next = key;
        }
      }
      if (!emails.includes(next)) emails.push(next);
    }
    if (emails.length === c.emails.length && emails.every((e, i) => e === c.emails[i])) continue;
    if (emailWords(c.emails) !== emailWords(emails)) termsChanged = true;
    changed.push({ ...c, emails });
  }
  await contacts.bulkPut(changed);
  if (termsChanged) await startIndexRebuild(tx);
  return changed.length;
}
