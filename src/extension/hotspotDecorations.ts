import * as vscode from 'vscode';
import type { ExtensionContextHolder } from './context';
import { getHotspotIndex, type HotspotEntry } from './hotspotIndex';
import { hotspotRange } from './hotspotRanges';
import { settings } from './settings';
import { hotspotHeat, onDidChangeHotspotHeat } from './spanTimings';

/** Re-applying while typing is only bookkeeping (the editor moves decorations with the text). */
const TYPING_DELAY_MS = 120;

type Kind = 'active' | 'edited' | 'other';

/** What is decorated in one editor; reported by the internal state command for tests. */
interface Applied {
  uri: string;
  kind: Kind;
  /** 1-based first lines. */
  lines: number[];
}

/**
 * Line decorations for hotspots: the active milestone's lines stand out (gutter icon, background,
 * overview ruler), other milestones' lines are marked quietly as not to be touched.
 */
export function activateHotspotDecorations(ctx: ExtensionContextHolder): void {
  const index = getHotspotIndex(ctx);
  const media = (name: string) => vscode.Uri.joinPath(ctx.extension.extensionUri, 'media', name);
  const color = (id: string) => new vscode.ThemeColor(`milestoneScope.${id}`);
  const note = (id: string) => ({ color: color(id), margin: '0 0 0 2em', fontStyle: 'italic' });
  /** A whole-line hotspot highlight; `icon` names the gutter icons (media/<icon>-light.svg and -dark.svg). */
  const hotspotType = (background: string, icon: string, iconSize: string, extra: vscode.DecorationRenderOptions = {}) =>
    vscode.window.createTextEditorDecorationType({
      isWholeLine: true,
      backgroundColor: color(background),
      overviewRulerColor: color('hotspotOverviewRuler'),
      overviewRulerLane: vscode.OverviewRulerLane.Full,
      light: { gutterIconPath: media(`${icon}-light.svg`) },
      dark: { gutterIconPath: media(`${icon}-dark.svg`) },
      gutterIconSize: iconSize,
      ...extra,
    });
  const types: Record<Kind, vscode.TextEditorDecorationType> = {
    active: hotspotType('hotspotBackground', 'hotspot', '70%'),
    edited: hotspotType('editedHotspotBackground', 'hotspot-edited', '70%', { after: note('editedHotspotForeground') }),
    other: vscode.window.createTextEditorDecorationType({
      isWholeLine: true,
      backgroundColor: color('otherHotspotBackground'),
      overviewRulerColor: color('otherHotspotOverviewRuler'),
      overviewRulerLane: vscode.OverviewRulerLane.Left,
      after: note('otherHotspotForeground'),
    }),
  };
  // The active hotspot icon with a heat bar: the span timings of the trace in the flame chart
  // (src/extension/spanTimings.ts). One icon per line: the glyph margin shows one per line.
  const heatTypes = ([1, 2, 3] as const).map((level) => hotspotType('hotspotBackground', `hotspot-heat-${level}`, '100%'));
  const applied = new Map<vscode.TextEditor, Applied[]>();
  let enabled = settings.get('hotspotsEnabled');
  let timer: ReturnType<typeof setTimeout> | undefined;
  const pending = new Set<string>();

  const paint = (editor: vscode.TextEditor) => {
    const buckets: Record<Kind, vscode.DecorationOptions[]> = { active: [], edited: [], other: [] };
    const heat: vscode.DecorationOptions[][] = [[], [], []];
    if (enabled) {
      const activeId = ctx.active.current?.id;
      for (const entry of index.forDocument(editor.document.uri)) {
        const range = hotspotRange(entry, editor.document);
        if (!range) continue;
        if (activeId === undefined || entry.milestone.id !== activeId) buckets.other.push(otherOptions(entry, range, activeId));
        else if (entry.anchor.state === 'edited') buckets.edited.push(editedOptions(entry, range, index.base));
        else {
          const h = hotspotHeat(entry, editor.document);
          if (h) heat[h.level - 1].push({ range, hoverMessage: new vscode.MarkdownString().appendText(h.message) });
          else buckets.active.push({ range });
        }
      }
    }
    const record: Applied[] = [];
    heatTypes.forEach((t, i) => editor.setDecorations(t, heat[i]));
    for (const kind of Object.keys(types) as Kind[]) {
      editor.setDecorations(types[kind], buckets[kind]);
      const hot = kind === 'active' ? heat.flat() : [];
      const ranges = hot.length > 0 ? [...buckets[kind], ...hot].sort((a, b) => a.range.start.line - b.range.start.line) : buckets[kind];
      if (ranges.length) record.push({ uri: editor.document.uri.toString(), kind, lines: ranges.map((o) => o.range.start.line + 1) });
    }
    applied.set(editor, record);
  };
  const paintAll = () => {
    applied.clear();
    for (const editor of vscode.window.visibleTextEditors) paint(editor);
  };
  const paintSoon = (uri: string) => {
    pending.add(uri);
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      const uris = new Set(pending);
      pending.clear();
      for (const editor of vscode.window.visibleTextEditors) if (uris.has(editor.document.uri.toString())) paint(editor);
    }, TYPING_DELAY_MS);
  };

  ctx.subscriptions.push(
    ...Object.values(types),
    ...heatTypes,
    onDidChangeHotspotHeat(() => paintAll()),
    index.onDidChange((uri) => (uri ? paintSoon(uri.toString()) : paintAll())),
    ctx.active.onDidChange(() => paintAll()),
    vscode.window.onDidChangeVisibleTextEditors(() => paintAll()),
    vscode.window.onDidChangeActiveTextEditor((editor) => editor && paint(editor)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!settings.affects(e, 'hotspotsEnabled')) return;
      enabled = settings.get('hotspotsEnabled');
      paintAll();
    }),
    vscode.commands.registerCommand('milestoneScope.toggleHotspots', () => toggleSetting(!enabled)),
    // For tests: what is decorated in the visible editors right now.
    vscode.commands.registerCommand('milestoneScope.internal.decorations', () =>
      vscode.window.visibleTextEditors.flatMap((e) => applied.get(e) ?? []),
    ),
    { dispose: () => timer && clearTimeout(timer) },
  );
  paintAll();
}

