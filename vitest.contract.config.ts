// Contract tests: each connector against a local server that behaves like its vendor (tests/contract/).
// Run: npx vitest run -c vitest.contract.config.ts [tests/contract/<file>]
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/contract/**/*.test.ts'],
    testTimeout: 60000,
  },
});
