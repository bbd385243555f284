import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findSpanDefinitions, pickLocationCandidate } from '../../../src/core/flame/sourceSearch';

const RUST = `use tracing::{info_span, instrument, Level};

pub fn stacked_commit(data: &[u8]) {
    let _g = info_span!("stacked_commit").entered();
    let span = tracing::span!(Level::DEBUG, "rs_code_matrix", rows = 4);
    let other = debug_span!(target: "metal", "merkle_tree", "not the name").entered();
    // info_span!("commented") is still found by a text scan; that is acceptable
}

#[instrument(skip_all, name = "prover.openings.whir")]
fn whir(x: u32) {}

#[instrument(level = "info", skip(self))]
pub(crate) async fn batch_open_rows(&self) {}

#[tracing::instrument]
#[inline]
pub unsafe fn opened_rows_d2h() {}

fn fractional_sumcheck_gpu() {}

fn label(s: &str) { info_span!("s'_0 -> s_0 cpu interpolations \\"q\\""); }
`;

const at = (name: string) => findSpanDefinitions(RUST, name).map((d) => `${d.kind}@${d.line}:${d.column}`);
const lineOf = (needle: string) => RUST.split('\n').findIndex((l) => l.includes(needle)) + 1;

test('span macros: level macros, span!(Level, ...), target: arguments skipped', () => {
  assert.deepEqual(at('stacked_commit'), [`span-macro@${lineOf('info_span!("stacked_commit")')}:${RUST.split('\n')[lineOf('info_span!("stacked_commit")') - 1].indexOf('stacked_commit"')}`, `fn@${lineOf('pub fn stacked_commit')}:7`]);
  assert.equal(at('rs_code_matrix')[0], `span-macro@${lineOf('"rs_code_matrix"')}:${RUST.split('\n')[lineOf('"rs_code_matrix"') - 1].indexOf('rs_code_matrix')}`);
  assert.deepEqual(at('merkle_tree').map((x) => x.split('@')[0]), ['span-macro']);
  assert.deepEqual(at('metal'), [], 'a target is not a span name');
  assert.deepEqual(at('not the name'), [], 'only the first literal names the span');
});

test('#[instrument] with a name, and instrumented functions by their name', () => {
  assert.deepEqual(at('prover.openings.whir'), [`instrument-name@${lineOf('prover.openings.whir')}:${RUST.split('\n')[lineOf('prover.openings.whir') - 1].indexOf('prover.')}`]);
  assert.deepEqual(at('batch_open_rows').map((x) => x.split('@')[0]), ['instrument-fn']);
  assert.deepEqual(at('opened_rows_d2h').map((x) => x.split('@')[0]), ['instrument-fn']);
  // A named instrument does not also define the function's own name as a span.
  assert.deepEqual(at('whir').map((x) => x.split('@')[0]), ['fn']);
});

test('plain functions are the last resort; escaped quotes and names with spaces work', () => {
  assert.deepEqual(at('fractional_sumcheck_gpu').map((x) => x.split('@')[0]), ['fn']);
  assert.deepEqual(at('Some::path::fractional_sumcheck_gpu').map((x) => x.split('@')[0]), ['fn']);
  assert.deepEqual(at('s\'_0 -> s_0 cpu interpolations "q"').map((x) => x.split('@')[0]), ['span-macro']);
  assert.deepEqual(at('nothing_like_this'), []);
  assert.deepEqual(findSpanDefinitions('info_span!("unterminated', 'unterminated'), []);
});

test('definitions are sorted best first', () => {
  const text = 'fn rs_code_matrix() {}\nlet s = info_span!("rs_code_matrix");\n';
  assert.deepEqual(findSpanDefinitions(text, 'rs_code_matrix').map((d) => [d.kind, d.line]), [
    ['span-macro', 2],
    ['fn', 1],
  ]);
});

test('trace locations: the candidate whose crate matches the module path wins', () => {
  const c = ['crates/prover/src/main.rs', 'crates/stark_prover_synth/src/main.rs', 'src/main.rs'];
  assert.equal(pickLocationCandidate('src/main.rs', c, 'stark_prover_synth::prover'), 'crates/stark_prover_synth/src/main.rs');
  assert.equal(pickLocationCandidate('src/main.rs', c), 'src/main.rs');
  assert.equal(pickLocationCandidate('crates/prover/src/main.rs', c), 'crates/prover/src/main.rs');
  assert.equal(pickLocationCandidate('/home/ci/build/crates/prover/src/main.rs', c), 'crates/prover/src/main.rs');
  assert.equal(pickLocationCandidate('src/lib.rs', c), undefined);
  assert.equal(pickLocationCandidate('src\\main.rs', ['a-b/src/main.rs'], 'a_b::x'), 'a-b/src/main.rs');
});
