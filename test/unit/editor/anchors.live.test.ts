import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyChanges, type Anchor, type LineChange } from '../../../src/core/diff/anchors';

/** A slice of the fixture's stacked_pcs.rs shape: the hotspot is the blit call on line 5. */
const SOURCE = [
  'pub fn stack_traces(traces: &[Trace]) -> Buffer {', // 1
  '    let out = Buffer::zeroed(total_len(traces));', // 2
  '    for (i, trace) in traces.iter().enumerate() {', // 3
  '        let offset = offsets[i];', // 4
  '        command::blit_operation(&trace.buffer, &out, offset);', // 5
  '    }', // 6
  '    out', // 7
  '}', // 8
].join('\n');

function offsetOf(text: string, pos: { line: number; character: number }): number {
  let offset = 0;
  for (let l = 0; l < pos.line; l++) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) throw new Error(`line ${pos.line} beyond the text`);
    offset = nl + 1;
  }
  return offset + pos.character;
}

/** Applies changes in order, as VS Code does, and returns the anchors moved through them. */
function edit(text: string, anchors: Anchor[], changes: LineChange[]): { text: string; anchors: Anchor[] } {
  let now = text;
  for (const c of changes) {
    now = now.slice(0, offsetOf(now, c.range.start)) + c.text + now.slice(offsetOf(now, c.range.end));
  }
  const lines = now.split('\n');
  return { text: now, anchors: applyChanges(anchors, changes, (l) => lines[l]) };
}

const at = (line: number, character: number) => ({ line, character });
const change = (sl: number, sc: number, el: number, ec: number, text: string): LineChange => ({
  range: { start: at(sl, sc), end: at(el, ec) },
  text,
});
const hotspot = (): Anchor => ({ line: 5, state: 'current', text: SOURCE.split('\n')[4] });
const lineOf = (text: string, line: number) => text.split('\n')[line - 1];

test('lines inserted above move the anchor with its code', () => {
  const r = edit(SOURCE, [hotspot()], [change(1, 0, 1, 0, '    // one\n    // two\n    // three\n')]);
  assert.deepEqual(r.anchors[0]!.line, 8);
  assert.equal(r.anchors[0]!.state, 'current');
  assert.equal(lineOf(r.text, 8), hotspot().text);
});

test('a line inserted at the start of the hotspot line pushes it down, intact', () => {
  const r = edit(SOURCE, [hotspot()], [change(4, 0, 4, 0, '        trace.validate();\n')]);
  assert.equal(r.anchors[0]!.line, 6);
  assert.equal(r.anchors[0]!.state, 'current');
});

test('Enter typed at the end of the line above and at the end of the hotspot line', () => {
  let r = edit(SOURCE, [hotspot()], [change(3, 32, 3, 32, '\n        ')]);
  assert.equal(r.anchors[0]!.line, 6);
  assert.equal(r.anchors[0]!.state, 'current');
  const len = hotspot().text!.length;
  r = edit(r.text, r.anchors, [change(5, len, 5, len, '\n        ')]);
  assert.equal(r.anchors[0]!.line, 6);
  assert.equal(r.anchors[0]!.state, 'current');
});

test('lines deleted above move the anchor up', () => {
  const r = edit(SOURCE, [hotspot()], [change(1, 0, 3, 0, '')]);
  assert.equal(r.anchors[0]!.line, 3);
  assert.equal(r.anchors[0]!.state, 'current');
  assert.equal(lineOf(r.text, 3), hotspot().text);
});

test('an edit of the line itself marks it edited; undoing it makes it current again', () => {
  const r = edit(SOURCE, [hotspot()], [change(4, 8, 4, 31, 'batch.push_blit')]);
  assert.equal(r.anchors[0]!.line, 5);
  assert.equal(r.anchors[0]!.state, 'edited');
  const undo = edit(r.text, r.anchors, [change(4, 8, 4, 23, 'command::blit_operation')]);
  assert.equal(undo.text, SOURCE);
  assert.equal(undo.anchors[0]!.state, 'current');
});

