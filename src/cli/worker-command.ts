/**
 * `crewstream worker`: executes runs queued in Redis by `crewstream serve --redis` servers,
 * until SIGINT or SIGTERM (its running runs then end as cancelled). With `--metrics-port` it
 * serves the Prometheus metrics of the runs it executes: they are counted here, not in the
 * servers, which only see the queue and their streams.
 */
import { CrewCatalog } from "../crew/index.js";
import {
  createLogger,
  RunMetrics,
  runLog,
  startTracing,
  type LogFormat,
  type LogLevel,
} from "../observe/index.js";
import { combineObservers } from "../runs/index.js";
import { catalogRunners } from "../runs/index.js";
import { serveMetrics, type Logger, type MetricsEndpoint } from "../server/index.js";
import { ExitCode } from "./exit-codes.js";
import { redisSettings, type RedisFlags } from "./redis-settings.js";
import { crewsFolders, untilSignal } from "./serve-support.js";

/** Options of `crewstream worker` (commander fills them from flags, then env variables). */
export interface WorkerCommandOptions extends RedisFlags {
  concurrency: number;
  crews?: string[];
  model?: string;
  /** Port of `GET /metrics` (`--metrics-port`); none when not given. */
  metricsPort?: number;
  /** Interface of the metrics port (`--metrics-host`, default 127.0.0.1). */
  metricsHost?: string;
  logFormat?: LogFormat;
  logLevel?: LogLevel;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

/**
 * `GET /metrics` of this worker on `--metrics-port`, guarded by the servers' token
 * (`CREWSTREAM_TOKEN`) when one is set.
 */
async function metricsEndpoint(
  metrics: RunMetrics,
  options: WorkerCommandOptions,
  logger: Pick<Logger, "warn">,
): Promise<MetricsEndpoint> {
  const host = options.metricsHost ?? "127.0.0.1";
  const token = process.env.CREWSTREAM_TOKEN || undefined;
  if (!LOOPBACK.has(host) && !token)
    logger.warn(
      `Serving metrics on ${host} without a token: anyone who can reach it reads them. Set CREWSTREAM_TOKEN.`,
    );
  return serveMetrics({ metrics, host, port: options.metricsPort ?? 0, token });
}

/** Executes queued runs until a signal; answers the exit code. */
export async function workerCommand(options: WorkerCommandOptions): Promise<number> {
  const { url, prefix, stallMs, retentionMs } = redisSettings(options);
  const { RedisRunStore, RedisRateLimiter, RunWorker, redactUrl } =
    await import("../scale/index.js");
  const logger = createLogger({
    ...(options.logFormat === undefined ? {} : { format: options.logFormat }),
    ...(options.logLevel === undefined ? {} : { level: options.logLevel }),
  });
  const metrics = options.metricsPort === undefined ? undefined : new RunMetrics();
  // Listening first: a port in use fails the command before anything connects to Redis.
  const endpoint = metrics && (await metricsEndpoint(metrics, options, logger));
  const store = new RedisRunStore({
    url,
    ...(prefix === undefined ? {} : { prefix }),
    ...(retentionMs === undefined ? {} : { retentionMs }),
  });
  // Off unless the OTEL_* variables configure an export.
  const tracing = startTracing();
  const worker = new RunWorker({
    logger,
    observer: combineObservers(metrics?.observer, tracing?.tracer.observer, runLog(logger)),
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
  if (endpoint) process.stdout.write(`metrics at ${endpoint.url}\n`);
  await untilSignal();
  await endpoint?.close();
  await worker.close();
  await store.close();
  await tracing?.shutdown();
  return ExitCode.OK;
}
