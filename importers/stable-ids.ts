// What a file holds gets an id derived from what it is, so importing the same file again finds it instead
// of adding a copy: a note from whose note it is and what it says; a person without an e-mail or LinkedIn
// profile (the usual merge keys) from their name, company and phones. Synchronous on purpose: it is computed inside the
// batch's IndexedDB transaction, which an awaited crypto.subtle call would let commit early.
import { fold } from '../storage/normalize';

/** cyrb53: a fast, well-mixed 53-bit string hash (public domain, bryc). */
function cyrb53(text: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

function hashId(prefix: string, key: string): string {
  return `${prefix}_${cyrb53(key, 1).toString(36)}${cyrb53(key, 2).toString(36)}`;
}

/** The id of an imported note: the same person and the same text give the same id (106 bits of hash). */
export function importedNoteId(contactId: string, text: string): string {
  return hashId('nt', `${contactId}\n${text}`);
}

/**
 * The id of a person imported without e-mail or LinkedIn profile (undefined when they have either: those
 * find them). Case and accents of the name and company do not matter.
 */
export function importedContactId(contact: {
  name?: string;
  firstName?: string;
  lastName?: string;
  company?: string;
  emails: string[];
  phones: string[];
  linkedinId?: string;
}): string | undefined {
  if (contact.emails.length || contact.linkedinId) return undefined;
  const name = contact.name ?? [contact.firstName, contact.lastName].filter(Boolean).join(' ');
  const key = [fold(name), fold(contact.company ?? ''), [...contact.phones].sort().join(',')].join('\n');
  return hashId('ct', key);
}
