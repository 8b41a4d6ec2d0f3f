import { realpathSync } from 'node:fs';
import { searchForWorkspaceRoot } from 'vite';
import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

// A git worktree may link node_modules from the main checkout: let Vite serve files from there too.
const fsAllow = [searchForWorkspaceRoot(process.cwd()), realpathSync('node_modules')];

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [WxtVitest()],
        server: { fs: { allow: fsAllow } },
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.{ts,tsx}'],
          setupFiles: ['fake-indexeddb/auto'],
          testTimeout: 30_000,
        },
      },
      {
        // Each connector against a local server that behaves like its vendor (CardDAV: a real radicale).
        test: {
          name: 'contract',
          include: ['tests/contract/**/*.test.ts'],
          // One retry: once in a full run the HubSpot "hang past the timeout" request failed with a
          // socket error before its 400 ms timeout (docs/testing.md, Known flake). A retried test
          // is reported as such, and a test failing twice fails the run.
          retry: 1,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          // One retry: on a 2-core machine puppeteer now and then never gets an execution context for
          // an out-of-process extension frame (a different test each time; docs/testing.md). A
          // retried test is reported as such, and a test failing twice fails the run.
          retry: 1,
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
