/**
 * Scale-out commands: `crewstream worker` (executes queued runs from Redis) and the `--redis`
 * mode of `crewstream serve` (queues runs for workers and streams them from Redis, so several
 * servers can sit behind one URL). {@link registerScaleCommands} adds both to the program.
 */
import { Option, type Command } from "commander";
import { CrewError, ErrorCode } from "../events/index.js";
import { nonEmpty } from "./cli-paths.js";
import { ExitCode, reportError } from "./exit-codes.js";
import type { ServeCommandOptions } from "./serve-command.js";
import { crewsFolders, untilSignal } from "./serve-support.js";

/** Flags shared by `worker` and `serve --redis`. */
interface ScaleFlags {
  redis?: string;
  redisPrefix?: string;
  stallMs?: string;
  retentionMs?: string;
}

/** Options of `crewstream worker`. */
export interface WorkerCommandOptions extends ScaleFlags {
  concurrency: string;
  crews?: string[];
  model?: string;
}

function whole(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min)
    throw new CrewError(
      ErrorCode.BAD_REQUEST,
      `${name} must be a whole number of at least ${min}, got "${value}".`,
    );
  return number;
}

function redisUrl(flags: ScaleFlags): string {
  const url = nonEmpty(flags.redis);
  if (url === undefined)
    throw new CrewError(
      ErrorCode.BAD_REQUEST,
      "Pass --redis <url> (or set CREWSTREAM_REDIS_URL), e.g. redis://127.0.0.1:6379.",
    );
  return url;
}

function scaleSettings(flags: ScaleFlags): {
  prefix?: string;
  stallMs?: number;
  retentionMs?: number;
} {
  const stallMs = whole("--stall-ms", flags.stallMs, 100);
  const retentionMs = whole("--retention-ms", flags.retentionMs, 0);
  const prefix = nonEmpty(flags.redisPrefix);
  return {
    ...(prefix === undefined ? {} : { prefix }),
    ...(stallMs === undefined ? {} : { stallMs }),
    ...(retentionMs === undefined ? {} : { retentionMs }),
  };
}

/** `crewstream worker`: executes queued runs until a signal; running runs end as cancelled. */
export async function workerCommand(options: WorkerCommandOptions): Promise<number> {
  const url = redisUrl(options);
  const settings = scaleSettings(options);
  const concurrency = whole("--concurrency", options.concurrency, 1) ?? 4;
  const { RedisRunStore, RedisRateLimiter, RunWorker, redactUrl } =
    await import("../scale/index.js");
  const { catalogRunners } = await import("../server/catalog-runners.js");
  const { CrewCatalog } = await import("../crew/index.js");
  const store = new RedisRunStore({
    url,
    ...(settings.prefix === undefined ? {} : { prefix: settings.prefix }),
    ...(settings.retentionMs === undefined ? {} : { retentionMs: settings.retentionMs }),
  });
  const worker = new RunWorker({
    store,
    resolveRunner: catalogRunners(new CrewCatalog({ dirs: crewsFolders(options.crews) })),
    concurrency,
    rateLimiter: new RedisRateLimiter(store.redis, store.keys),
    ...(settings.stallMs === undefined ? {} : { stallMs: settings.stallMs }),
    ...(options.model === undefined ? {} : { model: options.model }),
  });
  await worker.start();
  process.stdout.write(
    `crewstream worker ${worker.id} taking runs from ${redactUrl(url)} (concurrency ${concurrency})\n`,
  );
  await untilSignal();
  await worker.close();
  await store.close();
  return ExitCode.OK;
}

/** `crewstream serve --redis`: a server in front of workers, until a signal. */
export async function clusterServeCommand(
  options: ServeCommandOptions & ScaleFlags,
): Promise<number> {
  const url = redisUrl(options);
  const settings = scaleSettings(options);
  const port = whole("--port", options.port, 0) ?? 5757;
  const token = nonEmpty(options.token);
  const { startClusterServer, redactUrl } = await import("../scale/index.js");
  const server = await startClusterServer({
    redisUrl: url,
    host: options.host,
    port,
    crewsDirs: crewsFolders(options.crews),
    ...settings,
    ...(token === undefined ? {} : { token }),
  });
  process.stdout.write(
    `crewstream listening on ${server.url} (runs in Redis at ${redactUrl(url)})\n`,
  );
  await untilSignal();
  await server.close();
  return ExitCode.OK;
}

const env = (option: Option, name: string): Option => option.env(name);

/** Adds `worker`, and the `--redis` flags of `serve`, to the program. */
export function registerScaleCommands(program: Command): void {
  const scaleOptions = (): Option[] => [
    env(
      new Option("--redis <url>", "Redis URL, e.g. redis://127.0.0.1:6379"),
      "CREWSTREAM_REDIS_URL",
    ),
    env(
      new Option("--redis-prefix <prefix>", "prefix of crewstream's Redis keys (default cs:)"),
      "CREWSTREAM_REDIS_PREFIX",
    ),
    env(
      new Option(
        "--stall-ms <ms>",
        "a run without a worker heartbeat this long is interrupted (default 15000)",
      ),
      "CREWSTREAM_STALL_MS",
    ),
    env(
      new Option(
        "--retention-ms <ms>",
        "how long finished runs stay in Redis (default 7 days; 0 forever)",
      ),
      "CREWSTREAM_RETENTION_MS",
    ),
  ];
  const run = async (action: () => Promise<number>): Promise<void> => {
    try {
      process.exitCode = await action();
    } catch (error) {
      process.exitCode = reportError(error);
    }
  };

  const serve = program.commands.find((command) => command.name() === "serve");
  if (serve) {
    for (const option of scaleOptions()) serve.addOption(option);
    serve.action((options: ServeCommandOptions & ScaleFlags) =>
      run(async () =>
        options.redis === undefined
          ? (await import("./serve-command.js")).serveCommand(options)
          : clusterServeCommand(options),
      ),
    );
  }

  const worker = program
    .command("worker")
    .description("execute queued runs from Redis (start servers with serve --redis)")
    .addOption(
      env(
        new Option("-c, --concurrency <n>", "runs executed at once").default("4"),
        "CREWSTREAM_CONCURRENCY",
      ),
    )
    .option(
      "--crews <dir...>",
      "folders holding crews (env CREWSTREAM_CREWS; default: the examples)",
    )
    .addOption(
      env(new Option("-m, --model <provider/model>", "model for every agent"), "CREWSTREAM_MODEL"),
    );
  for (const option of scaleOptions()) worker.addOption(option);
  worker.action((options: WorkerCommandOptions) => run(() => workerCommand(options)));
}
