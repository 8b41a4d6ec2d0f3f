// A note imported from a file gets an id derived from what it is (whose note, what it says), so importing
// the same file again finds it instead of adding a copy. Synchronous on purpose: it is computed inside the
// batch's IndexedDB transaction, which an awaited crypto.subtle call would let commit early.

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

/** The id of an imported note: the same person and the same text give the same id (106 bits of hash). */
export function importedNoteId(contactId: string, text: string): string {
  const key = `${contactId}\n${text}`;
  return `nt_${cyrb53(key, 1).toString(36)}${cyrb53(key, 2).toString(36)}`;
}
