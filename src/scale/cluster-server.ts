/**
 * `startClusterServer`: a crewstream server in front of workers. The same HTTP/WebSocket API as
 * `startServer`, but runs are queued in Redis for `crewstream worker` processes and every
 * event is read from the shared Redis store, so several such servers can sit behind one URL.
 */
import { RunMetrics, startTracing } from "../observe/index.js";
import { CrewCatalog } from "../crew/index.js";
import type { RunManagerOptions } from "../runs/index.js";
import { catalogRunners } from "../runs/index.js";
import {
  bindSettings,
  formatStartBanner,
  listen,
  type Logger,
  type ServerAppOptions,
} from "../server/index.js";
import { RedisRunStore } from "./redis-store.js";
import { DistributedRunManager } from "./distributed-run-manager.js";
import { redactUrl, redisGate } from "./redis-gate.js";
import { RunQueue } from "./run-queue.js";
import { DEFAULT_STALL_MS, startSweeper } from "./run-sweeper.js";

/** Options of {@link startClusterServer}. */
export interface ClusterServerOptions extends ServerAppOptions {
  /** Redis URL (`--redis`, `CREWSTREAM_REDIS_URL`). */
  redisUrl: string;
  /** Key prefix in Redis (default `cs:`). */
  prefix?: string;
  host?: string;
  /** Port (default 5757; 0 picks a free one). */
  port?: number;
  crewsDirs: string[];
  /** Accepted for symmetry with `serve`; workers apply `--model` when they execute runs. */
  model?: RunManagerOptions["model"];
  /** Time limit of runs started without `timeoutMs`, in ms (`--run-timeout`). */
  runTimeoutMs?: number;
  /** A run without a worker heartbeat for this long is interrupted (default 15 s). */
  stallMs?: number;
  /** How long finished runs are kept in Redis (default 7 days). */
  retentionMs?: number;
  logger?: Logger;
  /**
   * Receives the start banner (URL, model, crews, store, token) once listening; default: the
   * logger's `info`. The CLI prints it on stdout for people, apart from the logs.
   */
  announce?: (banner: string) => void;
  /** How long startup waits for Redis before serving anyway (with 503s until it is up; default 5 s). */
  readyTimeoutMs?: number;
  /**
   * `GET /metrics` (default on; `false` serves none): the cluster's queued and executing runs,
   * read from the shared queue at each scrape, and this server's open streams. Run outcomes,
   * events and model calls are counted where runs execute, in the workers, which serve them
   * with `crewstream worker --metrics-port`.
   */
  metrics?: boolean;
}

/** A running cluster server. */
export interface RunningClusterServer {
  url: string;
  port: number;
  runs: DistributedRunManager;
  store: RedisRunStore;
  /** Stops accepting, ends open streams (clients resume elsewhere), closes Redis connections. Runs go on in workers. */
  close(): Promise<void>;
}

/** Resolves when the store's connection is ready, or after `timeoutMs`. */
async function whenReady(store: RedisRunStore, timeoutMs: number): Promise<void> {
  if (store.redis.status === "ready") return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    store.redis.once("ready", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Starts the server and resolves once it listens (Redis need not be up yet: the API answers 503 until it is). */
export async function startClusterServer(
  options: ClusterServerOptions,
): Promise<RunningClusterServer> {
  const logger = options.logger ?? console;
  const { host, token } = bindSettings(options, logger);
  const stallMs = options.stallMs ?? DEFAULT_STALL_MS;
  const store = new RedisRunStore({
    url: options.redisUrl,
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
    ...(options.retentionMs === undefined ? {} : { retentionMs: options.retentionMs }),
  });
  await whenReady(store, options.readyTimeoutMs ?? 5000);
  const catalog = new CrewCatalog({ dirs: options.crewsDirs, watch: true });
  const queue = new RunQueue(store.connect(), store.keys.prefix);
  // Off unless the OTEL_* variables configure an export; a run's job carries the trace context.
  const tracing = startTracing();
  const runs = new DistributedRunManager({
    store,
    queue,
    ...(tracing ? { traceContext: tracing.tracer.queued } : {}),
    resolveRunner: catalogRunners(catalog),
    logger,
    ...(options.runTimeoutMs === undefined ? {} : { runTimeoutMs: options.runTimeoutMs }),
  });
  const sweeper = startSweeper(store, logger, Math.max(250, stallMs / 2));
  const metrics = options.metrics === false ? undefined : new RunMetrics();
  metrics?.readQueueWith(async () => {
    const [queued, active] = await Promise.all([queue.waiting(), queue.active()]);
    return { queued, active };
  });

  const listening = await listen({
    app: options,
    runs,
    catalog,
    logger,
    host,
    token,
    ...(metrics ? { metrics } : {}),
    wrapFetch: (fetch) => redisGate(store.redis, redactUrl(options.redisUrl), fetch),
    beforeClose: () => sweeper.stop(),
    afterClose: async () => {
      catalog.close();
      await store.close();
      await tracing?.shutdown();
    },
  });
  (options.announce ?? ((banner: string) => logger.info(banner)))(
    formatStartBanner({
      url: listening.url,
      crews: await catalog.list(),
      crewsDirs: catalog.dirs,
      store: { kind: "redis", url: redactUrl(options.redisUrl), prefix: store.keys.prefix },
      tokenRequired: token !== undefined,
    }),
  );
  return { ...listening, runs, store };
}
