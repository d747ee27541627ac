export { ToolRegistry, BUILTIN_TOOL_NAMES } from "./tool-registry.js";
export { recordToolSource, type ToolSource } from "./tool-source.js";
export { builtinToolSource, type BuiltinToolOptions } from "./builtin-tools.js";
export { openRunTools, agentToolReferences, type RunToolsOptions } from "./open-run-tools.js";
export { openMcpToolSource, allToolsOf } from "./mcp-tool-source.js";
export { connectMcpServer, type McpConnection } from "./mcp-connection.js";
export { createReadFileTool, READ_FILE_MAX_BYTES, type ReadFileOptions } from "./read-file.js";
export {
  createFetchUrlTool,
  fetchText,
  FETCH_URL_MAX_BYTES,
  FETCH_URL_TIMEOUT_MS,
  type FetchUrlOptions,
} from "./fetch-url.js";
export {
  createWebSearchTool,
  chooseSearchProvider,
  SEARCH_PROVIDERS,
  type SearchProvider,
  type WebSearchOptions,
} from "./web-search.js";
export { createListFilesTool, type ListFilesOptions } from "./list-files.js";
export { createWriteFileTool, WRITE_FILE_MAX_BYTES, type WriteFileOptions } from "./write-file.js";
export { isPrivateAddress } from "./private-address.js";
export { htmlToText } from "./html-to-text.js";
