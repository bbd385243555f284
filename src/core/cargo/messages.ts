/**
 * cargo's machine-readable messages (`--message-format=json-diagnostic-rendered-ansi`): one JSON
 * object per stdout line, interleaved with whatever the program or test harness prints. Compiler
 * messages become diagnostics with a file, line, column, severity and cargo's rendered text.
 */
import * as path from 'node:path';

export type DiagnosticSeverity = 'error' | 'warning' | 'information' | 'hint';

export interface DiagnosticLocation {
  /** Absolute path. */
  file: string;
  /** 1-based. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface RelatedDiagnostic extends DiagnosticLocation {
  message: string;
}

export interface CargoDiagnostic {
  severity: DiagnosticSeverity;
  message: string;
  /** Lint or error code (`E0308`, `unused_variables`). */
  code: string | undefined;
  /** Where the problem is; undefined for messages without a source location. */
  location: DiagnosticLocation | undefined;
  /** Notes and help with their own locations. */
  related: RelatedDiagnostic[];
  /** cargo's rendered text (with ANSI colours when requested). */
  rendered: string;
  /** The package the message belongs to (`package_id`). */
  packageId: string | undefined;
}

export type CargoMessage =
  | { kind: 'diagnostic'; diagnostic: CargoDiagnostic }
  | { kind: 'artifact'; packageId: string; target: string; fresh: boolean; executable: string | undefined }
  | { kind: 'build-finished'; success: boolean }
  | { kind: 'other'; reason: string }
  /** A line that is not a cargo message: program, test harness or build output. */
  | { kind: 'text'; line: string }
  /** A line that looks like a cargo message but is not valid: shown as text, reported as a problem. */
  | { kind: 'malformed'; line: string; error: string };

interface RawSpan {
  file_name?: unknown;
  line_start?: unknown;
  line_end?: unknown;
  column_start?: unknown;
  column_end?: unknown;
  is_primary?: unknown;
  label?: unknown;
  expansion?: { span?: RawSpan } | null;
}

interface RawDiagnostic {
  message?: unknown;
  code?: { code?: unknown } | null;
  level?: unknown;
  spans?: RawSpan[];
  children?: RawDiagnostic[];
  rendered?: unknown;
}

const SEVERITY: Record<string, DiagnosticSeverity> = {
  error: 'error',
  'error: internal compiler error': 'error',
  warning: 'warning',
  note: 'information',
  'failure-note': 'information',
  help: 'hint',
};

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 1 ? v : undefined;
}

function spanLocation(span: RawSpan, workspaceRoot: string): DiagnosticLocation | undefined {
  const file = typeof span.file_name === 'string' ? span.file_name : undefined;
  const line = num(span.line_start);
  if (!file || line === undefined) return undefined;
  return {
    file: path.resolve(workspaceRoot, file),
    line,
    column: num(span.column_start) ?? 1,
    endLine: num(span.line_end) ?? line,
    endColumn: num(span.column_end) ?? num(span.column_start) ?? 1,
  };
}

/** A file the user can open: not `<anon>`-style pseudo files, not the toolchain's sources. */
function isUserFile(file: string, workspaceRoot: string): boolean {
  if (/^<.*>$/.test(path.basename(file))) return false;
  const rel = path.relative(workspaceRoot, file);
  return !rel.startsWith('..') && !path.isAbsolute(rel);
}

/**
 * The location to report: the primary span, or, when it lies in a macro defined outside the
 * workspace, the macro call site inside it.
 */
function primaryLocation(spans: RawSpan[], workspaceRoot: string): DiagnosticLocation | undefined {
  const primary = spans.find((s) => s.is_primary === true) ?? spans[0];
  let span: RawSpan | undefined = primary;
  let fallback: DiagnosticLocation | undefined;
  for (let depth = 0; span && depth < 32; depth++) {
    const loc = spanLocation(span, workspaceRoot);
    if (loc) {
      fallback ??= loc;
      if (isUserFile(loc.file, workspaceRoot)) return loc;
    }
    span = span.expansion?.span;
  }
  return fallback;
}

export function toDiagnostic(raw: RawDiagnostic, workspaceRoot: string, packageId?: string): CargoDiagnostic {
  const level = typeof raw.level === 'string' ? raw.level : 'error';
  const related: RelatedDiagnostic[] = [];
  for (const span of raw.spans ?? []) {
    if (span.is_primary === true || typeof span.label !== 'string' || !span.label) continue;
    const loc = spanLocation(span, workspaceRoot);
    if (loc) related.push({ ...loc, message: span.label });
  }
  for (const child of raw.children ?? []) {
    const childMessage = typeof child.message === 'string' ? child.message : '';
    const childLevel = typeof child.level === 'string' ? child.level : 'note';
    for (const span of child.spans ?? []) {
      const loc = spanLocation(span, workspaceRoot);
      if (loc) related.push({ ...loc, message: `${childLevel}: ${childMessage}` });
    }
  }
  const code = raw.code && typeof raw.code.code === 'string' ? raw.code.code : undefined;
  return {
    severity: SEVERITY[level] ?? 'error',
    message: typeof raw.message === 'string' ? raw.message : '(no message)',
    code,
    location: primaryLocation(raw.spans ?? [], workspaceRoot),
    related,
    rendered: typeof raw.rendered === 'string' ? raw.rendered : typeof raw.message === 'string' ? `${level}: ${raw.message}\n` : '',
    packageId,
  };
}

/** Classifies one stdout line of a cargo run with JSON message format. */
export function parseCargoLine(line: string, workspaceRoot: string): CargoMessage {
  const trimmed = line.trimStart();
  if (!trimmed.startsWith('{"reason":')) return { kind: 'text', line };
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(trimmed) as Record<string, unknown>;
  } catch (err) {
    return { kind: 'malformed', line, error: (err as Error).message };
  }
  const reason = typeof o.reason === 'string' ? o.reason : '';
  const packageId = typeof o.package_id === 'string' ? o.package_id : undefined;
  switch (reason) {
    case 'compiler-message': {
      if (typeof o.message !== 'object' || o.message === null)
        return { kind: 'malformed', line, error: 'compiler-message without a message' };
      return { kind: 'diagnostic', diagnostic: toDiagnostic(o.message as RawDiagnostic, workspaceRoot, packageId) };
    }
    case 'compiler-artifact': {
      const target = (o.target ?? {}) as { name?: unknown };
      return {
        kind: 'artifact',
        packageId: packageId ?? '',
        target: typeof target.name === 'string' ? target.name : '',
        fresh: o.fresh === true,
        executable: typeof o.executable === 'string' ? o.executable : undefined,
      };
    }
    case 'build-finished':
      return { kind: 'build-finished', success: o.success === true };
    default:
      return { kind: 'other', reason };
  }
}

/** The package name in a `package_id` (`path+file:///x/crates/a#name@0.1.0` or `name 0.1.0 (...)`). */
export function packageNameOf(packageId: string): string | undefined {
  const hash = /^(.*)#(?:([^@#/]+)@)?[^#@]+$/.exec(packageId);
  if (hash) return hash[2] ?? hash[1]!.split(/[/\\]/).filter(Boolean).pop();
  const legacy = /^(\S+) \S+ \(/.exec(packageId);
  return legacy?.[1];
}
