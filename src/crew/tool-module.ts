/**
 * A crew folder's tools module: `tools.js` / `tools.mjs` (or `tools.ts` / `tools.mts` where a
 * TypeScript loader is available, as under tsx or Node 22.18+) exporting AI SDK tools by name,
 * which the crew's agents name in `tools:`. Instead of named exports, the default export may
 * be a function that gets the AI SDK's `tool` and `jsonSchema` and zod's `z` and returns the
 * tools by name: such a module imports nothing, so it loads wherever the crew folder is.
 * A module that fails to load is a problem of the crew (it is listed with the error), never a
 * crash of the process loading it.
 */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { jsonSchema, tool, type Tool } from "ai";
import { z } from "zod";
import { TOOL_MODULE_FILES } from "./crew-folders.js";
import type { Findings } from "./validate-entries.js";

/** The tools a crew folder's module exports, and the file they came from. */
export interface ToolModule {
  /** The module's file name in the crew folder, e.g. `tools.mjs`. */
  file: string;
  /** Its exports that are AI SDK tools, by export name. */
  tools: Record<string, Tool>;
  /** False when the module has a problem; then `tools` is empty and tool names cannot be checked. */
  loaded: boolean;
}

/** What a tools module's default-export function gets to make its tools without imports. */
export interface ToolHelpers {
  tool: typeof tool;
  jsonSchema: typeof jsonSchema;
  z: typeof z;
}

const TOOL_HELPERS: ToolHelpers = { tool, jsonSchema, z };

function isTool(value: unknown): value is Tool {
  return (
    typeof value === "object" &&
    value !== null &&
    "inputSchema" in value &&
    typeof (value as { execute?: unknown }).execute === "function"
  );
}

function isTypeScript(file: string): boolean {
  return /\.m?ts$/.test(file);
}

/**
 * Loads the tools module of `dir`, if it has one. Problems (two modules, an import that
 * throws, no tools exported) and warnings (an export that is not a tool) go to `findings`.
 * The module is imported again whenever its file changes.
 */
export async function loadToolModule(
  dir: string,
  findings: Findings,
): Promise<ToolModule | undefined> {
  const present: Array<{ file: string; mtimeMs: number }> = [];
  for (const file of TOOL_MODULE_FILES) {
    const info = await stat(join(dir, file)).catch(() => undefined);
    if (info?.isFile() === true) present.push({ file, mtimeMs: info.mtimeMs });
  }
  const [chosen, ...others] = present;
  if (chosen === undefined) return undefined;
  if (others.length > 0) {
    findings.problems.push({
      file: chosen.file,
      message: `${present.map((p) => p.file).join(" and ")} both exist; keep only one tools module`,
    });
    return { file: chosen.file, tools: {}, loaded: false };
  }
  let exports: Record<string, unknown>;
  try {
    // The mtime in the URL makes an edited module load afresh instead of from the import cache.
    const url = `${pathToFileURL(join(dir, chosen.file)).href}?v=${chosen.mtimeMs}`;
    exports = (await import(url)) as Record<string, unknown>;
    const factory = exports["default"];
    if (typeof factory === "function") {
      const made: unknown = await (factory as (helpers: ToolHelpers) => unknown)(TOOL_HELPERS);
      exports = typeof made === "object" && made !== null ? (made as Record<string, unknown>) : {};
    }
  } catch (error) {
    findings.problems.push({ file: chosen.file, message: loadFailure(chosen.file, error) });
    return { file: chosen.file, tools: {}, loaded: false };
  }
  const tools: Record<string, Tool> = {};
  const entries = Object.entries(exports).flatMap(([name, value]): Array<[string, unknown]> =>
    // `export default { search: tool({...}) }` names its tools by their keys.
    name === "default" && !isTool(value) && typeof value === "object" && value !== null
      ? Object.entries(value)
      : [[name, value]],
  );
  for (const [name, value] of entries) {
    if (isTool(value)) tools[name] = value;
    else {
      findings.warnings.push({
        file: chosen.file,
        path: name,
        message: `export "${name}" is not an AI SDK tool (make it with tool({ description, inputSchema, execute })); agents cannot use it`,
      });
    }
  }
  if (Object.keys(tools).length === 0) {
    findings.problems.push({
      file: chosen.file,
      message:
        "exports no tools; export each tool by name, e.g. export const lookup = tool({ description, inputSchema, execute })",
    });
    return { file: chosen.file, tools: {}, loaded: false };
  }
  return { file: chosen.file, tools, loaded: true };
}

function loadFailure(file: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (isTypeScript(file) && code === "ERR_UNKNOWN_FILE_EXTENSION") {
    return `could not be loaded: this Node.js cannot import TypeScript; run crewstream under tsx or Node 22.18+, or write the module as tools.mjs`;
  }
  const message = error instanceof Error ? error.message : String(error);
  const first = message.split("\n")[0] ?? message;
  // tools.js is CommonJS unless the nearest package.json says "type": "module".
  if (
    file === "tools.js" &&
    /Unexpected token 'export'|import statement outside a module/.test(message)
  ) {
    return `could not be loaded: ${first} (tools.js is read as CommonJS here: rename it tools.mjs, or add "type": "module" to package.json)`;
  }
  return `could not be loaded: ${first}`;
}
