/**
 * `crewstream serve --redis`: a server in front of workers (runs are queued and streamed
 * through Redis, so several servers can sit behind one URL), until SIGINT or SIGTERM.
 */
import { nonEmpty } from "./cli-paths.js";
import { ExitCode } from "./exit-codes.js";
import { redisSettings, type RedisFlags } from "./redis-settings.js";
import type { ServeCommandOptions } from "./serve-command.js";
import { crewsFolders, untilSignal } from "./serve-support.js";

/** Options of `crewstream serve --redis`. */
export type ClusterServeCommandOptions = ServeCommandOptions & RedisFlags;

/** Serves until a signal; answers the exit code. */
export async function clusterServeCommand(options: ClusterServeCommandOptions): Promise<number> {
  const { url, ...settings } = redisSettings(options);
  const token = nonEmpty(options.token);
  const { startClusterServer } = await import("../scale/index.js");
  const server = await startClusterServer({
    announce: (banner) => process.stdout.write(`${banner}\n`),
    redisUrl: url,
    host: options.host,
    port: options.port,
    crewsDirs: crewsFolders(options.crews),
    ...settings,
    metrics: options.metrics !== "off",
    ...(options.runTimeout === undefined ? {} : { runTimeoutMs: options.runTimeout }),
    ...(options.maxStreamsPerClient === undefined
      ? {}
      : { maxStreamsPerClient: options.maxStreamsPerClient }),
    ...(token === undefined ? {} : { token }),
  });
  // startClusterServer has printed what it runs (URL, Redis, role, crews, token).
  process.stdout.write("Press Ctrl-C to stop.\n");
  await untilSignal();
  await server.close();
  return ExitCode.OK;
}
