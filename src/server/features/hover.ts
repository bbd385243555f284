/**
 * Hover on a catalog reference: the referenced lines with a few lines of context, fenced for the
 * file's language so the editor highlights them. Hover on a milestone mapping line: the work
 * item it maps to and the milestone's status.
 */
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver-types';
import { normaliseMilestoneId, type HotspotRef } from '../../core/catalog/model';
import { commentSyntaxFor } from '../../core/docChecks/lineKinds';
import { formatRef } from '../../core/docChecks/references';
import type { FileContent } from '../../core/docChecks/fileCache';
import type { Session } from '../session';
import { refAt, refRange } from './references';

const CONTEXT = 2;
const MAX_LINES = 16;

const FENCE_LANGUAGE: Record<string, string> = {
  rs: 'rust',
  metal: 'cpp',
  cu: 'cuda-cpp',
  cuh: 'cuda-cpp',
  c: 'c',
  h: 'c',
  cc: 'cpp',
  cpp: 'cpp',
  hpp: 'cpp',
  toml: 'toml',
  py: 'python',
  sh: 'shellscript',
  ts: 'typescript',
  js: 'javascript',
  go: 'go',
  md: 'markdown',
  yaml: 'yaml',
  yml: 'yaml',
  json: 'json',
  wgsl: 'wgsl',
  glsl: 'glsl',
  swift: 'swift',
  m: 'objective-c',
};

export function fenceLanguage(path: string): string {
  const ext = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  return FENCE_LANGUAGE[ext] ?? '';
}

/** A code fence that the code itself cannot close. */
function fence(code: string): string {
  let f = '```';
  while (code.includes(f)) f += '`';
  return f;
}

/**
 * The referenced lines with context, as markdown. Referenced lines carry a trailing marker
 * comment in the file's own comment syntax, so the highlighting stays valid.
 */
export function codeExcerpt(ref: HotspotRef, file: FileContent): string {
  const total = file.lines.length;
  const first = Math.max(1, ref.line - CONTEXT);
  const last = Math.min(total, Math.max(ref.endLine, ref.line) + CONTEXT, first + MAX_LINES - 1);
  const marker = commentSyntaxFor(ref.path)?.line[0];
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const text = file.lines[n - 1]!.replace(/\t/g, '    ');
    const hit = n >= ref.line && n <= ref.endLine;
    out.push(hit && marker ? `${text}  ${marker} ◀ ${String(n).padStart(width)}` : text);
  }
  const code = out.join('\n');
  const f = fence(code);
  return `${f}${fenceLanguage(ref.path)}\n${code}\n${f}`;
}

function referenceHover(session: Session, ref: HotspotRef, label: string | undefined, itemTitle: string): string {
  const file = session.files.resolve(ref.path);
  const head = `**${formatRef(ref.path, ref.line, ref.endLine)}**${label ? ` · ${label}` : ''}  \nWork item: ${itemTitle}`;
  if (file.kind !== 'file')
    return `${head}\n\n_${file.kind === 'missing' ? 'The file does not exist.' : file.kind === 'directory' ? 'A folder, not a file.' : 'Not readable.'}_`;
  if (ref.line > file.lines.length) return `${head}\n\n_Line ${ref.line} is past the end (${file.lines.length} lines)._`;
  const parts = [head];
  const finding = session.findings.find((f) => f.ref === ref && (f.code === 'ref/moved' || f.code === 'ref/changed'));
  if (finding) parts.push(`_${finding.message}_`);
  const shown = Math.min(file.lines.length, Math.max(ref.endLine, ref.line) + CONTEXT);
  parts.push(`Lines ${Math.max(1, ref.line - CONTEXT)}–${shown}${file.unsaved ? ' (unsaved)' : ''}:`);
  parts.push(codeExcerpt(ref, file));
  return parts.join('\n\n');
}

function milestoneHover(session: Session, line: number): string | undefined {
  const catalog = session.catalog.catalog;
  const m = catalog.milestones.find((x) => x.line === line);
  if (!m) return undefined;
  const entry = session.status.entries.find((e) => e.id === normaliseMilestoneId(m.id));
  const status = entry
    ? `Status: \`${entry.status ?? entry.rawStatus}\`${entry.owner ? ` · owner ${entry.owner}` : ''}${entry.started ? ` · started ${entry.started}` : ''}`
    : 'Status: not in STATUS.md (not started)';
  const lines = [`**Milestone ${m.id}** · ${m.title}`, status];
  if (m.scope.kind === 'work-items') {
    for (const id of m.scope.workItems) {
      const w = catalog.workItems.find((x) => x.id === id);
      if (!w) continue;
      lines.push(`Work item ${w.id}: ${w.title} (${w.hotspots.length} hotspot${w.hotspots.length === 1 ? '' : 's'}, line ${w.line})`);
    }
  } else lines.push(`Scope: ${m.scope.kind} (${m.scope.description})`);
  return lines.join('  \n');
}

export function hover(session: Session, pos: Position): Hover | null {
  const doc = session.catalog;
  const hit = refAt(session.resolvedCatalog(), pos);
  if (hit) {
    const lineLength = doc.lineIndex.lineText(doc.text, hit.ref.source.line).length;
    return {
      contents: { kind: MarkupKind.Markdown, value: referenceHover(session, hit.ref, hit.ref.label, `${hit.item.id}) ${hit.item.title}`) },
      range: refRange(hit.ref, lineLength),
    };
  }
  const text = milestoneHover(session, pos.line + 1);
  return text ? { contents: { kind: MarkupKind.Markdown, value: text } } : null;
}
