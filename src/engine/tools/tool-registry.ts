/**
 * Resolves the tool names of agents and tasks to AI SDK tools: built-ins (`read_file`,
 * `fetch_url`) or tools registered on the crew or the run.
 */
import type { Tool, ToolSet } from "ai";
import { CrewError, ErrorCode } from "../../events/index.js";
import { createFetchUrlTool } from "./fetch-url.js";
import { createReadFileTool } from "./read-file.js";

/** Names of the built-in tools. */
export const BUILTIN_TOOL_NAMES = ["read_file", "fetch_url"] as const;

/** Options of {@link ToolRegistry}. */
export interface ToolRegistryOptions {
  /** The crew's folder, for `read_file`. */
  dir?: string;
  /** Lets `fetch_url` reach private addresses. */
  allowPrivateUrls?: boolean;
  /** User tools by name; they shadow built-ins of the same name. */
  tools?: Record<string, Tool>;
}

/** Tools available to a crew, by name. */
export class ToolRegistry {
  readonly #tools: Map<string, Tool>;

  constructor(options: ToolRegistryOptions = {}) {
    this.#tools = new Map<string, Tool>([
      ["read_file", createReadFileTool(options.dir === undefined ? {} : { dir: options.dir })],
      [
        "fetch_url",
        createFetchUrlTool(
          options.allowPrivateUrls === undefined
            ? {}
            : { allowPrivateUrls: options.allowPrivateUrls },
        ),
      ],
      ...Object.entries(options.tools ?? {}),
    ]);
  }

  /** All tool names the registry knows. */
  names(): string[] {
    return [...this.#tools.keys()];
  }

  /** True when a tool of that name exists. */
  has(name: string): boolean {
    return this.#tools.has(name);
  }

  /**
   * The tools named, as a ToolSet. Throws CrewError invalid_crew naming `owner` (e.g.
   * `agent "researcher"`) for an unknown name.
   */
  resolve(names: readonly string[], owner: string): ToolSet {
    const set: ToolSet = {};
    for (const name of names) {
      const found = this.#tools.get(name);
      if (found === undefined) {
        throw new CrewError(
          ErrorCode.INVALID_CREW,
          `${owner} uses unknown tool "${name}". Known tools: ${this.names().join(", ")}. Register it with new Crew({ ..., tools: { ${name}: tool({...}) } }).`,
        );
      }
      set[name] = found;
    }
    return set;
  }
}
