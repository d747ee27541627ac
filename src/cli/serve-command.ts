/**
 * `crewstream serve`: the HTTP/WebSocket API and the web UI on one port, until SIGINT or
 * SIGTERM, which close it gracefully (running runs end as cancelled, the store is flushed).
 */
import pc from "picocolors";
import { createLogger, type LogFormat, type LogLevel } from "../observe/index.js";
import { parseAllowedHosts, startServer } from "../server/index.js";
import { nonEmpty, resolveDbPath, useDatabase } from "./cli-paths.js";
import { ExitCode } from "./exit-codes.js";
import { crewsFolders, untilSignal } from "./serve-support.js";

/**
 * Options of `crewstream serve` (commander fills them from flags, then env variables, and has
 * checked the numbers).
 */
export interface ServeCommandOptions {
  host: string;
  allowedHosts?: string;
  port: number;
  db?: string;
  /** False with `--no-persist`. */
  persist?: boolean;
  crews?: string[];
  model?: string;
  maxRuns?: number;
  /** Streams one client may hold open (`--max-streams-per-client`). */
  maxStreamsPerClient?: number;
  /** Default time limit of a run, in ms (`--run-timeout`, `CREWSTREAM_RUN_TIMEOUT_MS`). */
  runTimeout?: number;
  token?: string;
  /** `off` serves no `GET /metrics`. */
  metrics?: "on" | "off";
  logFormat?: LogFormat;
  logLevel?: LogLevel;
}

/** Serves until a signal; answers the exit code. */
export async function serveCommand(options: ServeCommandOptions): Promise<number> {
  const { port, maxRuns } = options;
  const token = nonEmpty(options.token);
  const logger = createLogger({
    ...(options.logFormat === undefined ? {} : { format: options.logFormat }),
    ...(options.logLevel === undefined ? {} : { level: options.logLevel }),
  });
  const server = await startServer({
    logger,
    announce: (banner) => process.stdout.write(`${banner}\n`),
    metrics: options.metrics !== "off",
    host: options.host,
    ...(options.allowedHosts === undefined
      ? {}
      : { allowedHosts: parseAllowedHosts(options.allowedHosts) }),
    port,
    crewsDirs: crewsFolders(options.crews),
    ...(options.persist === false
      ? { persist: false }
      : { db: useDatabase(resolveDbPath(options.db)) }),
    ...(options.model === undefined ? {} : { model: options.model }),
    ...(maxRuns === undefined ? {} : { maxConcurrentRuns: maxRuns }),
    ...(options.maxStreamsPerClient === undefined
      ? {}
      : { maxStreamsPerClient: options.maxStreamsPerClient }),
    ...(options.runTimeout === undefined ? {} : { runTimeoutMs: options.runTimeout }),
    ...(token === undefined ? {} : { token }),
  });
  // startServer has printed what it runs (URL, model, crews, database, token).
  const colors = pc.createColors(process.stdout.isTTY === true);
  process.stdout.write(colors.dim("Press Ctrl-C to stop.\n"));

  await untilSignal();
  await server.close();
  return ExitCode.OK;
}
