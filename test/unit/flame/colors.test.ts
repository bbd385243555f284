import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bestText, changeBucket, changeIntensity, contrastRatio, mix, nameHash, parseColor, toCss } from '../../../src/webview/flame/colors';

test('theme colours parse in the forms VS Code writes them', () => {
  assert.deepEqual(parseColor('#f14c4c'), { r: 241, g: 76, b: 76 });
  assert.deepEqual(parseColor('#f14c4c80'), { r: 241, g: 76, b: 76 });
  assert.deepEqual(parseColor('#fff'), { r: 255, g: 255, b: 255 });
  assert.deepEqual(parseColor(' rgba(10, 20, 30, 0.5) '), { r: 10, g: 20, b: 30 });
  assert.deepEqual(parseColor('rgb(300 20 30)'), { r: 255, g: 20, b: 30 });
  assert.equal(parseColor(''), undefined);
  assert.equal(parseColor('red'), undefined);
  assert.equal(parseColor(undefined), undefined);
  assert.equal(toCss(mix({ r: 0, g: 0, b: 0 }, { r: 255, g: 255, b: 255 }, 0.5)), '#808080');
});

test('label colour: the candidate with the best contrast', () => {
  const black = { r: 0, g: 0, b: 0 };
  const white = { r: 255, g: 255, b: 255 };
  assert.deepEqual(bestText({ r: 250, g: 240, b: 200 }, [white, black]), black);
  assert.deepEqual(bestText({ r: 30, g: 30, b: 60 }, [black, white]), white);
  assert.ok(contrastRatio(black, white) > 20);
});

test('change colouring: sign gives direction, size gives intensity, noise is neutral', () => {
  // rs_code_matrix: 149ms -> 89ms in a 388ms root: strongly faster.
  assert.ok(changeIntensity(149e6, 89e6, 388e6) <= -0.9);
  assert.ok(changeIntensity(10e6, 20e6, 388e6) > 0);
  assert.equal(changeIntensity(100e6, 101e6, 388e6), 0, 'within the noise band');
  assert.equal(changeIntensity(5, 5, 10), 0);
  // Same relative change, bigger span: more intense.
  assert.ok(Math.abs(changeIntensity(100e6, 80e6, 400e6)) > Math.abs(changeIntensity(10e6, 8e6, 400e6)));
  assert.equal(changeIntensity(0, 5e6, 100e6) > 0, true, 'new spans are slower');
  assert.equal(changeBucket(0, 6), 0);
  assert.equal(changeBucket(1, 6), 6);
  assert.equal(changeBucket(-0.01, 6), -1);
  assert.equal(changeBucket(0.5, 6), 3);
});

test('name colours are stable', () => {
  assert.equal(nameHash('rs_code_matrix'), nameHash('rs_code_matrix'));
  assert.notEqual(nameHash('rs_code_matrix'), nameHash('merkle_tree'));
});
