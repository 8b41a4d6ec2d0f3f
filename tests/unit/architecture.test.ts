// The house rules: one dependency direction (the code map in README), no import cycles, Node only
// in tests and scripts, test doubles out of the product, no oversized modules; and the plugin
// folders stay complete: every registered connector has a config schema, a contract test against
// a server that behaves like its vendor, a simulator or real server, and a README section; every
// site has its selectors, pure parser, fixtures and content script.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CONNECTORS } from '../../connectors/registry';
import { checkGraph, findCycles, LAYERS, type Graph } from './architecture/dependency-rule';
import { codeFiles, importsOf, readImportGraph } from './architecture/import-graph';

const root = resolve('.');
const readme = readFileSync(resolve(root, 'README.md'), 'utf8');

describe('connectors', () => {
  it('registers every connector folder', () => {
    const folders = readdirSync(resolve(root, 'connectors'), { withFileTypes: true })
      .filter((d) => d.isDirectory() && d.name !== 'sim')
      .map((d) => d.name)
      .sort();
    expect(CONNECTORS.map((c) => c.id).sort()).toEqual(folders);
  });

  for (const c of CONNECTORS) {
    describe(c.id, () => {
      it('declares a zod config schema whose keys the options form can render', () => {
        expect(c.configSchema).toBeInstanceOf(z.ZodType);
        const json = z.toJSONSchema(c.configSchema as z.ZodType, { io: 'input', unrepresentable: 'any' }) as { properties?: object };
        expect(Object.keys(json.properties ?? {}).length).toBeGreaterThan(0);
        for (const k of c.secretKeys) expect(Object.keys(json.properties ?? {})).toContain(k);
      });
      it('has a contract test', () => {
        expect(existsSync(resolve(root, `tests/contract/${c.id}.test.ts`))).toBe(true);
      });
      it('has a README section', () => {
        expect(readme).toMatch(new RegExp(`^#### ${c.displayName}\\b`, 'm'));
      });
      it('declares limits and batch sizes', () => {
        expect(c.rateLimit.requests).toBeGreaterThan(0);
        expect(c.rateLimit.intervalMs).toBeGreaterThan(0);
        expect(Object.values(c.batchSize).every((n) => (n ?? 0) >= 1)).toBe(true);
      });
    });
  }
});

