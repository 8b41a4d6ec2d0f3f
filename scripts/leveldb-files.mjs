// What Chromium's LevelDB did with the extension's IndexedDB: the live table files by level with
// the key range each spans (decoded as IndexedDB key prefixes: database, object store, index), and
// the flushes and compactions its LOG recorded. Evidence behind docs/decisions/0017-leveldb-compaction-analysis.md ("What the
// 2-core VM spends the windows on").
//
//   BENCH_PROFILE_DIR=/tmp/p npm run bench:sync-browser   (keeps Chromium's profile there)
//   node scripts/leveldb-files.mjs /tmp/p [--since HH:MM:SS]
//
// Reads only: the MANIFEST (LevelDB's log of version edits) and the LOG (text).
import fs from 'node:fs';
import path from 'node:path';

const [profile, ...rest] = process.argv.slice(2);
if (!profile) {
  console.error('usage: node scripts/leveldb-files.mjs <chromium profile dir> [--since HH:MM:SS]');
  process.exit(2);
}
const since = rest[0] === '--since' ? rest[1] : undefined;
const idbDir = path.join(profile, 'Default', 'IndexedDB');
const dbs = fs.existsSync(idbDir) ? fs.readdirSync(idbDir).filter((d) => d.endsWith('.leveldb')) : [];
if (!dbs.length) {
  console.error(`no *.leveldb under ${idbDir}`);
  process.exit(1);
}

/** The records of a LevelDB log file (32 KiB blocks of checksum · length · type · payload). */
function logRecords(buf) {
  const records = [];
  let pending = null;
  for (let i = 0; i < buf.length;) {
    const left = 32768 - (i % 32768);
    if (left < 7) {
      i += left;
      continue;
    }
    const len = buf[i + 4] | (buf[i + 5] << 8);
    const type = buf[i + 6];
    const payload = buf.subarray(i + 7, i + 7 + len);
    i += 7 + len;
    if (type === 0) break;
    if (type === 1) records.push(payload);
    else if (type === 2) pending = [payload];
    else if (type === 3) pending?.push(payload);
    else if (type === 4 && pending) {
      pending.push(payload);
      records.push(Buffer.concat(pending));
      pending = null;
    }
  }
  return records;
}

function varint(b, p) {
  let r = 0n;
  let shift = 0n;
  for (;;) {
    const c = b[p++];
    r |= BigInt(c & 0x7f) << shift;
    shift += 7n;
    if (c < 0x80) return [Number(r), p];
  }
}

function lengthPrefixed(b, p) {
  const [n, q] = varint(b, p);
  return [b.subarray(q, q + n), q + n];
}

/** Live files after replaying the MANIFEST's version edits: number → { level, size, smallest, largest }. */
function liveFiles(manifest) {
  const files = new Map();
  for (const r of logRecords(manifest)) {
    for (let p = 0; p < r.length;) {
      let tag;
      [tag, p] = varint(r, p);
      if (tag === 1)
        [, p] = lengthPrefixed(r, p); // comparator
      else if (tag === 2 || tag === 3 || tag === 4 || tag === 9)
        [, p] = varint(r, p); // log/next file/sequence/prev log
      else if (tag === 5) {
        [, p] = varint(r, p); // compact pointer: level, key
        [, p] = lengthPrefixed(r, p);
      } else if (tag === 6) {
        let num;
        [, p] = varint(r, p);
        [num, p] = varint(r, p);
        files.delete(num);
      } else if (tag === 7) {
        let level, num, size, smallest, largest;
        [level, p] = varint(r, p);
        [num, p] = varint(r, p);
        [size, p] = varint(r, p);
        [smallest, p] = lengthPrefixed(r, p);
        [largest, p] = lengthPrefixed(r, p);
        // Internal keys end with 8 bytes of sequence number and type.
        files.set(num, { level, size, smallest: smallest.subarray(0, -8), largest: largest.subarray(0, -8) });
      } else throw new Error(`unknown MANIFEST tag ${tag}`);
    }
  }
  return files;
}

/** An IndexedDB LevelDB key's prefix: one byte of lengths, then database id, object store id, index id. */
function prefix(key) {
  if (!key.length) return '(empty)';
  const lengths = key[0];
  const dbLen = (lengths >> 5) + 1;
  const storeLen = ((lengths >> 2) & 7) + 1;
  const indexLen = (lengths & 3) + 1;
  const num = (off, len) => {
    let v = 0;
    for (let i = len - 1; i >= 0; i--) v = v * 256 + (key[off + i] ?? 0);
    return v;
  };
  const db = num(1, dbLen);
  const store = num(1 + dbLen, storeLen);
  const index = num(1 + dbLen + storeLen, indexLen);
  const where =
    db === 0
      ? 'global metadata'
      : store === 0
        ? `database ${db} metadata`
        : `database ${db} · store ${store} · ${index === 1 ? 'rows' : index === 2 ? 'exists entries' : index === 3 ? 'blob entries' : `index ${index}`}`;
  return `${where} (${key.subarray(0, 8).toString('hex')}…)`;
}

for (const d of dbs) {
  const dir = path.join(idbDir, d);
  const manifest = fs.readdirSync(dir).find((f) => f.startsWith('MANIFEST-'));
  console.log(`\n${d}`);
  if (manifest) {
    const files = [...liveFiles(fs.readFileSync(path.join(dir, manifest))).entries()].sort(
      (a, b) => a[1].level - b[1].level || Buffer.compare(a[1].smallest, b[1].smallest),
    );
    console.log('live table files (level, size, first key → last key):');
    for (const [num, f] of files)
      console.log(`  #${num} L${f.level} ${(f.size / 1024).toFixed(0).padStart(6)} KiB  ${prefix(f.smallest)} → ${prefix(f.largest)}`);
  }
  const logPath = path.join(dir, 'LOG');
  if (fs.existsSync(logPath)) {
    const lines = fs
      .readFileSync(logPath, 'utf8')
      .split('\n')
      .filter((l) => !since || l.slice(11, 19) >= since);
    const flushes = lines.filter((l) => /Level-0 table #\d+: \d+ bytes OK/.test(l));
    const compactions = lines.filter((l) => /Compacted \d+@\d+ \+ \d+@\d+ files => \d+ bytes/.test(l));
    const written = compactions.reduce((n, l) => n + Number(/=> (\d+) bytes/.exec(l)[1]), 0);
    const shapes = new Map();
    for (const l of compactions) {
      const shape = /Compacted (\d+@\d+ \+ \d+@\d+) files/.exec(l)[1];
      shapes.set(shape, (shapes.get(shape) ?? 0) + 1);
    }
    console.log(
      `LOG${since ? ` since ${since}` : ''}: ${flushes.length} write-buffer flushes, ${compactions.length} compactions writing ${(written / 1024 / 1024).toFixed(1)} MiB`,
    );
    for (const [shape, n] of shapes) console.log(`  ${String(n).padStart(4)} × ${shape} files`);
    for (const l of lines.filter((x) => /Level-0 table #\d+: \d+ bytes OK|Compacting|Compacted/.test(x)))
      console.log(`  ${l.slice(11, 23)} ${l.slice(28, 100)}`);
  }
}
