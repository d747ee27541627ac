/**
 * `crewstream serve`: the HTTP/WebSocket API and the web UI on one port, until SIGINT or
 * SIGTERM, which close it gracefully (running runs end as cancelled, the store is flushed).
 */
import pc from "picocolors";
import { startServer } from "../server/index.js";
import { nonEmpty, resolveDbPath } from "./cli-paths.js";
import { ExitCode } from "./exit-codes.js";
import { crewsFolders, untilSignal } from "./serve-support.js";

/**
 * Options of `crewstream serve` (commander fills them from flags, then env variables, and has
 * checked the numbers).
 */
export interface ServeCommandOptions {
  host: string;
  port: number;
  db?: string;
  /** False with `--no-persist`. */
  persist?: boolean;
  crews?: string[];
  model?: string;
  maxRuns?: number;
  /** Default time limit of a run, in ms (`--run-timeout`, `CREWSTREAM_RUN_TIMEOUT_MS`). */
  runTimeout?: number;
  token?: string;
}

/** Serves until a signal; answers the exit code. */
export async function serveCommand(options: ServeCommandOptions): Promise<number> {
  const { port, maxRuns } = options;
  const token = nonEmpty(options.token);
  const server = await startServer({
    host: options.host,
    port,
    crewsDirs: crewsFolders(options.crews),
    ...(options.persist === false ? { persist: false } : { db: resolveDbPath(options.db) }),
    ...(options.model === undefined ? {} : { model: options.model }),
    ...(maxRuns === undefined ? {} : { maxConcurrentRuns: maxRuns }),
    ...(options.runTimeout === undefined ? {} : { runTimeoutMs: options.runTimeout }),
    ...(token === undefined ? {} : { token }),
  });
  const colors = pc.createColors(process.stdout.isTTY === true);
  process.stdout.write(`${colors.bold("crewstream")} listening on ${colors.cyan(server.url)}\n`);
  process.stdout.write(colors.dim("Press Ctrl-C to stop.\n"));

  await untilSignal();
  await server.close();
  return ExitCode.OK;
}
