// Reads the repository's import graph: every import, export-from, dynamic import and
// `new URL('…', import.meta.url)` (workers) of the code files git knows, relative ones resolved
// to repository paths. Type-only imports count: they tie the folders together just the same.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import type { Graph } from './dependency-rule';

const CODE = /\.(ts|tsx|mts|mjs|js)$/;
const SPECIFIER =
  /(?:^|[;\s])(?:import|export)\s+(?:type\s+)?(?:[\w*${}\s,]*?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|new URL\(\s*['"](\.[^'"]+)['"]\s*,\s*import\.meta\.url/g;
const EXTENSIONS = ['', '.ts', '.tsx', '.mts', '.mjs', '.js', '/index.ts', '/index.tsx'];

export function codeFiles(root: string): string[] {
  const listed = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: root, encoding: 'utf8' }).split('\n');
  return listed.filter((f) => CODE.test(f) && !f.startsWith('tests/fixtures/') && !f.endsWith('.d.ts') && existsSync(join(root, f)));
}

function resolveSpecifier(root: string, from: string, spec: string): string {
  if (!spec.startsWith('.')) return spec;
  const base = normalize(join(dirname(from), spec));
  for (const ext of EXTENSIONS) if (existsSync(join(root, base + ext)) && !ext.endsWith('/') && CODE.test(base + ext)) return base + ext;
  return base; // a stylesheet or asset
}

/** Imports of one file's source, resolved. */
export function importsOf(root: string, file: string, source: string): string[] {
  // Comments may quote import lines; they are not edges.
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
  const out = new Set<string>();
  for (const m of code.matchAll(SPECIFIER)) out.add(resolveSpecifier(root, file, m[1] ?? m[2] ?? m[3]));
  return [...out];
}

// `import type {…} from '…'`, `import type X from '…'`, `export type {…} from '…'`: erased at build.
const TYPE_ONLY = /(^|[;\s])(?:import|export)\s+type\s+(?:\{[^}]*\}|[\w*$]+(?:\s+as\s+[\w$]+)?)\s+from\s+['"][^'"]+['"]/g;

/**
 * Imports that end up in a bundle: those of `importsOf` but the type-only statements. (An import
 * whose names are each marked `type` still counts: kept as a bare import, it can load the module.)
 */
export function bundledImportsOf(root: string, file: string, source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
  return importsOf(root, file, code.replace(TYPE_ONLY, '$1'));
}

export function readImportGraph(root: string): Graph {
  const graph = new Map<string, string[]>();
  for (const file of codeFiles(root)) graph.set(file, importsOf(root, file, readFileSync(join(root, file), 'utf8')));
  return graph;
}
