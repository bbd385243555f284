import { test } from 'node:test';
import assert from 'node:assert/strict';
import { centreAt, dragRange, grabAt, MIN_WINDOW_PX, toPx } from '../../../src/core/flame/minimap';

const g = { domain: { start: 0, end: 1000 }, widthPx: 100 };

test('minimap: a press grabs an edge, the window or outside it', () => {
  const w = { x0: 200, x1: 600 }; // pixels 20 .. 60
  assert.equal(toPx(g, 600), 60);
  assert.equal(grabAt(g, w, 19), 'left');
  assert.equal(grabAt(g, w, 62), 'right');
  assert.equal(grabAt(g, w, 40), 'window');
  assert.equal(grabAt(g, w, 90), 'outside');
  // A narrow window still has a middle that pans.
  assert.equal(grabAt(g, { x0: 500, x1: 530 }, 51.5), 'window');
});

test('minimap: dragging the window pans, clamped to the trace; edges resize', () => {
  const w = { x0: 200, x1: 600 };
  assert.deepEqual(dragRange(g, 'window', w, 40, 50), { x0: 300, x1: 700 });
  assert.deepEqual(dragRange(g, 'window', w, 40, 95), { x0: 600, x1: 1000 });
  assert.deepEqual(dragRange(g, 'window', w, 40, 0), { x0: 0, x1: 400 });
  assert.deepEqual(dragRange(g, 'left', w, 20, 10), { x0: 100, x1: 600 });
  assert.deepEqual(dragRange(g, 'right', w, 60, 80), { x0: 200, x1: 800 });
  // An edge dragged past the other stops at the minimum width.
  const r = dragRange(g, 'right', w, 60, 0);
  assert.equal(r.x0, 200);
  assert.equal(r.x1, 200 + (MIN_WINDOW_PX / 100) * 1000);
  assert.deepEqual(centreAt(g, w, 90), { x0: 600, x1: 1000 });
});