test('deleting the hotspot line marks it removed, in either way an editor deletes a line', () => {
  const down = edit(SOURCE, [hotspot()], [change(4, 0, 5, 0, '')]);
  assert.equal(down.anchors[0]!.state, 'removed');
  assert.equal(down.anchors[0]!.line, 5);
  const len = hotspot().text!.length;
  const up = edit(SOURCE, [hotspot()], [change(3, 32, 4, len, '')]);
  assert.equal(up.anchors[0]!.state, 'removed');
  assert.equal(up.anchors[0]!.line, 4);
});

test('a removed anchor stays removed and keeps following the lines above it', () => {
  const r = edit(SOURCE, [{ line: 5, state: 'removed' }], [change(0, 0, 0, 0, '// header\n')]);
  assert.deepEqual(r.anchors[0], { line: 6, state: 'removed' });
});

test('joining the hotspot line onto the previous one is an edit', () => {
  const r = edit(SOURCE, [hotspot()], [change(3, 32, 4, 8, ' ')]);
  assert.equal(r.anchors[0]!.line, 4);
  assert.equal(r.anchors[0]!.state, 'edited');
});

test('a whole-document replacement that keeps the line follows it', () => {
  const formatted = '// formatted\n' + SOURCE.replace('    let out', '    let mut out');
  const lines = SOURCE.split('\n');
  const r = edit(SOURCE, [hotspot()], [change(0, 0, lines.length - 1, lines.at(-1)!.length, formatted)]);
  assert.equal(r.anchors[0]!.line, 6);
  assert.equal(r.anchors[0]!.state, 'current');
});

test('a replacement without the line removes the anchor', () => {
  const r = edit(SOURCE, [hotspot()], [change(2, 0, 6, 0, '    unimplemented!()\n')]);
  assert.equal(r.anchors[0]!.state, 'removed');
  assert.equal(r.anchors[0]!.line, 3);
});

test('several changes of one event (multi-cursor, bottom to top) are applied in order', () => {
  const changes = [change(6, 0, 6, 0, '    // after\n'), change(4, 0, 4, 0, '        // before\n'), change(0, 0, 0, 0, '// top\n')];
  const r = edit(SOURCE, [hotspot(), { line: 8, state: 'current', text: '}' }], changes);
  assert.equal(r.anchors[0]!.line, 7);
  assert.equal(lineOf(r.text, 7), hotspot().text);
  assert.equal(r.anchors[1]!.line, 11);
  assert.equal(lineOf(r.text, 11), '}');
});

test('CRLF documents compare without the carriage return', () => {
  const crlf = SOURCE.split('\n').join('\r\n');
  const r = edit(crlf, [hotspot()], [change(4, 8, 4, 8, '')]);
  assert.equal(r.anchors[0]!.state, 'current');
  const typed = edit(crlf, [hotspot()], [change(4, 8, 4, 8, 'x')]);
  assert.equal(typed.anchors[0]!.state, 'edited');
});

test('property: whole-line insertions and deletions elsewhere never lose the line', () => {
  const lineEdit = fc.record({
    at: fc.nat({ max: 40 }),
    remove: fc.nat({ max: 3 }),
    insert: fc.array(fc.constantFrom('    x += 1;', '', '    // note', '    }'), { maxLength: 4 }),
  });
  fc.assert(
    fc.property(fc.array(lineEdit, { minLength: 1, maxLength: 12 }), (edits) => {
      let text = SOURCE;
      let anchors = [hotspot()];
      for (const le of edits) {
        const lines = text.split('\n');
        const anchorLine0 = anchors[0]!.line - 1;
        const start = Math.min(le.at, lines.length - 1);
        const end = Math.min(start + le.remove, lines.length - 1);
        // Keep the anchor's own line out of the deleted range.
        if (start <= anchorLine0 && anchorLine0 < end) continue;
        const inserted = le.insert.map((l) => l + '\n').join('');
        ({ text, anchors } = edit(text, anchors, [change(start, 0, end, 0, inserted)]));
      }
      assert.equal(anchors[0]!.state, 'current');
      assert.equal(lineOf(text, anchors[0]!.line), hotspot().text);
    }),
    { numRuns: 300 },
  );
});
