import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stripAnsi } from '../../../src/core/trace/strings';

test('captured output: OSC 8 hyperlinks (as cargo prints them) leave only their text, colours are removed', () => {
  const link = (url: string, text: string) => `\x1b]8;;${url}\x1b\\${text}\x1b]8;;\x1b\\`;
  const line = `\x1b[1m\x1b[33mwarning\x1b[0m: unused variable --> ${link('file:///home/u/sb/crates/x/src/a.rs', 'crates/x/src/a.rs')}:42:9`;
  assert.equal(stripAnsi(line), 'warning: unused variable --> crates/x/src/a.rs:42:9');
  assert.equal(stripAnsi(`see ${link('https://doc.rust-lang.org/x', 'the docs')} (BEL-terminated: \x1b]8;;http://a\x07a\x1b]8;;\x07)`), 'see the docs (BEL-terminated: a)');
  assert.equal(stripAnsi('plain text'), 'plain text');
});
