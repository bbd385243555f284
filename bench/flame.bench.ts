/**
 * Flame chart benchmark in headless Chromium, side by side with speedscope on the same trace:
 * - time from the data arriving in the webview to the first painted chart (and the host's parse
 *   and flatten time before that),
 * - JavaScript time per animation frame during a scripted zoom-and-pan sequence (time spent in
 *   requestAnimationFrame callbacks, per frame; p50/p95/max),
 * - search time (input to the painted result).
 *
 * - the Left heavy view (zoom-and-pan frames) and the Sandwich view (switching to it, picking a
 *   name, zoom-and-pan frames in its callees graph), keys 3 and 4 here, 2 and 3 in speedscope.
 *
 * The trace: the sample tracing-chrome output scaled to ~336,000 spans. Targets: first paint under
 * 200 ms, per-frame p95 under 8 ms, search under 100 ms. `FLAME_BENCH_SPANS` changes the size;
 * `FLAME_BENCH_SKIP_SPEEDSCOPE=1` runs only our chart; `FLAME_BENCH_SHOTS=<dir>` saves screenshots;
 * `FLAME_BENCH_SEQUENCE_RUNS` / `FLAME_BENCH_VIEW_RUNS` set how often the timeline and the view
 * sequences run (3 and 1).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildFlameDocument } from '../src/core/flame/flatten';
import { parseTraceFile } from '../src/core/trace';
import { CHROMIUM_ARGS, chromiumPath, startHarness, WEBGL_ARGS, withTimeout } from './flame/harness';
import { SPANS_PER_COPY, writeScaled } from './traceScale';

const TARGET_SPANS = Number(process.env.FLAME_BENCH_SPANS ?? 336_000);
const SKIP_SPEEDSCOPE = process.env.FLAME_BENCH_SKIP_SPEEDSCOPE === '1';
/** A folder to save screenshots of both apps before, during and after the sequence. */
const SHOTS = process.env.FLAME_BENCH_SHOTS;
const VIEWPORT = { width: 1280, height: 800 };
const ZOOM_STEPS = 30;
const PAN_STEPS = 30;
const SEARCHES = ['rs_code_matrix', 'merkle', 'sumcheck_polys'];
const FIRST_PAINT_RUNS = 3;
/** The zoom-and-pan sequence runs this many times per app; frames are pooled. */
const SEQUENCE_RUNS = Number(process.env.FLAME_BENCH_SEQUENCE_RUNS ?? 3);
/** The Left heavy and Sandwich sequences run this many times per app (speedscope's import is the slow part of a run). */
const VIEW_SEQUENCE_RUNS = Number(process.env.FLAME_BENCH_VIEW_RUNS ?? 1);

/** Wraps requestAnimationFrame before any page script runs: callback time summed per frame. */
const RAF_PROBE = `(() => {
  // tsx compiles evaluate() callbacks with esbuild's keepNames helper; give it to the page.
  window.__name = window.__name || ((f) => f);
  const orig = window.requestAnimationFrame.bind(window);
  const rec = { on: false, frames: new Map() };
  window.__rafRec = rec;
  window.__origRAF = orig;
  window.requestAnimationFrame = (cb) => orig((t) => {
    const s = performance.now();
    try { cb(t); } finally {
      if (rec.on) rec.frames.set(t, (rec.frames.get(t) || 0) + performance.now() - s);
    }
  });
})();`;

interface Stats {
  frames: number;
  p50: number;
  p95: number;
  max: number;
  mean: number;
}

function stats(values: number[]): Stats {
  const v = [...values].sort((a, b) => a - b);
  const at = (q: number) => (v.length === 0 ? NaN : v[Math.min(v.length - 1, Math.floor(q * v.length))]);
  return { frames: v.length, p50: at(0.5), p95: at(0.95), max: v[v.length - 1] ?? NaN, mean: v.reduce((a, b) => a + b, 0) / Math.max(1, v.length) };
}

function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  return v[Math.floor(v.length / 2)];
}

