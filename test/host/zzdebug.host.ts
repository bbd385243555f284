import * as vscode from 'vscode';
import { openWorkspaceFile, test, waitFor, waitForActivation } from './framework';
const CATALOG = 'docs/metal-backend-optimization-milestones.md';
const ours = (u: vscode.Uri) => vscode.languages.getDiagnostics(u).filter((d) => d.source === 'milestone-scope');
for (const withFix of [false, true, false, true]) {
  test(`zzdebug revert ${withFix} ${Math.random()}`, async () => {
    await waitForActivation();
    const catalog = await openWorkspaceFile(CATALOG);
    await waitFor(() => true, 100, 'x');
    const pcs = await openWorkspaceFile('crates/metal-backend/src/stacked_pcs.rs');
    const events: string[] = [];
    const sub = vscode.workspace.onDidChangeTextDocument((e) => { if (e.document === pcs.document) events.push(`change n=${e.contentChanges.length} dirty=${e.document.isDirty}`); });
    await pcs.edit((e) => e.insert(new vscode.Position(0, 0), '// a\n// b\n'));
    await waitFor(() => ours(catalog.document.uri).length === 3, 30_000, 'moves');
    if (withFix) {
      const d = ours(catalog.document.uri)[0]!;
      const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', catalog.document.uri, d.range)) ?? [];
      await vscode.workspace.applyEdit(actions.find((a) => a.isPreferred)!.edit!);
      await waitFor(() => ours(catalog.document.uri).length === 2, 30_000, 'fixed');
    }
    await vscode.window.showTextDocument(pcs.document);
    events.push('revert');
    await vscode.commands.executeCommand('workbench.action.files.revert');
    events.push(`after revert dirty=${pcs.document.isDirty} text=${JSON.stringify(pcs.document.getText().slice(0, 12))} version=${pcs.document.version}`);
    await waitFor(() => ours(catalog.document.uri).length === 0, 15_000, 'gone').catch(async (err) => { sub.dispose(); const st = await vscode.commands.executeCommand('milestoneScope.internal.languageServerState'); throw new Error(`${err.message} state: ${JSON.stringify(st)} events: ${events.join(', ')}; diags: ${ours(catalog.document.uri).map((x) => x.message).join(' | ')}`); });
    sub.dispose();
  });
}
