// The dependency rule of the code map (README, "Code map"; docs/decisions/0000-dependency-direction.md)
// as data, and a checker over an import graph. Pure: the graph is read by import-graph.ts, and
// the tests feed it synthetic graphs too, to show that a forbidden edge, a cycle or a `node:`
// import in product code fails.

/** A module may import its own folder and the ones listed here (type-only imports count). */
export interface Layer {
  /** Top-level folder. */
  folder: string;
  /** Folders (or single modules, `storage/normalize`) it may import. `*`: anything. */
  may: readonly string[];
}

/** Which folders may import which: one direction, storage at the bottom, entrypoints at the top. */
export const LAYERS: readonly Layer[] = [
  // The leaf: it owns every table, the outbox and sync rows included, because a change and its
  // sync intent are written in one transaction.
  { folder: 'storage', may: [] },
  { folder: 'importers', may: ['storage'] },
  // What a capture is (schemas, signature parsing) and what is done with it (save, log, rules).
  { folder: 'capture', may: ['storage'] },
  // Storage's schema types and normalizers; the importers' pure parsers (CardDAV reads vCards).
  {
    folder: 'connectors',
    may: [
      'storage/schema',
      'storage/sync-rows',
      'storage/normalize',
      'importers/vcard',
      'importers/vcard-text',
      'importers/types',
      'importers/text',
      'importers/contact',
    ],
  },
  { folder: 'sync', may: ['storage', 'connectors'] },
  // Result types come from the handlers by interface augmentation, not by an import.
  { folder: 'messaging', may: ['capture'] },
  { folder: 'sites', may: ['capture', 'messaging', 'storage/normalize'] },
  // Shared UI reads; writes belong to the page that makes them (entrypoints/<page>/).
  {
    folder: 'components',
    may: [
      'storage/db',
      'storage/schema',
      'storage/queries',
      'storage/records',
      'storage/search-index',
      'storage/settings',
      'storage/sync-rows',
      'storage/normalize',
      // Pure date arithmetic of tasks (where a task stands, when it is due): read, never written.
      'storage/task-schedule',
      'capture',
      'messaging',
      'sync',
    ],
  },
  { folder: 'entrypoints', may: ['*'] },
  { folder: 'tests', may: ['*'] },
  { folder: 'scripts', may: ['*'] },
];

/** Test-only pages: built only into the test build (wxt.config.ts), so they may import tests/. */
export const TEST_BUILD_ONLY = ['entrypoints/bench/'];

/** Build and tool configuration at the root runs in Node, never in the extension. */
export const ROOT_CONFIG = /^[^/]+\.config\.(ts|js|mjs)$/;

export type Graph = ReadonlyMap<string, readonly string[]>;

export interface Violation {
  kind: 'forbidden' | 'cycle' | 'node-import' | 'tests-import' | 'unknown-folder';
  detail: string;
}

const topFolder = (file: string): string => (file.includes('/') ? file.slice(0, file.indexOf('/')) : '');
const stripExt = (file: string): string => file.replace(/\.(d\.)?(ts|tsx|mts|mjs|js|css)$/, '').replace(/\/index$/, '');

function allowed(layer: Layer, target: string): boolean {
  const t = stripExt(target);
  return layer.may.some((m) => m === '*' || t === m || t.startsWith(`${m}/`));
}

/**
 * Checks a graph of file → imported specifiers. Relative imports are already resolved to
 * repository paths; bare ones (`dexie`, `node:fs`) are kept as written.
 */
export function checkGraph(graph: Graph, layers: readonly Layer[] = LAYERS): Violation[] {
  const out: Violation[] = [];
  const byFolder = new Map(layers.map((l) => [l.folder, l]));
  for (const [file, imports] of graph) {
    const from = topFolder(file);
    const layer = byFolder.get(from);
    const product = from !== 'tests' && from !== 'scripts' && !ROOT_CONFIG.test(file);
    if (!layer && product) {
      out.push({ kind: 'unknown-folder', detail: `${file}: folder "${from || '(root)'}" is not in the code map` });
      continue;
    }
    for (const target of imports) {
      if (target.startsWith('node:')) {
        if (product) out.push({ kind: 'node-import', detail: `${file} imports ${target} (Node only in tests/ and scripts/)` });
        continue;
      }
      if (!target.includes('/') || !graph.has(target)) continue; // a package, or a non-code asset
      const to = topFolder(target);
      if (to === 'tests' && from !== 'tests' && !TEST_BUILD_ONLY.some((p) => file.startsWith(p))) {
        out.push({ kind: 'tests-import', detail: `${file} imports ${target} (only test builds may import tests/)` });
        continue;
      }
      if (!layer || to === from) continue;
      if (!allowed(layer, target))
        out.push({ kind: 'forbidden', detail: `${file} → ${target} (${from} may use: ${layer.may.join(', ') || 'nothing'})` });
    }
  }
  for (const cycle of findCycles(graph)) out.push({ kind: 'cycle', detail: cycle.join(' → ') });
  return out;
}

/** File-level import cycles (strongly connected components of more than one file, or a self-import). */
export function findCycles(graph: Graph): string[][] {
  // Tarjan's algorithm, iterative so a deep graph cannot overflow the stack.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let next = 0;
  const edges = (f: string) => (graph.get(f) ?? []).filter((t) => graph.has(t));
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work: { file: string; i: number }[] = [{ file: start, i: 0 }];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length) {
      const top = work[work.length - 1];
      const targets = edges(top.file);
      if (top.i < targets.length) {
        const t = targets[top.i++];
        if (!index.has(t)) {
          index.set(t, next);
          low.set(t, next++);
          stack.push(t);
          onStack.add(t);
          work.push({ file: t, i: 0 });
        } else if (onStack.has(t)) {
          low.set(top.file, Math.min(low.get(top.file)!, index.get(t)!));
        }
        continue;
      }
      work.pop();
      if (work.length) low.set(work[work.length - 1].file, Math.min(low.get(work[work.length - 1].file)!, low.get(top.file)!));
      if (low.get(top.file) === index.get(top.file)) {
        const scc: string[] = [];
        let f: string;
        do {
          f = stack.pop()!;
          onStack.delete(f);
          scc.push(f);
        } while (f !== top.file);
        if (scc.length > 1 || edges(top.file).includes(top.file)) cycles.push([...scc.reverse(), scc[0]]);
      }
    }
  }
  return cycles;
}
