import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSpanTime, formatSpanTimeChange, parseDuration } from '../../../src/core/trace/duration';
import { formatElapsed } from '../../../src/core/cargo/validationRecord';

test('span times: three significant digits in the largest fitting unit, as tracing prints them', () => {
  assert.equal(formatSpanTime(0), '0');
  assert.equal(formatSpanTime(12), '12.0ns');
  assert.equal(formatSpanTime(950), '950ns');
  assert.equal(formatSpanTime(12_340), '12.3µs');
  assert.equal(formatSpanTime(4_560_000), '4.56ms');
  assert.equal(formatSpanTime(149_000_000), '149ms');
  assert.equal(formatSpanTime(1_200_000_000), '1.20s');
  assert.equal(formatSpanTime(-60_000_000), '-60.0ms');
  assert.equal(formatSpanTime(NaN), '–');
  assert.equal(formatSpanTime(Infinity), '–');
});

test('span times: a value that rounds up to 1000 moves to the next unit', () => {
  assert.equal(formatSpanTime(999.6), '1.00µs');
  assert.equal(formatSpanTime(999_600), '1.00ms');
  assert.equal(formatSpanTime(999_600_000), '1.00s');
  assert.equal(formatSpanTime(9.996e6), '10.0ms');
});

test('span times read back as the value they print, to three significant digits', () => {
  for (const ns of [7, 950, 12_340, 4_560_000, 149_000_000, 1_200_000_000, 47_712_500_000]) {
    const back = parseDuration(formatSpanTime(ns));
    assert.ok(Math.abs(back - ns) <= ns * 0.005, `${ns} -> ${formatSpanTime(ns)} -> ${back}`);
  }
});

test('changes of a span time are always signed', () => {
  assert.equal(formatSpanTimeChange(0), '±0');
  assert.equal(formatSpanTimeChange(1_200_000), '+1.20ms');
  assert.equal(formatSpanTimeChange(-56_000_000), '-56.0ms');
  assert.equal(formatSpanTimeChange(-59.6e6), '-59.6ms');
  assert.equal(formatSpanTimeChange(1.5e3), '+1.50µs');
});

test('elapsed wall time of a command is a different reading: milliseconds to minutes, spaced units', () => {
  assert.deepEqual([0, 999, 1000, 59_940, 60_000, 3_725_000].map(formatElapsed), [
    '0 ms',
    '999 ms',
    '1.0 s',
    '59.9 s',
    '1 min 0 s',
    '62 min 5 s',
  ]);
});
