/** Span search and highlight marking over a flame view. Pure; runs in the webview. */

export interface SearchResult {
  query: string;
  /** 1 for nodes whose name matches. */
  match: Uint8Array;
  matchCount: number;
  /** Time in matching spans, counting a match nested in another match only once. */
  totalNs: number;
  /** Total of all roots, for the share. */
  rootTotalNs: number;
}

/**
 * Case-insensitive substring search over span names. Names are tested once per distinct string,
 * so the cost per node is one array lookup.
 */
export function searchView(
  view: { count: number; name: Uint32Array; total: Float64Array; parent: Int32Array },
  subtreeEnd: Uint32Array,
  strings: readonly string[],
  lowerStrings: readonly string[],
  query: string,
): SearchResult {
  const q = query.trim().toLowerCase();
  const match = new Uint8Array(view.count);
  let rootTotalNs = 0;
  for (let i = 0; i < view.count; i++) if (view.parent[i] < 0) rootTotalNs += view.total[i];
  if (q === '') return { query, match, matchCount: 0, totalNs: 0, rootTotalNs };
  const nameHit = new Uint8Array(strings.length);
  for (let s = 0; s < strings.length; s++) if (lowerStrings[s].includes(q)) nameHit[s] = 1;
  let matchCount = 0;
  let totalNs = 0;
  let coveredUntil = 0;
  for (let i = 0; i < view.count; i++) {
    if (nameHit[view.name[i]] === 0) continue;
    match[i] = 1;
    matchCount++;
    if (i >= coveredUntil) {
      totalNs += view.total[i];
      coveredUntil = subtreeEnd[i];
    }
  }
  return { query, match, matchCount, totalNs, rootTotalNs };
}

/** Per string index: whether a name is highlighted (computed once per name list). */
export function markNames(strings: readonly string[], isHighlighted: (name: string) => boolean): Uint8Array {
  const out = new Uint8Array(strings.length);
  for (let s = 1; s < strings.length; s++) if (isHighlighted(strings[s])) out[s] = 1;
  return out;
}
