/**
 * `crewstream serve`: the HTTP/WebSocket API and the web UI on one port, until SIGINT or
 * SIGTERM, which close it gracefully (running runs end as cancelled, the store is flushed).
 */
import pc from "picocolors";
import { CrewError, ErrorCode } from "../events/index.js";
import { parseAllowedHosts, startServer } from "../server/index.js";
import { nonEmpty, resolveDbPath } from "./cli-paths.js";
import { ExitCode } from "./exit-codes.js";
import { crewsFolders, untilSignal } from "./serve-support.js";

/** Options of `crewstream serve` (commander fills them from flags, then env variables). */
export interface ServeCommandOptions {
  host: string;
  allowedHosts?: string;
  port: string;
  db?: string;
  /** False with `--no-persist`. */
  persist?: boolean;
  crews?: string[];
  model?: string;
  maxRuns?: string;
  token?: string;
}

function parseWhole(name: string, value: string, min: number, max: number): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new CrewError(
      ErrorCode.BAD_REQUEST,
      `${name} must be a whole number from ${min} to ${max}, got "${value}".`,
    );
  }
  return number;
}

/** Serves until a signal; answers the exit code. */
export async function serveCommand(options: ServeCommandOptions): Promise<number> {
  const port = parseWhole("--port", options.port, 0, 65_535);
  const maxRuns =
    options.maxRuns === undefined
      ? undefined
      : parseWhole("--max-runs", options.maxRuns, 1, 10_000);
  const token = nonEmpty(options.token);
  const server = await startServer({
    host: options.host,
    ...(options.allowedHosts === undefined
      ? {}
      : { allowedHosts: parseAllowedHosts(options.allowedHosts) }),
    port,
    crewsDirs: crewsFolders(options.crews),
    ...(options.persist === false ? { persist: false } : { db: resolveDbPath(options.db) }),
    ...(options.model === undefined ? {} : { model: options.model }),
    ...(maxRuns === undefined ? {} : { maxConcurrentRuns: maxRuns }),
    ...(token === undefined ? {} : { token }),
  });
  const colors = pc.createColors(process.stdout.isTTY === true);
  process.stdout.write(`${colors.bold("crewstream")} listening on ${colors.cyan(server.url)}\n`);
  process.stdout.write(colors.dim("Press Ctrl-C to stop.\n"));

  await untilSignal();
  await server.close();
  return ExitCode.OK;
}
