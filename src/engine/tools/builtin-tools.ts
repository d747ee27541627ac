/**
 * The tools every crew can name without registering anything: crewstream's built-ins
 * (`read_file`, `fetch_url`, `web_search`, `list_files`, `write_file`) and the CrewAI tool
 * class names a ported crew lists (`SerperDevTool`, `ScrapeWebsiteTool`, `FileReadTool`...),
 * each the built-in that does the same job. The names are the crew loader's `NAMED_TOOLS`.
 */
import type { Tool, ToolSet } from "ai";
import type { NamedToolName } from "../../crew/index.js";
import { createFetchUrlTool } from "./fetch-url.js";
import { createListFilesTool } from "./list-files.js";
import { createReadFileTool } from "./read-file.js";
import type { ToolSource } from "./tool-source.js";
import { createWebSearchTool, type SearchProvider } from "./web-search.js";
import { createWriteFileTool } from "./write-file.js";

/** Options of {@link builtinToolSource}. */
export interface BuiltinToolOptions {
  /** The crew's folder, for `read_file` and `list_files`. */
  dir?: string;
  /** Lets `fetch_url` reach private addresses. */
  allowPrivateUrls?: boolean;
  /** The run's output folder, for `write_file`. */
  outputDir: string;
  /** Where search keys are read at call time. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

type Builtin = "read_file" | "fetch_url" | "web_search" | "list_files" | "write_file";

/** Each CrewAI name: the built-in it stands for, or the search API it prefers. */
const CREWAI_TOOLS = {
  SerperDevTool: { search: "serper" },
  TavilySearchTool: { search: "tavily" },
  BraveSearchTool: { search: "brave" },
  ScrapeWebsiteTool: { builtin: "fetch_url" },
  FileReadTool: { builtin: "read_file" },
  DirectoryReadTool: { builtin: "list_files" },
  FileWriterTool: { builtin: "write_file" },
} as const satisfies Record<
  Exclude<NamedToolName, Builtin>,
  { builtin: Builtin } | { search: SearchProvider }
>;

/** The built-ins and CrewAI names as one source. Tools are made on first use. */
export function builtinToolSource(options: BuiltinToolOptions): ToolSource {
  const env = options.env ?? process.env;
  const makers: Record<Builtin, () => Tool> = {
    read_file: () => createReadFileTool(options.dir === undefined ? {} : { dir: options.dir }),
    fetch_url: () =>
      createFetchUrlTool(
        options.allowPrivateUrls === undefined
          ? {}
          : { allowPrivateUrls: options.allowPrivateUrls },
      ),
    web_search: () => createWebSearchTool({ env }),
    list_files: () => createListFilesTool(options.dir === undefined ? {} : { dir: options.dir }),
    write_file: () => createWriteFileTool({ outputDir: options.outputDir }),
  };
  const made = new Map<string, Tool>();
  const get = (name: string, make: () => Tool): Tool => {
    let found = made.get(name);
    if (found === undefined) {
      found = make();
      made.set(name, found);
    }
    return found;
  };
  const toolOf = (name: string): Tool | undefined => {
    if (Object.hasOwn(makers, name)) return get(name, makers[name as Builtin]);
    if (!Object.hasOwn(CREWAI_TOOLS, name)) return undefined;
    const alias = CREWAI_TOOLS[name as keyof typeof CREWAI_TOOLS];
    if ("builtin" in alias) return get(alias.builtin, makers[alias.builtin]);
    return get(name, () => createWebSearchTool({ env, prefer: alias.search }));
  };
  return {
    label: "built-in tools",
    names: () => [...Object.keys(makers), ...Object.keys(CREWAI_TOOLS)],
    lookup: (reference): ToolSet | undefined => {
      const found = toolOf(reference);
      return found === undefined ? undefined : { [reference]: found };
    },
  };
}
