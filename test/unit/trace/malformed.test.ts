import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../../src/core/problems';
import { aggregate, parseTrace, type Span, type Trace } from '../../../src/core/trace/index';
import { read } from './helpers';

function names(t: Trace): string[] {
  const out: string[] = [];
  const walk = (s: Span, d: number) => {
    out.push(`${'  '.repeat(d)}${s.name} ${s.durationNs}`);
    s.children.forEach((c) => walk(c, d + 1));
  };
  t.roots.forEach((r) => walk(r, 0));
  return out;
}

function throwsInput(fn: () => unknown, code: string, line?: number): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof InputError, String(e));
    assert.equal(e.code, code);
    if (line !== undefined) assert.equal(e.location?.line, line);
    return true;
  });
}

test('empty, blank and non-trace inputs are clear errors with a location', () => {
  throwsInput(() => parseTrace('', { source: 'x.txt' }), 'trace/empty', 1);
  throwsInput(() => parseTrace('\n  \n\t\n'), 'trace/empty');
  throwsInput(() => parseTrace('\n\nhello world\nthis is not a trace\n', { source: 'notes.md' }), 'trace/unknown-format', 3);
  assert.throws(() => parseTrace('\nhello\n', { source: 'notes.md' }), /notes\.md:2: Not a trace this tool reads .*hello/);
  // Forced format, nothing readable: every line reported, then the error.
  throwsInput(() => parseTrace('a\nb\n', { format: 'folded' }), 'trace/no-spans', 1);
  throwsInput(() => parseTrace('2026-11-24T12:55:07.698925Z  INFO stark_prover_synth: Starting GPU proof task=0\n', { format: 'fmt' }), 'trace/no-spans');
  assert.throws(() => parseTrace('2026-11-24T12:55:07.698925Z  INFO app: started\n', { format: 'fmt' }), /FmtSpan::CLOSE/);
});

test('forest: cargo output mixed in is counted, unknown lines are reported with their line numbers', () => {
  const forest = read('forest_single.txt');
  const mixed = [
    '   Compiling stark_prover_synth v0.1.0 (/home/user/prover)',
    '    Finished `release` profile [optimized] target(s) in 4.21s',
    '     Running `target/release/examples/keccakf`',
    forest.split('\n').slice(0, 3).join('\n'),
    'proof bytes written to out.bin',
    'warning: unused variable: `x`',
    forest.split('\n').slice(3).join('\n'),
  ].join('\n');
  const t = parseTrace(mixed);
  assert.equal(t.format, 'forest');
  assert.deepEqual(names(t), names(parseTrace(forest)));
  assert.equal(t.foreignLines, 4);
  assert.equal(t.unparsed.length, 1);
  assert.deepEqual(t.unparsed[0], { line: 7, text: 'proof bytes written to out.bin', reason: 'not tracing-forest output' });
  assert.equal(t.unparsedCount, 1);
});

test('forest: units, percentages, quoted fields, tags, broken lines', () => {
  const text = [
    'INFO     run [ 1.50s | 10.00% / 100.00% ] name: "a | b" | n: 3 | ok: true',
    'INFO     ┝━ fast [ 12.0ns | 0.00% ]',
    'INFO     ┝━ mid [ 2.50µs | 0.00% ]',
    'INFO     ┝━ plain_us [ 3.00us | 0.00% ]',
    'WARN     ┝━ 🚧 [warn]: careful | attempt: 2',
    'INFO     ┝━ ｉ [admin.info]: there | is | a pipe | status: "very sad"',
    'INFO     ┝━ long [ 1350ms | 90.00% / 90.00% ] k: v',
    'INFO     │  ┕━ broken [ soon | 1% ]',
    'INFO     │     ┕━ orphan [ 1.00ms | 0.07% ]',
    'INFO     ┕━ last [ 1.00ms | 0.07% ]',
    'DEBUG    🐛 [debug]: root-level event',
  ].join('\n');
  const t = parseTrace(text);
  assert.equal(t.format, 'forest');
  const run = t.roots[0]!;
  assert.equal(run.durationNs, 1_500_000_000);
  assert.equal(run.selfNs, 150_000_000);
  assert.deepEqual(run.fields, { name: 'a | b', n: '3', ok: 'true' });
  assert.deepEqual(run.children.map((c) => [c.name, c.durationNs]), [
    ['fast', 12],
    ['mid', 2500],
    ['plain_us', 3000],
    ['long', 1_350_000_000],
    ['last', 1_000_000],
  ]);
  assert.deepEqual(run.events.map((e) => [e.level, e.message, e.fields]), [
    ['WARN', 'careful', { attempt: '2' }],
    ['INFO', 'there | is | a pipe', { status: 'very sad' }],
  ]);
  assert.deepEqual(t.events.map((e) => [e.level, e.message]), [['DEBUG', 'root-level event']]);
  assert.deepEqual(
    t.unparsed.map((u) => [u.line, u.reason]),
    [
      [8, 'span duration not understood'],
      [9, 'nested 3 deep under a tree that is only 2 deep'],
    ],
  );
});

