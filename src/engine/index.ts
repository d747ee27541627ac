/** The run engine: a crew's agents working through its tasks, streaming events; built-in tools. */
export {
  Crew,
  type CrewOptions,
  type KickoffOptions,
  type KickoffResult,
  type KickoffForEachOptions,
  type KickoffHooks,
} from "./crew.js";
export type { CrewRunOptions } from "./run-context.js";
export { RUN_AHEAD_EVENTS } from "./run-crew.js";
export { dispatchEvent, type EventCallback } from "./callbacks.js";
export { MANAGER_ROLE } from "./hierarchical.js";
export {
  ToolRegistry,
  BUILTIN_TOOL_NAMES,
  recordToolSource,
  type ToolSource,
  builtinToolSource,
  type BuiltinToolOptions,
  openRunTools,
  agentToolReferences,
  type RunToolsOptions,
  openMcpToolSource,
  allToolsOf,
  connectMcpServer,
  type McpConnection,
  createReadFileTool,
  READ_FILE_MAX_BYTES,
  type ReadFileOptions,
  createFetchUrlTool,
  fetchText,
  FETCH_URL_MAX_BYTES,
  FETCH_URL_TIMEOUT_MS,
  type FetchUrlOptions,
  createWebSearchTool,
  chooseSearchProvider,
  SEARCH_PROVIDERS,
  type SearchProvider,
  type WebSearchOptions,
  createListFilesTool,
  type ListFilesOptions,
  createWriteFileTool,
  WRITE_FILE_MAX_BYTES,
  type WriteFileOptions,
  isPrivateAddress,
  htmlToText,
} from "./tools/index.js";
