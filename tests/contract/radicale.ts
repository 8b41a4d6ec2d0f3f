// Starts a real Radicale (Debian's /usr/bin/radicale, 3.1.x; `npm test` installs it, see
// scripts/system-deps.mjs) on a free 127.0.0.1 port with a throw-away config, htpasswd file and storage
// folder; waits until it answers; stop() kills it and removes the folder.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTool } from '../../scripts/lib/system-deps.mjs';

export interface RadicaleServer {
  /** e.g. http://127.0.0.1:41234 (no trailing slash) */
  url: string;
  port: number;
  users: Record<string, string>;
  dir: string;
  /** Radicale's stderr so far (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function startRadicale(users: Record<string, string> = { alice: 'alice-secret' }): Promise<RadicaleServer> {
  // RADICALE_BIN, else `radicale` on PATH; throws "radicale is not installed. Run: …" rather than ENOENT.
  const bin = requireTool('radicale');
  const dir = mkdtempSync(join(tmpdir(), 'rapport-radicale-'));
  const port = await freePort();
  const htpasswd = join(dir, 'users');
  writeFileSync(
    htpasswd,
    Object.entries(users)
      .map(([u, p]) => `${u}:${p}`)
      .join('\n') + '\n',
  );
  const config = join(dir, 'config');
  writeFileSync(
    config,
    [
      '[server]',
      `hosts = 127.0.0.1:${port}`,
      '[auth]',
      'type = htpasswd',
      `htpasswd_filename = ${htpasswd}`,
      'htpasswd_encryption = plain',
      // Radicale delays every failed login by up to this many seconds; keep 401 tests fast.
      'delay = 0',
      '[rights]',
      'type = owner_only',
      '[storage]',
      `filesystem_folder = ${join(dir, 'collections')}`,
      '[web]',
      'type = none',
      '[logging]',
      'level = warning',
      '',
    ].join('\n'),
  );

  let stderr = '';
  const child: ChildProcess = spawn(bin, ['--config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
  });
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  // Without a listener a failed spawn (e.g. not executable) would be an uncaught exception.
  child.on('error', (err) => {
    stderr += `could not run ${bin}: ${err.message}\n`;
    exited = true;
  });

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (exited) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`radicale exited before answering:\n${stderr}`);
    }
    try {
      const res = await fetch(`${url}/`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`radicale did not answer on ${url} within 15 s:\n${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  return {
    url,
    port,
    users,
    dir,
    log: () => stderr,
    async stop() {
      if (!exited) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(() => {
            child.kill('SIGKILL');
          }, 3000);
          child.once('exit', () => {
            clearTimeout(t);
            resolve();
          });
          child.kill('SIGTERM');
        });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
