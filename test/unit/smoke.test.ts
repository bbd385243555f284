import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseMilestoneId } from '../../src/core/catalog/model';
test('ids normalise', () => { assert.equal(normaliseMilestoneId('M02'), '2'); });
