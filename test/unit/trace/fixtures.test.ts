import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectFormat, parseTrace, parseTraceFile } from '../../../src/core/trace/index';
import * as path from 'node:path';
import { chromeFacts, fmtCloses, foldedRoots, forestRootEvents, forestSpans, read, TRACES } from './helpers';

const FOREST = ['forest_single.txt', 'forest_ansi.txt', 'forest_multi.txt', 'forest_baseline.txt', 'forest_after.txt'];

for (const file of FOREST) {
  test(`${file}: roots, spans and root totals match the file`, () => {
    const text = read(file);
    const lines = forestSpans(text);
    const rootLines = lines.filter((l) => l.depth === 0);
    assert.ok(lines.length > 30, 'the independent reading found the span lines');
    const trace = parseTrace(text, { source: file });
    assert.equal(trace.format, 'forest');
    assert.equal(trace.durationKind, 'busy');
    assert.equal(trace.spanCount, lines.length);
    assert.equal(trace.roots.length, rootLines.length);
    assert.deepEqual(
      trace.roots.map((r) => [r.name, r.durationNs, r.sourceLine]),
      rootLines.map((l) => [l.name, l.durationNs, l.line]),
    );
    assert.equal(trace.events.length, forestRootEvents(text));
    // Pre-order of the tree is file order: every span line with its depth and duration.
    const walked: Array<[string, number, number]> = [];
    const walk = (s: (typeof trace.roots)[number], d: number) => {
      walked.push([s.name, d, s.durationNs]);
      s.children.forEach((c) => walk(c, d + 1));
    };
    trace.roots.forEach((r) => walk(r, 0));
    assert.deepEqual(walked, lines.map((l) => [l.name, l.depth, l.durationNs]));
    assert.equal(trace.unparsed.length, 0);
    assert.equal(trace.foreignLines, 0);
  });
}

test('forest_multi.txt holds 8 proofs, each a 37-span prover tree', () => {
  const trace = parseTrace(read('forest_multi.txt'));
  const proofs = trace.roots.filter((r) => r.name === 'stark_prove_excluding_trace');
  assert.equal(proofs.length, 8);
  const count = (s: { children: unknown[] }): number => 1 + (s.children as Array<{ children: unknown[] }>).reduce((n, c) => n + count(c), 0);
  for (const p of proofs) assert.equal(count(p), 37);
});

test('forest: spans keep depth, fields, events and self time from BASE%', () => {
  const text = read('forest_single.txt');
  const trace = parseTrace(text);
  const prover = trace.roots[2]!;
  assert.equal(prover.name, 'stark_prove_excluding_trace');
  assert.deepEqual(prover.fields, { phase: 'prover' });
  assert.equal(prover.events[0]!.message, '');
  assert.deepEqual(prover.events[0]!.fields, { num_airs_present: '3' });
  // Line: `stark_prove_excluding_trace [ 388ms | 0.29% / 100.00% ]`: self = 0.29% of 388ms.
  assert.equal(prover.selfNs, Math.round(0.0029 * 388e6));
  const stacked = prover.children[0]!.children[0]!.children[0]!;
  assert.equal(stacked.name, 'stacked_commit');
  assert.deepEqual(
    stacked.events.map((e) => e.message),
    ['GPU mem: used=+0 B, current=1.7 GiB, peak=2.1 GiB, in pool=256.0 MiB (prover.stacked_commit:before stacked_commit)', 'stacked_matrix_dimensions'],
  );
  assert.deepEqual(stacked.events[1]!.fields, { height: '1048576', width: '84' });
  const rs = stacked.children[0]!;
  assert.equal(rs.name, 'rs_code_matrix');
  assert.equal(rs.selfNs, rs.durationNs, 'a leaf is all self time');
  assert.deepEqual(rs.events[0]!.fields, { kernel_count: '12', sync_count: '3' });
  const mle = prover.children[1]!.children[0]!.children[2]!;
  assert.equal(mle.children.length, 12);
  assert.deepEqual(mle.children.map((c) => c.fields.round), Array.from({ length: 12 }, (_, i) => String(i + 1)));
  assert.equal(mle.children[4]!.durationNs, 959_000, '959µs');
  const interp = prover.children[1]!.children[0]!.children[1]!.children[1]!;
  assert.equal(interp.name, "s'_0 -> s_0 cpu interpolations");
  assert.ok(trace.roots.every((r, i) => r.rootIndex === i));
});

test('forest_ansi.txt reads like the uncoloured output of the same program', () => {
  const plain = parseTrace(read('forest_single.txt'));
  const ansi = parseTrace(read('forest_ansi.txt'));
  const shape = (t: typeof plain) => {
    const out: string[] = [];
    const walk = (s: (typeof t.roots)[number], d: number) => {
      out.push(`${d}:${s.name}:${JSON.stringify(s.fields)}:${s.events.length}`);
      s.children.forEach((c) => walk(c, d + 1));
    };
    t.roots.forEach((r) => walk(r, 0));
    return out;
  };
  assert.deepEqual(shape(ansi), shape(plain));
});

