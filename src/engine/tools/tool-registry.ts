/**
 * Resolves the tool references of agents and tasks (`tools:` names, `mcps:` servers) to AI SDK
 * tools through an ordered list of {@link ToolSource}s: the first source that knows a
 * reference answers it, so tools registered on a crew shadow built-ins of the same name.
 * The registry owns its sources for one run: `close()` releases them all (MCP processes).
 */
import type { ToolSet } from "ai";
import { CrewError, ErrorCode } from "../../events/index.js";
import type { ToolSource } from "./tool-source.js";

/** Names of the built-in tools. */
export const BUILTIN_TOOL_NAMES = [
  "read_file",
  "fetch_url",
  "web_search",
  "list_files",
  "write_file",
] as const;

/** Tools available to a run, by reference. */
export class ToolRegistry {
  readonly #sources: readonly ToolSource[];
  #closed = false;

  /** `sources` in order of precedence. */
  constructor(sources: readonly ToolSource[]) {
    this.#sources = sources;
  }

  /** Every reference the sources know, first source first. */
  names(): string[] {
    return [...new Set(this.#sources.flatMap((source) => source.names()))];
  }

  /** True when some source knows `reference`. */
  has(reference: string): boolean {
    return this.#sources.some((source) => source.lookup(reference) !== undefined);
  }

  /**
   * The tools the references stand for, as one ToolSet. Throws CrewError invalid_crew naming
   * `owner` (e.g. `agent "researcher"`) for an unknown reference, or for two references
   * that give different tools the same name.
   */
  resolve(references: readonly string[], owner: string): ToolSet {
    const set: ToolSet = {};
    const from = new Map<string, string>();
    for (const reference of references) {
      const found = this.#lookup(reference);
      if (found === undefined) {
        throw new CrewError(
          ErrorCode.INVALID_CREW,
          `${owner} uses unknown tool "${reference}". Known tools: ${this.names().join(", ")}. Register it with new Crew({ ..., tools: { ${reference}: tool({...}) } }), export it from the crew's tools.js, or name an MCP server's tool as <server>/<tool>.`,
        );
      }
      for (const [name, tool] of Object.entries(found)) {
        const earlier = set[name];
        if (earlier !== undefined && earlier !== tool) {
          throw new CrewError(
            ErrorCode.INVALID_CREW,
            `${owner} gets two different tools named "${name}" (from "${from.get(name) ?? ""}" and "${reference}"); give it only one of them.`,
          );
        }
        set[name] = tool;
        from.set(name, reference);
      }
    }
    return set;
  }

  /** Releases every source (stops MCP servers). Safe to call more than once. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(this.#sources.map(async (source) => source.close?.()));
  }

  #lookup(reference: string): ToolSet | undefined {
    for (const source of this.#sources) {
      const found = source.lookup(reference);
      if (found !== undefined) return found;
    }
    return undefined;
  }
}
