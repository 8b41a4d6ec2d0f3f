// Shared by scripts/start.mjs and tests/e2e/harness/browser.ts: where to find a Chromium-family browser.
import { existsSync } from 'node:fs';

/**
 * Candidate paths, in order of preference. Unbranded builds (Chromium, Chrome for Testing) come first:
 * Google-branded Chrome 137+ ignores `--load-extension`, so it is only a last resort.
 */
export const BROWSER_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/snap/bin/chromium',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

/** Returns the browser to use: `CHROME_PATH` if set, else the first candidate that exists. Throws if none. */
export function findBrowser(env = process.env) {
  const fromEnv = env.CHROME_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) {
      throw new Error(`CHROME_PATH is set to ${fromEnv}, but no file exists there.`);
    }
    return fromEnv;
  }
  const found = BROWSER_CANDIDATES.find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      'No Chromium/Chrome browser found. Looked in:\n  ' +
        BROWSER_CANDIDATES.join('\n  ') +
        '\nInstall Chromium (e.g. `apt-get install chromium`) or set CHROME_PATH=/path/to/chrome.',
    );
  }
  return found;
}

/** True for Google-branded Chrome, which (since version 137) ignores `--load-extension`. */
export function isBrandedChrome(path) {
  return /google[- ]chrome(?!.*for testing)/i.test(path);
}
