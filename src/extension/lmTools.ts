/**
 * The workflow's agent tools (src/mcp/tools.ts) as VS Code language-model tools, for chat agents in
 * the editor. `vscode.lm.registerTool` arrived after the VS Code version this extension supports at
 * minimum, so it is feature-detected: without it, nothing is registered and activation goes on.
 * Tools that write files or run commands ask for confirmation first.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as vscode from 'vscode';
import type { ToolDefinition } from '../mcp/tools';
import type { ExtensionContextHolder } from './context';

type ToolsModule = typeof import('../mcp/tools');

const PREFIX = 'milestoneScope_';

/** The id under which a tool is contributed in package.json (`contributes.languageModelTools`). */
export const lmToolName = (t: Pick<ToolDefinition, 'name'>): string => `${PREFIX}${t.name}`;

/**
 * The tool definitions pull in the CLI (and zod), so they live in the CLI's ES module chunks
 * (dist/agentTools.mjs, esbuild.mjs), loaded on the first tool call rather than on activation.
 */
let toolsModule: Promise<ToolsModule> | undefined;
function loadTools(ctx: ExtensionContextHolder): Promise<ToolsModule> {
  // A computed path keeps the bundler from inlining the module.
  const file = path.join(ctx.extension.extensionPath, 'dist', 'agentTools.mjs');
  return (toolsModule ??= import(pathToFileURL(file).href) as Promise<ToolsModule>);
}

async function toolDefinition(ctx: ExtensionContextHolder, name: string): Promise<ToolDefinition> {
  const def = (await loadTools(ctx)).findTool(name);
  if (!def) throw new Error(`unknown tool ${name}`);
  return def;
}

// The parts of the language-model tool API used here (VS Code 1.95+), typed locally.
interface ToolInvocationOptions {
  input: unknown;
}
interface PreparedInvocation {
  invocationMessage?: string;
  confirmationMessages?: { title: string; message: string | vscode.MarkdownString };
}
interface LanguageModelTool {
  invoke(options: ToolInvocationOptions, token: vscode.CancellationToken): Promise<unknown>;
  prepareInvocation?(options: ToolInvocationOptions, token: vscode.CancellationToken): Promise<PreparedInvocation>;
}
interface LmToolApi {
  registerTool(name: string, tool: LanguageModelTool): vscode.Disposable;
}
interface ToolResultCtors {
  LanguageModelToolResult: new (content: unknown[]) => unknown;
  LanguageModelTextPart: new (value: string) => unknown;
}

/** The API when the running VS Code has it. */
export function languageModelToolApi(): (LmToolApi & ToolResultCtors) | undefined {
  const v = vscode as unknown as { lm?: Partial<LmToolApi> } & Partial<ToolResultCtors>;
  if (
    typeof v.lm?.registerTool !== 'function' ||
    typeof v.LanguageModelToolResult !== 'function' ||
    typeof v.LanguageModelTextPart !== 'function'
  )
    return undefined;
  return {
    registerTool: v.lm.registerTool.bind(v.lm),
    LanguageModelToolResult: v.LanguageModelToolResult,
    LanguageModelTextPart: v.LanguageModelTextPart,
  };
}

function argsSummary(input: unknown): string {
  const entries = Object.entries((input ?? {}) as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return entries.length ? entries.map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ') : 'no arguments';
}

/** The tool object for one definition; the result text is what the model reads. */
export function languageModelTool(ctx: ExtensionContextHolder, name: string, api: ToolResultCtors): LanguageModelTool {
  const text = (s: string) => new api.LanguageModelToolResult([new api.LanguageModelTextPart(s)]);
  return {
    async prepareInvocation(options) {
      const def = await toolDefinition(ctx, name);
      const prepared: PreparedInvocation = { invocationMessage: `${def.title} (${argsSummary(options.input)})` };
      if (def.writes) {
        const what =
          def.name === 'run_validation' ? 'runs cargo and records the run in the tracking file' : 'changes STATUS.md and the tracking file';
        prepared.confirmationMessages = {
          title: def.title,
          message: new vscode.MarkdownString(`${def.description}\n\nThis ${what}. Arguments: ${argsSummary(options.input)}.`),
        };
      }
      return prepared;
    },
    async invoke(options) {
      const def = await toolDefinition(ctx, name);
      const root = ctx.root;
      if (!root || root.scheme !== 'file') return text(`${def.name}: error. No local workspace folder is open.`);
      if (def.name === 'run_validation' && !vscode.workspace.isTrusted)
        return text(`${def.name}: error. Cargo commands are disabled in untrusted workspaces.`);
      const r = await (await loadTools(ctx)).runTool(def, options.input, root.fsPath);
      ctx.output.info(`language-model tool ${def.name} (${argsSummary(options.input)}): ${r.outcome}`);
      return text(r.text);
    },
  };
}

export function activateLanguageModelTools(ctx: ExtensionContextHolder): void {
  const api = languageModelToolApi();
  if (!api) {
    ctx.output.info('language-model tools are not available in this VS Code; use `milestone-scope mcp` for agents');
    return;
  }
  // Names come from the manifest, so registering loads nothing; a test keeps both lists in step.
  const contributed = (ctx.extension.extension.packageJSON?.contributes?.languageModelTools ?? []) as Array<{ name: string }>;
  for (const { name } of contributed) {
    if (!name.startsWith(PREFIX)) continue;
    ctx.subscriptions.push(api.registerTool(name, languageModelTool(ctx, name.slice(PREFIX.length), api)));
  }
}