test('chrome: a file cut short inside an event, and one cut after a whole event', () => {
  const text = read('chrome_trace.json');
  const lines = text.split('\n');
  const half = Math.floor(lines.length / 2);
  const midLine = lines.slice(0, half).join('\n') + '\n' + lines[half]!.slice(0, 40);
  const t = parseTrace(midLine);
  assert.equal(t.unparsed.length, 1);
  assert.equal(t.unparsed[0]!.line, half + 1);
  assert.equal(t.unparsed[0]!.reason, 'event cut short at the end of the file');
  assert.match(t.warnings!.join('\n'), /cut short/);
  assert.ok(t.roots.some((r) => r.incomplete));
  const open = t.roots.filter((r) => r.incomplete);
  // They run to the last time seen on their thread.
  assert.ok(open.some((r) => r.durationNs > 0));
  const clean = parseTrace(lines.slice(0, half).join('\n'));
  assert.equal(clean.unparsed.length, 0);
  assert.match(clean.warnings!.join('\n'), /not closed with "\]"/);
  assert.equal(aggregate(clean).excludedIncomplete, clean.roots.filter((r) => r.incomplete).length);
});

test('chrome: wrapper object, pretty printing, top-level locations with sorted keys, X events', () => {
  const events = JSON.parse(read('chrome_trace.json')) as Array<Record<string, unknown>>;
  const reference = parseTrace(read('chrome_trace.json'));
  const wrapped = parseTrace(JSON.stringify({ traceEvents: events, displayTimeUnit: 'ns' }, null, 2));
  assert.deepEqual(names(wrapped), names(reference));
  const minified = parseTrace(JSON.stringify({ otherData: { a: [1, { b: 2 }] }, traceEvents: events }));
  assert.deepEqual(names(minified), names(reference));

  // Later tracing-chrome releases: `.file`/`.line` at top level, keys sorted.
  const sorted = events.map((e) => {
    const args = { ...(e.args as Record<string, unknown>) };
    const out: Record<string, unknown> = { ...e, args };
    if ('[file]' in args) {
      out['.file'] = args['[file]'];
      out['.line'] = args['[line]'];
      delete args['[file]'];
      delete args['[line]'];
    }
    return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
  });
  const later = parseTrace('[\n' + sorted.map((e) => JSON.stringify(e)).join(',\n') + '\n]\n');
  assert.deepEqual(names(later), names(reference));
  assert.deepEqual(later.roots[0]!.location, reference.roots[0]!.location);
  assert.deepEqual(later.roots[0]!.fields, reference.roots[0]!.fields);

  // B/E pairs turned into complete events, written in end order like many producers do.
  const complete: Array<Record<string, unknown>> = [];
  const open = new Map<unknown, Array<Record<string, unknown>>>();
  for (const e of events) {
    const stack = open.get(e.tid) ?? [];
    open.set(e.tid, stack);
    if (e.ph === 'B') stack.push(e);
    else if (e.ph === 'E') {
      const b = stack.pop()!;
      complete.push({ ...b, ph: 'X', dur: (e.ts as number) - (b.ts as number) });
    } else complete.push(e);
  }
  const x = parseTrace(JSON.stringify(complete));
  assert.equal(x.spanCount, reference.spanCount);
  const key = (t: Trace) => names(t).map((n) => n.replace(/ (\d+)$/, (_, d: string) => ` ${Math.round(Number(d) / 1000)}`));
  assert.deepEqual(key(x), key(reference), 'same tree, durations equal to the µs');
});

