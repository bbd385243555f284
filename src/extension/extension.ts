/**
 * The extension's entry (dist/extension.js): as little as possible runs and loads here, because
 * VS Code counts this file's loading and activate()'s synchronous part as the extension's
 * activation time.
 *
 * Pattern for features:
 * - activate() creates the shared context and returns; past one microtask it registers what needs no
 *   feature code (the language-model tools, whose definitions load on their first call) and loads the features module
 *   (src/extension/features.ts, an ES module chunk) with import(): no timer, the load starts at once
 *   and runs while the workbench goes on. Each feature's `activateX(ctx)` then registers its commands,
 *   views and providers synchronously. A command run before that waits for the activation promise
 *   (VS Code holds commands of an activating extension), so nothing is missed.
 * - Inside a feature, code only some commands need is loaded on first use with `await import('…')`
 *   (git when asked, the agent tools on their first call); the build turns each such
 *   import into a chunk of its own. The language client is a CommonJS bundle of its own
 *   (dist/languageClient.js) required once the features are in; it starts its server when the first
 *   milestone document opens.
 * - A new feature: a file exporting `activateX(ctx)`, listed in features.ts. Never import a
 *   feature from this file.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as vscode from 'vscode';
import { ExtensionContextHolder } from './context';
import { activateLanguageModelTools } from './lmTools';

type Features = typeof import('./features');
type LanguageClientModule = typeof import('./languageClient');

let features: Features | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const ctx = new ExtensionContextHolder(context);
  try {
    // VS Code counts activate()'s synchronous part as the activation time, and Node compiles the
    // features' ES modules synchronously inside the import() call (hundreds of ms on a busy machine):
    // everything else runs past this microtask, once activate() has handed VS Code its promise.
    await Promise.resolve();
    activateLanguageModelTools(ctx);
    // A computed path keeps the bundler from inlining the features.
    const file = path.join(context.extensionPath, 'dist', 'extensionFeatures.mjs');
    features = (await import(pathToFileURL(file).href)) as Features;
    await features.activateFeatures(ctx);
    // vscode-languageclient and the configuration reader are most of the code: a CommonJS bundle of
    // their own (dist/languageClient.js; the client does not work from the ES module chunks), loaded
    // after activate() has returned to VS Code.
    const clientFile = path.join(context.extensionPath, 'dist', 'languageClient.js');
    const client = require(clientFile) as LanguageClientModule;
    client.activateLanguageClient(ctx, features.languageClientHost(ctx));
  } catch (err) {
    // VS Code shows nothing by itself when activation fails.
    void vscode.window.showErrorMessage(vscode.l10n.t('Milestone Scope failed to activate: {0}', String(err)));
    throw err;
  }
}

/**
 * Window closed or reloaded, or the extension disabled: no cargo run may outlive the extension
 * host. VS Code waits for the promise (5 s at most) before it ends the host.
 */
export function deactivate(): Promise<void> {
  return features?.deactivateFeatures() ?? Promise.resolve();
}
