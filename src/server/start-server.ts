/**
 * `startServer`: the whole server on Node. Wires the run store (SQLite by default), the run
 * manager (recovering runs a dead process left unfinished), the crew catalog, the HTTP app, and
 * the WebSocket endpoint, and shuts them down in order.
 */
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import { CrewCatalog } from "../crew/index.js";
import { RunManager } from "../runs/index.js";
import type { RunManagerOptions } from "../runs/index.js";
import { DEFAULT_DB_PATH, MemoryRunStore, SqliteRunStore } from "../store/index.js";
import type { RunStore } from "../store/index.js";
import { createApp, remoteAddressKey } from "./app.js";
import type { AppOptions } from "./app.js";
import { DEFAULT_MAX_STREAMS_PER_CLIENT, StreamLimiter } from "./limits.js";
import type { Logger } from "./logger.js";
import { catalogRunners } from "./catalog-runners.js";
import { attachWebSocket } from "./ws-endpoint.js";

/** Options of {@link startServer}. */
export interface StartServerOptions extends Omit<
  AppOptions,
  "runs" | "catalog" | "limiter" | "logger"
> {
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
  /** Most runs executing at once; the rest queue. */
  maxConcurrentRuns?: number;
  logger?: Logger;
  /** A store to use instead of the one `db`/`persist` would open (it is closed on shutdown). */
  store?: RunStore;
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

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

/** Starts the server and resolves once it listens. */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const logger = options.logger ?? console;
  const host = options.host ?? "127.0.0.1";
  const token = options.token ?? process.env.CREWSTREAM_TOKEN;
  if (!LOOPBACK.has(host) && !token) {
    logger.warn(
      `Binding ${host} without a token: anyone who can reach this address can start runs. Set CREWSTREAM_TOKEN.`,
    );
  }
  const store =
    options.store ??
    (options.persist === false
      ? new MemoryRunStore()
      : new SqliteRunStore({ path: options.db ?? DEFAULT_DB_PATH }));
  const catalog = new CrewCatalog({ dirs: options.crewsDirs });
  const runs = new RunManager({
    store,
    resolveRunner: catalogRunners(catalog),
    logger,
    ...(options.model === undefined ? {} : { model: options.model }),
    ...(options.maxConcurrentRuns === undefined
      ? {}
      : { maxConcurrentRuns: options.maxConcurrentRuns }),
  });
  await runs.recover();

  const limiter = new StreamLimiter(options.maxStreamsPerClient ?? DEFAULT_MAX_STREAMS_PER_CLIENT);
  const app = createApp({
    ...options,
    runs,
    catalog,
    limiter,
    logger,
    clientKey: options.clientKey ?? remoteAddressKey,
    ...(token ? { token } : {}),
  });

  const server = await new Promise<Server>((resolve, reject) => {
    const listening = serve({ fetch: app.fetch, hostname: host, port: options.port ?? 5757 }, () =>
      resolve(listening as Server),
    );
    listening.once("error", reject);
  });
  const ws = attachWebSocket(server, {
    runs,
    logger,
    limiter,
    allowedOrigins: options.corsOrigins ?? [],
    ...(token ? { token } : {}),
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === "IPv6" ? `[${address.address}]` : address.address;

  let closing: Promise<void> | undefined;
  // Stop listening first; then cancel runs so open streams end with their run.end; then cut
  // what is left (sockets, idle keep-alive connections) and close the store.
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await runs.close();
      await ws.close();
      server.closeAllConnections();
      await closed;
      await store.close();
    })());

  return { url: `http://${urlHost}:${address.port}`, port: address.port, runs, close };
}
