// The system tools the tests and `npm start` need beyond Node, and how they get them.
//
//   chromium  e2e tests, benches, `npm start` (CHROME_PATH, else scripts/lib/browser-path.mjs's list)
//   openssl   the e2e fixture server's self-signed certificate
//   radicale  the CardDAV contract tests (RADICALE_BIN, else `radicale` on PATH)
//
// ensureSystemDeps() finds what is missing and, on Debian/Ubuntu as root or with passwordless sudo,
// installs it with one `apt-get update` + `apt-get install`. Elsewhere (or with RAPPORT_NO_INSTALL=1)
// it installs nothing and returns the one command to run. No dependencies: it runs before anything else.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { findBrowser } from './browser-path.mjs';

/** Tool name → Debian package and how to find it. */
export const TOOLS = {
  chromium: {
    pkg: 'chromium',
    envVar: 'CHROME_PATH',
    find: (env) => {
      try {
        return findBrowser(env);
      } catch {
        return null;
      }
    },
    elsewhere: 'install Chromium (or Chrome for Testing) and set CHROME_PATH=/path/to/it',
  },
  openssl: {
    pkg: 'openssl',
    find: (env) => onPath('openssl', env),
    elsewhere: 'install openssl with your package manager',
  },
  radicale: {
    pkg: 'radicale',
    envVar: 'RADICALE_BIN',
    find: (env) => (env.RADICALE_BIN ? (isExecutable(env.RADICALE_BIN) ? env.RADICALE_BIN : null) : onPath('radicale', env)),
    elsewhere: 'install radicale (`pipx install radicale` or your package manager) or set RADICALE_BIN=/path/to/radicale',
  },
};

/** What each entry point needs. `test` is everything `npm test` runs. */
export const NEEDS = {
  test: ['chromium', 'openssl', 'radicale'],
  unit: [],
  contract: ['radicale'],
  e2e: ['chromium', 'openssl'],
  browser: ['chromium'],
};

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Full path of `name` on PATH, or null. */
export function onPath(name, env = process.env) {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return null;
}

/** The tools among `names` that are not found. */
export function findMissing(names, env = process.env) {
  return names.filter((name) => !TOOLS[name].find(env));
}

/** The command a person runs to install `missing` on Debian/Ubuntu. */
export function aptCommand(missing, { isRoot = false } = {}) {
  const pkgs = missing.map((name) => TOOLS[name].pkg).join(' ');
  const s = isRoot ? '' : 'sudo ';
  return `${s}apt-get update && ${s}apt-get install -y ${pkgs}`;
}

/**
 * Pure decision: what to do about `missing`.
 *   { action: 'none' }
 *   { action: 'install', packages, sudo }        run apt-get (with `sudo -n` when not root)
 *   { action: 'manual', command?, message }     stop; `command` is the one line to run (apt machines)
 */
export function planSystemDeps({ missing, isRoot, hasSudo, hasApt, noInstall = false }) {
  if (missing.length === 0) return { action: 'none' };
  const list = missing.join(', ');
  if (hasApt) {
    const command = aptCommand(missing, { isRoot });
    if (!noInstall && (isRoot || hasSudo)) {
      return { action: 'install', packages: missing.map((name) => TOOLS[name].pkg), sudo: !isRoot };
    }
    const why = noInstall ? 'RAPPORT_NO_INSTALL is set' : 'this user is not root and has no passwordless sudo';
    return {
      action: 'manual',
      command,
      message: `Rapport: ${list} missing, not installed automatically (${why}). Run:\n\n    ${command}\n`,
    };
  }
  return {
    action: 'manual',
    message:
      `Rapport: ${list} missing, and this machine has no apt-get to install ${missing.length > 1 ? 'them' : 'it'} with:\n` +
      missing.map((name) => `  - ${name}: ${TOOLS[name].elsewhere}`).join('\n') +
      '\n',
  };
}

/** One line for an error thrown from a test harness when a tool is still missing at run time. */
export function missingToolMessage(name, env = process.env) {
  const hasApt = Boolean(onPath('apt-get', env));
  return hasApt
    ? `${name} is not installed. Run: ${aptCommand([name], { isRoot: process.getuid?.() === 0 })}`
    : `${name} is not installed: ${TOOLS[name].elsewhere}.`;
}

/** Tools whose path is set by an env var (CHROME_PATH, RADICALE_BIN) that points at nothing: a message, or null. */
function badOverride(names, env) {
  const bad = names.filter((name) => TOOLS[name].envVar && env[TOOLS[name].envVar] && !TOOLS[name].find(env));
  if (bad.length === 0) return null;
  return (
    bad.map((name) => `Rapport: ${TOOLS[name].envVar} is set to ${env[TOOLS[name].envVar]}, but no executable is there.`).join('\n') +
    ' Fix or unset it.\n'
  );
}

