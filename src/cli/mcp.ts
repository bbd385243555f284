/** `milestone-scope mcp`: the workflow's tools over the Model Context Protocol (stdio). */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { runTool, TOOLS, type ToolResult } from '../mcp/tools';
import { EXIT } from './exitCodes';
import type { CliIO } from './io';
import { COMMON_HELP, parseCommand, resolveRoot } from './options';
import { helpText } from './help';

/** A function: the tool list is read when asked (this module and the tools import each other). */
export function mcpHelp(): string {
  return helpText([
    'Usage: milestone-scope mcp [--root DIR]',
    '',
    'Serves the workflow to coding agents as Model Context Protocol tools over stdio:',
    ...TOOLS.map((t) => `  ${t.name.padEnd(20)}${t.title}${t.writes ? ' (writes)' : ''}`),
    'Each tool runs the CLI command of the same name with --json; see docs/agents.md.',
    '',
    'Options:',
    ...COMMON_HELP.filter((l) => /--root|--help/.test(l)),
  ]);
}

/** The MCP result of a tool run: the CLI's JSON as structured content, a summary as text. */
export function callResult(r: ToolResult): CallToolResult {
  return {
    content: [{ type: 'text', text: r.text }],
    structuredContent: { outcome: r.outcome, exitCode: r.exitCode, result: r.result, messages: r.messages },
    isError: r.isError,
  };
}

/** `inflight` collects running tool calls, so a closing input still gets their answers. */
export function createServer(root: string, inflight = new Set<Promise<unknown>>(), version = '0.1.0'): McpServer {
  const server = new McpServer(
    { name: 'milestone-scope', version },
    {
      instructions:
        'Tools for the one-milestone-at-a-time workflow. Run preflight before any work and respect noop, conflict and blocked outcomes; ' +
        'run scope_check before committing and fix scope-violations; finish with report and complete_milestone.',
    },
  );
  for (const tool of TOOLS) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.input,
        annotations: { readOnlyHint: !tool.writes, destructiveHint: false, openWorldHint: tool.name === 'start_milestone' },
      },
      async (args: unknown) => {
        const call = runTool(tool, args, root);
        inflight.add(call);
        try {
          return callResult(await call);
        } finally {
          inflight.delete(call);
        }
      },
    );
  }
  return server;
}

export async function runMcp(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommand(argv, { name: 'mcp', positionals: [] });
  if (values.help) {
    io.stdout(mcpHelp() + '\n');
    return EXIT.ok;
  }
  const root = await resolveRoot(io, values.root);
  const inflight = new Set<Promise<unknown>>();
  const server = createServer(root, inflight);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  await server.connect(transport);
  io.stderr(`milestone-scope mcp: serving ${root} over stdio\n`);
  await closed;
  while (inflight.size > 0) await Promise.allSettled([...inflight]);
  // Let the last answers reach stdout before the transport closes.
  await new Promise<void>((resolve) => setImmediate(resolve));
  await server.close().catch(() => undefined);
  return EXIT.ok;
}
