/**
 * The scope guard in the editor: every change since the milestone's base commit that is outside
 * its scope shows in the Problems panel (source `milestone-scope`), live for unsaved buffers, with
 * a status bar count and quick fixes (revert the change, allow the file, show the owner).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findMilestone } from '../core/catalog/model';
import { trackingPath } from '../core/config/types';
import type { FileDiff, Hunk } from '../core/diff/types';
import type { Problem, Severity } from '../core/problems';
import {
  allowFileEdit,
  mergeSeverity,
  minimalReplacement,
  resolveActiveMilestone,
  revertHunk,
  ScopeSession,
  type ScopeFinding,
  type ScopeResult,
  type SeverityOverrides,
} from '../core/scope';
import type { ExtensionContextHolder } from './context';
import { settings } from './settings';
import { getWorkspaceModel } from './workspaceModel';

const SOURCE = 'milestone-scope';
/** Unsaved buffers are re-checked this long after the last keystroke. */
const TYPING_DELAY_MS = 200;
/** Saves, git operations and file events are coalesced into one full check. */
const FULL_DELAY_MS = 300;
/** Paths whose changes never matter to the guard (build output, git internals). */
const IGNORED = /(^|\/)(target|node_modules|\.git|\.milestone-scope)(\/|$)/;

interface FileState {
  findings: ScopeFinding[];
  diff: FileDiff | undefined;
}

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
};