const fmt = (ms: number) => (Number.isFinite(ms) ? `${ms.toFixed(ms < 10 ? 2 : 1)} ms` : '–');

async function frames(page: Page, n = 2): Promise<void> {
  await page.evaluate((count) => new Promise<void>((resolve) => {
    const w = window as unknown as { __origRAF: (cb: () => void) => void };
    let left = count;
    const tick = () => (--left <= 0 ? resolve() : w.__origRAF(tick));
    w.__origRAF(tick);
  }), n);
}

/** The same input sequence for both apps: ctrl+wheel zoom in, drag pan, ctrl+wheel zoom out. */
async function shot(page: Page, name: string): Promise<void> {
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

async function zoomAndPan(page: Page, at: { x: number; y: number }, app: string): Promise<{ frames: number[]; scriptMsPerStep: number }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const scriptTime = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return (metrics.find((m) => m.name === 'ScriptDuration')?.value ?? 0) * 1000;
  };
  await page.mouse.move(at.x, at.y);
  await frames(page);
  await page.evaluate(() => {
    const rec = (window as unknown as { __rafRec: { on: boolean; frames: Map<number, number> } }).__rafRec;
    rec.frames.clear();
    rec.on = true;
  });
  const script0 = await scriptTime();
  await page.keyboard.down('Control');
  for (let i = 0; i < ZOOM_STEPS; i++) {
    await page.mouse.wheel(0, -10);
    await frames(page);
  }
  await page.keyboard.up('Control');
  await shot(page, `${app}-zoomed`);
  await page.mouse.down();
  for (let i = 0; i < PAN_STEPS; i++) {
    // Left for the first half, back right for the second.
    const dx = i < PAN_STEPS / 2 ? -(i + 1) * 20 : -(PAN_STEPS - i - 1) * 20;
    await page.mouse.move(at.x + dx, at.y + (i % 2) * 6);
    await frames(page);
    if (i === PAN_STEPS / 2 - 1) await shot(page, `${app}-panned`);
  }
  await page.mouse.up();
  await page.keyboard.down('Control');
  for (let i = 0; i < ZOOM_STEPS; i++) {
    await page.mouse.wheel(0, 10);
    await frames(page);
  }
  await page.keyboard.up('Control');
  const script1 = await scriptTime();
  const perFrame = await page.evaluate(() => {
    const rec = (window as unknown as { __rafRec: { on: boolean; frames: Map<number, number> } }).__rafRec;
    rec.on = false;
    return [...rec.frames.values()];
  });
  await cdp.detach();
  return { frames: perFrame, scriptMsPerStep: (script1 - script0) / (2 * ZOOM_STEPS + PAN_STEPS) };
}

interface SearchTiming {
  /** The input handler (synchronous work). */
  handler: number;
  /** Input to the end of the first and second animation frames after it. */
  frame1: number;
  frame2: number;
  /** Time in the app's animation-frame callbacks over those two frames. */
  rafWork: number;
}

async function timeSearch(page: Page, selector: string, query: string): Promise<SearchTiming> {
  const r = await page.evaluate(
    ({ selector, query }) =>
      new Promise<SearchTiming>((resolve) => {
        const input = [...document.querySelectorAll<HTMLInputElement>(selector)].find((e) => e.offsetParent !== null)!;
        const w = window as unknown as { __origRAF: (cb: () => void) => void; __rafRec: { on: boolean; frames: Map<number, number> } };
        w.__rafRec.frames.clear();
        w.__rafRec.on = true;
        const t0 = performance.now();
        const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
        setter.call(input, query);
        input.dispatchEvent(new Event('input', { bubbles: true }));
        const handler = performance.now() - t0;
        w.__origRAF(() => {
          const frame1 = performance.now() - t0;
          w.__origRAF(() => {
            const frame2 = performance.now() - t0;
            w.__rafRec.on = false;
            const rafWork = [...w.__rafRec.frames.values()].reduce((a, b) => a + b, 0);
            resolve({ handler, frame1, frame2, rafWork });
          });
        });
      }),
    { selector, query },
  );
  // Let any deferred work settle before the next query.
  await frames(page, 3);
  return r;
}