/** Path of the tool, or throws an Error whose message is the one command to run (no ENOENT later). */
export function requireTool(name, env = process.env) {
  const found = TOOLS[name].find(env);
  if (!found) throw new Error(badOverride([name], env)?.trim() ?? missingToolMessage(name, env));
  return found;
}

function canSudo() {
  if (!onPath('sudo')) return false;
  const r = spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore', timeout: 5000 });
  return r.status === 0;
}

function packageVersion(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Version}', pkg], { encoding: 'utf8', timeout: 5000 });
  return r.status === 0 ? r.stdout.trim() : '?';
}

// apt options: wait a little for a lock held by another apt (then fail), don't stall on a dead network.
const APT_OPTS = [
  '-q',
  '-o',
  'Dpkg::Use-Pty=0',
  '-o',
  'DPkg::Lock::Timeout=10',
  '-o',
  'Acquire::http::Timeout=30',
  '-o',
  'Acquire::Retries=1',
];

function runApt(args, sudo) {
  const argv = [...(sudo ? ['sudo', '-n'] : []), 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...APT_OPTS, ...args];
  console.log(`Rapport: $ ${argv.join(' ')}`);
  // stdout shown live (progress); stderr kept to recognise a held lock or a dead network.
  const r = spawnSync(argv[0], argv.slice(1), {
    stdio: ['ignore', 'inherit', 'pipe'],
    encoding: 'utf8',
    timeout: 15 * 60_000,
  });
  if (r.stderr) process.stderr.write(r.stderr);
  return { ok: r.status === 0 && !r.error, status: r.status, stderr: r.stderr ?? '', error: r.error };
}

const LOCKED = /Could not get lock|is held by process|Unable to acquire the dpkg/i;
const OFFLINE = /Temporary failure resolving|Could not resolve|Could not connect|Failed to fetch|Network is unreachable/i;

/** `stderr`: apt's error output so far (update's and install's), to say why it failed. */
function aptFailure(step, result, stderr, command, pkgs) {
  let why = `\`apt-get ${step}\` failed (${result.error ? result.error.message : `exit code ${result.status}`})`;
  if (LOCKED.test(stderr)) {
    why = 'another apt/dpkg process holds the package lock';
  } else if (OFFLINE.test(stderr)) {
    why = `\`apt-get ${step}\` could not reach the package mirrors (no network?)`;
  }
  return `Rapport: could not install ${pkgs}: ${why}. When that is sorted out, run:\n\n    ${command}\n`;
}

/**
 * Makes sure the tools in `names` are there, installing them with apt when allowed.
 * Returns { ok: true, installed: [{ name, pkg, version, path }] } or { ok: false, message }.
 * Prints what it does; prints nothing when everything is already there.
 */
export function ensureSystemDeps(names, { env = process.env, purpose = 'the tests' } = {}) {
  const missing = findMissing(names, env);
  if (missing.length === 0) return { ok: true, installed: [] };
  const bad = badOverride(missing, env);
  if (bad) return { ok: false, message: bad };
  const isRoot = process.getuid?.() === 0;
  const hasApt = Boolean(onPath('apt-get', env));
  const noInstall = env.RAPPORT_NO_INSTALL === '1';
  const plan = planSystemDeps({
    missing,
    isRoot,
    hasApt,
    noInstall,
    hasSudo: hasApt && !isRoot && !noInstall && canSudo(),
  });
  if (plan.action === 'manual') return { ok: false, message: plan.message };

  const command = aptCommand(missing, { isRoot });
  console.log(
    `Rapport: ${missing.join(', ')} missing (needed by ${purpose}); installing the Debian ` +
      `package${plan.packages.length > 1 ? 's' : ''} ${plan.packages.join(' ')} with apt-get${plan.sudo ? ' (sudo)' : ''} …`,
  );
  const update = runApt(['update'], plan.sudo);
  // A failed update can still leave usable package lists; only a held lock makes the install pointless.
  if (!update.ok && LOCKED.test(update.stderr)) {
    return { ok: false, message: aptFailure('update', update, update.stderr, command, plan.packages.join(' ')) };
  }
  const install = runApt(['install', '-y', '--no-install-recommends', ...plan.packages], plan.sudo);
  if (!install.ok) {
    const stderr = update.stderr + install.stderr;
    return { ok: false, message: aptFailure('install', install, stderr, command, plan.packages.join(' ')) };
  }

  const still = findMissing(missing, env);
  if (still.length > 0) {
    return {
      ok: false,
      message:
        `Rapport: apt-get installed ${plan.packages.join(' ')}, but ${still.join(', ')} still cannot be found ` +
        `(${still.map((n) => TOOLS[n].elsewhere).join('; ')}).\n`,
    };
  }
  const installed = missing.map((name) => ({
    name,
    pkg: TOOLS[name].pkg,
    version: packageVersion(TOOLS[name].pkg),
    path: TOOLS[name].find(env),
  }));
  console.log(`Rapport: installed ${installed.map((i) => `${i.pkg} ${i.version} (${i.path})`).join(', ')}.`);
  return { ok: true, installed };
}
