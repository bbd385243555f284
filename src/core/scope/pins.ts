import picomatch from 'picomatch';
import {
  describeSource,
  normaliseReq,
  parseDependencies,
  sameSource,
  type DependencyEntry,
  type DependencySource,
  type ParsedDependencies,
  type TomlProblem,
  type TomlReader,
} from './cargoToml';

/** A change to a pinned dependency in one Cargo.toml. */
export interface PinChange {
  crate: string;
  /** The dependency key and table as written. */
  key: string;
  table: string;
  /** The pin that covers it (`p3-*`) and its required version requirement. */
  pin: string;
  required: string;
  before: DependencySource | undefined;
  after: DependencySource | undefined;
  /** Lines of the entry before / after the change. */
  oldLines?: [number, number];
  newLines?: [number, number];
  /** Which reader read each version of the manifest. */
  readers: PinReaders;
}

export interface PinReaders {
  before?: TomlReader;
  after?: TomlReader;
  /** Why the TOML parser refused a version (the tolerant reader read it then). */
  beforeError?: TomlProblem;
  afterError?: TomlProblem;
}

export type PinMatcher = (crate: string) => { pin: string; required: string } | undefined;

export function pinMatcher(pins: Record<string, string>): PinMatcher {
  const compiled = Object.entries(pins).map(([glob, required]) => ({ glob, required, test: picomatch(glob) }));
  return (crate) => {
    const hit = compiled.find((c) => c.test(crate));
    return hit ? { pin: hit.glob, required: hit.required } : undefined;
  };
}

/** Whether an entry added with this source keeps the pin. */
function keepsPin(source: DependencySource, required: string): boolean {
  if (source.workspace) return true;
  if (source.git !== undefined || source.path !== undefined) return false;
  return source.version !== undefined && normaliseReq(source.version) === normaliseReq(required);
}

/** The pinned dependencies whose source differs between two versions of a Cargo.toml. */
export function pinChanges(
  baseText: string | undefined,
  newText: string | undefined,
  match: PinMatcher,
): { changes: PinChange[]; problems: TomlProblem[]; readers: PinReaders } {
  const parsedBase: ParsedDependencies | undefined = baseText === undefined ? undefined : parseDependencies(baseText);
  const parsedNew: ParsedDependencies | undefined = newText === undefined ? undefined : parseDependencies(newText);
  const before = parsedBase ?? { entries: [], problems: [] };
  const after = parsedNew ?? { entries: [], problems: [] };
  const readers: PinReaders = {};
  if (parsedBase) readers.before = parsedBase.reader;
  if (parsedNew) readers.after = parsedNew.reader;
  if (parsedBase?.parseError) readers.beforeError = parsedBase.parseError;
  if (parsedNew?.parseError) readers.afterError = parsedNew.parseError;
  const key = (e: DependencyEntry) => `${e.table}\0${e.key}`;
  const old = new Map(before.entries.map((e) => [key(e), e]));
  const now = new Map(after.entries.map((e) => [key(e), e]));
  const changes: PinChange[] = [];
  for (const id of new Set([...old.keys(), ...now.keys()])) {
    const b = old.get(id);
    const a = now.get(id);
    const pinned = (a && match(a.crate)) ?? (b && match(b.crate));
    if (!pinned) continue;
    if (b && a && sameSource(b.source, a.source)) continue;
    if (!b && a && keepsPin(a.source, pinned.required)) continue;
    if (b && !a && after.entries.some((e) => e.crate === b.crate && sameSource(e.source, b.source))) continue; // moved
    changes.push({
      crate: (a ?? b)!.crate,
      key: (a ?? b)!.key,
      table: (a ?? b)!.table,
      pin: pinned.pin,
      required: pinned.required,
      before: b?.source,
      after: a?.source,
      oldLines: b ? [b.line, b.endLine] : undefined,
      newLines: a ? [a.line, a.endLine] : undefined,
      readers,
    });
  }
  const problems = [...after.problems];
  if (readers.afterError)
    problems.unshift({
      line: readers.afterError.line,
      message: `not valid TOML (${readers.afterError.message}); dependencies read with the tolerant line reader`,
    });
  return { changes, problems, readers };
}

export function describePinChange(c: PinChange): string {
  const what = c.after === undefined ? 'removes' : c.before === undefined ? 'adds' : 'changes';
  const from = c.before ? describeSource(c.before) : undefined;
  const to = c.after ? describeSource(c.after) : undefined;
  const detail = from && to ? `${from} -> ${to}` : (to ?? from);
  return `${what} pinned dependency ${c.crate} (${detail}); pins keep "${c.pin}" at ${c.required}`;
}

/** `read by the TOML parser`, or which versions the tolerant reader read and why. */
export function describeReaders(r: PinReaders): string {
  const tolerant = [
    r.before === 'tolerant' ? `the base version (${r.beforeError?.message ?? 'not valid TOML'})` : undefined,
    r.after === 'tolerant'
      ? `the current version (line ${r.afterError?.line ?? 1}: ${r.afterError?.message ?? 'not valid TOML'})`
      : undefined,
  ].filter(Boolean);
  if (tolerant.length === 0) return 'Cargo.toml read by the TOML parser';
  return `Cargo.toml read by the tolerant line reader for ${tolerant.join(' and ')}, which is not valid TOML`;
}
