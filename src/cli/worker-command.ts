/**
 * `crewstream worker`: executes runs queued in Redis by `crewstream serve --redis` servers,
 * until SIGINT or SIGTERM (its running runs then end as cancelled).
 */
import { CrewCatalog } from "../crew/index.js";
import {
  createLogger,
  runLog,
  startTracing,
  type LogFormat,
  type LogLevel,
} from "../observe/index.js";
import { combineObservers } from "../runs/index.js";
import { catalogRunners } from "../runs/index.js";
import { ExitCode } from "./exit-codes.js";
import { redisSettings, type RedisFlags } from "./redis-settings.js";
import { crewsFolders, untilSignal } from "./serve-support.js";

/** Options of `crewstream worker` (commander fills them from flags, then env variables). */
export interface WorkerCommandOptions extends RedisFlags {
  concurrency: number;
  crews?: string[];
  model?: string;
  logFormat?: LogFormat;
  logLevel?: LogLevel;
}

/** Executes queued runs until a signal; answers the exit code. */
export async function workerCommand(options: WorkerCommandOptions): Promise<number> {
  const { url, prefix, stallMs, retentionMs } = redisSettings(options);
  const { RedisRunStore, RedisRateLimiter, RunWorker, redactUrl } =
    await import("../scale/index.js");
  const store = new RedisRunStore({
    url,
    ...(prefix === undefined ? {} : { prefix }),
    ...(retentionMs === undefined ? {} : { retentionMs }),
  });
  const logger = createLogger({
    ...(options.logFormat === undefined ? {} : { format: options.logFormat }),
    ...(options.logLevel === undefined ? {} : { level: options.logLevel }),
  });
  // Off unless the OTEL_* variables configure an export.
  const tracing = startTracing();
  const worker = new RunWorker({
    logger,
    observer: combineObservers(tracing?.tracer.observer, runLog(logger)),
    store,
    resolveRunner: catalogRunners(
      new CrewCatalog({ dirs: crewsFolders(options.crews), watch: true }),
    ),
    // Model rate limits are shared by every worker on this Redis.
    rateLimiter: new RedisRateLimiter(store.redis, store.keys),
    concurrency: options.concurrency,
    ...(stallMs === undefined ? {} : { stallMs }),
    ...(options.model === undefined ? {} : { model: options.model }),
  });
  await worker.start();
  process.stdout.write(
    `crewstream worker ${worker.id} taking runs from ${redactUrl(url)} (concurrency ${options.concurrency})\n`,
  );
  await untilSignal();
  await worker.close();
  await store.close();
  await tracing?.shutdown();
  return ExitCode.OK;
}
