// The plugin folders stay complete: every registered connector has a config schema, a contract
// test against a server that behaves like its vendor, and a README section; every site has its
// selectors, pure parser, fixtures and content script.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CONNECTORS } from '../../connectors/registry';

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
