// scripts/lib/system-deps.mjs: what `npm test` / `npm start` do when Chromium, openssl or radicale is
// missing — install with apt when root or with passwordless sudo, else stop at once with the command.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { aptCommand, findMissing, planSystemDeps, requireTool } from '../../scripts/lib/system-deps.mjs';

describe('planSystemDeps', () => {
  const base = { isRoot: false, hasSudo: false, hasApt: true };

  it('does nothing when nothing is missing', () => {
    expect(planSystemDeps({ ...base, missing: [] })).toEqual({ action: 'none' });
    expect(planSystemDeps({ ...base, missing: [], hasApt: false })).toEqual({ action: 'none' });
  });

  it('installs with apt as root, or with sudo when it needs no password', () => {
    expect(planSystemDeps({ ...base, isRoot: true, missing: ['chromium', 'radicale'] })).toEqual({
      action: 'install',
      packages: ['chromium', 'radicale'],
      sudo: false,
    });
    expect(planSystemDeps({ ...base, hasSudo: true, missing: ['radicale'] })).toEqual({
      action: 'install',
      packages: ['radicale'],
      sudo: true,
    });
  });

  it('gives the one command to run when it may not install', () => {
    const plan = planSystemDeps({ ...base, missing: ['chromium', 'radicale'] });
    expect(plan.action).toBe('manual');
    if (plan.action !== 'manual') return;
    expect(plan.command).toBe('sudo apt-get update && sudo apt-get install -y chromium radicale');
    expect(plan.message).toContain(plan.command);
    expect(plan.message).toContain('no passwordless sudo');
  });

  it('installs nothing with RAPPORT_NO_INSTALL, even as root', () => {
    const plan = planSystemDeps({ ...base, isRoot: true, noInstall: true, missing: ['openssl'] });
    expect(plan).toMatchObject({ action: 'manual', command: 'apt-get update && apt-get install -y openssl' });
  });

  it('without apt, says per tool what to install or which env var to set', () => {
    const plan = planSystemDeps({ ...base, hasApt: false, isRoot: true, missing: ['chromium', 'radicale'] });
    expect(plan.action).toBe('manual');
    if (plan.action !== 'manual') return;
    expect(plan.command).toBeUndefined();
    expect(plan.message).toMatch(/chromium: .*CHROME_PATH/);
    expect(plan.message).toMatch(/radicale: .*RADICALE_BIN/);
  });

  it('names sudo only when not root', () => {
    expect(aptCommand(['radicale'], { isRoot: true })).toBe('apt-get update && apt-get install -y radicale');
    expect(aptCommand(['radicale'])).toBe('sudo apt-get update && sudo apt-get install -y radicale');
  });
});

describe('finding the tools', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rapport-system-deps-'));
  const fake = (name: string) => {
    const path = join(dir, name);
    writeFileSync(path, '#!/bin/sh\nexit 0\n');
    chmodSync(path, 0o755);
    return path;
  };
  const aptGet = fake('apt-get');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('looks radicale and openssl up on PATH, or RADICALE_BIN', () => {
    expect(findMissing(['radicale', 'openssl'], { PATH: dir })).toEqual(['radicale', 'openssl']);
    const radicale = fake('radicale');
    expect(findMissing(['radicale', 'openssl'], { PATH: dir })).toEqual(['openssl']);
    expect(findMissing(['radicale'], { PATH: '', RADICALE_BIN: radicale })).toEqual([]);
    rmSync(radicale);
  });

  it('a wrong CHROME_PATH / RADICALE_BIN is reported as such, not as "install it"', () => {
    expect(() => requireTool('chromium', { CHROME_PATH: join(dir, 'nope') })).toThrow(/CHROME_PATH is set to .*nope/);
    expect(() => requireTool('radicale', { RADICALE_BIN: join(dir, 'nope') })).toThrow(/RADICALE_BIN is set to/);
  });

  it('a harness asking for a missing tool gets the install command, not ENOENT later', () => {
    expect(() => requireTool('radicale', { PATH: dir })).toThrow(/radicale is not installed\. Run: .*apt-get install -y radicale/);
  });

  it('the script stops at once, exit 1, with the command to run (RAPPORT_NO_INSTALL)', () => {
    const started = Date.now();
    const r = spawnSync(process.execPath, [resolve('scripts/system-deps.mjs'), 'contract'], {
      env: { PATH: dir, RAPPORT_NO_INSTALL: '1' },
      encoding: 'utf8',
      timeout: 10_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/radicale missing, not installed automatically \(RAPPORT_NO_INSTALL is set\)/);
    expect(r.stderr).toMatch(/apt-get update && (sudo )?apt-get install -y radicale/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(aptGet).toBeTruthy();
  });
});
