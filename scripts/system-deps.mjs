#!/usr/bin/env node
// `node scripts/system-deps.mjs <test|unit|contract|e2e|browser>`: makes sure the system tools that
// entry point needs are installed (see scripts/lib/system-deps.mjs), installing them with apt when it
// can. Silent and instant when they are there; otherwise it installs them, or exits 1 at once with
// the one command to run. Runs as `pretest`, `pretest:contract` and `pretest:e2e`.
import { NEEDS, ensureSystemDeps } from './lib/system-deps.mjs';

const target = process.argv[2] ?? 'test';
if (!(target in NEEDS)) {
  console.error(`Usage: node scripts/system-deps.mjs <${Object.keys(NEEDS).join('|')}>`);
  process.exit(2);
}
const purpose = target === 'test' ? '`npm test`' : target === 'browser' ? 'the browser scripts' : `the ${target} tests`;
const result = ensureSystemDeps(NEEDS[target], { purpose });
if (!result.ok) {
  console.error(`\n${result.message}`);
  process.exit(1);
}