/** Runs the sequence SEQUENCE_RUNS times (or `times`): pooled frame statistics and each run's p95. */
async function sequences(page: Page, at: { x: number; y: number }, app: string, times = SEQUENCE_RUNS): Promise<{ frameJs: Stats; scriptMsPerStep: number; p95s: number[] }> {
  const runs = [];
  for (let r = 0; r < times; r++) runs.push(await zoomAndPan(page, at, r === 0 ? app : `${app}-run${r + 1}`));
  const pooled = runs.flatMap((r) => r.frames);
  return {
    frameJs: stats(pooled),
    scriptMsPerStep: runs.reduce((a, r) => a + r.scriptMsPerStep, 0) / runs.length,
    p95s: runs.map((r) => stats(r.frames).p95),
  };
}

interface Result {
  firstPaint: number[];
  sequence: { frameJs: Stats; scriptMsPerStep: number; p95s: number[] };
  search: Array<SearchTiming & { query: string }>;
  views: ViewTimings;
  extra: Record<string, string>;
}

interface StepTiming {
  /** Input to the end of the second animation frame after it (wall clock, includes the input's delivery). */
  wall: number;
  /** All script the page ran meanwhile (CDP ScriptDuration). */
  script: number;
}

interface ViewTimings {
  toLeftHeavy: StepTiming;
  leftHeavy: { frameJs: Stats; scriptMsPerStep: number; p95s: number[] };
  toSandwich: StepTiming;
  pickName: StepTiming;
  sandwich: { frameJs: Stats; scriptMsPerStep: number; p95s: number[] };
}

/** Times one input (a key press or a click) to the second frame after it. */
async function timeStep(page: Page, input: () => Promise<void>): Promise<StepTiming> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const scriptTime = async () => ((await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'ScriptDuration')?.value ?? 0) * 1000;
  await frames(page, 3);
  const s0 = await scriptTime();
  const t0 = await page.evaluate(() => performance.now());
  await input();
  const t1 = await page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const w = window as unknown as { __origRAF: (cb: () => void) => void };
        w.__origRAF(() => w.__origRAF(() => resolve(performance.now())));
      }),
  );
  const s1 = await scriptTime();
  await cdp.detach();
  return { wall: t1 - t0, script: s1 - s0 };
}

/**
 * Left heavy and Sandwich in either app: switch with its key, run the zoom-and-pan sequence over
 * the left-heavy graph, switch to the sandwich, pick the second name of the table, and run the
 * sequence over the callees graph.
 */
async function benchViews(
  page: Page,
  app: string,
  opts: { leftHeavyKey: string; sandwichKey: string; chartAt: { x: number; y: number }; row: () => Promise<void>; calleesAt: () => Promise<{ x: number; y: number }>; focus: () => Promise<void> },
): Promise<ViewTimings> {
  await opts.focus();
  const toLeftHeavy = await timeStep(page, () => page.keyboard.press(opts.leftHeavyKey));
  await shot(page, `${app}-left-heavy`);
  const leftHeavy = await sequences(page, opts.chartAt, `${app}-left-heavy`, VIEW_SEQUENCE_RUNS);
  await opts.focus();
  const toSandwich = await timeStep(page, () => page.keyboard.press(opts.sandwichKey));
  await shot(page, `${app}-sandwich`);
  const pickName = await timeStep(page, opts.row);
  await frames(page, 3);
  await shot(page, `${app}-sandwich-picked`);
  const sandwich = await sequences(page, await opts.calleesAt(), `${app}-sandwich`, VIEW_SEQUENCE_RUNS);
  return { toLeftHeavy, leftHeavy, toSandwich, pickName, sandwich };
}

