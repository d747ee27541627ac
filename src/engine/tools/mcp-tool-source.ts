/**
 * The MCP servers of a run as one {@link ToolSource}: `<server>/<tool>` names one tool of a
 * server, `<server>/*` (what an agent's `mcps: [server]` means) every tool of it. Tools keep
 * the names their server gives them. The servers are started together when the run starts
 * and shared by every agent of the run; `close()` stops them all.
 */
import type { ToolSet } from "ai";
import type { McpServerConfig } from "../../crew/index.js";
import { CrewError, ErrorCode } from "../../events/index.js";
import { connectMcpServer, type McpConnection } from "./mcp-connection.js";
import type { ToolSource } from "./tool-source.js";

/** The reference to every tool of `server`. */
export function allToolsOf(server: string): string {
  return `${server}/*`;
}

/** The server names `references` use (`<server>/...`), among `declared`. */
export function serversUsed(references: Iterable<string>, declared: readonly string[]): string[] {
  const used = new Set<string>();
  for (const reference of references) {
    const slash = reference.indexOf("/");
    const server = slash === -1 ? undefined : reference.slice(0, slash);
    if (server !== undefined && declared.includes(server)) used.add(server);
  }
  return [...used];
}

/**
 * Starts the servers named in `start` (keys of `servers`) in parallel and lists their tools.
 * If one fails, the others are stopped and its error is thrown.
 */
export async function openMcpToolSource(
  servers: Readonly<Record<string, McpServerConfig>>,
  start: readonly string[],
  signal: AbortSignal,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ToolSource> {
  const settled = await Promise.allSettled(
    start.map((name) => {
      const config = servers[name];
      if (config === undefined) {
        throw new CrewError(ErrorCode.INVALID_CREW, `No MCP server named "${name}".`);
      }
      return connectMcpServer(name, config, signal, env);
    }),
  );
  const connections = new Map<string, McpConnection>();
  for (const result of settled)
    if (result.status === "fulfilled") connections.set(result.value.name, result.value);
  const failed = settled.find((result) => result.status === "rejected");
  if (failed !== undefined) {
    await Promise.all([...connections.values()].map((connection) => connection.close()));
    throw failed.reason;
  }
  return {
    label: "MCP servers",
    names: () =>
      [...connections.values()].flatMap((c) => [...c.tools.keys()].map((t) => `${c.name}/${t}`)),
    lookup: (reference): ToolSet | undefined => {
      const slash = reference.indexOf("/");
      if (slash === -1) return undefined;
      const connection = connections.get(reference.slice(0, slash));
      if (connection === undefined) return undefined;
      const wanted = reference.slice(slash + 1);
      if (wanted === "*") return Object.fromEntries(connection.tools);
      const found = connection.tools.get(wanted);
      if (found === undefined) {
        throw new CrewError(
          ErrorCode.INVALID_CREW,
          `MCP server "${connection.name}" has no tool "${wanted}"; its tools: ${[...connection.tools.keys()].join(", ") || "none"}.`,
        );
      }
      return { [wanted]: found };
    },
    close: async () => {
      await Promise.all([...connections.values()].map((connection) => connection.close()));
    },
  };
}
