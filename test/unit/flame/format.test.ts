import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatChange, formatCount, formatPercent, formatTick, niceTickStep } from '../../../src/core/flame/format';

test('percentages, changes and counts', () => {
  assert.equal(formatPercent(0.371), '37.1%');
  assert.equal(formatPercent(0.0005), '0.05%');
  assert.equal(formatPercent(0.00001), '<0.01%');
  assert.equal(formatChange(100, 60), '-40.0%');
  assert.equal(formatChange(100, 103.1), '+3.10%');
  assert.equal(formatChange(0, 5), 'new');
  assert.equal(formatChange(5, 0), 'removed');
  assert.equal(formatChange(0, 0), '±0');
  assert.equal(formatCount(1048576), '1,048,576');
  assert.equal(formatCount(2.34567), '2.35');
});

test('axis ticks: nice steps, labels precise enough to differ', () => {
  assert.equal(niceTickStep(1000, 10), 100);
  assert.equal(niceTickStep(1300, 10), 200);
  assert.equal(niceTickStep(4100, 10), 500);
  assert.equal(niceTickStep(0, 10), 1);
  assert.equal(formatTick(47_712_000_000, 2_000_000), '47712ms');
  assert.equal(formatTick(1_500_000_000, 500_000_000), '1500ms');
  assert.equal(formatTick(3_000_000_000, 1_000_000_000), '3s');
  assert.equal(formatTick(300_000, 100_000), '300µs');
  assert.equal(formatTick(47_712_500_000, 500_000), '47712.5ms');
  assert.equal(formatTick(0, 5), '0');
  const labels = [1, 2, 3].map((k) => formatTick(47_700_000_000 + k * 200_000, 200_000));
  assert.equal(new Set(labels).size, 3);
});
