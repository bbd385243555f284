// `npm run demo`: packages the extension, provisions code-server, opens a fresh copy of the
// fixture workspace in it with the extension installed, and serves it on 127.0.0.1 until Ctrl-C.
//
//   npm run demo [-- --port 8080] [-- --fixture alt-layout]
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { provision } from './provision.mjs';
import {
  DEFAULT_FIXTURE,
  copyFixture,
  installVsix,
  makeTempDir,
  removeTempDir,
  repoRoot,
  startCodeServer,
  writeUserSettings,
  type ServerHandle,
} from './workbench.mjs';

const VSIX = join(repoRoot, 'dist', 'milestone-scope.vsix');

function step(text: string): void {
  console.log(`\u203a ${text}`);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { port: { type: 'string', default: '0' }, fixture: { type: 'string', default: DEFAULT_FIXTURE } },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a port number, got ${values.port}`);
    return 2;
  }

  step('building and packaging the extension (npm run package)');
  // Piped, so vsce does not stop to ask questions.
  const pack = await execa('npm', ['run', 'package'], { cwd: repoRoot, reject: false, all: true, stdin: 'ignore' });
  if (pack.exitCode !== 0 || !existsSync(VSIX)) {
    console.error(pack.all);
    console.error('packaging failed');
    return 1;
  }

  step('provisioning Node 24 and code-server (first run: a few minutes)');
  const paths = await provision({ browser: false, log: (line) => console.log(`  ${line}`) });

  const tmp = makeTempDir('demo');
  let server: ServerHandle | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping code-server');
    await server?.stop();
    removeTempDir(tmp);
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  let workspace: string;
  let logFile: string;
  try {
    step(`copying the ${values.fixture} fixture into a temporary git repository`);
    workspace = await copyFixture(values.fixture, tmp);
    const userDataDir = join(tmp, 'user-data');
    const extensionsDir = join(tmp, 'extensions');
    writeUserSettings(userDataDir);

    step('installing the extension into code-server');
    await installVsix(VSIX, { userDataDir, extensionsDir, paths });

    step('starting code-server');
    logFile = join(tmp, 'code-server.log');
    server = await startCodeServer({ folder: workspace, userDataDir, extensionsDir, logFile, port, paths });
    void server.exited.then((code) => {
      if (stopping) return;
      console.error(`code-server exited unexpectedly (${code}); see ${logFile}`);
      void stop(1);
    });
    const response = await fetch(server.url + '/healthz').catch(() => undefined);
    if (!response?.ok) {
      console.error(`code-server does not answer at ${server.url}; its log:\n${existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''}`);
      await stop(1);
    }
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    await stop(1);
    return 1;
  }

  console.log('');
  console.log(`  Milestone Scope demo: ${server.url}/`);
  console.log(`  workspace (a temporary git copy of test/fixtures/${values.fixture}): ${workspace}`);
  console.log(`  code-server log: ${logFile}`);
  console.log('  Ctrl-C stops code-server and removes the temporary files.');
  return new Promise<number>(() => undefined);
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
