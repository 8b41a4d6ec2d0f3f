// The streaming export reader: the same tokens whatever the slicing, named errors for broken text, and a
// large export read slice by slice without the file ever becoming one string.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readExport, type ExportBatch } from '../../../importers/json';
import { TopLevelJsonReader, type TopLevelToken } from '../../../importers/json-stream';

function readInSlices(text: string, sizes: number[]): { tokens: TopLevelToken[]; error?: string } {
  const reader = new TopLevelJsonReader();
  const tokens: TopLevelToken[] = [];
  let pos = 0;
  let k = 0;
  while (pos < text.length || pos === 0) {
    const size = Math.max(1, sizes[k++ % sizes.length]);
    const slice = text.slice(pos, pos + size);
    pos += size;
    const r = reader.push(slice, pos >= text.length);
    tokens.push(...r.tokens);
    if (r.error) return { tokens, error: r.error.message };
    if (pos >= text.length) break;
  }
  return { tokens };
}

/** What the tokens should be: from JSON.parse of the whole text. */
function expectedTokens(value: Record<string, unknown>): TopLevelToken[] {
  const out: TopLevelToken[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (Array.isArray(v)) {
      out.push({ type: 'arrayStart', key });
      v.forEach((value, index) => out.push({ type: 'element', key, index, value }));
      out.push({ type: 'arrayEnd', key, count: v.length });
    } else out.push({ type: 'member', key, value: v });
  }
  return out;
}

describe('TopLevelJsonReader', () => {
  it('hands out the same tokens as JSON.parse, however the text is sliced (property)', () => {
    // Strings full of the characters the scanner looks for: quotes, backslashes, brackets, commas.
    const tricky = fc.string({ unit: fc.constantFrom('"', '\\', '{', '}', '[', ']', ',', ':', 'a', 'é', '😀', ' ', '\n', '\u2028') });
    const record = fc.dictionary(fc.oneof(tricky, fc.string()), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 });
    const file = fc.dictionary(
      fc.string(),
      fc.oneof(fc.array(fc.oneof(record, fc.jsonValue({ maxDepth: 2 })), { maxLength: 6 }), fc.jsonValue()),
      {
        maxKeys: 6,
      },
    );
    fc.assert(
      fc.property(file, fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 8 }), fc.boolean(), (value, sizes, pretty) => {
        const text = JSON.stringify(value, null, pretty ? 2 : undefined);
        // JSON.parse of an object with a "__proto__" key differs from Object.entries of the generated value.
        const parsed = JSON.parse(text) as Record<string, unknown>;
        expect(readInSlices(text, sizes)).toEqual({ tokens: expectedTokens(parsed) });
      }),
      { numRuns: 300 },
    );
  });

  it('an escape split across slices', () => {
    const text = '{"a":["x\\\\","y\\"]z",{"k":"\\u005d\\\\\\""}],"b":"\\\\"}';
    for (let size = 1; size <= 6; size++) {
      expect(readInSlices(text, [size]).tokens).toEqual(expectedTokens(JSON.parse(text)));
    }
  });

  it.each([
    ['a truncated file', '{"format":"rapport-export","contacts":[{"id":"a"},{"id":', /the file ends before the JSON object does/],
    ['a broken record', '{"contacts":[{"id":"a"},{"id":b}]}', /^contacts\[1\] is not valid JSON/],
    ['a missing comma', '{"contacts":[{"id":"a"} {"id":"b"}]}', /^expected "," or "\]" after contacts\[0\]/],
    ['text after the object', '{"a":1} x', /^unexpected "x" after the end of the object/],
    ['not an object', '[1,2]', /^expected a JSON object, found "\["/],
    ['a trailing comma', '{"contacts":[1,]}', /^expected a value in "contacts"/],
  ])('%s is a named error, after the tokens before it', (_label, text, message) => {
    for (const size of [1, 3, 1000]) {
      const r = readInSlices(text, [size]);
      expect(r.error).toMatch(message);
    }
    const r = readInSlices('{"contacts":[{"id":"a"},{"id":b}]}', [1000]);
    expect(r.tokens.filter((t) => t.type === 'element')).toEqual([{ type: 'element', key: 'contacts', index: 0, value: { id: 'a' } }]);
  });

  it('refuses a value longer than its limit instead of buffering the rest of the file', () => {
    const reader = new TopLevelJsonReader(1000);
    expect(reader.push('{"contacts":[{"id":"a","name":"').error).toBeUndefined();
    expect(reader.push('x'.repeat(2000)).error?.message).toMatch(/^contacts\[0\] is longer than 1000 characters/);
  });
});

