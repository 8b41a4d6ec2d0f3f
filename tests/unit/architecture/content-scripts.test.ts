// Content scripts carry no zod (docs/decisions/0035-validate-captures-at-the-receiver.md): it was
// most of their size, and the receivers (background, sidebar frame) check every capture anyway.
// No module a content script bundles may import 'zod', not even for a type.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledImportsOf, importsOf } from './import-graph';

const root = resolve('.');
const isZod = (spec: string) => spec === 'zod' || spec.startsWith('zod/');

/**
 * Every module bundled from `entries` (following all but type-only imports) that imports zod in
 * any way, with the chain of imports that reaches it.
 */
function zodReachable(entries: string[], sourceOf: (file: string) => string | undefined): string[] {
  const via = new Map<string, string | undefined>(entries.map((e) => [e, undefined]));
  const queue = [...entries];
  const found: string[] = [];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    const source = sourceOf(file);
    if (source === undefined) continue; // a package, a stylesheet
    if (importsOf(root, file, source).some(isZod)) {
      const chain = [file];
      for (let up = via.get(file); up !== undefined; up = via.get(up)) chain.unshift(up);
      found.push(chain.join(' → '));
    }
    for (const next of bundledImportsOf(root, file, source)) {
      if (via.has(next)) continue;
      via.set(next, file);
      queue.push(next);
    }
  }
  return found;
}

const readSource = (file: string) => (existsSync(join(root, file)) ? readFileSync(join(root, file), 'utf8') : undefined);

describe('content scripts', () => {
  const entries = readdirSync(join(root, 'entrypoints'))
    .filter((f) => f.endsWith('.content.ts'))
    .map((f) => `entrypoints/${f}`);

  it('bundle no module that imports zod', () => {
    expect(entries.length).toBeGreaterThanOrEqual(3);
    expect(zodReachable(entries, readSource)).toEqual([]);
  });

  it('the check follows imports through folders, counts a type-only zod import, and skips type-only edges', () => {
    const sources: Record<string, string> = {
      'entrypoints/x.content.ts': "import { run } from '../sites/x/run';",
      'sites/x/run.ts': "import { parse } from './parse';\nimport type { PageCapture } from '../../messaging/x-protocol';",
      'sites/x/parse.ts': "import type { ZodType } from 'zod';\nimport { LIMITS } from '../../capture/x';",
      'capture/x.ts': "export const LIMITS = {};\nexport type Agree = 1;\nimport { y } from './x-y';",
      'capture/x-y.ts': "import { z } from 'zod';",
      'messaging/x-protocol.ts': "import { z } from 'zod';",
    };
    // (These files do not exist, so their imports resolve without an extension.)
    expect(zodReachable(['entrypoints/x.content.ts'], (f) => sources[f.endsWith('.ts') ? f : `${f}.ts`])).toEqual([
      'entrypoints/x.content.ts → sites/x/run → sites/x/parse',
      'entrypoints/x.content.ts → sites/x/run → sites/x/parse → capture/x → capture/x-y',
    ]);
  });
});
