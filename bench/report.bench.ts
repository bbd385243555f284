/**
 * Report speed: the measured parts (timing deltas, counters per phase, residual bottlenecks) of
 * a baseline and an after trace of about 100,000 spans each (2,560 proofs; the after copy has a
 * cheaper rs_code_matrix, its root total unchanged), and a whole `report` on
 * a git copy of the fixture with those traces (scope check, validation, parsing included).
 * Targets: analysis < 1 s, rendering < 50 ms, whole report < 5 s.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseCatalog } from '../src/core/catalog/parse';
import { analyseTraces, prepareReport, renderReport, type MilestoneReport } from '../src/core/report';
import { parseTraceFile } from '../src/core/trace';
import { startMilestone } from '../src/core/start';
import { SPANS_PER_COPY, writeScaled } from './traceScale';

const FIXTURE = path.join(__dirname, '..', 'test', 'fixtures', 'stark-backend-metal');
const CATALOG = 'docs/metal-backend-optimization-milestones.md';
const REPS = 320;

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', args, { cwd, stdio: 'ignore' });
}

async function time<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const t = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, value };
}

export async function main(): Promise<void> {
  const tmp = mkdtempSync(path.join(tmpdir(), 'ms-report-bench-'));
  try {
    const baseFile = path.join(tmp, 'base.txt');
    const afterFile = path.join(tmp, 'after.txt');
    await writeScaled('forest', baseFile, REPS, 'base');
    await writeScaled('forest', afterFile, REPS, 'after');
    const spans = SPANS_PER_COPY.forest * REPS;
    const [base, after] = await Promise.all([parseTraceFile(baseFile), parseTraceFile(afterFile)]);
    const catalog = parseCatalog(readFileSync(path.join(FIXTURE, CATALOG), 'utf8'), CATALOG);

    const runs: number[] = [];
    let measured!: ReturnType<typeof analyseTraces>;
    for (let i = 0; i < 5; i++) {
      const r = await time(() => analyseTraces(catalog, { trace: base, info: { file: 'base.txt', source: 'option' } }, { trace: after, info: { file: 'after.txt', source: 'option' } }, {}));
      runs.push(r.ms);
      measured = r.value;
    }
    const best = Math.min(...runs);
    console.log(`analysis of 2 x ${spans} spans (${measured.timing?.baseline.runs} proofs each): best ${best.toFixed(0)} ms, median ${runs.sort((a, b) => a - b)[2]!.toFixed(0)} ms (target < 1000 ms)`);
    console.log(`  root ${((measured.timing?.root.relative ?? 0) * 100).toFixed(1)}%, top change ${measured.timing?.changes[0]?.name}, first bottleneck ${measured.residual?.bottlenecks[0]?.name}`);

    const report: MilestoneReport = {
      milestone: { id: '2', title: 't', kind: 'work-items' },
      workItems: [],
      status: {},
      changes: { files: [], counts: { error: 0, warning: 0, information: 0 } },
      summary: { text: 's', source: 'option' },
      validation: { file: 'm.md', runs: [] },
      ...measured,
      problems: [],
    };
    const render = await time(() => renderReport(report));
    console.log(`rendering: ${render.ms.toFixed(1)} ms, ${render.value.length} characters (target < 50 ms)`);

    const repo = path.join(tmp, 'repo');
    cpSync(FIXTURE, repo, { recursive: true, filter: (src) => !/[\\/]target([\\/]|$)/.test(src) });
    git(repo, 'init', '-q');
    git(repo, 'config', 'user.name', 'bench');
    git(repo, 'config', 'user.email', 'bench@example.invalid');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'fixture');
    await startMilestone(repo, '2', { owner: 'bench' });
    const whole = await time(() => prepareReport(repo, '2', { owner: 'bench', baseline: baseFile, after: afterFile }));
    console.log(`whole report on the fixture with those traces (parsing included): ${whole.ms.toFixed(0)} ms (target < 5000 ms)`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
