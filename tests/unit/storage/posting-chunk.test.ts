import { describe, expect, it } from 'vitest';
import {
  ARRAY_MAX,
  addOffset,
  cardinality,
  decodeOffsets,
  encodeOffsets,
  markChunk,
  mergeOffsets,
  removeOffset,
} from '../../../storage/posting-chunk';

const range = (from: number, count: number, step = 1) => Uint16Array.from({ length: count }, (_, i) => from + i * step);

describe('posting chunk containers', () => {
  it('keeps a sparse chunk as 16-bit offsets and a dense one as an 8 KiB bitmap', () => {
    const sparse = encodeOffsets(range(0, ARRAY_MAX, 3));
    expect(sparse.offs?.length).toBe(ARRAY_MAX);
    expect(sparse.bits).toBeUndefined();
    const dense = encodeOffsets(range(10, ARRAY_MAX + 1, 7));
    expect(dense.offs).toBeUndefined();
    expect(dense.bits?.byteLength).toBe(8192);
    expect(cardinality(dense)).toBe(ARRAY_MAX + 1);
    expect(Array.from(decodeOffsets(dense))).toEqual(Array.from(range(10, ARRAY_MAX + 1, 7)));
  });

  it('merges sorted offsets without duplicates and turns into a bitmap past ARRAY_MAX', () => {
    const a = encodeOffsets(Uint16Array.of(1, 5, 9));
    expect(Array.from(decodeOffsets(mergeOffsets(a, Uint16Array.of(0, 5, 10, 65535))))).toEqual([0, 1, 5, 9, 10, 65535]);
    const big = mergeOffsets(encodeOffsets(range(0, 3000, 2)), range(1, 3000, 2));
    expect(big.bits).toBeDefined();
    expect(Array.from(decodeOffsets(big))).toEqual(Array.from(range(0, 6000)));
  });

  it('adds and removes one doc in either form; a bitmap shrinks back to an array, an empty chunk to nothing', () => {
    let row = encodeOffsets(range(0, ARRAY_MAX + 1));
    expect(row.bits).toBeDefined();
    row = addOffset(row, 60000);
    expect(cardinality(row)).toBe(ARRAY_MAX + 2);
    row = removeOffset(row, 60000)!;
    row = removeOffset(row, 0)!;
    expect(row.offs?.length).toBe(ARRAY_MAX);
    expect(decodeOffsets(row)[0]).toBe(1);
    expect(removeOffset(encodeOffsets(Uint16Array.of(7)), 7)).toBeUndefined();
    expect(removeOffset(encodeOffsets(Uint16Array.of(7)), 8)).toEqual({ offs: Uint16Array.of(7) });
    expect(Array.from(decodeOffsets(addOffset(undefined, 42)))).toEqual([42]);
  });

  it('marks every doc of a chunk in a per-offset flag array', () => {
    const flags = new Uint8Array(65536);
    markChunk(encodeOffsets(Uint16Array.of(3, 65535)), flags, 1);
    markChunk(encodeOffsets(range(0, ARRAY_MAX + 1, 3)), flags, 2);
    expect(flags[3]).toBe(3);
    expect(flags[65535]).toBe(1);
    expect(flags[6]).toBe(2);
    expect(flags[4]).toBe(0);
  });
});