/** A File that can only be read slice by slice: reading it whole at once throws. */
class SliceOnlyBlob extends Blob {
  largestSlice = 0;
  arrayBuffer(): Promise<ArrayBuffer> {
    throw new Error('the whole file was read at once');
  }
  text(): Promise<string> {
    throw new Error('the whole file was read at once');
  }
  slice(start?: number, end?: number): Blob {
    this.largestSlice = Math.max(this.largestSlice, (end ?? this.size) - (start ?? 0));
    return super.slice(start, end);
  }
}

describe('readExport on a large file', () => {
  it('reads ~40 MB slice by slice in bounded batches, never the whole text at once', { timeout: 120_000 }, async () => {
    const at = '2026-01-01T00:00:00.000Z';
    const src = [{ type: 'import', ref: 'big.csv', at }];
    const parts: string[] = ['{"format":"rapport-export","version":1,"exportedAt":"2026-01-02T00:00:00.000Z","contacts":['];
    const CONTACTS = 60_000;
    const ACTIVITIES = 40_000;
    for (let i = 0; i < CONTACTS; i++) {
      const c = {
        id: `ct_${i}`,
        name: `Person ${i} “Zoë” \\ [x]`,
        emails: [`P${i}@Example.com`],
        phones: [],
        tags: ['a'],
        createdAt: at,
        updatedAt: at,
        sources: src,
      };
      parts.push((i ? ',' : '') + JSON.stringify(c));
    }
    parts.push('],"companies":[],"activities":[');
    const body = 'Lorem ipsum dolor sit amet, “quoted” text with {braces} and [brackets]. '.repeat(8);
    for (let i = 0; i < ACTIVITIES; i++) {
      const a = {
        id: `ac_${i}`,
        type: 'note',
        contactIds: [`ct_${i % CONTACTS}`],
        body,
        occurredAt: at,
        createdAt: at,
        updatedAt: at,
        sources: src,
      };
      parts.push((i ? ',' : '') + JSON.stringify(a));
    }
    parts.push('],"tasks":[],"deals":[]}');
    const file = new SliceOnlyBlob(parts, { type: 'application/json' });
    expect(file.size).toBeGreaterThan(40_000_000);

    const counts: Record<string, number> = {};
    let largestBatch = 0;
    let last: ExportBatch | undefined;
    let checked = 0;
    for await (const b of readExport(file, { batchSize: 2000 })) {
      expect(b.errors).toEqual([]);
      largestBatch = Math.max(largestBatch, b.records.length);
      if (b.collection) counts[b.collection] = (counts[b.collection] ?? 0) + b.records.length;
      if (b.collection === 'contacts' && b.records.length && checked++ < 3) {
        const r = b.records[0];
        expect(r.record).toMatchObject({ id: `ct_${r.index}`, emails: [`p${r.index}@example.com`] });
      }
      last = b;
    }
    expect(counts).toEqual({ contacts: CONTACTS, activities: ACTIVITIES });
    expect(largestBatch).toBeLessThanOrEqual(2000);
    expect(file.largestSlice).toBeLessThanOrEqual(1024 * 1024);
    expect(last?.progress).toEqual({ bytesRead: file.size, totalBytes: file.size });
  });
});
