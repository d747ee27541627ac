/**
 * `startServer`: the whole server on Node. Wires the run store (SQLite by default), the run
 * manager (recovering runs a dead process left unfinished), the crew catalog, the HTTP app, and
 * the WebSocket endpoint, and shuts them down in order.
 */
import { resolve } from "node:path";
import { CrewCatalog } from "../crew/index.js";
import { RunMetrics, runLog, startTracing } from "../observe/index.js";
import { catalogRunners, combineObservers, RunManager, StoreHealth } from "../runs/index.js";
import type { RunManagerOptions, StoreHealthOptions } from "../runs/index.js";
import { DEFAULT_DB_PATH, MemoryRunStore, SqliteRunStore } from "../store/index.js";
import type { RunStore } from "../store/index.js";
import type { Logger } from "./logger.js";
import { bindSettings, listen } from "./listen.js";
import { formatStartBanner } from "./start-banner.js";
import type { ServerAppOptions } from "./listen.js";

/**
 * Runs a server executes at once by default. A run mostly waits for its model, and costs a few
 * percent of a core while it streams, so one machine carries this many with room to spare.
 */
const DEFAULT_SERVE_MAX_RUNS = 16;

/** Options of {@link startServer}. */
export interface StartServerOptions extends ServerAppOptions {
  /** Interface to bind (default 127.0.0.1). Binding elsewhere without a token logs a warning. */
  host?: string;
  /** Port (default 5757; 0 picks a free one). */
  port?: number;
  /** SQLite database file (default `.crewstream/crewstream.db`). */
  db?: string;
  /** Keep runs in SQLite (default true); false keeps them in memory only. */
  persist?: boolean;
  /** Folders whose subfolders are crews. */
  crewsDirs: string[];
  /** Overrides every agent's model ("provider/model" or `offline`). */
  model?: RunManagerOptions["model"];
  /** Most runs executing at once; the rest queue (default {@link DEFAULT_SERVE_MAX_RUNS}). */
  maxConcurrentRuns?: number;
  /** Time limit of runs started without `timeoutMs`, in ms (`--run-timeout`). */
  runTimeoutMs?: number;
  logger?: Logger;
  /**
   * Receives the start banner (URL, model, crews, store, token) once listening; default: the
   * logger's `info`. The CLI prints it on stdout for people, apart from the logs.
   */
  announce?: (banner: string) => void;
  /** A store to use instead of the one `db`/`persist` would open (it is closed on shutdown). */
  store?: RunStore;
  /** Backoff of writing a run's end after the store failed a write (default 100 ms to 2 s). */
  storeRetry?: StoreHealthOptions;
  /** `GET /metrics` (default on); `false` serves none. */
  metrics?: boolean;
}

/** A running server. */
export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:5757`. */
  url: string;
  port: number;
  /** The run manager, for embedding (e.g. the CLI printing runs). */
  runs: RunManager;
  /** Stops accepting, closes sockets and streams, ends the run manager, closes the store. */
  close(): Promise<void>;
}

/** Starts the server and resolves once it listens. */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const logger = options.logger ?? console;
  const { host, token } = bindSettings(options, logger);
  const store =
    options.store ??
    (options.persist === false
      ? new MemoryRunStore()
      : new SqliteRunStore({ path: options.db ?? DEFAULT_DB_PATH, lock: true }));
  // Crews are read once and watched, so starting a run reads no file.
  const catalog = new CrewCatalog({ dirs: options.crewsDirs, watch: true });
  const storeHealth = new StoreHealth(options.storeRetry);
  const metrics = options.metrics === false ? undefined : new RunMetrics();
  // Off (no provider, no observer) unless the OTEL_* variables configure an export.
  const tracing = startTracing();
  const runs = new RunManager({
    observer: combineObservers(metrics?.observer, tracing?.tracer.observer, runLog(logger)),
    store,
    storeHealth,
    resolveRunner: catalogRunners(catalog),
    logger,
    // Long-term memory lives in the embedded store's file.
    ...(store instanceof SqliteRunStore ? { memory: store.memory } : {}),
    ...(options.model === undefined ? {} : { model: options.model }),
    maxConcurrentRuns: options.maxConcurrentRuns ?? DEFAULT_SERVE_MAX_RUNS,
    ...(options.runTimeoutMs === undefined ? {} : { runTimeoutMs: options.runTimeoutMs }),
  });
  await runs.recover();

  const listening = await listen({
    app: { ...options, storeHealth },
    ...(metrics ? { metrics } : {}),
    runs,
    catalog,
    logger,
    host,
    token,
    afterClose: async () => {
      catalog.close();
      storeHealth.close();
      await store.close();
      await tracing?.shutdown();
    },
  });
  (options.announce ?? ((banner: string) => logger.info(banner)))(
    formatStartBanner({
      url: listening.url,
      model: options.model,
      crews: await catalog.list(),
      crewsDirs: catalog.dirs,
      store: options.store
        ? { kind: "custom" }
        : options.persist === false
          ? { kind: "memory" }
          : { kind: "sqlite", path: resolve(options.db ?? DEFAULT_DB_PATH) },
      tokenRequired: token !== undefined,
    }),
  );
  return { ...listening, runs };
}