test('chrome: unknown phases are counted, unmatched ends and bad events reported', () => {
  const text = [
    '[',
    '{"ph":"B","pid":1,"tid":1,"ts":1,"name":"a"},',
    '{"ph":"C","pid":1,"tid":1,"ts":2,"name":"mem","args":{"v":1}},',
    '{"ph":"C","pid":1,"tid":1,"ts":3,"name":"mem","args":{"v":2}},',
    '{"ph":"E","pid":1,"tid":1,"ts":11,"name":"a"},',
    '{"ph":"E","pid":1,"tid":1,"ts":12,"name":"a"},',
    '{"pid":1},',
    '{"ph":"i","pid":1,"tid":1,"ts":13,"name":"event x","s":"g","args":{"message":"hi","n":"5"}},',
    'garbage',
    ']',
  ].join('\n');
  const t = parseTrace(text);
  assert.equal(t.spanCount, 1);
  assert.equal(t.roots[0]!.durationNs, 10_000);
  assert.deepEqual(t.events.map((e) => [e.message, e.fields]), [['hi', { n: '5' }]]);
  assert.deepEqual(
    t.unparsed.map((u) => [u.line, u.reason.replace(/:.*$/, '')]),
    [
      [6, 'end ("E") of "a" with no span open on thread 1'],
      [7, 'trace event without "ph"'],
      [9, 'text between trace events'],
    ],
  );
  assert.match(t.warnings!.join('\n'), /ignored 2 event\(s\) of phase "C" \(counter\)/);
});

test('folded: bare thread lines, garbage lines, interleaved threads', () => {
  const text = [
    'ThreadId(1) 100',
    'ThreadId(1); app::outer:src/main.rs:1 10',
    'ThreadId(2) 5',
    'ThreadId(1); app::outer:src/main.rs:1; app::with space name:src/main.rs:2 20',
    'ThreadId(2); app::other:src/lib.rs:9 7',
    'ThreadId(1); app::outer:src/main.rs:1 30',
    'not a folded line',
    'ThreadId(1); app::outer:src/main.rs:1; app::with space name:src/main.rs:2 40',
    'ThreadId(1); app::outer:src/main.rs:1 1',
    'ThreadId(1) 50',
    'ThreadId(1); app::outer:src/main.rs:1 2',
  ].join('\n');
  const t = parseTrace(text);
  assert.equal(t.format, 'folded');
  assert.deepEqual(t.unparsed.map((u) => u.line), [7]);
  const outer = t.roots.filter((r) => r.name === 'outer');
  assert.equal(outer.length, 2, 'a bare line ends a root instance');
  assert.equal(outer[0]!.durationNs, 10 + 20 + 30 + 40 + 1);
  assert.equal(outer[0]!.selfNs, 10 + 30 + 1);
  assert.equal(outer[0]!.startNs, 100);
  assert.deepEqual(outer[0]!.children.map((c) => [c.name, c.durationNs, c.startNs]), [
    ['with space name', 20, 110],
    ['with space name', 40, 160],
  ]);
  assert.equal(outer[1]!.startNs, 100 + 101 + 50);
  const other = t.roots.find((r) => r.name === 'other')!;
  assert.equal(other.thread, 'ThreadId(2)');
  assert.equal(other.startNs, 5);
  assert.deepEqual(other.location, { file: 'src/lib.rs', line: 9 });
  assert.deepEqual(t.roots.map((r) => r.startNs), [...t.roots.map((r) => r.startNs!)].sort((a, b) => a - b), 'roots in start order');
});

test('fmt: a cut-short file rebuilds the spans that never closed', () => {
  const lines = read('fmt_close.txt').trimEnd().split('\n');
  // Without the last line, the prover root never closes.
  const t = parseTrace(lines.slice(0, -1).join('\n'));
  const prove = t.roots.find((r) => r.name === 'stark_prove_excluding_trace')!;
  assert.equal(prove.incomplete, true);
  assert.equal(prove.children.length, 3);
  assert.equal(prove.durationNs, prove.children.reduce((n, c) => n + c.durationNs, 0));
  assert.match(t.warnings!.join('\n'), /1 span\(s\) never closed/);
  const full = parseTrace(lines.join('\n'));
  assert.equal(t.spanCount, full.spanCount);
});

