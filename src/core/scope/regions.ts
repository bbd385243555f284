import { createHash } from 'node:crypto';
import { problem, type Problem } from '../problems';
import type { BaseHotspot } from './model';
import { findRustItems, itemPath, type RustItem, type RustItems } from './rust/items';

/** The code a hotspot stands for: the Rust item around its line (or the lines themselves). */
export interface Region {
  /** 1-based, inclusive, at the base revision. */
  start: number;
  end: number;
  item?: { kind: RustItem['kind']; name: string };
  hotspots: BaseHotspot[];
}

const CACHE_LIMIT = 512;
const itemCache = new Map<string, RustItems>();

/** Items of a Rust text, cached by content hash (the same base text is parsed once). */
export function rustItemsCached(text: string): RustItems {
  const key = createHash('sha1').update(text).digest('base64');
  const hit = itemCache.get(key);
  if (hit) {
    itemCache.delete(key);
    itemCache.set(key, hit); // most recently used last
    return hit;
  }
  const items = findRustItems(text);
  itemCache.set(key, items);
  if (itemCache.size > CACHE_LIMIT) itemCache.delete(itemCache.keys().next().value!);
  return items;
}

/** The innermost item around a line. */
function innermost(items: readonly RustItem[], line: number): RustItem | undefined {
  const path = itemPath(items, line);
  return path[path.length - 1];
}

function lineCount(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return text.endsWith('\n') ? n - 1 : n;
}

/** The last result per file: re-checks of one buffer ask for the same base text again and again. */
const lastRegions = new Map<string, { text: string; hotspots: readonly BaseHotspot[]; result: { regions: Region[]; problems: Problem[] } }>();

/**
 * Regions of hotspots in one file, from its text at the base revision. Hotspots in the same item
 * share a region. Hotspot lines past the end of the file become problems.
 */
export function hotspotRegions(file: string, baseText: string, hotspots: readonly BaseHotspot[]): { regions: Region[]; problems: Problem[] } {
  const key = `${file}\0${hotspots.length}`;
  const last = lastRegions.get(key);
  if (last && last.hotspots === hotspots && last.text === baseText) return last.result;
  const result = computeRegions(file, baseText, hotspots);
  lastRegions.set(key, { text: baseText, hotspots, result });
  if (lastRegions.size > CACHE_LIMIT) lastRegions.delete(lastRegions.keys().next().value!);
  return result;
}

function computeRegions(file: string, baseText: string, hotspots: readonly BaseHotspot[]): { regions: Region[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const rust = file.endsWith('.rs');
  const parsed = rust ? rustItemsCached(baseText) : undefined;
  const total = lineCount(baseText);
  const byRange = new Map<string, Region>();
  for (const h of hotspots) {
    if (h.line > total) {
      problems.push(
        problem('warning', 'scope/hotspot-past-end', `hotspot ${h.ref.path}:${h.ref.line} (work item ${h.workItem.id}) is past the end of ${file} (${total} lines at the base revision)`, {
          file: h.ref.source.file,
          line: h.ref.source.line,
          column: h.ref.source.column,
        }),
      );
      continue;
    }
    let start = h.line;
    let end = Math.min(h.endLine, total);
    let item: RustItem | undefined;
    if (parsed) {
      const first = innermost(parsed.items, h.line);
      const last = h.endLine !== h.line ? innermost(parsed.items, end) : first;
      if (first) {
        start = Math.min(start, first.startLine);
        end = Math.max(end, first.endLine);
        item = first;
      }
      if (last && last !== first) {
        start = Math.min(start, last.startLine);
        end = Math.max(end, last.endLine);
      }
    }
    const key = `${start}:${end}`;
    const region = byRange.get(key);
    if (region) region.hotspots.push(h);
    else byRange.set(key, { start, end, item: item && { kind: item.kind, name: item.name }, hotspots: [h] });
  }
  if (parsed) {
    for (const p of parsed.problems) {
      problems.push(problem('information', 'scope/rust-syntax', `${p.message}; hotspot regions in this file may be imprecise`, { file, line: p.line }));
    }
  }
  return { regions: [...byRange.values()].sort((a, b) => a.start - b.start), problems };
}

/** Whether a hunk's old side (base lines) touches a region. A pure insertion touches it when it
 * lands strictly inside (after the region's first line, before or at its last). */
export function hunkTouches(oldStart: number, oldLines: number, region: { start: number; end: number }): boolean {
  if (oldLines === 0) return region.start < oldStart && oldStart <= region.end;
  const last = oldStart + oldLines - 1;
  return oldStart <= region.end && last >= region.start;
}