class ScopeGuard implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection(SOURCE);
  private readonly statusItem = vscode.window.createStatusBarItem('milestoneScope.scope', vscode.StatusBarAlignment.Left, 49);
  private readonly updated = new vscode.EventEmitter<void>();
  /** Fires after the diagnostics changed (tests wait on it). */
  readonly onDidUpdate = this.updated.event;

  private session: ScopeSession | undefined;
  private sessionKey = '';
  private modelGeneration = 0;
  private full = new Map<string, FileState>();
  private live = new Map<string, FileState>();
  private lastResult: ScopeResult | undefined;
  private failure: string | undefined;
  private reportedProblems = '';
  private severity: SeverityOverrides;
  private enabled: boolean;

  private fullTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private running: Promise<void> | undefined;
  private again = false;

  constructor(private readonly ctx: ExtensionContextHolder) {
    this.severity = settings.get('scopeSeverity');
    this.enabled = settings.get('scopeEnabled');
    this.statusItem.name = 'Milestone Scope: Scope Guard';
    this.statusItem.command = 'workbench.actions.view.problems';
  }

  get root(): string | undefined {
    return getWorkspaceModel(this.ctx).current?.root;
  }

  /** Repository-relative path of a document in the workspace, forward slashes. */
  relOf(uri: vscode.Uri): string | undefined {
    const root = this.root;
    if (!root || uri.scheme !== 'file') return undefined;
    const rel = path.relative(root, uri.fsPath);
    if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    return rel.split(path.sep).join('/');
  }

  uriOf(rel: string): vscode.Uri | undefined {
    const root = this.root;
    return root ? vscode.Uri.file(path.join(root, ...rel.split('/'))) : undefined;
  }

  stateOf(rel: string): FileState | undefined {
    return this.live.get(rel) ?? this.full.get(rel);
  }

  /** The model changed: documents, configuration, or the active milestone. */
  invalidate(): void {
    this.modelGeneration++;
    this.scheduleFull(0);
  }

  settingsChanged(): void {
    this.severity = settings.get('scopeSeverity');
    this.enabled = settings.get('scopeEnabled');
    this.invalidate();
  }

  scheduleFull(delay = FULL_DELAY_MS): void {
    if (this.fullTimer) clearTimeout(this.fullTimer);
    this.fullTimer = setTimeout(() => {
      this.fullTimer = undefined;
      void this.runFull();
    }, delay);
  }

  /** Runs a full check now; concurrent requests share one run and trigger one more. */
  runFull(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.fullOnce();
      } while (this.again);
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  private clear(reason?: string): void {
    this.session = undefined;
    this.sessionKey = '';
    this.full.clear();
    this.live.clear();
    this.lastResult = undefined;
    this.failure = reason;
    this.collection.clear();
    this.updateStatus();
    this.updated.fire();
  }

  private async fullOnce(): Promise<void> {
    const ws = getWorkspaceModel(this.ctx).current;
    const active = this.ctx.active.current;
    if (!this.enabled || !ws || !active) return this.clear();
    // The session reads the milestone from the base commit's catalog: an edit of the catalog
    // in the working tree does not switch the guard off.
    const milestone = findMilestone(ws.catalog, active.id) ?? {
      id: active.id,
      title: active.id,
      scope: { kind: 'other' as const, description: '' },
      line: 1,
    };
    try {
      // The repository's `.milestone-scope.yaml` sets the team's severities; this editor's setting wins, code by code.
      const severity = mergeSeverity(ws.config.scope?.severity, this.severity);
      const key = JSON.stringify([this.modelGeneration, ws.root, active.id, active.baseCommit, severity]);
      if (!this.session || key !== this.sessionKey) {
        const recorded = active.baseCommit
          ? { recordedBase: active.baseCommit }
          : await resolveActiveMilestone(ws, { milestone: active.id });
        this.session = await ScopeSession.open(ws, {
          milestone,
          recordedBase: recorded.recordedBase,
          recordedBaseAt: 'recordedBaseAt' in recorded ? recorded.recordedBaseAt : undefined,
          severity,
        });
        this.sessionKey = key;
      }
      const session = this.session;
      const result = await session.checkAll();
      if (session !== this.session) return; // replaced while running
      this.full = groupByFile(result.findings, (f) => session.fileDiff(f));
      this.lastResult = result;
      this.failure = undefined;
      this.reportProblems(result.problems);
      // Unsaved buffers: what the user sees wins over the file on disk.
      this.live.clear();
      for (const doc of vscode.workspace.textDocuments) if (doc.isDirty) await this.checkDocument(doc, false);
      this.publish();
    } catch (err) {
      this.ctx.output.error(`Scope check failed: ${(err as Error).message}`);
      this.clear(`the scope check failed: ${(err as Error).message}`);
    }
  }

  private reportProblems(problems: readonly Problem[]): void {
    const text = problems.map((p) => `${p.file}:${p.line}: ${p.message} [${p.code}]`).join('\n');
    if (text === this.reportedProblems) return;
    this.reportedProblems = text;
    for (const p of problems) this.ctx.output.warn(`scope: ${p.file}:${p.line}: ${p.message} [${p.code}]`);
  }

  /** Debounced re-check of one edited document. */
  documentChanged(doc: vscode.TextDocument): void {
    const rel = this.relOf(doc.uri);
    if (!rel || IGNORED.test(rel) || !this.session) return;
    const key = doc.uri.toString();
    const pending = this.typingTimers.get(key);
    if (pending) clearTimeout(pending);
    this.typingTimers.set(
      key,
      setTimeout(() => {
        this.typingTimers.delete(key);
        void this.checkDocument(doc, true);
      }, TYPING_DELAY_MS),
    );
  }

  /** Checks a document's current text (unsaved or not) against the base. */
  async checkDocument(doc: vscode.TextDocument, publish: boolean): Promise<void> {
    const rel = this.relOf(doc.uri);
    const session = this.session;
    if (!rel || !session || IGNORED.test(rel) || doc.isClosed) return;
    if (!doc.isDirty) {
      if (this.live.delete(rel) && publish) this.publishFile(rel);
      return;
    }
    await session.prepareFile(rel);
    if (session !== this.session || doc.isClosed) return;
    const r = session.checkText(rel, doc.getText());
    if (!r) return;
    this.live.set(rel, { findings: r.findings, diff: r.diff });
    if (publish) this.publishFile(rel);
  }

  documentSaved(doc: vscode.TextDocument): void {
    const rel = this.relOf(doc.uri);
    if (!rel) return;
    this.live.delete(rel);
    this.scheduleFull();
  }

  documentClosed(doc: vscode.TextDocument): void {
    const rel = this.relOf(doc.uri);
    if (rel && this.live.delete(rel)) this.publishFile(rel);
  }

  private diagnosticsFor(rel: string, findings: readonly ScopeFinding[]): vscode.Diagnostic[] {
    const doc = vscode.workspace.textDocuments.find((d) => this.relOf(d.uri) === rel);
    return findings.map((f) => {
      const d = new vscode.Diagnostic(findingRange(f, doc), f.message, SEVERITY[f.severity]);
      d.source = SOURCE;
      d.code = f.code;
      if (f.related?.length && this.root) {
        d.relatedInformation = f.related.map(
          (r) =>
            new vscode.DiagnosticRelatedInformation(
              new vscode.Location(this.uriOf(r.file)!, new vscode.Position(Math.max(0, r.line - 1), 0)),
              r.message,
            ),
        );
      }
      return d;
    });
  }

  private publishFile(rel: string): void {
    const uri = this.uriOf(rel);
    if (!uri) return;
    const state = this.stateOf(rel);
    this.collection.set(uri, state ? this.diagnosticsFor(rel, state.findings) : []);
    this.updateStatus();
    this.updated.fire();
  }

  private publish(): void {
    const entries: Array<[vscode.Uri, vscode.Diagnostic[]]> = [];
    for (const rel of new Set([...this.full.keys(), ...this.live.keys()])) {
      const uri = this.uriOf(rel);
      const state = this.stateOf(rel);
      if (uri && state && state.findings.length) entries.push([uri, this.diagnosticsFor(rel, state.findings)]);
    }
    this.collection.clear();
    this.collection.set(entries);
    this.updateStatus();
    this.updated.fire();
  }

  /** Counts over what is shown: live buffers override the files on disk. */
  counts(): Record<Severity, number> {
    const counts: Record<Severity, number> = { error: 0, warning: 0, information: 0 };
    for (const rel of new Set([...this.full.keys(), ...this.live.keys()]))
      for (const f of this.stateOf(rel)?.findings ?? []) counts[f.severity]++;
    return counts;
  }

  private updateStatus(): void {
    const active = this.ctx.active.current;
    if (!this.enabled || !active) {
      this.statusItem.hide();
      return;
    }
    const md = new vscode.MarkdownString(undefined, true);
    if (this.failure || !this.lastResult) {
      this.statusItem.text = vscode.l10n.t('$(shield) Scope: $(circle-slash)');
      this.statusItem.backgroundColor = undefined;
      md.appendMarkdown(
        vscode.l10n.t('**Scope guard** for milestone {0}: {1}', active.id, this.failure ? this.failure : vscode.l10n.t('checking…')),
      );
      this.statusItem.tooltip = md;
      this.statusItem.accessibilityInformation = { label: vscode.l10n.t('Scope guard: {0}', this.failure ?? vscode.l10n.t('checking')) };
      this.statusItem.show();
      return;
    }
    const { error, warning, information } = this.counts();
    const parts = [
      error ? `$(error) ${error}` : '',
      warning ? `$(warning) ${warning}` : '',
      information ? `$(info) ${information}` : '',
    ].filter(Boolean);
    this.statusItem.text = vscode.l10n.t('$(shield) Scope: {0}', parts.length ? parts.join(' ') : '$(check)');
    this.statusItem.backgroundColor = error ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    const r = this.lastResult;
    const source = {
      option: vscode.l10n.t('chosen base'),
      recorded: vscode.l10n.t('recorded base'),
      start: vscode.l10n.t('start record'),
      head: 'HEAD',
      empty: vscode.l10n.t('no commits'),
    }[r.base.source];
    const base = `${r.base.commit.slice(0, 12)} (${source})`;
    md.appendMarkdown(`${vscode.l10n.t('**Scope guard**: milestone {0}, changes since {1}', r.milestone.id, base)}\n\n`);
    md.appendMarkdown(
      `${[
        error === 1 ? vscode.l10n.t('1 error') : vscode.l10n.t('{0} errors', error),
        warning === 1 ? vscode.l10n.t('1 warning') : vscode.l10n.t('{0} warnings', warning),
        vscode.l10n.t('{0} information', information),
      ].join(' · ')}\n\n`,
    );
    md.appendMarkdown(
      this.live.size
        ? `${this.live.size === 1 ? vscode.l10n.t('Includes 1 unsaved file.') : vscode.l10n.t('Includes {0} unsaved files.', this.live.size)} `
        : '',
    );
    md.appendMarkdown(vscode.l10n.t('Click to show them in the Problems panel.'));
    this.statusItem.tooltip = md;
    this.statusItem.accessibilityInformation = {
      label: vscode.l10n.t('Scope guard: {0} errors, {1} warnings, {2} information', error, warning, information),
    };
    this.statusItem.show();
  }

  /** What the guard shows now (for tests and the check command). */
  state() {
    const findings = [...new Set([...this.full.keys(), ...this.live.keys()])].flatMap((rel) => this.stateOf(rel)?.findings ?? []);
    return {
      milestone: this.lastResult?.milestone.id,
      base: this.lastResult?.base,
      failure: this.failure,
      counts: this.counts(),
      unsaved: [...this.live.keys()],
      findings: findings.map((f) => ({
        file: f.file,
        line: f.line,
        code: f.code,
        severity: f.severity,
        message: f.message,
        milestone: f.milestone,
      })),
      statusBar: this.statusItem.text,
    };
  }

  dispose(): void {
    if (this.fullTimer) clearTimeout(this.fullTimer);
    for (const t of this.typingTimers.values()) clearTimeout(t);
    this.collection.dispose();
    this.statusItem.dispose();
    this.updated.dispose();
  }
}

