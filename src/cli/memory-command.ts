/**
 * `crewstream memory list|reset [crew]`: what crews with `memory: true` remember, kept in the
 * run store's SQLite file (as `crewai reset-memories` does for CrewAI).
 */
import { existsSync } from "node:fs";
import { CrewError, ErrorCode } from "../events/index.js";
import { SqliteRunStore } from "../store/index.js";
import { resolveDbPath } from "./cli-paths.js";
import { ExitCode } from "./exit-codes.js";

/** Options of `crewstream memory`. */
export interface MemoryCommandOptions {
  db?: string;
  json?: boolean;
}

/** Lists or resets long-term memory; answers the exit code. */
export async function memoryCommand(
  action: string,
  crew: string | undefined,
  options: MemoryCommandOptions,
): Promise<number> {
  if (action !== "list" && action !== "reset")
    throw new CrewError(
      ErrorCode.BAD_REQUEST,
      `Unknown memory action "${action}"; use \`crewstream memory list [crew]\` or \`crewstream memory reset [crew]\`.`,
    );
  const path = resolveDbPath(options.db);
  if (!existsSync(path)) {
    if (action === "list" && options.json === true) process.stdout.write("[]\n");
    else process.stdout.write(`No memory yet: there is no database at ${path}.\n`);
    return ExitCode.OK;
  }
  const store = new SqliteRunStore({ path });
  try {
    if (action === "reset") {
      const count = await store.memory.reset(crew);
      const whose = crew === undefined ? "every crew" : `crew "${crew}"`;
      process.stdout.write(`Forgot ${count} memor${count === 1 ? "y" : "ies"} of ${whose}.\n`);
      return ExitCode.OK;
    }
    const entries = await store.memory.list(crew);
    if (options.json === true) {
      process.stdout.write(`${JSON.stringify(entries)}\n`);
    } else if (entries.length === 0) {
      process.stdout.write(
        crew === undefined ? "No memories.\n" : `Crew "${crew}" remembers nothing.\n`,
      );
    } else {
      for (const entry of entries)
        process.stdout.write(`${entry.id}\t${entry.crew}\t${entry.createdAt}\t${entry.text}\n`);
    }
    return ExitCode.OK;
  } finally {
    await store.close();
  }
}
