// Minimal launcher shared by the benchmark scripts (plain Node, no test runner).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer from 'puppeteer-core';
import { requireTool } from '../../scripts/lib/system-deps.mjs';

export const EXTENSION_ID = 'okngfgklmnoabbcbakcjdikdgdhemafp';

/** CHROME_PATH, else the first browser of scripts/lib/browser-path.mjs; throws with the install command if none. */
export function findChrome() {
  return requireTool('chromium');
}

export async function launch({
  extensionDir = resolve(process.env.RAPPORT_BENCH_EXT ?? '.output/test-chrome-mv3'),
  extraArgs = [],
  noExtension = false,
  waitForWorker = true,
  separateProfile = false,
} = {}) {
  // BENCH_PROFILE keeps (and reuses) a profile, e.g. to re-measure without seeding again.
  // The plain browser (no extension) never shares the kept profile: both can run at once.
  const keep = noExtension || separateProfile ? undefined : process.env.BENCH_PROFILE;
  const userDataDir = keep ?? mkdtempSync(join(tmpdir(), 'rapport-bench-'));
  const browser = await puppeteer.launch({
    executablePath: findChrome(),
    headless: true,
    userDataDir,
    ignoreDefaultArgs: noExtension ? [] : ['--disable-extensions'],
    protocolTimeout: 1_800_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...(noExtension ? [] : [`--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`]),
      ...extraArgs,
    ],
  });
  if (!noExtension && waitForWorker)
    await browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().startsWith(`chrome-extension://${EXTENSION_ID}/`), {
      timeout: 30_000,
    });
  return {
    browser,
    url: (path) => `chrome-extension://${EXTENSION_ID}/${path}`,
    async close() {
      await browser.close();
      if (!keep) rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export function percentile(values, p) {
  const s = [...values].sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
