export { ToolRegistry, BUILTIN_TOOL_NAMES, type ToolRegistryOptions } from "./tool-registry.js";
export { createReadFileTool, READ_FILE_MAX_BYTES, type ReadFileOptions } from "./read-file.js";
export {
  createFetchUrlTool,
  fetchText,
  FETCH_URL_MAX_BYTES,
  FETCH_URL_TIMEOUT_MS,
  type FetchUrlOptions,
} from "./fetch-url.js";
export { isPrivateAddress } from "./private-address.js";
export { htmlToText } from "./html-to-text.js";
