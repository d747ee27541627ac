/**
 * The tools of one run: the crew's own (registered in code, exported by its tools module, or
 * given to the run), its MCP servers, then the built-ins and CrewAI names, in that order of
 * precedence. MCP servers the crew's agents and tasks use are started here; the caller owns
 * the returned registry and must `close()` it when the run ends, however it ends.
 */
import type { Tool } from "ai";
import type { AgentDefinition, CrewDefinition } from "../../crew/index.js";
import { builtinToolSource } from "./builtin-tools.js";
import { allToolsOf, openMcpToolSource, serversUsed } from "./mcp-tool-source.js";
import { ToolRegistry } from "./tool-registry.js";
import { recordToolSource } from "./tool-source.js";

/** What {@link openRunTools} needs. */
export interface RunToolsOptions {
  crew: CrewDefinition;
  /** Tools registered on the crew and the run, by name. */
  tools: Record<string, Tool>;
  /** The run's output folder, for `write_file`. */
  outputDir: string;
  /** Aborts starting the MCP servers. */
  signal: AbortSignal;
  /** Where keys and `${VAR}` values are read. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** The references an agent's tools are resolved from: its `tools:` and its `mcps:` servers. */
export function agentToolReferences(
  agent: AgentDefinition,
  taskTools: readonly string[] = [],
): string[] {
  return [
    ...new Set([...agent.tools, ...taskTools, ...(agent.mcps ?? []).map((s) => allToolsOf(s))]),
  ];
}

/** Opens the run's tool registry, starting the MCP servers its crew uses. */
export async function openRunTools(options: RunToolsOptions): Promise<ToolRegistry> {
  const { crew } = options;
  const env = options.env ?? process.env;
  const servers = crew.mcpServers ?? {};
  const references = [
    ...crew.agents.flatMap((agent) => agentToolReferences(agent)),
    ...crew.tasks.flatMap((task) => task.tools ?? []),
  ];
  const start = serversUsed(references, Object.keys(servers));
  const mcp =
    start.length === 0 ? [] : [await openMcpToolSource(servers, start, options.signal, env)];
  return new ToolRegistry([
    recordToolSource("the crew's tools", options.tools),
    ...mcp,
    builtinToolSource({
      ...(crew.dir === undefined ? {} : { dir: crew.dir }),
      ...(crew.allowPrivateUrls === undefined ? {} : { allowPrivateUrls: crew.allowPrivateUrls }),
      outputDir: options.outputDir,
      env,
    }),
  ]);
}
