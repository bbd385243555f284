import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTrace } from '../../../src/core/trace/parse';
import type { Span, Trace } from '../../../src/core/trace/model';

export const TRACES = join(__dirname, '..', '..', 'fixtures', 'traces');

export function loadTrace(name: string): Trace {
  return parseTrace(readFileSync(join(TRACES, name), 'utf8'), { source: name });
}

/** A span for hand-built traces: `s('a', 10, [s('b', 4)])`, durations in ns. */
export function s(name: string, durationNs: number, children: Span[] = [], extra: Partial<Span> = {}): Span {
  const childTotal = children.reduce((a, c) => a + c.durationNs, 0);
  return {
    name,
    durationNs,
    selfNs: Math.max(0, durationNs - childTotal),
    fields: {},
    events: [],
    children,
    rootIndex: 0,
    ...extra,
  };
}

export function trace(roots: Span[], extra: Partial<Trace> = {}): Trace {
  let count = 0;
  const stack = [...roots];
  while (stack.length > 0) {
    count++;
    stack.push(...stack.pop()!.children);
  }
  return { format: 'forest', durationKind: 'busy', roots, events: [], unparsed: [], foreignLines: 0, spanCount: count, ...extra };
}
