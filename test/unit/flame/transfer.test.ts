// A big flame document split into a skeleton and slices of bounded size, and put back together.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCompareDocument } from '../../../src/core/flame/compare';
import { buildFlameDocument } from '../../../src/core/flame/flatten';
import { documentArrayBytes, DocumentAssembler, documentFile, DocumentFileReader, splitDocument, type DocumentSlice } from '../../../src/core/flame/transfer';
import { loadTrace } from './helpers';

const doc = buildFlameDocument(loadTrace('forest_multi.txt'), 'multi');
const compare = buildCompareDocument(loadTrace('forest_baseline.txt'), loadTrace('forest_after.txt'), { baseline: 'b', after: 'a' });

test('split and reassembled, a document is the same; no slice is larger than asked, each has its own buffer', () => {
  for (const d of [doc, compare]) {
    for (const size of [1000, 4096, 1 << 20]) {
      const { skeleton, parts, slices } = splitDocument(d, size);
      // The skeleton holds no typed array: it is what goes as JSON-like data.
      assert.doesNotMatch(JSON.stringify(skeleton), /"0":/);
      const all = [...slices()];
      assert.ok(all.every((s) => s.bytes.byteLength <= size && s.bytes.byteOffset === 0 && s.bytes.buffer.byteLength === s.bytes.byteLength));
      assert.equal(all.reduce((n, s) => n + s.bytes.byteLength, 0), documentArrayBytes(d));
      const a = new DocumentAssembler(structuredClone(skeleton), structuredClone(parts));
      // Out of order is fine: each slice names its place.
      for (const s of all.reverse()) a.add(structuredClone(s));
      assert.deepEqual(a.finish(), d);
    }
  }
});

test('the assembler refuses malformed parts, slices out of range and an incomplete document', () => {
  const { skeleton, parts, slices } = splitDocument(doc, 4096);
  assert.throws(() => new DocumentAssembler(skeleton, [{ type: 'BigInt64Array' as never, length: 3 }]), /part 0 is malformed/);
  assert.throws(() => new DocumentAssembler(skeleton, [{ type: 'Float64Array', length: -1 }]), /malformed/);
  assert.throws(() => new DocumentAssembler(skeleton, [{ type: 'Float64Array', length: 2 ** 40 }]), /too large/);
  assert.throws(() => new DocumentAssembler(skeleton, [{ type: 'constructor' as never, length: 1 }]), /malformed/);
  const a = new DocumentAssembler(skeleton, parts);
  const first = slices().next().value as DocumentSlice;
  assert.throws(() => a.add({ ...first, part: parts.length }), /malformed/);
  assert.throws(() => a.add({ ...first, offset: -1 }), /out of range/);
  assert.throws(() => a.add({ ...first, offset: parts[0]!.length * 4 }), /out of range/);
  assert.throws(() => a.add({ ...first, bytes: [1, 2, 3] as unknown as Uint8Array }), /malformed/);
  a.add(first);
  assert.throws(() => a.finish(), /arrived incomplete/);
});

test('a document file (the arrays one after another) read back in pieces of any size is the same document', () => {
  for (const d of [doc, compare]) {
    const { skeleton, parts, totalBytes, chunks } = documentFile(d);
    const bytes = Buffer.concat([...chunks()]);
    assert.equal(bytes.byteLength, totalBytes);
    assert.equal(totalBytes, documentArrayBytes(d));
    // Network reads arrive in pieces that ignore the parts' boundaries.
    for (const size of [1, 7, 4096, totalBytes]) {
      const a = new DocumentAssembler(structuredClone(skeleton), structuredClone(parts));
      const reader = new DocumentFileReader(a, parts);
      for (let at = 0; at < bytes.byteLength; at += size) reader.push(new Uint8Array(bytes.subarray(at, at + size)));
      assert.deepEqual(a.finish(), d);
    }
    // A file cut short is incomplete; a longer one is refused.
    const short = new DocumentAssembler(skeleton, parts);
    new DocumentFileReader(short, parts).push(new Uint8Array(bytes.subarray(0, totalBytes - 1)));
    assert.throws(() => short.finish(), /incomplete/);
    const long = new DocumentFileReader(new DocumentAssembler(skeleton, parts), parts);
    assert.throws(() => long.push(new Uint8Array(totalBytes + 1)), /longer than its parts/);
  }
});
