/**
 * Launches Chromium with the built extension loaded (puppeteer-core), for end-to-end tests.
 *
 *   const server = await startFixtureServer();
 *   const ext = await launchWithExtension({ hostMap: server.port });
 *   const popup = await ext.openPopup();
 *   expect(ext.errors(popup)).toEqual([]);
 *   await ext.close(); await server.close();
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type CDPSession, type Page, type Target, type WebWorker } from 'puppeteer-core';
import { isBrandedChrome } from '../../../scripts/lib/browser-path.mjs';
import { requireTool } from '../../../scripts/lib/system-deps.mjs';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** Hostnames routed to the fixture server when `hostMap` is given. */
export const MAPPED_HOSTS = [
  'mail.google.com',
  'outlook.office.com',
  'outlook.office365.com',
  'outlook.live.com',
  'www.linkedin.com',
  // Country hosts of LinkedIn's logged-out public profiles and company pages.
  'de.linkedin.com',
  'uk.linkedin.com',
] as const;

export interface LaunchOptions {
  /** Built extension. Default: see defaultExtensionDir(). */
  extensionDir?: string;
  /** Profile dir. Default: a fresh temp dir, deleted on `close()` (a given dir is kept). */
  userDataDir?: string;
  /** Port of the local HTTPS fixture server that serves the real sites' hostnames. */
  hostMap?: number;
  /** Default true. `RAPPORT_E2E_HEADFUL=1` in the env also turns it off (to watch a test). */
  headless?: boolean;
  /** Extra Chromium flags. */
  args?: string[];
  /** How long to wait for the extension's service worker. Default 20 s. */
  startTimeoutMs?: number;
}

export interface ExtensionHandle {
  browser: Browser;
  extensionId: string;
  extensionDir: string;
  userDataDir: string;
  /** The running background service worker; starts it (through CDP) if Chrome has stopped it. */
  serviceWorker(): Promise<WebWorker>;
  /**
   * Runs `fn` in the service worker and returns its (serialisable) result. Retries while the
   * worker's globals are not there yet (`chrome is not defined`) or the worker is restarting.
   */
  evaluateInWorker<T, A extends unknown[] = []>(fn: (...args: A) => T | Promise<T>, ...args: A): Promise<T>;
  /** Opens `chrome-extension://<id>/popup.html` in a new tab (errors collected, see `errors`). */
  openPopup(): Promise<Page>;
  /** Opens `chrome-extension://<id>/options.html` in a new tab. */
  openOptions(): Promise<Page>;
  /** Opens any extension page, e.g. `openExtensionPage('test.html?x=1')`. */
  openExtensionPage(path: string): Promise<Page>;
  /** Opens a new tab with error collection and navigates it to `url` (e.g. a fixture page). */
  openPage(url: string): Promise<Page>;
  /** Uncaught exceptions, `console.error` messages and failed extension requests of a page opened here. */
  errors(page: Page): string[];
  /** Stops all service workers (as Chrome does after ~30 s idle) and waits until the worker is gone. */
  stopServiceWorker(): Promise<void>;
  close(): Promise<void>;
}

/** `RAPPORT_E2E_EXTENSION_DIR` if set, else `.output/test-chrome-mv3` if built, else `.output/chrome-mv3`. */
export function defaultExtensionDir(): string {
  if (process.env.RAPPORT_E2E_EXTENSION_DIR) return resolve(process.env.RAPPORT_E2E_EXTENSION_DIR);
  const testBuild = join(REPO_ROOT, '.output/test-chrome-mv3');
  return existsSync(join(testBuild, 'manifest.json')) ? testBuild : join(REPO_ROOT, '.output/chrome-mv3');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function isTransientWorkerError(err: unknown): boolean {
  const msg = err instanceof Error ? err.message : String(err);
  // A worker context attached while it starts can lack its extension bindings for a moment
  // (`chrome` undefined, or `chrome.runtime` not yet there). Retried until the deadline, so a real
  // error in the evaluated function still surfaces.
  return /chrome is not defined|browser is not defined|Cannot read properties of undefined|Execution context was destroyed|Target closed|Session closed|detached|No target with given id/i.test(
    msg,
  );
}

/**
 * Attaches error collectors to a page. Returns the live array.
 * Collected: `pageerror`, console messages of type error, failed requests for extension resources.
 */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err instanceof Error ? err.message : String(err)}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      const loc = msg.location();
      errors.push(`console.error: ${msg.text()}${loc?.url ? ` (${loc.url}:${loc.lineNumber ?? 0})` : ''}`);
    }
  });
  page.on('requestfailed', (req) => {
    if (req.url().startsWith('chrome-extension://')) {
      errors.push(`requestfailed: ${req.url()} ${req.failure()?.errorText ?? ''}`);
    }
  });
  return errors;
}

