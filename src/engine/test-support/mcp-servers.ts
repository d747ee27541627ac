/**
 * Helpers for tests against the reference MCP servers published on npm (dev dependencies):
 * their entry points, and the processes still running for a marker in their command line.
 */
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);

/** The filesystem server's entry point: `node <this> <allowed folder>`. */
export const FILESYSTEM_SERVER = path.join(
  path.dirname(require.resolve("@modelcontextprotocol/server-filesystem/package.json")),
  "dist/index.js",
);

/** The "everything" server's entry point: `node <this> [stdio|streamableHttp]`. */
export const EVERYTHING_SERVER = path.join(
  path.dirname(require.resolve("@modelcontextprotocol/server-everything/package.json")),
  "dist/index.js",
);

/** Pids of running processes whose command line contains `marker`. */
export function processesWith(marker: string): number[] {
  const lines = execFileSync("ps", ["-eo", "pid=,stat=,args="], { encoding: "utf8" }).split("\n");
  return lines.flatMap((line) => {
    const match = /^\s*(\d+)\s+(\S+)\s+(.*)$/.exec(line);
    // A zombie (Z) has exited; only live processes count.
    if (match === null || match[2]?.startsWith("Z") || !match[3]?.includes(marker)) return [];
    if (match[3].startsWith("ps ")) return [];
    return [Number(match[1])];
  });
}
