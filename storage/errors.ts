// What a failed database write means to the user. Dexie wraps the browser's DOMException (its `inner`),
// and a transaction aborted by a failed request reports AbortError with the cause inside.

function chain(e: unknown): { name: string; message: string }[] {
  const out: { name: string; message: string }[] = [];
  let cur: unknown = e;
  for (let i = 0; i < 5 && cur && typeof cur === 'object'; i++) {
    const x = cur as { name?: unknown; message?: unknown; inner?: unknown; cause?: unknown };
    out.push({ name: typeof x.name === 'string' ? x.name : '', message: typeof x.message === 'string' ? x.message : '' });
    cur = x.inner ?? x.cause;
  }
  return out;
}

/** True when the browser refused a write for lack of storage space. */
export function isQuotaError(e: unknown): boolean {
  return chain(e).some((x) => x.name === 'QuotaExceededError' || /quota/i.test(x.message));
}

/** One sentence for the user: what failed and what to do, for QuotaExceededError and the other storage failures. */
export function describeStorageError(e: unknown): string {
  if (isQuotaError(e)) {
    return 'the browser has no storage space left for Rapport (QuotaExceededError): free some disk space, or delete data you no longer need, and try again';
  }
  const links = chain(e);
  const cause = links.find((x) => x.name && x.name !== 'AbortError' && x.name !== 'Error') ?? links[0];
  if (!cause) return String(e);
  if (cause.name === 'DatabaseClosedError' || cause.name === 'InvalidStateError') {
    return `the database was closed while writing (${cause.name}): reload the page and try again`;
  }
  if (cause.name === 'VersionError' || cause.name === 'UpgradeError') {
    return `the database belongs to another version of Rapport (${cause.name}): reload the page and try again`;
  }
  // Our own errors ("a note cannot be empty") read as they are.
  if (!cause.name || cause.name === 'Error') return cause.message || String(e);
  return `${cause.name}: ${cause.message}`;
}