export async function launchWithExtension(options: LaunchOptions = {}): Promise<ExtensionHandle> {
  const extensionDir = resolve(options.extensionDir ?? defaultExtensionDir());
  if (!existsSync(join(extensionDir, 'manifest.json'))) {
    throw new Error(
      `No built extension at ${extensionDir} (manifest.json missing). Run \`RAPPORT_TEST_BUILD=1 npx wxt build\` first ` +
        '(`npm run test:e2e` does it).',
    );
  }
  // CHROME_PATH, else the first browser of browser-path.mjs; throws with the install command if none.
  const executablePath = requireTool('chromium');
  const ownsUserDataDir = !options.userDataDir;
  const userDataDir = options.userDataDir ?? mkdtempSync(join(tmpdir(), 'rapport-e2e-profile-'));
  const headless = options.headless ?? process.env.RAPPORT_E2E_HEADFUL !== '1';

  const resolverRules = [
    ...(options.hostMap !== undefined ? MAPPED_HOSTS.map((h) => `MAP ${h} 127.0.0.1:${options.hostMap}`) : []),
    'MAP * ~NOTFOUND',
    'EXCLUDE 127.0.0.1',
  ].join(', ');

  const args = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--host-resolver-rules=${resolverRules}`,
    '--ignore-certificate-errors',
    `--disable-extensions-except=${extensionDir}`,
    `--load-extension=${extensionDir}`,
    ...(options.args ?? []),
  ];

  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      executablePath,
      headless,
      userDataDir,
      args,
      ignoreDefaultArgs: ['--disable-extensions'],
    });
  } catch (err) {
    if (ownsUserDataDir) rmSync(userDataDir, { recursive: true, force: true });
    throw err;
  }

  const cleanup = async () => {
    await browser.close().catch(() => {});
    if (ownsUserDataDir) rmSync(userDataDir, { recursive: true, force: true, maxRetries: 3 });
  };

  const isOurWorker = (t: Target, id?: string) =>
    t.type() === 'service_worker' &&
    t.url().startsWith('chrome-extension://') &&
    t.url().endsWith('/background.js') &&
    (id === undefined || new URL(t.url()).host === id);

  let swTarget: Target;
  try {
    swTarget = await browser.waitForTarget((t) => isOurWorker(t), { timeout: options.startTimeoutMs ?? 20_000 });
  } catch (err) {
    await cleanup();
    const hint = isBrandedChrome(executablePath)
      ? ` ${executablePath} is Google-branded Chrome, which ignores --load-extension since version 137: use Chromium or Chrome for Testing (CHROME_PATH=…).`
      : '';
    throw new Error(
      `The extension's service worker (background.js) did not start: the extension at ${extensionDir} did not load ` +
        `in ${executablePath}.${hint} (${err instanceof Error ? err.message : String(err)})`,
      { cause: err },
    );
  }
  const extensionId = new URL(swTarget.url()).host;
  const extensionOrigin = `chrome-extension://${extensionId}`;
  const pageErrors = new WeakMap<Page, string[]>();

  // The ServiceWorker CDP domain is not on the browser target (Chromium answers "'ServiceWorker.enable'
  // wasn't found"); it is on page targets and acts on the default storage partition, which holds the
  // extension's worker. So the first stop/restart opens an about:blank tab of its own, kept until close().
  let control: Promise<CDPSession> | null = null;
  let workerStatus: string | undefined; // runningStatus of our worker, as reported by the ServiceWorker domain
  const workerControlSession = () =>
    (control ??= (async () => {
      const page = await browser.newPage();
      const session = await page.createCDPSession();
      session.on('ServiceWorker.workerVersionUpdated', (event) => {
        for (const v of event.versions) {
          if (v.scriptURL === `${extensionOrigin}/background.js`) workerStatus = v.runningStatus;
        }
      });
      await session.send('ServiceWorker.enable');
      return session;
    })());

  const findWorkerTarget = () => browser.targets().find((t) => isOurWorker(t, extensionId));

  const serviceWorker = async (): Promise<WebWorker> => {
    let target = findWorkerTarget();
    if (!target) {
      const session = await workerControlSession();
      await session.send('ServiceWorker.startWorker', { scopeURL: `${extensionOrigin}/` });
      target = await browser.waitForTarget((t) => isOurWorker(t, extensionId), { timeout: 10_000 });
    }
    // Attaches a DevTools session (cached by puppeteer per target). While attached, Chrome does not
    // idle-stop the worker; use stopServiceWorker() to simulate that.
    const worker = await target.worker();
    if (!worker) throw new Error(`Could not attach to the service worker ${target.url()}`);
    return worker;
  };

  const withTimeout = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  };

  const evaluateInWorker = async <T, A extends unknown[]>(fn: (...args: A) => T | Promise<T>, ...args: A): Promise<T> => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        const worker = await serviceWorker();
        // puppeteer's generic signature cannot see that fn takes A; the cast keeps callers typed.
        const result = worker.evaluate(fn as (...a: unknown[]) => T | Promise<T>, ...args) as Promise<T>;
        // A worker stopped under a live session never answers: bound each attempt.
        return await withTimeout(result, Math.max(1_000, deadline - Date.now()), 'The service worker');
      } catch (err) {
        if (!isTransientWorkerError(err) || Date.now() > deadline) throw err;
        await sleep(50);
      }
    }
  };

  const openPage = async (url: string): Promise<Page> => {
    // A window of its own: a background tab is `visibilityState: 'hidden'` and gets no
    // requestAnimationFrame, so puppeteer's click() on it never returns.
    const page = await browser.newPage({ type: 'window' });
    pageErrors.set(page, collectPageErrors(page));
    // Focused, like a popup the user just opened (autofocus, document.hasFocus()).
    await page.bringToFront();
    await page.goto(url, { waitUntil: 'load' });
    return page;
  };

  const openExtensionPage = (path: string) => openPage(`${extensionOrigin}/${path.replace(/^\//, '')}`);

  const stopServiceWorker = async () => {
    const session = await workerControlSession();
    // Detach our own DevTools session first: a worker stopped under a live session stays listed as a
    // target, and when restarted hangs in "starting" (waiting for that debugger).
    const target = findWorkerTarget();
    if (target) {
      const worker = await target.worker().catch(() => null);
      await worker?.client.detach().catch(() => {});
    }
    await session.send('ServiceWorker.stopAllWorkers');
    const deadline = Date.now() + 10_000;
    while (findWorkerTarget() || (workerStatus !== undefined && workerStatus !== 'stopped')) {
      if (Date.now() > deadline) {
        throw new Error(`The service worker did not stop (status ${workerStatus ?? 'unknown'}, target still listed)`);
      }
      await sleep(50);
    }
  };

  return {
    browser,
    extensionId,
    extensionDir,
    userDataDir,
    serviceWorker,
    evaluateInWorker,
    openPopup: () => openExtensionPage('popup.html'),
    openOptions: () => openExtensionPage('options.html'),
    openExtensionPage,
    openPage,
    errors: (page) => pageErrors.get(page) ?? [],
    stopServiceWorker,
    close: cleanup,
  };
}
