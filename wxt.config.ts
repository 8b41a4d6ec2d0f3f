import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';

// Public half of the signing key: pins the extension id to okngfgklmnoabbcbakcjdikdgdhemafp
// for users (unpacked loads) and for the end-to-end tests.
const MANIFEST_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAv4DPBF/v+6MtfGyaEsc/PHlzJ978UNTbDTGR3H1ecpH2C846QPz7VagXM/tU9vwKO65Rk8Ah15SEJJ+pagEttnr9G6QIKMCa47Eb4fA75VvlDD74iGKBdx9/qSMh9e83COYeH+WWSsYKHH8NOJbXCTVNo7XG7YOAJPHSVykeTtpaAWTovDzxzVTJ8r6SMCZRlGd+mQL/hLqcBc9+VEyHtzs88Ky2hm35tHPxMU8Sdl6D9cqcR+l1CR+TsByJgupNbHDELv0QneHZFTeRWDx9ZjVjJ6b64GKg+O0HddSvQ+NUBbyFbawr4P8A4ku8J5uXY0YEqeIB6vLbNOmFND9khQIDAQAB';

// Test/bench-only pages are built only when RAPPORT_TEST_BUILD=1 (into .output/test-*),
// so the release build never ships them.
const testBuild = process.env.RAPPORT_TEST_BUILD === '1';
const TEST_ONLY_ENTRYPOINTS = new Set(['bench']);
const releaseEntrypoints = readdirSync(new URL('./entrypoints', import.meta.url))
  // An entrypoint's name drops the extension and a `.content` suffix (gmail.content.ts → gmail).
  .map((f) => f.replace(/\.(ts|tsx|html)$/, '').replace(/\.content$/, ''))
  .filter((name) => !TEST_ONLY_ENTRYPOINTS.has(name));

// Gmail through InboxSDK only when an app id is given at build time (environment or .env; WXT
// loads .env after this file is evaluated, so it is read inside the functions below). Without
// one, the InboxSDK code is left out of the bundle and the manifest gains nothing.
const inboxSdkAppId = () => (process.env.WXT_INBOXSDK_APP_ID ?? '').trim();

export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  // RAPPORT_OUTDIR (a folder name under .output) keeps variant builds, such as the e2e test's
  // build with an InboxSDK app id, away from the regular (test) build.
  outDirTemplate: process.env.RAPPORT_OUTDIR || (testBuild ? 'test-{{browser}}-mv{{manifestVersion}}' : undefined),
  filterEntrypoints: testBuild ? undefined : releaseEntrypoints,
  vite: () => ({
    plugins: [preact()],
    build: { chunkSizeWarningLimit: 2000 },
    // Compile-time constants: `if (import.meta.env.WXT_INBOXSDK_APP_ID)` folds to `if ("")`
    // without an id, so the InboxSDK import is dropped from the Gmail script and the background;
    // `if (import.meta.env.RAPPORT_TEST_BUILD)` folds to `if (false)` in a release build, so
    // test-only code (the sidebar's measurements) is left out of it.
    define: {
      'import.meta.env.WXT_INBOXSDK_APP_ID': JSON.stringify(inboxSdkAppId()),
      'import.meta.env.RAPPORT_TEST_BUILD': JSON.stringify(testBuild),
    },
  }),
  hooks: {
    // InboxSDK's background part injects pageWorld.js into Gmail's main world: ship it at the root.
    'build:publicAssets': (_wxt, files) => {
      if (!inboxSdkAppId()) return;
      files.push({
        absoluteSrc: fileURLToPath(new URL('./node_modules/@inboxsdk/core/pageWorld.js', import.meta.url)),
        relativeDest: 'pageWorld.js',
      });
    },
  },
  manifest: ({ browser }) => ({
    name: 'Rapport',
    description: 'Customer sidebar for Gmail, Outlook and LinkedIn — local-first, synced to your CRM.',
    ...(browser === 'chrome' ? { key: MANIFEST_KEY } : {}),
    // With an InboxSDK app id: `scripting` and Gmail's host, for InboxSDK to inject pageWorld.js.
    // Test builds also hold `identity` and `notifications` (granted at install: a headless browser
    // cannot answer the prompt); release builds ask for them in the "Connect with <CRM>" click and
    // when the user turns reminders on. `alarms`: sync, reminders, midnight, keep-in-touch.
    permissions: [
      'unlimitedStorage',
      'alarms',
      'contextMenus',
      ...(inboxSdkAppId() ? ['scripting'] : []),
      ...(testBuild ? ['identity', 'notifications'] : []),
    ],
    // "Connect with <CRM>" (OAuth sign-in window via identity.launchWebAuthFlow); task reminders.
    ...(testBuild ? {} : { optional_permissions: ['identity', 'notifications'] }),
    // CRM hosts are asked for when the user saves a connection (and given back on removal).
    optional_host_permissions: ['https://*/*', 'http://*/*'],
    // Test builds only: the simulated CRMs on 127.0.0.1 are reachable without a permission prompt
    // (a headless browser cannot click one). Absent from the release build.
    ...(testBuild || inboxSdkAppId()
      ? {
          host_permissions: [...(testBuild ? ['http://127.0.0.1/*'] : []), ...(inboxSdkAppId() ? ['https://mail.google.com/*'] : [])],
        }
      : {}),
    // The sidebar page is the only resource pages may load, from the three sites only, and under
    // a per-session random URL so sites cannot probe for the extension. Chrome reads only the
    // origin of these patterns: LinkedIn's country hosts (public profiles, company pages) need
    // *.linkedin.com, the narrowest pattern that covers them (decision 0032).
    web_accessible_resources: [
      {
        resources: ['sidebar.html'],
        matches: [
          'https://mail.google.com/*',
          'https://outlook.office.com/*',
          'https://outlook.office365.com/*',
          'https://outlook.live.com/*',
          'https://*.linkedin.com/*',
        ],
        use_dynamic_url: true,
      },
    ],
    action: { default_title: 'Rapport — search your contacts' },
    // Opens or collapses the sidebar in the current tab (the background passes it to the page's
    // content script). Alt+Shift+R: neither Gmail's, Outlook's nor LinkedIn's shortcuts use it;
    // users can change it at chrome://extensions/shortcuts. Commands need no permission.
    commands: {
      'toggle-sidebar': { suggested_key: { default: 'Alt+Shift+R' }, description: 'Open or collapse the Rapport sidebar' },
      // The toolbar popup (search) and the workspace, from any page.
      _execute_action: { suggested_key: { default: 'Alt+Shift+K' }, description: 'Search your contacts' },
      'open-workspace': { suggested_key: { default: 'Alt+Shift+W' }, description: 'Open the Rapport workspace' },
      // No suggested key: three are enough to claim; the user assigns one at chrome://extensions/shortcuts.
      'new-task': { description: 'New Rapport task' },
    },
    ...(browser === 'firefox' ? { browser_specific_settings: { gecko: { id: 'rapport@rapport.dev', strict_min_version: '128.0' } } } : {}),
  }),
});
