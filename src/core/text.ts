/** Small text helpers shared across the core: lines with their terminators, names close to a typo. */

/** Lines with their end-of-line sequences (`\n` or `\r\n` kept), so equal elements mean equal bytes; `[]` for ''. */
export function splitKeepingEol(text: string): string[] {
  const out: string[] = [];
  let from = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', from)) {
    out.push(text.slice(from, i + 1));
    from = i + 1;
  }
  if (from < text.length) out.push(text.slice(from));
  return out;
}

/** Levenshtein distance: the fewest single-character insertions, deletions and substitutions turning `a` into `b`. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length < b.length) [a, b] = [b, a];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let row = new Array<number>(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    [prev, row] = [row, prev];
  }
  return prev[b.length]!;
}

/**
 * The known name nearest to `name` within `maxDistance` edits (the first of equals, in the order
 * given), for a "did you mean"; undefined when none is that near. `ignoreCase` compares lower case.
 */
export function closestName(
  name: string,
  known: readonly string[],
  options: { maxDistance: number; ignoreCase?: boolean },
): string | undefined {
  const fold = (s: string) => (options.ignoreCase ? s.toLowerCase() : s);
  const target = fold(name);
  let best: string | undefined;
  let bestDistance = options.maxDistance + 1;
  for (const candidate of known) {
    // The lengths alone bound the distance from below: no need to compute a hopeless one.
    if (Math.abs(candidate.length - name.length) >= bestDistance) continue;
    const d = editDistance(target, fold(candidate));
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