test('fmt: thread ids, ANSI colour and busy+idle', () => {
  const esc = (s: string) => `\x1b[32m${s}\x1b[0m`;
  const text = [
    `2026-01-01T00:00:00.000000Z ${esc(' INFO')} ThreadId(02) job{id=1}:step: app::jobs: close time.busy=2.00ms time.idle=1.00ms`,
    `2026-01-01T00:00:00.000000Z ${esc(' INFO')} ThreadId(03) job{id=2}: app::jobs: halfway n=3`,
    `2026-01-01T00:00:00.004000Z ${esc(' INFO')} ThreadId(02) job{id=1}: app::jobs: close time.busy=3.00ms time.idle=500µs`,
    `2026-01-01T00:00:00.005000Z ${esc(' INFO')} ThreadId(03) job{id=2}: app::jobs: close time.busy=1.00ms time.idle=0.00ns`,
  ].join('\n');
  const busy = parseTrace(text);
  assert.equal(busy.format, 'fmt');
  assert.deepEqual(busy.roots.map((r) => [r.name, r.fields.id, r.thread, r.durationNs, r.children.length, r.events.length]), [
    ['job', '1', 'ThreadId(02)', 3_000_000, 1, 0],
    ['job', '2', 'ThreadId(03)', 1_000_000, 0, 1],
  ]);
  assert.equal(busy.roots[0]!.startNs, 4_000_000 - 3_500_000);
  const both = parseTrace(text, { fmtDuration: 'busy+idle' });
  assert.equal(both.durationKind, 'busy+idle');
  assert.equal(both.roots[0]!.durationNs, 3_500_000);
});

test('a trace after a long stretch of program output is still found, whole or streamed', async () => {
  const { parseTraceStream } = await import('../../../src/core/trace/index');
  const noise = Array.from({ length: 3000 }, (_, i) => `step ${i}: residual norm 0.${i} (no tracing here)`).join('\n');
  assert.ok(noise.length > 64 * 1024);
  const text = `${noise}\n${read('forest_single.txt')}`;
  const whole = parseTrace(text);
  assert.equal(whole.format, 'forest');
  assert.equal(whole.spanCount, 39);
  assert.equal(whole.unparsedCount, 3000);
  assert.equal(whole.unparsed.length, 1000, 'the first 1000 are kept');
  assert.equal(whole.unparsed[999]!.line, 1000);
  const bytes = new TextEncoder().encode(text);
  const chunks = Array.from({ length: Math.ceil(bytes.length / 16384) }, (_, i) => bytes.subarray(i * 16384, (i + 1) * 16384));
  const streamed = await parseTraceStream(chunks);
  assert.equal(JSON.stringify(streamed.roots), JSON.stringify(whole.roots));
});

test('CRLF line ends and cargo output before any format read the same', () => {
  const cargo = '   Compiling stark_prover_synth v0.1.0\n    Finished `release` profile [optimized] target(s) in 1.00s\n     Running `target/release/examples/keccakf`\n';
  for (const file of ['forest_single.txt', 'fmt_close.txt', 'folded.txt']) {
    const text = read(file);
    const plain = parseTrace(text);
    const crlf = parseTrace(cargo.replace(/\n/g, '\r\n') + text.replace(/\n/g, '\r\n'));
    assert.equal(crlf.format, plain.format, file);
    assert.deepEqual(names(crlf), names(plain), file);
    assert.equal(crlf.foreignLines, 3, file);
    assert.equal(crlf.unparsedCount, 0, file);
  }
});

test('fmt event text: message and trailing key=value fields, in one pass', async () => {
  const { splitMessage } = await import('../../../src/core/trace/fmtSubscriber');
  const cases: Array<[string, string, Record<string, string>]> = [
    ['dispatch stats kernel_count=12 sync_count=3', 'dispatch stats', { kernel_count: '12', sync_count: '3' }],
    ['num_airs_present=3', '', { num_airs_present: '3' }],
    ['GPU mem: used=+0 B, current=1.7 GiB', 'GPU mem: used=+0 B, current=1.7 GiB', {}],
    ['a="b c" d=1', '', { a: 'b c', d: '1' }],
    ['x=1 not a field y=2', 'x=1 not a field', { y: '2' }],
    ['msg x="unterminated y=2', 'msg x="unterminated', { y: '2' }],
  ];
  for (const [text, message, fields] of cases) assert.deepEqual(splitMessage(text), { message, fields }, text);
  assert.deepEqual(splitMessage('word '.repeat(50_000) + 'k=v').fields, { k: 'v' });
});