test('chrome_trace.json: spans, roots and root totals match the JSON', () => {
  const text = read('chrome_trace.json');
  const facts = chromeFacts(text);
  const trace = parseTrace(text);
  assert.equal(trace.format, 'chrome');
  assert.equal(trace.durationKind, 'wall');
  assert.equal(trace.spanCount, facts.spans);
  assert.equal(trace.roots.length, facts.roots.length);
  // Roots are ordered by start, the facts by end: compare as sorted lists.
  const mine = trace.roots.map((r) => `${r.thread}|${r.name}|${r.durationNs}`).sort();
  const theirs = facts.roots.map((r) => `${r.tid}|${r.name}|${r.durationNs}`).sort();
  assert.deepEqual(mine, theirs);
  let events = trace.events.length;
  const walk = (s: (typeof trace.roots)[number]) => {
    events += s.events.length;
    s.children.forEach(walk);
  };
  trace.roots.forEach(walk);
  assert.equal(events, facts.instants);
  const prove = trace.roots.find((r) => r.name === 'stark_prove_excluding_trace')!;
  assert.deepEqual(prove.location, { file: 'src/main.rs', line: 122 });
  assert.equal(prove.target, 'stark_prover_synth::prover');
  assert.deepEqual(prove.fields, { phase: 'prover' }, 'Debug quotes are removed from string args');
});

test('folded.txt: the same run as chrome_trace.json, root by root', () => {
  const text = read('folded.txt');
  const roots = foldedRoots(text);
  const trace = parseTrace(text);
  assert.equal(trace.format, 'folded');
  assert.equal(trace.roots.length, roots.length);
  assert.equal(trace.roots.length, chromeFacts(read('chrome_trace.json')).roots.length);
  assert.equal(trace.spanCount, chromeFacts(read('chrome_trace.json')).spans, 'one run written by both layers');
  const mine = trace.roots.map((r) => `${r.thread}|${r.durationNs}`).sort();
  const theirs = roots.map((r) => `${r.thread}|${r.totalNs}`).sort();
  assert.deepEqual(mine, theirs);
  for (const r of trace.roots) assert.ok(roots.some((x) => x.frame.includes(`::${r.name}:`)), r.name);
  const rs = trace.roots.find((r) => r.name === 'stark_prove_excluding_trace')!.children[0]!.children[0]!.children[0]!.children[0]!;
  assert.equal(rs.name, 'rs_code_matrix');
  assert.equal(rs.target, 'stark_prover_synth::stacked_pcs');
  assert.deepEqual(rs.location, { file: 'src/main.rs', line: 196 });
  const names = new Set<string>();
  const walk = (s: (typeof trace.roots)[number]) => {
    names.add(s.name);
    s.children.forEach(walk);
  };
  trace.roots.forEach(walk);
  assert.ok(names.has("s'_0 -> s_0 cpu interpolations"), 'names with spaces survive');
  assert.ok(names.has('LogupZerocheck::sumcheck_polys_batch_eval'), 'a name with :: is not taken for a module');
});

test('fmt_close.txt: one span per close line, totals from time.busy', () => {
  const text = read('fmt_close.txt');
  const closes = fmtCloses(text);
  const trace = parseTrace(text);
  assert.equal(trace.format, 'fmt');
  assert.equal(trace.spanCount, closes.length);
  const roots = closes.filter((c) => c.context.length === 1);
  assert.deepEqual(
    trace.roots.map((r) => [r.name, r.durationNs]),
    roots.map((c) => [c.context[0], c.busyNs]),
  );
  const prove = trace.roots[2]!;
  assert.equal(prove.children.length, 3);
  assert.deepEqual(prove.events[0]!.fields, { num_airs_present: '3' });
  assert.equal(trace.events[0]!.message, 'Starting GPU proof');
  assert.deepEqual(trace.events[0]!.fields, { task: '0' });
  assert.ok(prove.idleNs! > 0);
});

test('each sample is detected as its format, and parseTraceFile agrees with parseTrace', async () => {
  const expected: Record<string, string> = {
    'chrome_trace.json': 'chrome',
    'folded.txt': 'folded',
    'fmt_close.txt': 'fmt',
    ...Object.fromEntries(FOREST.map((f) => [f, 'forest'])),
  };
  for (const [file, format] of Object.entries(expected)) {
    const text = read(file);
    assert.equal(detectFormat(text), format, file);
    const fromFile = await parseTraceFile(path.join(TRACES, file));
    const fromText = parseTrace(text);
    assert.equal(JSON.stringify(fromFile.roots), JSON.stringify(fromText.roots), file);
  }
});
