// ESLint flat config: @eslint/js + typescript-eslint recommended rules.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

// Globals of the environments the plain-JS files run in (no `globals` package installed).
const nodeGlobals = Object.fromEntries(
  [
    'process',
    'console',
    'Buffer',
    'URL',
    'URLSearchParams',
    'fetch',
    'AbortController',
    'AbortSignal',
    'TextEncoder',
    'TextDecoder',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'setImmediate',
    'queueMicrotask',
    'structuredClone',
    'performance',
    'crypto',
    'globalThis',
  ].map((name) => [name, 'readonly']),
);

const browserGlobals = Object.fromEntries(
  [
    'window',
    'document',
    'navigator',
    'location',
    'Event',
    'CustomEvent',
    'KeyboardEvent',
    'MouseEvent',
    'InputEvent',
    'MutationObserver',
    'requestAnimationFrame',
    'cancelAnimationFrame',
    'HTMLElement',
    'HTMLInputElement',
    'Element',
    'Node',
    'getComputedStyle',
    'localStorage',
    'indexedDB',
    'chrome',
  ].map((name) => [name, 'readonly']),
);

export default defineConfig(
  globalIgnores(['.output/', '.wxt/', 'node_modules/', 'tests/fixtures/', '.rapport-profile/', 'stats.html']),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: nodeGlobals },
  },
  {
    // Test/bench scripts pass functions to puppeteer's page.evaluate(), which run in the page.
    files: ['tests/**/*.{js,mjs,cjs}'],
    languageOptions: { globals: browserGlobals },
  },
  {
    rules: {
      'no-unused-vars': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
        },
      ],
    },
  },
);
