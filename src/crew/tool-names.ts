/**
 * The tool names every crew may use without registering anything: crewstream's built-ins and
 * the CrewAI tool class names a ported crew lists in `tools:`, each mapped to a crewstream
 * equivalent by the engine. The loader checks `tools:` against these names and warns when a
 * tool's key is missing; the engine implements exactly these names.
 */

/** Environment variables of the web search APIs, in the order a search tool falls back through them. */
const SEARCH_KEYS = ["SERPER_API_KEY", "TAVILY_API_KEY", "BRAVE_API_KEY"] as const;

/** What one named tool is, and the keys it needs (any one of them). */
export interface NamedTool {
  /** What the tool does, as the README and warnings say it. */
  summary: string;
  /** Variables of which at least one must be set for the tool to work. */
  keys?: readonly string[];
  /** True for a CrewAI class name (an alias of a crewstream tool). */
  crewai?: boolean;
}

/** Every named tool, by the name agents write in `tools:`. */
export const NAMED_TOOLS = {
  read_file: { summary: "reads a text file in the crew's folder" },
  fetch_url: { summary: "fetches a web page or text document as text" },
  web_search: {
    summary: "searches the web with Serper, Tavily or Brave, whichever key is set",
    keys: SEARCH_KEYS,
  },
  list_files: { summary: "lists the files under a folder of the crew's folder" },
  write_file: { summary: "writes a text file in the run's output folder" },
  SerperDevTool: {
    summary: "web_search, preferring Serper (SERPER_API_KEY)",
    keys: SEARCH_KEYS,
    crewai: true,
  },
  TavilySearchTool: {
    summary: "web_search, preferring Tavily (TAVILY_API_KEY)",
    keys: SEARCH_KEYS,
    crewai: true,
  },
  BraveSearchTool: {
    summary: "web_search, preferring Brave (BRAVE_API_KEY)",
    keys: SEARCH_KEYS,
    crewai: true,
  },
  ScrapeWebsiteTool: { summary: "fetch_url", crewai: true },
  FileReadTool: { summary: "read_file", crewai: true },
  DirectoryReadTool: { summary: "list_files", crewai: true },
  FileWriterTool: { summary: "write_file", crewai: true },
} as const satisfies Record<string, NamedTool>;

/** A name of {@link NAMED_TOOLS}. */
export type NamedToolName = keyof typeof NAMED_TOOLS;

/** True when `name` is one of {@link NAMED_TOOLS}. */
function isNamedTool(name: string): name is NamedToolName {
  return Object.hasOwn(NAMED_TOOLS, name);
}

/**
 * The keys `name` needs that `env` lacks, or `undefined` when it needs none or one is set:
 * the loader turns this into a warning, the tool into an error at call time.
 */
export function missingToolKeys(
  name: string,
  env: NodeJS.ProcessEnv = process.env,
): readonly string[] | undefined {
  if (!isNamedTool(name)) return undefined;
  const tool: NamedTool = NAMED_TOOLS[name];
  if (tool.keys === undefined) return undefined;
  return tool.keys.some((key) => (env[key]?.trim() ?? "") !== "") ? undefined : tool.keys;
}
