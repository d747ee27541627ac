/**
 * The `write_file` tool (CrewAI's FileWriterTool): writes a text file into the run's output
 * folder, and nowhere else. The folder is created on the first write.
 */
import { lstat, mkdir, realpath, writeFile } from "node:fs/promises";
import path from "node:path";
import { tool, type Tool } from "ai";
import { z } from "zod";
import { CrewError, ErrorCode } from "../../events/index.js";

/** Largest file `write_file` writes, in bytes. */
export const WRITE_FILE_MAX_BYTES = 1024 * 1024;

function refuse(message: string): never {
  throw new CrewError(ErrorCode.TOOL_ERROR, message);
}

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative);
}

/** Options of {@link createWriteFileTool}. */
export interface WriteFileOptions {
  /** The run's output folder (created when first written to). */
  outputDir: string;
  /** Size limit in bytes (default {@link WRITE_FILE_MAX_BYTES}). */
  maxBytes?: number;
}

/** Creates the `write_file` tool confined to `options.outputDir`. */
export function createWriteFileTool(
  options: WriteFileOptions,
): Tool<{ filename: string; content: string; overwrite?: boolean | undefined }, string> {
  return tool({
    description:
      "Write a text file into this run's output folder. The filename is relative to that folder (e.g. report.md or notes/summary.md).",
    inputSchema: z.object({
      filename: z.string().describe("File path relative to the run's output folder"),
      content: z.string().describe("The text to write"),
      overwrite: z.boolean().optional().describe("Replace the file if it exists (default true)"),
    }),
    execute: async ({ filename, content, overwrite = true }) => {
      if (filename.trim() === "" || path.isAbsolute(filename) || /^[a-zA-Z]:[\\/]/.test(filename))
        refuse(`write_file needs a path relative to the run's output folder, not "${filename}".`);
      const bytes = Buffer.byteLength(content, "utf8");
      const limit = options.maxBytes ?? WRITE_FILE_MAX_BYTES;
      if (bytes > limit) refuse(`write_file: ${bytes} bytes is over the limit of ${limit} bytes.`);
      await mkdir(options.outputDir, { recursive: true });
      const root = await realpath(options.outputDir);
      const target = path.resolve(root, filename);
      if (!isInside(root, target))
        refuse(`write_file refuses "${filename}": it leaves the run's output folder.`);
      await mkdir(path.dirname(target), { recursive: true });
      // A symlink planted inside the folder must not redirect the write outside it.
      const parent = await realpath(path.dirname(target));
      if (parent !== root && !isInside(root, parent))
        refuse(`write_file refuses "${filename}": it links outside the run's output folder.`);
      const existing = await lstat(target).catch(() => undefined);
      if (existing?.isSymbolicLink() === true)
        refuse(`write_file refuses "${filename}": it is a symbolic link.`);
      if (existing !== undefined && !overwrite)
        refuse(`write_file: "${filename}" exists; pass overwrite: true to replace it.`);
      await writeFile(target, content, "utf8");
      return `Wrote ${bytes} bytes to ${path.relative(root, target).split(path.sep).join("/")} in the run's output folder.`;
    },
  });
}
