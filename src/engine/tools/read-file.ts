/**
 * The built-in `read_file` tool: reads a text file inside the crew's folder.
 */
import { open, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { tool, type Tool } from "ai";
import { z } from "zod";
import { CrewError, ErrorCode } from "../../events/index.js";

/** Largest file `read_file` returns, in bytes. */
export const READ_FILE_MAX_BYTES = 256 * 1024;

/** Options of {@link createReadFileTool}. */
export interface ReadFileOptions {
  /** The folder files are read from; nothing outside it is readable. */
  dir?: string;
  /** Size limit in bytes (default {@link READ_FILE_MAX_BYTES}). */
  maxBytes?: number;
}

function refuse(message: string): never {
  throw new CrewError(ErrorCode.TOOL_ERROR, message);
}

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}

/**
 * Resolves `requested` inside `dir`, refusing absolute paths, `..` escapes and symlinks that
 * lead out of the folder. Returns the real path of the file.
 */
async function resolveInside(dir: string, requested: string): Promise<string> {
  if (requested.trim() === "") refuse("read_file needs a path relative to the crew folder.");
  if (
    path.isAbsolute(requested) ||
    /^[a-zA-Z]:[\\/]/.test(requested) ||
    requested.startsWith("\\")
  ) {
    refuse(`read_file only reads paths relative to the crew folder; "${requested}" is absolute.`);
  }
  const root = await realpath(dir);
  const joined = path.resolve(root, requested);
  if (!isInside(root, joined))
    refuse(`read_file refuses "${requested}": it leaves the crew folder.`);
  let real: string;
  try {
    real = await realpath(joined);
  } catch {
    refuse(`read_file found no file "${requested}" in the crew folder.`);
  }
  // A symlink inside the folder may point anywhere: the real path must stay inside too.
  if (!isInside(root, real))
    refuse(`read_file refuses "${requested}": it links outside the crew folder.`);
  return real;
}

/** Reads a text file of at most `maxBytes`, refusing binary content. */
async function readTextFile(
  file: string,
  label: string,
  maxBytes = READ_FILE_MAX_BYTES,
): Promise<string> {
  const info = await stat(file);
  if (!info.isFile()) refuse(`read_file: "${label}" is not a file.`);
  if (info.size > maxBytes) {
    refuse(`read_file: "${label}" is ${info.size} bytes; the limit is ${maxBytes} bytes.`);
  }
  const handle = await open(file, "r");
  try {
    const buffer = Buffer.alloc(info.size);
    const { bytesRead } = await handle.read(buffer, 0, info.size, 0);
    const bytes = buffer.subarray(0, bytesRead);
    if (bytes.includes(0))
      refuse(`read_file: "${label}" is a binary file; only text files can be read.`);
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      refuse(`read_file: "${label}" is not UTF-8 text.`);
    }
  } finally {
    await handle.close();
  }
}

/** Creates the `read_file` tool confined to `options.dir`. */
export function createReadFileTool(options: ReadFileOptions): Tool<{ path: string }, string> {
  return tool({
    description:
      "Read a text file from the crew's folder. The path is relative to that folder (e.g. notes/brief.md).",
    inputSchema: z.object({ path: z.string().describe("File path relative to the crew folder") }),
    execute: async ({ path: requested }) => {
      if (options.dir === undefined) {
        refuse(
          "read_file is unavailable: this crew has no folder (set `dir` on the crew definition).",
        );
      }
      const file = await resolveInside(options.dir, requested);
      return readTextFile(file, requested, options.maxBytes);
    },
  });
}