function groupByFile(findings: readonly ScopeFinding[], diffOf: (file: string) => FileDiff | undefined): Map<string, FileState> {
  const out = new Map<string, FileState>();
  for (const f of findings) {
    let s = out.get(f.file);
    if (!s) out.set(f.file, (s = { findings: [], diff: diffOf(f.file) }));
    s.findings.push(f);
  }
  return out;
}

/** The editor range of a finding, clamped to the document when it is open. */
function findingRange(f: ScopeFinding, doc: vscode.TextDocument | undefined): vscode.Range {
  const last = doc ? doc.lineCount - 1 : Number.MAX_SAFE_INTEGER;
  const start = Math.min(Math.max(0, f.line - 1), last);
  const end = Math.min(Math.max(start, (f.endLine ?? f.line) - 1), last);
  if (f.column !== undefined) return new vscode.Range(start, f.column - 1, start, (f.endColumn ?? f.column) - 1);
  const endChar = doc ? doc.lineAt(end).range.end.character : 1000;
  const startChar = doc ? doc.lineAt(start).firstNonWhitespaceCharacterIndex : 0;
  return new vscode.Range(start, start === end ? Math.min(startChar, endChar) : startChar, end, endChar);
}

/** The hunk of a file diff a finding points at (by its ranges). */
function hunkOf(state: FileState | undefined, f: ScopeFinding): Hunk | undefined {
  const r = f.hunk;
  if (!r || !state?.diff) return undefined;
  return state.diff.hunks.find(
    (h) => h.oldStart === r.oldStart && h.oldLines === r.oldLines && h.newStart === r.newStart && h.newLines === r.newLines,
  );
}

class ScopeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];
  constructor(
    private readonly guard: ScopeGuard,
    private readonly ctx: ExtensionContextHolder,
  ) {}

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const rel = this.guard.relOf(doc.uri);
    if (!rel) return [];
    const state = this.guard.stateOf(rel);
    const actions: vscode.CodeAction[] = [];
    const seen = new Set<string>();
    for (const d of context.diagnostics) {
      if (d.source !== SOURCE) continue;
      const f = state?.findings.find((x) => x.code === d.code && x.message === d.message && Math.max(0, x.line - 1) === d.range.start.line);
      if (!f) continue;
      const hunk = hunkOf(state, f);
      const revertable = hunk && state?.diff && state.diff.kind !== 'added' && state.diff.kind !== 'deleted';
      if (revertable && !seen.has(`revert:${hunk.newStart}`)) {
        seen.add(`revert:${hunk.newStart}`);
        const a = new vscode.CodeAction('Revert this change (restore the base text)', vscode.CodeActionKind.QuickFix);
        a.diagnostics = [d];
        a.isPreferred = f.severity === 'error';
        a.command = { command: 'milestoneScope.scope.revertHunk', title: a.title, arguments: [{ uri: doc.uri, hunk }] };
        actions.push(a);
      }
      if ((f.code === 'cross-crate' || f.code === 'supporting-change') && !seen.has('allow')) {
        seen.add('allow');
        const id = this.ctx.active.current?.id ?? '';
        const a = new vscode.CodeAction(`Allow ${rel} for milestone ${id}…`, vscode.CodeActionKind.QuickFix);
        a.diagnostics = [d];
        a.command = { command: 'milestoneScope.scope.allowFile', title: a.title, arguments: [{ path: rel }] };
        actions.push(a);
      }
      if (f.milestone && !seen.has(`show:${f.milestone}`)) {
        seen.add(`show:${f.milestone}`);
        const a = new vscode.CodeAction(`Show milestone ${f.milestone}`, vscode.CodeActionKind.QuickFix);
        a.diagnostics = [d];
        a.command = { command: 'milestoneScope.scope.showOwner', title: a.title, arguments: [f.milestone] };
        actions.push(a);
      }
      if (f.code === 'unsafe-without-safety' && !seen.has(`safety:${f.line}`)) {
        seen.add(`safety:${f.line}`);
        const line = doc.lineAt(Math.min(doc.lineCount - 1, f.line - 1));
        const indent = line.text.slice(0, line.firstNonWhitespaceCharacterIndex);
        const a = new vscode.CodeAction('Add a // SAFETY: comment', vscode.CodeActionKind.QuickFix);
        a.diagnostics = [d];
        a.edit = new vscode.WorkspaceEdit();
        a.edit.insert(doc.uri, line.range.start, `${indent}// SAFETY: ${doc.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n'}`);
        actions.push(a);
      }
    }
    return actions;
  }
}

