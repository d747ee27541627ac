/**
 * The `list_files` tool (CrewAI's DirectoryReadTool): lists the files under a folder of the
 * crew's folder, recursively, as relative paths. Nothing outside the crew's folder is listed.
 */
import { readdir, realpath } from "node:fs/promises";
import path from "node:path";
import { tool, type Tool } from "ai";
import { z } from "zod";
import { CrewError, ErrorCode } from "../../events/index.js";

/** Most paths one call lists. */
const LIST_FILES_MAX = 500;

const SKIPPED = new Set([".git", "node_modules", "__pycache__", ".venv"]);

function refuse(message: string): never {
  throw new CrewError(ErrorCode.TOOL_ERROR, message);
}

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}

/** Options of {@link createListFilesTool}. */
export interface ListFilesOptions {
  /** The crew's folder; nothing outside it is listed. */
  dir?: string;
}

/** Creates the `list_files` tool. */
export function createListFilesTool(
  options: ListFilesOptions,
): Tool<{ directory?: string | undefined }, string> {
  return tool({
    description:
      "List the files in a folder of the crew's folder (recursively), as paths relative to the crew folder.",
    inputSchema: z.object({
      directory: z
        .string()
        .optional()
        .describe("Folder relative to the crew folder; default the crew folder itself"),
    }),
    execute: async ({ directory = "." }) => {
      if (options.dir === undefined) refuse("list_files is unavailable: this crew has no folder.");
      if (path.isAbsolute(directory))
        refuse(
          `list_files only lists folders relative to the crew folder; "${directory}" is absolute.`,
        );
      const root = await realpath(options.dir);
      const start = await realpath(path.resolve(root, directory)).catch(() =>
        refuse(`list_files found no folder "${directory}" in the crew folder.`),
      );
      if (!isInside(root, start))
        refuse(`list_files refuses "${directory}": it leaves the crew folder.`);
      const found: string[] = [];
      const walk = async (folder: string): Promise<void> => {
        const entries = await readdir(folder, { withFileTypes: true }).catch(() =>
          refuse(`list_files: "${directory}" is not a folder.`),
        );
        for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
          if (found.length >= LIST_FILES_MAX) return;
          const full = path.join(folder, entry.name);
          // Symlinks are not followed: they could lead out of the crew folder.
          if (entry.isDirectory() && !SKIPPED.has(entry.name)) await walk(full);
          else if (entry.isFile()) found.push(path.relative(root, full).split(path.sep).join("/"));
        }
      };
      await walk(start);
      if (found.length === 0) return `No files in "${directory}".`;
      const more =
        found.length >= LIST_FILES_MAX ? `\n[listing stopped at ${LIST_FILES_MAX} files]` : "";
      return `${found.join("\n")}${more}`;
    },
  });
}
