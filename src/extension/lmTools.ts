/**
 * The workflow's agent tools (src/mcp/tools.ts) as VS Code language-model tools, for chat agents in
 * the editor. `vscode.lm.registerTool` arrived after the VS Code version this extension supports at
 * minimum, so it is feature-detected: without it, nothing is registered and activation goes on.
 * Tools that write files or run commands ask for confirmation first.
 */
import * as vscode from 'vscode';
import { runTool, TOOLS, type ToolDefinition } from '../mcp/tools';
import type { ExtensionContextHolder } from './context';

/** The id under which a tool is contributed in package.json (`contributes.languageModelTools`). */
export const lmToolName = (t: ToolDefinition): string => `milestoneScope_${t.name}`;

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
  prepareInvocation?(options: ToolInvocationOptions, token: vscode.CancellationToken): PreparedInvocation;
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
  if (typeof v.lm?.registerTool !== 'function' || typeof v.LanguageModelToolResult !== 'function' || typeof v.LanguageModelTextPart !== 'function') return undefined;
  return { registerTool: v.lm.registerTool.bind(v.lm), LanguageModelToolResult: v.LanguageModelToolResult, LanguageModelTextPart: v.LanguageModelTextPart };
}

function argsSummary(input: unknown): string {
  const entries = Object.entries((input ?? {}) as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return entries.length ? entries.map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ') : 'no arguments';
}

/** The tool object for one definition; the result text is what the model reads. */
export function languageModelTool(ctx: ExtensionContextHolder, def: ToolDefinition, api: ToolResultCtors): LanguageModelTool {
  const text = (s: string) => new api.LanguageModelToolResult([new api.LanguageModelTextPart(s)]);
  return {
    prepareInvocation(options) {
      const prepared: PreparedInvocation = { invocationMessage: `${def.title} (${argsSummary(options.input)})` };
      if (def.writes) {
        const what = def.name === 'run_validation' ? 'runs cargo and records the run in the tracking file' : 'changes STATUS.md and the tracking file';
        prepared.confirmationMessages = { title: def.title, message: new vscode.MarkdownString(`${def.description}\n\nThis ${what}. Arguments: ${argsSummary(options.input)}.`) };
      }
      return prepared;
    },
    async invoke(options) {
      const root = ctx.root;
      if (!root || root.scheme !== 'file') return text(`${def.name}: error. No local workspace folder is open.`);
      if (def.name === 'run_validation' && !vscode.workspace.isTrusted) return text(`${def.name}: error. Cargo commands are disabled in untrusted workspaces.`);
      const r = await runTool(def, options.input, root.fsPath);
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
  for (const def of TOOLS) ctx.subscriptions.push(api.registerTool(lmToolName(def), languageModelTool(ctx, def, api)));
}
