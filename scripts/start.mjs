#!/usr/bin/env node
// `npm start`: build the extension (production) and open it in Chromium/Chrome with a persistent
// profile (.rapport-profile/), on the options page. Stays attached until the browser closes.
//
// Env:
//   CHROME_PATH=/path/to/browser   browser to use (default: first of scripts/lib/browser-path.mjs)
//   RAPPORT_HEADLESS=1             no window: start headless with a throw-away profile, check the
//                                  extension loaded, print its id and exit (for CI / machines without display)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findBrowser, isBrandedChrome } from './lib/browser-path.mjs';
import { NEEDS, ensureSystemDeps } from './lib/system-deps.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EXTENSION_ID = 'okngfgklmnoabbcbakcjdikdgdhemafp';
const EXT_DIR = join(ROOT, '.output', 'chrome-mv3');
const PROFILE_DIR = join(ROOT, '.rapport-profile');
const OPTIONS_URL = `chrome-extension://${EXTENSION_ID}/options.html`;
const headless = process.env.RAPPORT_HEADLESS === '1';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function fail(message, code = 1) {
  console.error(`\n[rapport] ${message}`);
  process.exit(code);
}

// 0. Chromium: installed with apt when it is missing and this user may (else stop now, with the command).
const deps = ensureSystemDeps(NEEDS.browser, { purpose: '`npm start`' });
if (!deps.ok) {
  console.error(`\n${deps.message}`);
  process.exit(1);
}

// 1. Build (production: the test-only pages are left out).
console.log('[rapport] Building the extension (npx wxt build)…');
const buildEnv = { ...process.env };
delete buildEnv.RAPPORT_TEST_BUILD;
const build = spawnSync('npx', ['wxt', 'build'], { cwd: ROOT, stdio: 'inherit', env: buildEnv });
if (build.error) fail(`Could not run \`npx wxt build\`: ${build.error.message}`);
if (build.status !== 0) fail(`\`npx wxt build\` failed (exit code ${build.status}).`, build.status ?? 1);
if (!existsSync(join(EXT_DIR, 'manifest.json'))) fail(`The build did not produce ${join(EXT_DIR, 'manifest.json')}.`);

console.log(`
[rapport] Built extension: ${EXT_DIR}
[rapport] To load it by hand in Chrome/Chromium/Edge/Brave: open chrome://extensions, turn on
          "Developer mode", click "Load unpacked" and pick that folder. Its id is ${EXTENSION_ID}.
`);

// 2. Browser.
let browserPath;
try {
  browserPath = findBrowser();
} catch (err) {
  fail(err.message);
}
if (isBrandedChrome(browserPath)) {
  console.warn(
    `[rapport] Warning: ${browserPath} is Google-branded Chrome. Since Chrome 137 it ignores --load-extension;\n` +
      '          if the extension is missing, load it by hand (above) or use Chromium / Chrome for Testing (CHROME_PATH=…).',
  );
}

if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY && !headless) {
  fail(
    'No display (neither DISPLAY nor WAYLAND_DISPLAY is set), so no browser window can open.\n' +
      '          Load the built extension by hand on a machine with a display (see above), or run with\n' +
      '          RAPPORT_HEADLESS=1 to only check that the extension loads.',
    2,
  );
}

const baseArgs = [
  '--no-first-run',
  '--no-default-browser-check',
  `--disable-extensions-except=${EXT_DIR}`,
  `--load-extension=${EXT_DIR}`,
  // Only Chrome 137-13x honours this; harmless elsewhere.
  '--disable-features=DisableLoadExtensionCommandLineSwitch',
];
// Chromium refuses to start as root without it.
if (process.getuid?.() === 0) baseArgs.push('--no-sandbox');

if (headless) {
  await runHeadlessCheck();
} else {
  runWindow();
}

function runWindow() {
  mkdirSync(PROFILE_DIR, { recursive: true });
  console.log(`[rapport] Opening ${browserPath} with profile ${PROFILE_DIR}`);
  console.log('[rapport] Close the browser window (or press Ctrl-C here) to stop.');
  const startedAt = Date.now();
  const child = spawn(browserPath, [...baseArgs, `--user-data-dir=${PROFILE_DIR}`, OPTIONS_URL], {
    stdio: 'inherit',
  });
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('error', (err) => fail(`Could not start ${browserPath}: ${err.message}`));
  child.on('exit', (code, signal) => {
    if (code === 0 && Date.now() - startedAt < 3000) {
      console.log(
        '[rapport] The browser exited at once: a browser already running with .rapport-profile/ probably took\n' +
          '          over (command-line flags such as --load-extension are then ignored). Close it and retry.',
      );
    }
    process.exit(signal ? 0 : (code ?? 0));
  });
}

async function runHeadlessCheck() {
  // A throw-away profile, so a check never touches (or is blocked by) the user's .rapport-profile/.
  const profile = mkdtempSync(join(tmpdir(), 'rapport-start-check-'));
  console.log(`[rapport] RAPPORT_HEADLESS=1: starting ${browserPath} headless to check that the extension loads…`);
  const child = spawn(
    browserPath,
    [...baseArgs, '--headless', '--disable-gpu', '--remote-debugging-port=0', `--user-data-dir=${profile}`, OPTIONS_URL],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  let exited = false;
  child.on('exit', () => (exited = true));
  child.on('error', (err) => fail(`Could not start ${browserPath}: ${err.message}`));

  let workerId = null;
  let optionsOpen = false;
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && !exited && !(workerId && optionsOpen)) {
    await sleep(200);
    try {
      const port = readFileSync(join(profile, 'DevToolsActivePort'), 'utf8').split('\n')[0];
      const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
      const worker = targets.find((t) => t.type === 'service_worker' && /^chrome-extension:\/\/[a-p]{32}\/background\.js$/.test(t.url));
      if (worker) workerId = new URL(worker.url).host;
      optionsOpen = targets.some((t) => t.type === 'page' && t.url === OPTIONS_URL);
    } catch {
      // DevToolsActivePort not written yet / endpoint not up yet.
    }
  }
  // Keep it up a moment so a crash on startup would show.
  if (workerId) await sleep(1000);
  const stillRunning = !exited;
  if (stillRunning) {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  rmSync(profile, { recursive: true, force: true, maxRetries: 3 });

  if (!workerId) {
    fail(
      `The extension's service worker did not start in ${browserPath} (headless).` +
        (stillRunning ? '' : ` The browser exited early:\n${stderr.slice(-2000)}`),
    );
  }
  console.log(`[rapport] Extension loaded, id ${workerId}${optionsOpen ? '; options page opened' : ''}.`);
  if (workerId !== EXTENSION_ID) fail(`Expected the pinned id ${EXTENSION_ID} (manifest key missing?).`);
  process.exit(0);
}
