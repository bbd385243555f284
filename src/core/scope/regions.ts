import { createHash } from 'node:crypto';
import { problem, type Problem } from '../problems';
import type { Hunk } from '../diff/types';
import { findCFunctions, isCLikeFile, type CFunction, type CFunctions } from './clike/functions';
import type { BaseHotspot } from './model';
import { findRustItems, itemPath, type RustItem, type RustItems } from './rust/items';
import { lexRust } from './rust/lexer';

/**
 * The code a hotspot stands for: the Rust item around its line, the C/C++/CUDA/Metal function
 * around it, or the lines themselves.
 */
export interface Region {
  /** 1-based, inclusive, at the base revision. */
  start: number;
  end: number;
  /** `function` for a C-family function definition; Rust item kinds otherwise. */
  item?: { kind: RustItem['kind'] | 'function'; name: string };
  /** Why a region is the hotspot's lines only, in a file whose functions are looked for. */
  linesOnly?: string;
  hotspots: BaseHotspot[];
}

/** `fn root`, `function ntt_kernel`, `line 42 (the line itself: …)`, `lines 40-44`. */
export function describeRegion(region: Region): string {
  if (region.item) return `${region.item.kind} ${region.item.name}`;
  const lines = region.start === region.end ? `line ${region.start}` : `lines ${region.start}-${region.end}`;
  return region.linesOnly ? `${lines} (the line${region.start === region.end ? '' : 's'} only: ${region.linesOnly})` : lines;
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

const cCache = new Map<string, CFunctions>();

/** Functions of a C-family text, cached by content hash. */
export function cFunctionsCached(text: string): CFunctions {
  const key = createHash('sha1').update(text).digest('base64');
  const hit = cCache.get(key);
  if (hit) return hit;
  const found = findCFunctions(text);
  cCache.set(key, found);
  if (cCache.size > CACHE_LIMIT) cCache.delete(cCache.keys().next().value!);
  return found;
}

/** The function around a line of a C-family file, or why there is none to be trusted. */
function cFunctionAt(found: CFunctions, line: number): { fn?: CFunction; why?: string } {
  if (found.unreliable) return { why: `no function boundaries are trusted in this file: ${found.unreliable.reason}` };
  const fn = found.functions.find((f) => f.startLine <= line && line <= f.endLine);
  if (fn) return { fn };
  if (found.directives.some(([a, b]) => a <= line && line <= b)) return { why: 'it is on a preprocessor line' };
  return { why: 'it is outside every function definition' };
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
const lastRegions = new Map<
  string,
  { text: string; hotspots: readonly BaseHotspot[]; result: { regions: Region[]; problems: Problem[] } }
>();

/**
 * Regions of hotspots in one file, from its text at the base revision. Hotspots in the same item
 * share a region. Hotspot lines past the end of the file become problems.
 */
export function hotspotRegions(
  file: string,
  baseText: string,
  hotspots: readonly BaseHotspot[],
): { regions: Region[]; problems: Problem[] } {
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
  const cParsed = !rust && isCLikeFile(file) ? cFunctionsCached(baseText) : undefined;
  const total = lineCount(baseText);
  const byRange = new Map<string, Region>();
  for (const h of hotspots) {
    if (h.line > total) {
      problems.push(
        problem(
          'warning',
          'scope/hotspot-past-end',
          `hotspot ${h.ref.path}:${h.ref.line} (work item ${h.workItem.id}) is past the end of ${file} (${total} lines at the base revision)`,
          {
            file: h.ref.source.file,
            line: h.ref.source.line,
            column: h.ref.source.column,
          },
        ),
      );
      continue;
    }
    let start = h.line;
    let end = Math.min(h.endLine, total);
    let item: RustItem | undefined;
    let cItem: Region['item'];
    let linesOnly: string | undefined;
    if (cParsed) {
      const first = cFunctionAt(cParsed, h.line);
      const last = h.endLine !== h.line ? cFunctionAt(cParsed, end) : first;
      if (first.fn) {
        start = Math.min(start, first.fn.startLine);
        end = Math.max(end, first.fn.endLine);
        cItem = { kind: 'function', name: first.fn.name };
      } else linesOnly = first.why;
      if (last.fn && last.fn !== first.fn) {
        start = Math.min(start, last.fn.startLine);
        end = Math.max(end, last.fn.endLine);
      }
    }
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
    else {
      const r: Region = { start, end, item: cItem ?? (item && { kind: item.kind, name: item.name }), hotspots: [h] };
      if (linesOnly && !r.item) r.linesOnly = linesOnly;
      byRange.set(key, r);
    }
  }
  if (parsed) {
    for (const p of parsed.problems) {
      problems.push(
        problem('information', 'scope/rust-syntax', `${p.message}; hotspot regions in this file may be imprecise`, { file, line: p.line }),
      );
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

/**
 * Whether a hunk changes a region: touches its lines (see `hunkTouches`), or, for a Rust item,
 * ends in outer doc comments or attributes written directly above it (only blank lines and
 * plain comments between), which Rust attaches to the item.
 */
export function hunkInRegion(file: string, h: Hunk, region: Region, baseText: string | undefined): boolean {
  if (hunkTouches(h.oldStart, h.oldLines, region)) return true;
  if (!region.item || region.item.kind === 'function' || !file.endsWith('.rs') || baseText === undefined) return false;
  return attachesAbove(h, region.start, baseText);
}

/** Whether a whole hunk stays inside a region (or only adds docs/attributes directly above its Rust item). */
export function hunkWithinRegion(file: string, h: Hunk, region: Region, baseText: string | undefined): boolean {
  if (
    h.oldLines === 0
      ? region.start < h.oldStart && h.oldStart <= region.end
      : h.oldStart >= region.start && h.oldStart + h.oldLines - 1 <= region.end
  )
    return true;
  if (!region.item || region.item.kind === 'function' || !file.endsWith('.rs') || baseText === undefined) return false;
  return h.oldLines === 0 && attachesAbove(h, region.start, baseText);
}

const MAX_GAP = 50;

function attachesAbove(h: Hunk, itemStart: number, baseText: string): boolean {
  if (h.oldStart + h.oldLines > itemStart || itemStart - (h.oldStart + h.oldLines) > MAX_GAP) return false;
  // The last change block of the hunk: its added lines, and the old line after it.
  let old = h.oldStart;
  let afterChange = -1;
  let added: string[] = [];
  let inBlock = false;
  for (const l of h.lines) {
    const op = l[0];
    if (op === '-' || op === '+') {
      if (!inBlock) added = [];
      inBlock = true;
      if (op === '-') old++;
      else added.push(l.slice(1));
      afterChange = old;
    } else if (op === ' ' || op === undefined) {
      inBlock = false;
      old++;
    }
  }
  if (afterChange < 0 || added.length === 0) return false;
  // Only blank lines and plain comments between the change and the item.
  if (afterChange < itemStart) {
    const lines = linesBetween(baseText, afterChange, itemStart - 1);
    if (lines === undefined || lines.some((l) => !isBlankOrPlainComment(l))) return false;
  }
  const lexed = lexRust(added.join('\n'));
  if (lexed.problems.length > 0) return false;
  const { tokens, match, comments } = lexed;
  // Walk back over `#[…]` attributes at the end of the added text.
  let k = tokens.length - 1;
  let attributes = 0;
  while (k >= 1) {
    const t = tokens[k];
    if (t.kind !== 'punct' || t.value !== ']') break;
    const open = match[k];
    const hash = tokens[open - 1];
    if (open < 1 || hash.kind !== 'punct' || hash.value !== '#') break;
    attributes++;
    k = open - 2;
  }
  const prevEnd = k >= 0 ? tokens[k].end : 0;
  const docs = comments.some((c) => c.doc === 'outer' && c.start >= prevEnd);
  return attributes > 0 || docs;
}

function linesBetween(text: string, from: number, to: number): string[] | undefined {
  const out: string[] = [];
  let line = 1;
  let i = 0;
  while (line < from) {
    const nl = text.indexOf('\n', i);
    if (nl < 0) return undefined;
    i = nl + 1;
    line++;
  }
  for (; line <= to; line++) {
    const nl = text.indexOf('\n', i);
    out.push(nl < 0 ? text.slice(i) : text.slice(i, nl));
    if (nl < 0) break;
    i = nl + 1;
  }
  return out;
}

function isBlankOrPlainComment(line: string): boolean {
  const t = line.trim();
  const doc = (t.startsWith('///') && !t.startsWith('////')) || t.startsWith('//!');
  return t === '' || (t.startsWith('//') && !doc);
}
