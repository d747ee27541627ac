/**
 * The Node side every crewstream server shares: the HTTP app on a server of its own, the
 * WebSocket endpoint on it, and an orderly shutdown. `startServer` (one process) and
 * `startClusterServer` (in front of workers) differ only in what they put behind it.
 */
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import { createApp, remoteAddressKey } from "./app.js";
import type { AppOptions } from "./app.js";
import { DEFAULT_MAX_STREAMS_PER_CLIENT, StreamLimiter } from "./limits.js";
import type { Logger } from "./logger.js";
import type { RunService } from "../runs/index.js";
import type { CrewSource } from "./types.js";
import { attachWebSocket } from "./ws-endpoint.js";

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

/**
 * The interface to bind (default 127.0.0.1) and the API token (option, else
 * `CREWSTREAM_TOKEN`); warns when the server would be reachable from elsewhere without one.
 */
export function bindSettings(
  options: { host?: string; token?: string },
  logger: Logger,
): { host: string; token: string | undefined } {
  const host = options.host ?? "127.0.0.1";
  const token = options.token ?? process.env.CREWSTREAM_TOKEN;
  if (!LOOPBACK.has(host) && !token) {
    logger.warn(
      `Binding ${host} without a token: anyone who can reach this address can start runs. Set CREWSTREAM_TOKEN.`,
    );
  }
  return { host, token: token || undefined };
}

/** A fetch handler; under Node it gets @hono/node-server's `{ incoming, outgoing }` as env. */
export type FetchHandler = (request: Request, env?: unknown) => Response | Promise<Response>;

/** What a server's own options pass on to the app, and the port. */
export type ServerAppOptions = Omit<
  AppOptions,
  "runs" | "catalog" | "limiter" | "logger" | "metrics"
> & {
  /** Port (default 5757; 0 picks a free one). */
  port?: number;
};

/** Options of {@link listen}. */
export interface ListenOptions {
  /** The server's options; everything in them goes on to {@link createApp}. */
  app: ServerAppOptions;
  runs: RunService;
  catalog: CrewSource;
  logger: Logger;
  /** From {@link bindSettings}. */
  host: string;
  token: string | undefined;
  /** Served at `GET /metrics`; none without. */
  metrics?: AppOptions["metrics"];
  /** Wraps the app's fetch handler (e.g. to answer 503 while the store is unreachable). */
  wrapFetch?: (fetch: FetchHandler) => FetchHandler;
  /** Called first on close (stop background work). */
  beforeClose?: () => void;
  /** Called last on close, once no request is served any more (close the store). */
  afterClose: () => Promise<void>;
}

/** A listening server. */
export interface Listening {
  url: string;
  port: number;
  /** Stops listening, cancels or detaches runs, closes sockets, then `afterClose`. Idempotent. */
  close(): Promise<void>;
}

/**
 * Builds the app for `runs` and `catalog` and serves it, with the WebSocket endpoint sharing its
 * stream slots, on `host` and the app options' port; resolves once listening.
 */
export async function listen(options: ListenOptions): Promise<Listening> {
  const { runs, logger, token } = options;
  const limiter = new StreamLimiter(
    options.app.maxStreamsPerClient ?? DEFAULT_MAX_STREAMS_PER_CLIENT,
  );
  const app = createApp({
    ...options.app,
    runs,
    catalog: options.catalog,
    limiter,
    logger,
    clientKey: options.app.clientKey ?? remoteAddressKey,
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(token ? { token } : {}),
  });
  const fetch = options.wrapFetch ? options.wrapFetch(app.fetch) : app.fetch;

  const server = await new Promise<Server>((resolve, reject) => {
    const listening = serve({ fetch, hostname: options.host, port: options.app.port ?? 5757 }, () =>
      resolve(listening as Server),
    );
    listening.once("error", reject);
  });
  const ws = attachWebSocket(server, {
    runs,
    logger,
    limiter,
    allowedOrigins: options.app.corsOrigins ?? [],
    ...(token ? { token } : {}),
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === "IPv6" ? `[${address.address}]` : address.address;

  let closing: Promise<void> | undefined;
  // Stop listening first; then end runs' streams (the manager decides how); then cut what is
  // left (sockets, idle keep-alive connections) and let the caller close the store.
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      options.beforeClose?.();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await runs.close();
      await ws.close();
      server.closeAllConnections();
      await closed;
      await options.afterClose();
    })());

  return { url: `http://${urlHost}:${address.port}`, port: address.port, close };
}
