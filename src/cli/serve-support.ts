/** What the long-running commands (`serve`, `worker`) share. */
import { dirname } from "node:path";
import { DEFAULT_CREW_DIR, resolveCrewDirs } from "./cli-paths.js";
import { ExitCode } from "./exit-codes.js";

/** The crews folders from `--crews`, else the folder holding the example crew. */
export function crewsFolders(flag: string[] | undefined): string[] {
  const dirs = resolveCrewDirs(flag);
  return dirs.length > 0 ? dirs : [dirname(DEFAULT_CREW_DIR)];
}

/** Resolves on the first SIGINT/SIGTERM; a second one exits at once. */
export function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (): void => {
      if (stopping) process.exit(ExitCode.CANCELLED);
      stopping = true;
      process.stdout.write("Shutting down…\n");
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
