/**
 * One connection to an MCP server, with the official MCP TypeScript SDK: a stdio server is
 * started as a child process (no shell), a remote one is reached over Streamable HTTP. The
 * connection lists the server's tools once, turns each into an AI SDK tool that keeps its
 * own name, and on `close()` stops the process (stdin closed, then SIGTERM, then SIGKILL).
 *
 * Contract: `connectMcpServer` either resolves with a live connection or rejects with a
 * CrewError naming the server and, for stdio, the tail of its stderr; on rejection nothing is
 * left running. Every live stdio process is also killed when this Node.js process exits.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
  getDefaultEnvironment,
  StdioClientTransport,
} from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { jsonSchema, tool, type JSONSchema7, type Tool } from "ai";
import type { McpServerConfig } from "../../crew/index.js";
import { CrewError, ErrorCode } from "../../events/index.js";

/** How long a server may take to start and list its tools (env CREWSTREAM_MCP_START_TIMEOUT_MS). */
const MCP_START_TIMEOUT_MS = 30_000;
/** How long one tool call may take. */
const MCP_CALL_TIMEOUT_MS = 120_000;
/** How much of a server's stderr is kept for error messages. */
const STDERR_TAIL_CHARS = 2_000;

/** A connected MCP server and its tools. */
export interface McpConnection {
  /** The server's name in the crew. */
  readonly name: string;
  /** Its tools by their own names. */
  readonly tools: ReadonlyMap<string, Tool>;
  /** The child process id of a stdio server. */
  readonly pid: number | undefined;
  /** Stops the server (stdio) or ends the session (HTTP). Never throws. */
  close(): Promise<void>;
}

const live = new Set<() => void>();
let exitHookInstalled = false;

/** Kills what is still running if this process exits without closing its runs. */
function trackProcess(kill: () => void): () => void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once("exit", () => {
      for (const stop of live) stop();
    });
  }
  live.add(kill);
  return () => live.delete(kill);
}

/** `${VAR}` in crew.yaml env and header values reads VAR from the environment. */
function expand(values: Record<string, string> | undefined, env: NodeJS.ProcessEnv) {
  return Object.fromEntries(
    Object.entries(values ?? {}).map(([key, value]) => [
      key,
      value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => env[name] ?? ""),
    ]),
  );
}

/** The text a model gets for a tool result: its text parts, other parts described. */
function resultText(content: unknown, structured: unknown): string {
  const parts = Array.isArray(content) ? (content as Array<Record<string, unknown>>) : [];
  const texts = parts.map((part) => {
    if (part["type"] === "text" && typeof part["text"] === "string") return part["text"];
    if (part["type"] === "resource") {
      const resource = part["resource"] as { text?: unknown; uri?: unknown } | undefined;
      return typeof resource?.text === "string"
        ? resource.text
        : `[resource ${String(resource?.uri)}]`;
    }
    if (part["type"] === "resource_link") return `[resource ${String(part["uri"])}]`;
    return `[${String(part["type"])}${typeof part["mimeType"] === "string" ? ` ${part["mimeType"]}` : ""}]`;
  });
  if (texts.length === 0 && structured !== undefined) return JSON.stringify(structured);
  return texts.join("\n");
}

function toTool(
  client: Client,
  serverName: string,
  info: {
    name: string;
    description?: string | undefined;
    inputSchema: unknown;
  },
): Tool {
  return tool({
    description: info.description ?? `${info.name} (MCP server "${serverName}")`,
    inputSchema: jsonSchema<Record<string, unknown>>(info.inputSchema as JSONSchema7),
    execute: async (input, { abortSignal }) => {
      const result = await client.callTool({ name: info.name, arguments: input }, undefined, {
        timeout: MCP_CALL_TIMEOUT_MS,
        ...(abortSignal === undefined ? {} : { signal: abortSignal }),
      });
      const text = resultText(result.content, result.structuredContent);
      if (result.isError === true) {
        throw new CrewError(
          ErrorCode.TOOL_ERROR,
          text || `${info.name} failed on MCP server "${serverName}".`,
        );
      }
      return text;
    },
  });
}

/**
 * Starts (stdio) or reaches (HTTP) the server, then lists its tools. Aborting `signal` stops
 * the attempt and the process.
 */
export async function connectMcpServer(
  name: string,
  config: McpServerConfig,
  signal: AbortSignal,
  env: NodeJS.ProcessEnv = process.env,
): Promise<McpConnection> {
  let stderrTail = "";
  let transport: Transport;
  let stdio: StdioClientTransport | undefined;
  if ("command" in config) {
    const [command = "", ...args] = config.command;
    stdio = new StdioClientTransport({
      command,
      args,
      env: { ...getDefaultEnvironment(), ...expand(config.env, env) },
      ...(config.cwd === undefined ? {} : { cwd: config.cwd }),
      stderr: "pipe",
    });
    stdio.stderr?.on("data", (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString("utf8")).slice(-STDERR_TAIL_CHARS);
    });
    transport = stdio;
  } else {
    transport = new StreamableHTTPClientTransport(new URL(config.url), {
      requestInit: { headers: expand(config.headers, env) },
    });
  }
  const client = new Client({ name: "crewstream", version: "1" });
  let untrack: () => void = () => false;
  const close = async (): Promise<void> => {
    untrack();
    await client.close().catch(() => undefined);
  };
  try {
    // `npx -y` may download the server first: the limit can be raised from the environment.
    const configured = Number(env["CREWSTREAM_MCP_START_TIMEOUT_MS"]);
    const timeout = configured > 0 ? configured : MCP_START_TIMEOUT_MS;
    const options = { signal, timeout };
    await client.connect(transport, options);
    const pid = stdio?.pid ?? undefined;
    if (pid !== undefined) {
      untrack = trackProcess(() => {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // Already gone.
        }
      });
    }
    const tools = new Map<string, Tool>();
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor === undefined ? {} : { cursor }, options);
      for (const info of page.tools) tools.set(info.name, toTool(client, name, info));
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return { name, tools, pid, close };
  } catch (error) {
    await close();
    // Let the last stderr lines of a process that died arrive before quoting them.
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (signal.aborted) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    const where = "command" in config ? `"${config.command.join(" ")}"` : config.url;
    const tail = stderrTail.trim();
    throw new CrewError(
      ErrorCode.TOOL_ERROR,
      `MCP server "${name}" (${where}) could not start or list its tools: ${reason}${tail ? `\nIts stderr ended with:\n${tail}` : ""}`,
      { cause: error },
    );
  }
}