describe('sites', () => {
  for (const site of ['gmail', 'outlook', 'linkedin']) {
    it(`${site} has selectors, a pure parser, fixtures, unit tests and a content script`, () => {
      expect(existsSync(resolve(root, `sites/${site}/selectors.ts`))).toBe(true);
      expect(existsSync(resolve(root, `sites/${site}/parse.ts`))).toBe(true);
      expect(readdirSync(resolve(root, `tests/fixtures/${site}`)).filter((f) => f.endsWith('.html')).length).toBeGreaterThan(2);
      expect(existsSync(resolve(root, `tests/unit/sites/${site}.test.ts`))).toBe(true);
      expect(existsSync(resolve(root, `entrypoints/${site}.content.ts`))).toBe(true);
      // Parsers stay pure: no extension APIs, no storage.
      const parse = readFileSync(resolve(root, `sites/${site}/parse.ts`), 'utf8');
      expect(parse).not.toMatch(/from ['"](wxt\/browser|webextension-polyfill|dexie)['"]|storage\/(db|repositories)/);
    });
  }
});

describe('dependency rule', () => {
  const root = resolve('.');
  const graph = readImportGraph(root);

  it('reads the whole tree, type-only imports included', () => {
    expect(graph.size).toBeGreaterThan(150);
    expect(importsOf(root, 'x/a.ts', "import type { A } from '../storage/schema';")).toEqual(['storage/schema.ts']);
    expect(importsOf(root, 'x/a.ts', "export type { A } from '../storage/schema';\n// import { B } from '../sync/status';")).toEqual([
      'storage/schema.ts',
    ]);
  });

  it('holds for every file: no forbidden import, no cycle, no node: import in product code', () => {
    expect(checkGraph(graph).map((v) => `${v.kind}: ${v.detail}`)).toEqual([]);
  });

  it('puts every top-level code folder in the code map, and the code map in the README', () => {
    const folders = new Set(
      codeFiles(root)
        .filter((f) => f.includes('/'))
        .map((f) => f.slice(0, f.indexOf('/'))),
    );
    const known = new Set(LAYERS.map((l) => l.folder));
    expect([...folders].filter((f) => !known.has(f))).toEqual([]);
    for (const l of LAYERS) expect(readme).toContain(`${l.folder}`);
  });

  // The checker itself, on graphs made to break each rule (so the test above cannot pass vacuously).
  const synthetic = (edges: Record<string, string[]>): Graph => new Map(Object.entries(edges));

  it('fails on a forbidden import, type-only or not', () => {
    const g = synthetic({
      'storage/db.ts': ['sync/status.ts'],
      'sync/status.ts': ['storage/db.ts'.replace('db', 'schema')],
      'storage/schema.ts': [],
    });
    expect(checkGraph(g).map((v) => v.kind)).toEqual(['forbidden']);
    const typeOnly = [...graph.keys()].includes('capture/mail.ts')
      ? importsOf(root, 'storage/x.ts', "import type { ThreadCapture } from '../capture/mail';")
      : [];
    expect(checkGraph(synthetic({ 'storage/x.ts': typeOnly, 'capture/mail.ts': [] })).map((v) => v.kind)).toEqual(['forbidden']);
    // A site may read storage's normalizers but not the database.
    const site = synthetic({
      'sites/a/parse.ts': ['storage/normalize.ts', 'storage/db.ts'],
      'storage/normalize.ts': [],
      'storage/db.ts': [],
    });
    expect(checkGraph(site).map((v) => v.detail)).toEqual([expect.stringContaining('sites/a/parse.ts → storage/db.ts')]);
    // Shared components read; writing is the page's.
    const ui = synthetic({ 'components/A.tsx': ['storage/repositories.ts'], 'storage/repositories.ts': [] });
    expect(checkGraph(ui).map((v) => v.kind)).toEqual(['forbidden']);
  });

  it('fails on a cycle, however long', () => {
    const g = synthetic({ 'sync/a.ts': ['sync/b.ts'], 'sync/b.ts': ['sync/c.ts'], 'sync/c.ts': ['sync/a.ts'], 'sync/d.ts': ['sync/a.ts'] });
    expect(findCycles(g)).toEqual([['sync/a.ts', 'sync/b.ts', 'sync/c.ts', 'sync/a.ts']]);
    expect(checkGraph(g).map((v) => v.kind)).toEqual(['cycle']);
    expect(findCycles(synthetic({ 'sync/self.ts': ['sync/self.ts'] }))).toHaveLength(1);
    // A chain of 20,000 files: no recursion to overflow.
    const chain = new Map(Array.from({ length: 20_000 }, (_, i) => [`sync/m${i}.ts`, [`sync/m${(i + 1) % 20_000}.ts`]]));
    expect(findCycles(chain)[0]).toHaveLength(20_001);
  });

  it('fails on node: in product code, on tests/ imported outside a test build, on an unknown folder', () => {
    const g = synthetic({
      'connectors/x/server.ts': ['node:http'],
      'tests/sims/x.ts': ['node:http'],
      'scripts/a.mjs': ['node:fs'],
      'wxt.config.ts': ['node:fs'],
      'sync/y.ts': ['tests/sims/x.ts'],
      'entrypoints/bench/main.ts': ['tests/sims/x.ts'],
      'helpers/z.ts': [],
    });
    expect(
      checkGraph(g)
        .map((v) => `${v.kind} ${v.detail.split(' ')[0]}`)
        .sort(),
    ).toEqual(['node-import connectors/x/server.ts', 'tests-import sync/y.ts', 'unknown-folder helpers/z.ts:']);
  });
});

describe('module size', () => {
  // Big modules hide their seams; the code map says why for any listed here.
  const MAX_LINES = 500;
  const EXEMPT: Record<string, string> = {};
  it(`keeps files under sync/, connectors/, components/ and entrypoints/ within ${MAX_LINES} lines`, () => {
    const big = codeFiles(root)
      .filter((f) => /^(sync|connectors|components|entrypoints)\//.test(f))
      .map((f) => [f, readFileSync(resolve(root, f), 'utf8').split('\n').length] as const)
      .filter(([f, n]) => n > MAX_LINES && !(f in EXEMPT));
    expect(big).toEqual([]);
  });
});