async function benchOurs(browser: Browser, url: string): Promise<Result> {
  const firstPaint: number[] = [];
  const extra: Record<string, string> = {};
  let page: Page | undefined;
  for (let run = 0; run < FIRST_PAINT_RUNS; run++) {
    await page?.close();
    page = await browser.newPage({ viewport: VIEWPORT });
    await page.addInitScript(RAF_PROBE);
    page.on('pageerror', (e) => console.error('flame chart page error:', e));
    await page.goto(`${url}/harness.html?theme=dark`);
    await page.evaluate(() => (window as unknown as { harness: { load(): Promise<number> } }).harness.load());
    const paint = await page.evaluate(
      () =>
        new Promise<{ dataToPaint: number; dispatchToPaint: number; dispatchToFrame: number }>((resolve) => {
          const h = (window as unknown as { harness: { deliverDocument(s: unknown): void } }).harness;
          const w = window as unknown as { __origRAF: (cb: () => void) => void };
          const t0 = performance.now();
          h.deliverDocument({ kind: 'trace', uri: 'file:///bench/trace.json' });
          const poll = () => {
            const m = performance.getEntriesByName('flame:first-paint', 'measure')[0];
            if (!m) return w.__origRAF(poll);
            const painted = performance.getEntriesByName('flame:first-paint', 'mark')[0].startTime;
            // One more frame: the drawn canvas is presented.
            w.__origRAF(() => resolve({ dataToPaint: m.duration, dispatchToPaint: painted - t0, dispatchToFrame: performance.now() - t0 }));
          };
          poll();
        }),
    );
    firstPaint.push(paint.dataToPaint);
    extra[`run ${run + 1}: post → painted / presented`] = `${fmt(paint.dispatchToPaint)} / ${fmt(paint.dispatchToFrame)}`;
  }
  // A scaled trace is many proofs, which open in Left heavy: the first sequence runs on the timeline.
  await page!.locator('canvas.flame-canvas').first().focus();
  await page!.keyboard.press('1');
  await frames(page!, 3);
  const box = (await page!.locator('canvas.flame-canvas').first().boundingBox())!;
  await shot(page!, 'ours-loaded');
  const sequence = await sequences(page!, { x: box.x + box.width * 0.45, y: box.y + Math.min(box.height / 2, 160) }, 'ours');
  const zoomed = await page!.evaluate(() => {
    const st = (window as unknown as { harness: { getState(): { ranges?: Record<string, { x0: number; x1: number }> } } }).harness.getState();
    return st?.ranges?.timeline;
  });
  if (zoomed) extra['range after the sequence (zoomed back out)'] = `${((zoomed.x1 - zoomed.x0) / 1e9).toFixed(2)} s`;
  const search: Result['search'] = [];
  for (const q of SEARCHES) {
    const r = await timeSearch(page!, 'input.search', q);
    const summary = await page!.locator('.search-summary').textContent();
    search.push({ query: q, ...r });
    extra[`search ${q}`] = summary ?? '';
  }
  await timeSearch(page!, 'input.search', '');
  const p = page!;
  const at = { x: box.x + box.width * 0.45, y: box.y + Math.min(box.height / 2, 160) };
  const views = await benchViews(p, 'ours', {
    leftHeavyKey: '3',
    sandwichKey: '4',
    chartAt: at,
    focus: () => p.locator('canvas.flame-canvas').first().focus().catch(() => p.locator('body').focus()),
    // The proof root: its callees graph is the whole proof (speedscope's table lists it first, by total).
    row: () => p.locator('table.sandwich-table tbody tr', { hasText: /^stark_prove_excluding_trace/ }).first().click(),
    calleesAt: async () => {
      const b = (await p.locator('.sandwich-chart canvas').nth(1).boundingBox())!;
      return { x: b.x + b.width * 0.45, y: b.y + Math.min(b.height / 2, 60) };
    },
  });
  extra['sandwich rows'] = String(await p.locator('table.sandwich-table tbody tr').count());
  await page!.close();
  return { firstPaint, sequence, search, views, extra };
}

