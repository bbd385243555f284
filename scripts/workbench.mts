// Starting a real VS Code for the demo and the tests: temporary fixture workspaces, user data
// folders, code-server and the VS Code server it bundles. Shared by `npm run demo`, the UI tests
// (test/e2e/lib.ts) and the extension-host suite driver.
import { cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { node24Env, toolPaths, type ToolPaths } from './provision.mjs';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const fixturesDir = join(repoRoot, 'test', 'fixtures');
export const DEFAULT_FIXTURE = 'stark-backend-metal';

/** Settings every workbench starts with: trusted workspace, no network chatter, no welcome page. */
export const BASE_SETTINGS: Record<string, unknown> = {
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'git.openRepositoryInParentFolders': 'never',
  // As on the desktop; code-server otherwise saves buffers after a delay.
  'files.autoSave': 'off',
};

/** A fresh temporary directory; `label` shows up in its name. */
export function makeTempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `milestone-scope-${label.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 40)}-`));
}

/**
 * Copies a fixture (a name under test/fixtures/ or a path) into `parent` and makes it a git
 * repository with one commit, so tests can change it and reset it.
 */
export async function copyFixture(fixture: string, parent: string): Promise<string> {
  const source = existsSync(fixture) ? resolve(fixture) : join(fixturesDir, fixture);
  if (!existsSync(source)) throw new Error(`fixture not found: ${source}`);
  const dest = join(parent, basename(source));
  // Cargo's build output and any git data of the fixture's own stay behind.
  const target = join(source, 'target');
  cpSync(source, dest, { recursive: true, filter: (src) => src !== target && basename(src) !== '.git' });
  const git = (args: string[]) =>
    execa('git', args, {
      cwd: dest,
      env: {
        GIT_AUTHOR_NAME: 'Milestone Scope Tests',
        GIT_AUTHOR_EMAIL: 'tests@milestone-scope.invalid',
        GIT_COMMITTER_NAME: 'Milestone Scope Tests',
        GIT_COMMITTER_EMAIL: 'tests@milestone-scope.invalid',
        GIT_AUTHOR_DATE: '2026-11-01T12:00:00Z',
        GIT_COMMITTER_DATE: '2026-11-01T12:00:00Z',
      },
    });
  await git(['init', '-q', '-b', 'main']);
  // Tests commit in these copies; they need an identity even on machines without one.
  await git(['config', 'user.name', 'Milestone Scope Tests']);
  await git(['config', 'user.email', 'tests@milestone-scope.invalid']);
  await git(['add', '-A']);
  await git(['commit', '-q', '-m', `fixture ${basename(source)}`]);
  return dest;
}

/** Writes `User/settings.json` of a user data folder: the base settings plus `settings`. */
export function writeUserSettings(userDataDir: string, settings: Record<string, unknown> = {}): void {
  const dir = join(userDataDir, 'User');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'settings.json'), JSON.stringify({ ...BASE_SETTINGS, ...settings }, null, 2) + '\n');
}

/** A running server process. */
export interface ServerHandle {
  /** Base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  port: number;
  /** File receiving the server's output. */
  logFile: string;
  /** Resolves with the exit code when the server process exits (by itself or through `stop`). */
  exited: Promise<number | undefined>;
  /** Stops the server and every process it started; safe to call twice. */
  stop(): Promise<void>;
}

interface SpawnOptions {
  args: string[];
  logFile: string;
  /** Extracts the port from a line of output once the server listens. */
  listening: RegExp;
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** Starts Node 24 with `args` in its own process group and waits until it reports its port. */
async function spawnServer(paths: ToolPaths, options: SpawnOptions): Promise<ServerHandle> {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const child = execa(paths.node, options.args, {
    env: { ...node24Env(paths), ...options.env },
    // Its own process group: stopping it also stops the extension host and pty host it spawns.
    detached: true,
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
    reject: false,
    buffer: false,
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });

  const port = await new Promise<number>((resolvePort, rejectPort) => {
    let seen = '';
    const timer = setTimeout(
      () => rejectPort(new Error(`server did not report a port within ${options.timeoutMs ?? 60_000} ms; see ${options.logFile}`)),
      options.timeoutMs ?? 60_000,
    );
    const onData = (chunk: Buffer) => {
      seen = (seen + chunk.toString()).slice(-4096);
      const match = options.listening.exec(seen);
      if (match) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stderr?.off('data', onData);
        resolvePort(Number(match[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void child.then((result) => {
      clearTimeout(timer);
      rejectPort(new Error(`server exited (${result.exitCode ?? result.signal}) before listening; see ${options.logFile}`));
    });
  }).catch(async (err) => {
    await killGroup(child);
    throw err;
  });

  let stopped: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    logFile: options.logFile,
    exited: child.then((r) => r.exitCode),
    stop: () => (stopped ??= killGroup(child).finally(() => log.end())),
  };
}

/** SIGTERM to the process group, SIGKILL if it has not exited after a grace period. */
async function killGroup(child: ResultPromise): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null) return;
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      /* already gone */
    }
  };
  signal('SIGTERM');
  const grace = setTimeout(() => signal('SIGKILL'), 5000);
  await child.catch(() => undefined);
  clearTimeout(grace);
  // Children that outlived the server (extension host, pty host).
  signal('SIGKILL');
}

