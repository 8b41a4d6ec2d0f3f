// Sync benchmark (npm run bench:sync): the engine against the simulated HubSpot and Pipedrive
// APIs in real time. Runs under Vitest because the engine, storage and connectors are TypeScript
// modules with extensionless imports; IndexedDB is fake-indexeddb, as in the unit tests.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['tests/bench/*.bench.ts'],
    setupFiles: ['fake-indexeddb/auto'],
    testTimeout: 3_600_000,
    hookTimeout: 600_000,
    fileParallelism: false,
  },
});