async function benchSpeedscope(browser: Browser, url: string, profileName: string): Promise<Result> {
  const page = await browser.newPage({ viewport: VIEWPORT });
  await page.addInitScript(RAF_PROBE);
  const extra: Record<string, string> = {};
  let importMs = NaN;
  const imported = new Promise<number>((resolve) => {
    page.on('console', (m) => {
      const match = /import:\s*([\d.]+)\s*ms/.exec(m.text());
      if (match) resolve(Number(match[1]));
    });
  });
  const t0 = Date.now();
  await page.goto(`${url}/speedscope/index.html#profileURL=${encodeURIComponent(`${url}/files/${profileName}`)}`);
  importMs = await withTimeout(imported, 600_000, 'speedscope did not finish importing in 10 minutes');
  await frames(page, 3);
  const total = Date.now() - t0;
  extra['import (its own log)'] = fmt(importMs);
  extra['navigation → chart shown'] = fmt(total);
  // The main flame chart fills the window below the minimap.
  const at = { x: VIEWPORT.width * 0.45, y: VIEWPORT.height * 0.6 };
  await shot(page, 'speedscope-loaded');
  const sequence = await sequences(page, at, 'speedscope');
  const search: Result['search'] = [];
  await page.keyboard.press('Control+f');
  // Its search box (Ctrl+F) is the only visible input.
  const input = 'input';
  await page.locator('input:visible').waitFor();
  for (const q of SEARCHES) search.push({ query: q, ...(await timeSearch(page, input, q)) });
  await page.keyboard.press('Escape');
  await page.mouse.click(at.x, VIEWPORT.height - 5);
  // Its keys: 2 left heavy, 3 sandwich; the sandwich's table is on the left, the callees graph
  // at the bottom right.
  const views = await benchViews(page, 'speedscope', {
    leftHeavyKey: '2',
    sandwichKey: '3',
    chartAt: at,
    focus: async () => undefined,
    row: () => page.mouse.click(VIEWPORT.width * 0.1, 52),
    calleesAt: async () => ({ x: VIEWPORT.width * 0.75, y: VIEWPORT.height * 0.8 }),
  });
  await page.close();
  return { firstPaint: [total], sequence, search, views, extra };
}