/** Restores the base text of one hunk through an undoable WorkspaceEdit. */
async function revertCommand(guard: ScopeGuard, arg: unknown): Promise<boolean> {
  let uri: vscode.Uri | undefined;
  let hunk: Hunk | undefined;
  if (arg && typeof arg === 'object' && 'uri' in arg && 'hunk' in arg) {
    ({ uri, hunk } = arg as { uri: vscode.Uri; hunk: Hunk });
  } else {
    // From the palette: the change at the cursor.
    const editor = vscode.window.activeTextEditor;
    const rel = editor && guard.relOf(editor.document.uri);
    const state = rel ? guard.stateOf(rel) : undefined;
    const line = editor ? editor.selection.active.line + 1 : 0;
    uri = editor?.document.uri;
    hunk = state?.diff?.hunks.find(
      (h) => line >= h.newStart - (h.newLines === 0 ? 1 : 0) && line <= h.newStart + Math.max(h.newLines, 1) - 1,
    );
    if (!hunk) {
      void vscode.window.showInformationMessage(vscode.l10n.t('There is no change from the base commit at the cursor.'));
      return false;
    }
  }
  const doc = await vscode.workspace.openTextDocument(uri!);
  const text = doc.getText();
  const reverted = revertHunk(text, hunk!);
  if (reverted === undefined) {
    void vscode.window.showWarningMessage(
      vscode.l10n.t('This change was edited since it was checked; nothing was reverted. Try again once the scope check has refreshed.'),
    );
    return false;
  }
  const r = minimalReplacement(text, reverted);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(doc.positionAt(r.offset), doc.positionAt(r.end)), r.text);
  return vscode.workspace.applyEdit(edit);
}

/** Records a file as allowed for the active milestone, with a reason, in its tracking file. */
async function allowCommand(guard: ScopeGuard, ctx: ExtensionContextHolder, arg: unknown): Promise<boolean> {
  const ws = getWorkspaceModel(ctx).current;
  const active = ctx.active.current;
  if (!ws || !active) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Start a milestone first: files are allowed for the active milestone.'));
    return false;
  }
  let rel: string | undefined;
  let given: string | undefined;
  if (arg instanceof vscode.Uri) rel = guard.relOf(arg);
  else if (arg && typeof arg === 'object' && typeof (arg as { path?: unknown }).path === 'string') {
    rel = (arg as { path: string }).path;
    const r = (arg as { reason?: unknown }).reason;
    if (typeof r === 'string' && r.trim()) given = r;
  } else if (vscode.window.activeTextEditor) rel = guard.relOf(vscode.window.activeTextEditor.document.uri);
  if (!rel) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Open the file to allow, or run this from a scope diagnostic.'));
    return false;
  }
  // A caller may pass the reason ({ path, reason }); otherwise the user is asked for it.
  const reason =
    given ??
    (await vscode.window.showInputBox({
      title: vscode.l10n.t('Allow {0} for milestone {1}', rel, active.id),
      prompt: vscode.l10n.t('Why does milestone {0} need to change this file? The reason is recorded in its tracking file.', active.id),
      placeHolder: vscode.l10n.t('e.g. exposes the shared-buffer accessor the root read needs'),
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('A reason is required.')),
    }));
  if (!reason?.trim()) return false;
  const trackingUri = guard.uriOf(trackingPath(ws.config, active.id))!;
  const exists = await vscode.workspace.fs.stat(trackingUri).then(
    () => true,
    () => false,
  );
  const edit = new vscode.WorkspaceEdit();
  let doc: vscode.TextDocument | undefined;
  if (exists) {
    doc = await vscode.workspace.openTextDocument(trackingUri);
    const change = allowFileEdit(doc.getText(), trackingPath(ws.config, active.id), rel, reason);
    if (!change) {
      void vscode.window.showInformationMessage(vscode.l10n.t('{0} is already allowed for milestone {1}.', rel, active.id));
      return false;
    }
    edit.replace(trackingUri, new vscode.Range(doc.positionAt(change.offset), doc.positionAt(change.end)), change.newText);
  } else {
    const title = findMilestone(ws.catalog, active.id)?.title;
    const head = `# Milestone ${active.id}${title ? `: ${title}` : ''}\n`;
    const change = allowFileEdit(head, trackingPath(ws.config, active.id), rel, reason)!;
    edit.createFile(trackingUri, { ignoreIfExists: true });
    edit.insert(trackingUri, new vscode.Position(0, 0), head.slice(0, change.offset) + change.newText + head.slice(change.end));
  }
  const wasDirty = doc?.isDirty ?? false;
  if (!(await vscode.workspace.applyEdit(edit))) return false;
  // Saved unless the user had unsaved work in it: the CLI and the next check read the file.
  if (!wasDirty) await (await vscode.workspace.openTextDocument(trackingUri)).save();
  await getWorkspaceModel(ctx).reload();
  guard.invalidate();
  return true;
}

