// The docs of one term within one range of 65,536 doc numbers (a "chunk"), stored the way Roaring
// bitmaps store a container: a sorted array of 16-bit offsets while sparse, a bitmap once dense.
// Either form stays at or under 8 KiB: Chromium moves any IndexedDB value above 64 KiB out of its
// database into a separate blob file, and absolute Uint32 doc numbers made a common word or a short
// prefix among a million activities 100+ KiB per chunk. Measured at 1.11M records: the whole
// database 17 % smaller with the prefix-union rows for 1–6 letters included (query times alone did
// not change measurably; the union rows are what made multi-word queries fast).

export const CHUNK_SHIFT = 16;
export const CHUNK_SIZE = 1 << CHUNK_SHIFT;
/** Above this many docs an offset array (2 bytes each) would outgrow the bitmap (8 KiB). */
export const ARRAY_MAX = 4096;
const BITMAP_BYTES = CHUNK_SIZE / 8;

/** Exactly one of the two is set. */
export interface ChunkDocs {
  /** Sparse: offsets (doc number − chunk · 65,536), ascending, unique. */
  offs?: Uint16Array;
  /** Dense: bit `o` (byte o >> 3, bit o & 7) is set when offset `o` is in the chunk. */
  bits?: Uint8Array;
}

export function chunkOf(n: number): number {
  return n >>> CHUNK_SHIFT;
}

export function offsetOf(n: number): number {
  return n & (CHUNK_SIZE - 1);
}

/** The compact form of ascending unique offsets. */
export function encodeOffsets(offs: Uint16Array): ChunkDocs {
  if (offs.length <= ARRAY_MAX) return { offs };
  const bits = new Uint8Array(BITMAP_BYTES);
  for (let i = 0; i < offs.length; i++) bits[offs[i] >>> 3] |= 1 << (offs[i] & 7);
  return { bits };
}

/** Ascending offsets of a chunk, whichever its form. */
export function decodeOffsets(row: ChunkDocs): Uint16Array {
  if (row.offs) return row.offs;
  const bits = row.bits;
  if (!bits) return new Uint16Array(0);
  const out = new Uint16Array(cardinality(row));
  let k = 0;
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i];
    if (!b) continue;
    for (let j = 0; j < 8; j++) if (b & (1 << j)) out[k++] = (i << 3) | j;
  }
  return out;
}

export function cardinality(row: ChunkDocs): number {
  if (row.offs) return row.offs.length;
  let count = 0;
  for (const b of row.bits ?? []) {
    let v = b;
    while (v) {
      v &= v - 1;
      count++;
    }
  }
  return count;
}

/** Merges ascending offsets into a chunk (either may be empty or overlap). */
export function mergeOffsets(row: ChunkDocs | undefined, add: Uint16Array): ChunkDocs {
  if (!row) return encodeOffsets(add);
  if (row.bits) {
    const bits = row.bits.slice();
    for (let i = 0; i < add.length; i++) bits[add[i] >>> 3] |= 1 << (add[i] & 7);
    return { bits };
  }
  const old = row.offs ?? new Uint16Array(0);
  const out = new Uint16Array(old.length + add.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < old.length || j < add.length) {
    const v = j >= add.length || (i < old.length && old[i] <= add[j]) ? old[i++] : add[j++];
    if (k === 0 || out[k - 1] !== v) out[k++] = v;
  }
  return encodeOffsets(out.subarray(0, k));
}

/** The chunk with one more doc. */
export function addOffset(row: ChunkDocs | undefined, off: number): ChunkDocs {
  return mergeOffsets(row, Uint16Array.of(off));
}

/** The chunk without one doc, or undefined when nothing is left. */
export function removeOffset(row: ChunkDocs, off: number): ChunkDocs | undefined {
  if (row.bits) {
    const bits = row.bits.slice();
    bits[off >>> 3] &= ~(1 << (off & 7));
    // Back to an array once it fits again, as a Roaring container would.
    const left = { bits };
    const count = cardinality(left);
    if (count === 0) return undefined;
    return count <= ARRAY_MAX ? { offs: decodeOffsets(left) } : left;
  }
  const offs = row.offs ?? new Uint16Array(0);
  const at = offs.indexOf(off);
  if (at < 0) return offs.length ? row : undefined;
  if (offs.length === 1) return undefined;
  const out = new Uint16Array(offs.length - 1);
  out.set(offs.subarray(0, at));
  out.set(offs.subarray(at + 1), at);
  return { offs: out };
}

/** ORs `bit` into flags[offset] for every doc of the chunk (flags has one byte per offset). */
export function markChunk(row: ChunkDocs, flags: Uint8Array, bit: number): void {
  if (row.offs) {
    const offs = row.offs;
    for (let x = 0; x < offs.length; x++) flags[offs[x]] |= bit;
    return;
  }
  const bits = row.bits;
  if (!bits) return;
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i];
    if (!b) continue;
    const base = i << 3;
    for (let j = 0; j < 8; j++) if (b & (1 << j)) flags[base | j] |= bit;
  }
}
