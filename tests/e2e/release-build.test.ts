// The release build (what `npm run build` / `npm start` ship), built into a folder of its own:
// every content script is in it, it asks for no more than the design allows, and nothing
// test-only (bench page, 127.0.0.1 access, identity granted at install) leaks into it.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const OUTDIR = 'release-check-chrome-mv3';
const dir = join(process.cwd(), '.output', OUTDIR);

describe('release build', () => {
  let manifest: {
    permissions?: string[];
    optional_permissions?: string[];
    host_permissions?: string[];
    optional_host_permissions?: string[];
    content_scripts?: { matches: string[]; js: string[] }[];
    web_accessible_resources?: { resources: string[]; use_dynamic_url?: boolean }[];
  };

  beforeAll(async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, RAPPORT_OUTDIR: OUTDIR };
    delete env.RAPPORT_TEST_BUILD;
    delete env.WXT_INBOXSDK_APP_ID;
    await promisify(execFile)('npx', ['wxt', 'build'], { env, cwd: process.cwd(), timeout: 170_000 });
    manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  });

  it('ships the three sites’ content scripts', () => {
    const matches = (manifest.content_scripts ?? []).flatMap((c) => c.matches).sort();
    expect(matches).toEqual([
      'https://mail.google.com/*',
      'https://outlook.live.com/*',
      'https://outlook.office.com/*',
      'https://outlook.office365.com/*',
      'https://www.linkedin.com/*',
    ]);
    for (const c of manifest.content_scripts ?? []) for (const js of c.js) expect(existsSync(join(dir, js))).toBe(true);
  });

  it('asks for the fewest permissions: CRM hosts and sign-in only when the user connects one', () => {
    expect([...(manifest.permissions ?? [])].sort()).toEqual(['alarms', 'unlimitedStorage']);
    expect(manifest.optional_permissions).toEqual(['identity']);
    expect(manifest.host_permissions ?? []).toEqual([]);
    expect(manifest.optional_host_permissions).toEqual(['https://*/*', 'http://*/*']);
    expect(manifest.web_accessible_resources).toEqual([expect.objectContaining({ resources: ['sidebar.html'], use_dynamic_url: true })]);
  });

  it('contains no test-only page', () => {
    expect(existsSync(join(dir, 'bench.html'))).toBe(false);
    expect(existsSync(join(dir, 'pageWorld.js'))).toBe(false); // InboxSDK only with an app id
  });

  it('leaves the sidebar’s measurement hooks out (they exist in the test build only)', () => {
    const scripts = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
    const shipped = scripts.map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
    expect(shipped).toContain('sidebar'); // the sidebar's own code is there…
    for (const marker of ['rapport:cards-painted', 'rapport:capture-direct', '__rapportPainted', '__rapportLookupShown']) {
      expect(shipped).not.toContain(marker); // …its measurement is not
    }
  });
});
