// Export-restore benchmark (npm run bench:restore): writes a Rapport export of about RESTORE_MB
// megabytes (default 500) to a temporary file, then reads it back through readExport — the reader the
// import job uses — slice by slice from a file-backed Blob, validating every record. Prints the time
// and the peak heap and RSS sampled while it reads: the point is that memory stays flat, far below the
// file's size, because the text is never one string. The database writes are not part of this run
// (fake-indexeddb is no measure of IndexedDB); they go in bounded batches, one transaction each.
import { createWriteStream, openAsBlob, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { readExport } from '../../importers/json';

const TARGET_BYTES = Number(process.env.RESTORE_MB ?? 500) * 1024 * 1024;
const at = '2026-01-01T00:00:00.000Z';
const src = [{ type: 'import', ref: 'big.csv', at }];
const body = 'Lorem ipsum dolor sit amet, “quoted” text with {braces}, [brackets] and a \\"backslash\\". '.repeat(12);

async function writeExport(path: string): Promise<{ contacts: number; activities: number }> {
  const out = createWriteStream(path);
  const write = (s: string) => (out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
  let bytes = 0;
  const put = async (s: string) => {
    bytes += Buffer.byteLength(s);
    await write(s);
  };
  await put(
    '{"format":"rapport-export","version":1,"exportedAt":"2026-01-02T00:00:00.000Z","settings":{"internalDomains":["acme.example"]},"contacts":[',
  );
  let contacts = 0;
  while (bytes < TARGET_BYTES * 0.3) {
    const c = {
      id: `ct_${contacts}`,
      name: `Person ${contacts} Zoë`,
      emails: [`P${contacts}@Example.com`],
      phones: ['+14155550100'],
      tags: ['a'],
      company: 'Acme',
      createdAt: at,
      updatedAt: at,
      sources: src,
    };
    await put((contacts++ ? ',' : '') + JSON.stringify(c));
  }
  await put('],"companies":[],"activities":[');
  let activities = 0;
  while (bytes < TARGET_BYTES) {
    const a = {
      id: `ac_${activities}`,
      type: 'note',
      contactIds: [`ct_${activities % contacts}`],
      body,
      occurredAt: at,
      createdAt: at,
      updatedAt: at,
      sources: src,
    };
    await put((activities++ ? ',' : '') + JSON.stringify(a));
  }
  await put('],"tasks":[],"deals":[]}');
  await new Promise<void>((r) => out.end(r));
  return { contacts, activities };
}

it('reads a large export slice by slice with flat memory', async () => {
  const path = join(tmpdir(), `rapport-restore-bench-${process.pid}.json`);
  try {
    const written = await writeExport(path);
    const size = statSync(path).size;
    global.gc?.();
    const base = process.memoryUsage();
    let peakHeap = base.heapUsed;
    let peakRss = base.rss;
    const sample = () => {
      const m = process.memoryUsage();
      peakHeap = Math.max(peakHeap, m.heapUsed);
      peakRss = Math.max(peakRss, m.rss);
    };
    const timer = setInterval(sample, 50);
    const counts: Record<string, number> = {};
    let errors = 0;
    const t0 = performance.now();
    for await (const b of readExport(await openAsBlob(path))) {
      errors += b.errors.length;
      if (b.collection) counts[b.collection] = (counts[b.collection] ?? 0) + b.records.length;
      sample();
    }
    const ms = performance.now() - t0;
    clearInterval(timer);
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
    console.log(
      [
        `export file: ${mb(size)} (${written.contacts.toLocaleString('en-US')} contacts, ${written.activities.toLocaleString('en-US')} notes)`,
        `read and validated in ${(ms / 1000).toFixed(1)} s (${(size / 1024 / 1024 / (ms / 1000)).toFixed(0)} MB/s)`,
        `heap: ${mb(base.heapUsed)} before, peak ${mb(peakHeap)}; RSS: ${mb(base.rss)} before, peak ${mb(peakRss)}`,
      ].join('\n'),
    );
    expect(errors).toBe(0);
    expect(counts).toEqual({ contacts: written.contacts, activities: written.activities });
  } finally {
    rmSync(path, { force: true });
  }
});
