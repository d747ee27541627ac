/**
 * Where a run's tools come from. Every kind of tool (built-ins, CrewAI names, tools registered
 * in code or exported by a crew's tools module, MCP servers) is a `ToolSource`; the
 * {@link ToolRegistry} asks its sources in order and owns their lifetime for the run.
 */
import type { ToolSet } from "ai";

/** One place tools come from. */
export interface ToolSource {
  /** Names the source in messages, e.g. `built-in tools` or `MCP server "files"`. */
  readonly label: string;
  /** The references the source answers, for "known tools" messages. */
  names(): string[];
  /**
   * The tools `reference` (a name from `tools:`) stands for, keyed by the name the model sees;
   * `undefined` when the reference is not this source's. Throws CrewError `invalid_crew` for a
   * reference that is this source's but wrong (an MCP server without that tool).
   */
  lookup(reference: string): ToolSet | undefined;
  /** Releases what the source holds (server processes, connections). Never throws. */
  close?(): Promise<void>;
}

/** A source of fixed tools by name: the crew's own, or a run's. */
export function recordToolSource(label: string, tools: ToolSet): ToolSource {
  return {
    label,
    names: () => Object.keys(tools),
    lookup: (reference) => {
      const found = Object.hasOwn(tools, reference) ? tools[reference] : undefined;
      return found === undefined ? undefined : { [reference]: found };
    },
  };
}