export async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'flame-bench-'));
  const harness = await startHarness();
  let browser: Browser | undefined;
  try {
    const reps = Math.max(1, Math.round(TARGET_SPANS / SPANS_PER_COPY.chrome));
    // Not `*.chrome.json`: speedscope would force its Chrome-timeline importer on that name.
    const file = path.join(dir, 'prover-trace.json');
    const bytes = await writeScaled('chrome', file, reps);
    const t0 = performance.now();
    const trace = await parseTraceFile(file, { source: 'prover-trace.json' });
    const t1 = performance.now();
    const doc = buildFlameDocument(trace, 'prover-trace.json');
    const t2 = performance.now();
    harness.setDocument(doc);
    harness.addFile('prover-trace.json', file);
    console.log(`Flame chart benchmark (load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${cpus().length} CPUs): ${trace.spanCount.toLocaleString('en-US')} spans, ${(bytes / 1e6).toFixed(1)} MB tracing-chrome JSON (${statSync(file).size} bytes)`);
    console.log(`  host: parse ${fmt(t1 - t0)}, flatten to the drawn form ${fmt(t2 - t1)}`);

    browser = await chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS, ...WEBGL_ARGS] });
    const ours = await benchOurs(browser, harness.url);
    const theirs = SKIP_SPEEDSCOPE ? undefined : await benchSpeedscope(browser, harness.url, 'prover-trace.json');

    const fp = median(ours.firstPaint);
    const row = (label: string, a: number, b: number | undefined, target?: number, unit = 'ms') => {
      const show = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : unit === 'ms' ? fmt(v) : String(v)).padStart(10);
      const ratio = b === undefined || !Number.isFinite(b) || a === 0 || unit !== 'ms' ? '' : `  ratio ${(b / a).toFixed(1)}× (speedscope/ours)`;
      const pass = target === undefined ? '' : a <= target ? `  [target < ${target} ms: met]` : `  [target < ${target} ms: MISSED]`;
      console.log(`  ${label.padEnd(34)} ours ${show(a)}   speedscope ${show(b)}${ratio}${pass}`);
    };
    console.log(`  first paint after data arrival (median of ${FIRST_PAINT_RUNS}): ${fmt(fp)}  [${ours.firstPaint.map(fmt).join(', ')}]${fp < 200 ? '  [target < 200 ms: met]' : '  [target < 200 ms: MISSED]'}`);
    for (const [k, v] of Object.entries(ours.extra)) console.log(`    ${k}: ${v}`);
    if (theirs) for (const [k, v] of Object.entries(theirs.extra)) console.log(`    speedscope ${k}: ${v}`);
    console.log(`  open → chart: ours ${fmt(t2 - t0 + fp)} (parse + flatten + first paint), speedscope ${fmt(theirs?.firstPaint[0] ?? NaN)} (load, import, first frame)`);
    console.log(`  zoom-and-pan sequence (${2 * ZOOM_STEPS + PAN_STEPS} input steps, ${SEQUENCE_RUNS} times), JS in animation-frame callbacks per frame:`);
    row('frames with rAF work', ours.sequence.frameJs.frames, theirs?.sequence.frameJs.frames, undefined, 'count');
    row('p50', ours.sequence.frameJs.p50, theirs?.sequence.frameJs.p50);
    row('p95', ours.sequence.frameJs.p95, theirs?.sequence.frameJs.p95, 8);
    row('max', ours.sequence.frameJs.max, theirs?.sequence.frameJs.max);
    row('all script per input step (CDP)', ours.sequence.scriptMsPerStep, theirs?.sequence.scriptMsPerStep);
    console.log(`    p95 of each run: ours ${ours.sequence.p95s.map(fmt).join(', ')}${theirs ? `; speedscope ${theirs.sequence.p95s.map(fmt).join(', ')}` : ''}`);
    console.log('  search:');
    for (let i = 0; i < SEARCHES.length; i++) {
      const o = ours.search[i];
      const t = theirs?.search[i];
      row(`"${SEARCHES[i]}" handler + frame work`, o.handler + o.rafWork, t ? t.handler + t.rafWork : undefined, 100);
      row(`  input → end of 1st / 2nd frame`, o.frame1, t?.frame1);
      row(``, o.frame2, t?.frame2);
    }
    console.log('  views (keys: ours 3 / 4, speedscope 2 / 3):');
    const step = (label: string, a: StepTiming, b: StepTiming | undefined) => {
      row(`${label}: input → 2nd frame`, a.wall, b?.wall);
      row(`${label}: script (CDP)`, a.script, b?.script);
    };
    const seq = (label: string, a: Result['sequence'], b: Result['sequence'] | undefined) => {
      row(`${label}: JS per frame p50`, a.frameJs.p50, b?.frameJs.p50);
      row(`${label}: JS per frame p95`, a.frameJs.p95, b?.frameJs.p95, 8);
      row(`${label}: JS per frame max`, a.frameJs.max, b?.frameJs.max);
      row(`${label}: script per input step`, a.scriptMsPerStep, b?.scriptMsPerStep);
    };
    step('switch to Left heavy', ours.views.toLeftHeavy, theirs?.views.toLeftHeavy);
    seq('Left heavy zoom-and-pan', ours.views.leftHeavy, theirs?.views.leftHeavy);
    step('switch to Sandwich', ours.views.toSandwich, theirs?.views.toSandwich);
    step('pick a name in the table', ours.views.pickName, theirs?.views.pickName);
    seq('Sandwich callees zoom-and-pan', ours.views.sandwich, theirs?.views.sandwich);
    console.log(`  (load average at the end: ${loadavg().map((x) => x.toFixed(1)).join(' ')}; figures on a loaded machine vary run to run)`);
  } finally {
    await browser?.close();
    await harness.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