export function activateScopeDiagnostics(ctx: ExtensionContextHolder): void {
  const guard = new ScopeGuard(ctx);
  const model = getWorkspaceModel(ctx);
  const fileEvent = (uri: vscode.Uri) => {
    const rel = guard.relOf(uri);
    if (rel && !IGNORED.test(rel)) guard.scheduleFull();
  };
  const watchers: vscode.Disposable[] = [];
  const watch = () => {
    for (const w of watchers.splice(0)) w.dispose();
    const root = ctx.root;
    if (!root) return;
    // Commits, checkouts and staging move HEAD or rewrite the index.
    const git = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(root, '.git/{HEAD,index}'));
    const any = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(root, '**/*'));
    for (const w of [git, any]) {
      w.onDidChange(w === git ? () => guard.scheduleFull() : fileEvent);
      w.onDidCreate(w === git ? () => guard.scheduleFull() : fileEvent);
      w.onDidDelete(w === git ? () => guard.scheduleFull() : fileEvent);
    }
    watchers.push(git, any);
  };
  watch();
  ctx.subscriptions.push(
    guard,
    { dispose: () => watchers.forEach((w) => w.dispose()) },
    vscode.workspace.onDidChangeWorkspaceFolders(() => {
      watch();
      guard.invalidate();
    }),
    model.onDidChange(() => guard.invalidate()),
    ctx.active.onDidChange(() => guard.invalidate()),
    vscode.workspace.onDidChangeConfiguration((e) => settings.affects(e, 'scopeEnabled', 'scopeSeverity') && guard.settingsChanged()),
    vscode.workspace.onDidChangeTextDocument((e) => e.contentChanges.length && guard.documentChanged(e.document)),
    vscode.workspace.onDidSaveTextDocument((doc) => guard.documentSaved(doc)),
    vscode.workspace.onDidCloseTextDocument((doc) => guard.documentClosed(doc)),
    vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, new ScopeActions(guard, ctx), {
      providedCodeActionKinds: ScopeActions.kinds,
    }),
    vscode.commands.registerCommand('milestoneScope.scope.check', async () => {
      await guard.runFull();
      return guard.state();
    }),
    vscode.commands.registerCommand('milestoneScope.scope.revertHunk', (arg?: unknown) => revertCommand(guard, arg)),
    vscode.commands.registerCommand('milestoneScope.scope.allowFile', (arg?: unknown) => allowCommand(guard, ctx, arg)),
    vscode.commands.registerCommand('milestoneScope.scope.showOwner', (id?: unknown) =>
      vscode.commands.executeCommand('milestoneScope.showMilestone', typeof id === 'string' ? id : ctx.active.current?.id),
    ),
    // For tests: what the guard shows right now, after pending checks settle.
    vscode.commands.registerCommand('milestoneScope.internal.scopeState', () => guard.state()),
  );
  // The first check runs once the milestone documents are loaded.
  void model.ready.then(() => guard.invalidate());
}