export interface CodeServerOptions {
  folder: string;
  userDataDir: string;
  extensionsDir: string;
  logFile: string;
  /** 0 picks a free port. */
  port?: number;
  paths?: ToolPaths;
}

/** Starts code-server (what `npm run demo` serves) on 127.0.0.1 without authentication. */
export function startCodeServer(options: CodeServerOptions): Promise<ServerHandle> {
  const paths = options.paths ?? toolPaths();
  return spawnServer(paths, {
    args: [
      paths.codeServerEntry,
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${options.port ?? 0}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--user-data-dir', options.userDataDir,
      '--extensions-dir', options.extensionsDir,
      options.folder,
    ],
    logFile: options.logFile,
    listening: /HTTP server listening on https?:\/\/[^\s:]+:(\d+)/,
  });
}

/**
 * Packages the extension in `extensionDir` (default: this repository, built) into `outFile` with
 * vsce and the flags of `npm run package` (relative links in README.md stay relative: the
 * repository URL is not one vsce can rewrite them against).
 */
export async function packageVsix(outFile: string, extensionDir = repoRoot): Promise<string> {
  const vsce = join(repoRoot, 'node_modules', '.bin', 'vsce');
  // Output is piped, so vsce answers its own questions (a missing LICENSE) with yes.
  const result = await execa(vsce, ['package', '--no-dependencies', '--no-rewrite-relative-links', '--out', outFile], { cwd: extensionDir, reject: false, stdin: 'ignore', all: true });
  if (result.exitCode !== 0 || !existsSync(outFile)) throw new Error(`vsce package failed in ${extensionDir}:\n${result.all}`);
  return outFile;
}

/** Installs a packaged extension into an extensions folder with code-server's command line. */
export async function installVsix(vsix: string, options: { userDataDir: string; extensionsDir: string; paths?: ToolPaths }): Promise<void> {
  const paths = options.paths ?? toolPaths();
  const result = await execa(
    paths.node,
    [paths.codeServerEntry, '--user-data-dir', options.userDataDir, '--extensions-dir', options.extensionsDir, '--install-extension', vsix],
    { env: node24Env(paths), reject: false, stdin: 'ignore' },
  );
  if (result.exitCode !== 0 || !/successfully installed/i.test(result.stdout + result.stderr)) {
    throw new Error(`installing ${vsix} failed:\n${result.stdout}\n${result.stderr}`);
  }
}

export interface VsCodeServerOptions {
  serverDataDir: string;
  userDataDir: string;
  extensionsDir?: string;
  logFile: string;
  /** Extra environment for the server and so for the extension host. */
  env?: Record<string, string>;
  paths?: ToolPaths;
}

/**
 * Starts the VS Code server bundled with code-server with the smoke-test driver enabled: only
 * then does the web workbench honour `extensionDevelopmentPath` / `extensionTestsPath` in the
 * URL payload.
 */
export function startVsCodeServer(options: VsCodeServerOptions): Promise<ServerHandle> {
  const paths = options.paths ?? toolPaths();
  return spawnServer(paths, {
    args: [
      paths.vscodeServerMain,
      '--host', '127.0.0.1',
      '--port', '0',
      '--without-connection-token',
      '--accept-server-license-terms',
      '--enable-smoke-test-driver',
      '--disable-telemetry',
      '--server-data-dir', options.serverDataDir,
      '--user-data-dir', options.userDataDir,
      ...(options.extensionsDir ? ['--extensions-dir', options.extensionsDir] : []),
    ],
    logFile: options.logFile,
    listening: /Extension host agent listening on (\d+)/,
    env: options.env,
  });
}

/** The workbench URL opening `folder`, optionally with an extension under development and its tests. */
export function workbenchUrl(
  server: Pick<ServerHandle, 'url' | 'port'>,
  folder: string,
  dev?: { extensionDevelopmentPath: string; extensionTestsPath?: string },
): string {
  const url = new URL(server.url + '/');
  url.searchParams.set('folder', folder);
  if (dev) {
    const remote = (p: string) => `vscode-remote://127.0.0.1:${server.port}${p}`;
    const payload: [string, string][] = [['extensionDevelopmentPath', remote(dev.extensionDevelopmentPath)]];
    if (dev.extensionTestsPath) payload.push(['extensionTestsPath', remote(dev.extensionTestsPath)]);
    url.searchParams.set('payload', JSON.stringify(payload));
  }
  return url.toString();
}

/** Removes a temporary directory unless MILESTONE_SCOPE_KEEP_TEMP is set (for debugging). */
export function removeTempDir(dir: string): void {
  if (process.env.MILESTONE_SCOPE_KEEP_TEMP) return;
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}
