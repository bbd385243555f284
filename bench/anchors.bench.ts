/**
 * Hotspot anchors: the live update on each keystroke (every anchor of a document moved through a
 * change event) and the re-derivation from a base diff plus an unsaved buffer (what a save, a
 * reload or a catalog change costs per document). Targets: live < 0.05 ms per event, re-derive
 * < 5 ms per 5,000-line document.
 */
import { applyChanges, resolveAnchor, type Anchor, type LineChange } from '../src/core/diff/anchors';
import { diffTexts } from '../src/core/diff/buffer';
import type { FileDiff } from '../src/core/diff/types';

const LINES = 5000;
const ANCHORS = 50;
const EVENTS = 5000;

function source(): string[] {
  const out: string[] = [];
  for (let i = 0; i < LINES; i++) out.push(i % 40 === 7 ? `        command::blit_operation(&ctx.queue, |blit| { /* ${i} */` : `    let v${i} = compute(${i}, x);`);
  return out;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

function liveBench(): void {
  const lines = source();
  let anchors: Anchor[] = Array.from({ length: ANCHORS }, (_, k) => {
    const line = 8 + k * 40 * 2;
    return { line, state: 'current', text: lines[line - 1] };
  });
  const times: number[] = [];
  for (let e = 0; e < EVENTS; e++) {
    // Typing above the anchors: a character, or a new line every tenth keystroke.
    const line = e % 5;
    const change: LineChange =
      e % 10 === 0
        ? { range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: '    // typed\n' }
        : { range: { start: { line, character: 4 }, end: { line, character: 4 } }, text: 'x' };
    if (e % 10 === 0) lines.splice(line, 0, '    // typed');
    else lines[line] = lines[line]!.slice(0, 4) + 'x' + lines[line]!.slice(4);
    const t0 = performance.now();
    anchors = applyChanges(anchors, [change], (l) => lines[l]);
    times.push(performance.now() - t0);
  }
  const lost = anchors.filter((a) => a.state !== 'current' || lines[a.line - 1] !== a.text).length;
  if (lost > 0) throw new Error(`${lost} anchors lost their line`);
  times.sort((a, b) => a - b);
  const mean = times.reduce((s, t) => s + t, 0) / times.length;
  console.log(`live: ${ANCHORS} anchors, ${EVENTS} change events: mean ${mean.toFixed(4)} ms, p99 ${percentile(times, 0.99).toFixed(4)} ms per event (target < 0.05 ms)`);
}

function rederiveBench(): void {
  const base = source();
  const disk = [...base];
  // 20 saved edits spread over the file, then 10 unsaved ones in the buffer.
  for (let k = 0; k < 20; k++) disk.splice(100 + k * 230, 0, `    // saved ${k}`, `    // saved ${k}b`);
  const buffer = [...disk];
  for (let k = 0; k < 10; k++) buffer[300 + k * 400] = `    let changed${k} = 0;`;
  const baseText = base.join('\n');
  const diskText = disk.join('\n');
  const bufferText = buffer.join('\n');
  const baseHunks = diffTexts(baseText, diskText);
  const diffs = new Map<string, FileDiff>([['a.rs', { oldPath: 'a.rs', newPath: 'a.rs', kind: 'modified', binary: false, hunks: baseHunks }]]);
  const refs = Array.from({ length: ANCHORS }, (_, k) => 8 + k * 40 * 2);
  const runs: number[] = [];
  for (let r = 0; r < 50; r++) {
    const t0 = performance.now();
    const hunks = diffTexts(diskText, bufferText);
    const lines = bufferText.split('\n');
    const placed = refs.map((line) => resolveAnchor(diffs, 'a.rs', line, () => hunks, (_p, l) => lines[l - 1]));
    runs.push(performance.now() - t0);
    if (placed.some((p) => p.anchor.state !== 'current')) throw new Error('an unchanged hotspot line was not current');
  }
  runs.sort((a, b) => a - b);
  console.log(`re-derive: ${LINES}-line buffer, ${ANCHORS} hotspots, 20 saved + 10 unsaved edits: median ${percentile(runs, 0.5).toFixed(2)} ms, max ${runs.at(-1)!.toFixed(2)} ms (target < 5 ms)`);
}

export async function main(): Promise<void> {
  liveBench();
  rederiveBench();
}