async function toggleSetting(value: boolean): Promise<void> {
  await settings.update('hotspotsEnabled', value);
  vscode.window.setStatusBarMessage(value ? 'Milestone Scope: hotspot highlights on' : 'Milestone Scope: hotspot highlights off', 3000);
}

function otherOptions(entry: HotspotEntry, range: vscode.Range, activeId: string | undefined): vscode.DecorationOptions {
  const who = `milestone ${entry.milestone.id}`;
  const hover = new vscode.MarkdownString();
  if (activeId !== undefined) {
    hover.appendMarkdown(`**Belongs to ${who}: do not touch.**\n\n`);
    hover.appendText(`Hotspot ${entry.index} of ${entry.total} of work item ${entry.workItem.id} (${entry.workItem.title}). `);
    hover.appendText(`Milestone ${activeId} is active; changes for other milestones are out of scope.`);
  } else {
    hover.appendMarkdown(`**Hotspot of ${who}**\n\n`);
    hover.appendText(`Hotspot ${entry.index} of ${entry.total} of work item ${entry.workItem.id} (${entry.workItem.title}).`);
  }
  return {
    range,
    hoverMessage: hover,
    renderOptions: { after: { contentText: activeId !== undefined ? `${who}: do not touch` : who } },
  };
}

function editedOptions(entry: HotspotEntry, range: vscode.Range, base: string): vscode.DecorationOptions {
  return {
    range,
    hoverMessage: new vscode.MarkdownString().appendText(
      `This hotspot line (${entry.ref.path}:${entry.ref.line}) has changed since ${base}.`,
    ),
    renderOptions: { after: { contentText: `hotspot ${entry.index} of ${entry.total} edited since ${base}` } },
  };
}
