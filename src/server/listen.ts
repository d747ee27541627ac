/**
 * The Node side every crewstream server shares: the HTTP app on a server of its own, the
 * WebSocket endpoint on it, and an orderly shutdown. `startServer` (one process) and
 * `startClusterServer` (in front of workers) differ only in what they put behind it.
 */
import type { AddressInfo, Socket } from "node:net";
import type { IncomingMessage, Server } from "node:http";
import { serve } from "@hono/node-server";
import { createApp, remoteAddressKey } from "./app.js";
import type { AppOptions } from "./app.js";
import { isLoopbackBind, loopbackHostCheck, parseAllowedHosts } from "./host-check.js";
import {
  DEFAULT_MAX_RUNS_PER_CLIENT,
  DEFAULT_MAX_STREAMS_PER_CLIENT,
  RunQuota,
  StreamLimiter,
} from "./limits.js";
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

/** Default cap on the open connections of one client address. */
const DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 256;
/** Default cap on all open connections. */
const DEFAULT_MAX_CONNECTIONS = 4096;

/**
 * Bounds what idle or hostile clients can hold: connections per client address and in all
 * (past either, a new connection is closed at once), and the time to send request headers
 * (slow-header connections are cut instead of held for Node's default minute).
 */
function limitConnections(
  server: Server,
  options: Pick<
    ServerAppOptions,
    "maxConnectionsPerClient" | "maxConnections" | "headersTimeoutMs"
  >,
): void {
  const perClient = options.maxConnectionsPerClient ?? DEFAULT_MAX_CONNECTIONS_PER_CLIENT;
  const headersMs = options.headersTimeoutMs ?? 10_000;
  server.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  server.headersTimeout = headersMs;
  server.requestTimeout = Math.max(headersMs, 30_000);
  // Node's own headers timeout is only checked now and then; a new connection that has not
  // sent a whole request head in time is cut here (idle keep-alive ones by keepAliveTimeout).
  const firstRequest = new WeakMap<Socket, NodeJS.Timeout>();
  const served = (request: IncomingMessage): void => {
    clearTimeout(firstRequest.get(request.socket));
    firstRequest.delete(request.socket);
  };
  server.on("request", served);
  server.on("upgrade", served);
  const open = new Map<string, number>();
  server.on("connection", (socket: Socket) => {
    const client = socket.remoteAddress ?? "unknown";
    const count = (open.get(client) ?? 0) + 1;
    if (count > perClient) {
      socket.destroy();
      return;
    }
    open.set(client, count);
    firstRequest.set(socket, setTimeout(() => socket.destroy(), headersMs).unref());
    socket.once("close", () => {
      clearTimeout(firstRequest.get(socket));
      const left = (open.get(client) ?? 1) - 1;
      if (left <= 0) open.delete(client);
      else open.set(client, left);
    });
  });
}

/** A fetch handler; under Node it gets @hono/node-server's `{ incoming, outgoing }` as env. */
export type FetchHandler = (request: Request, env?: unknown) => Response | Promise<Response>;

/** What a server's own options pass on to the app, and the port. */
export type ServerAppOptions = Omit<
  AppOptions,
  "runs" | "catalog" | "limiter" | "runQuota" | "logger" | "hostCheck" | "metrics"
> & {
  /** Open connections one client address may hold (default 256); more are closed at once. */
  maxConnectionsPerClient?: number;
  /** Open connections in all (default 4096); more are closed at once. */
  maxConnections?: number;
  /** How long a client may take to send a request's headers (default 10 s). */
  headersTimeoutMs?: number;
  /** Port (default 5757; 0 picks a free one). */
  port?: number;
  /**
   * Names besides loopback that a loopback-bound server answers for in `Host` (`name` or
   * `name:port`); default from `CREWSTREAM_ALLOWED_HOSTS`.
   */
  allowedHosts?: readonly string[];
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
  const runQuota = new RunQuota(options.app.maxRunsPerClient ?? DEFAULT_MAX_RUNS_PER_CLIENT);
  // Read on each request: the port is known only once listening (port 0 picks one).
  let boundPort = -1;
  const hostCheck = isLoopbackBind(options.host)
    ? loopbackHostCheck(
        () => boundPort,
        options.app.allowedHosts ?? parseAllowedHosts(process.env.CREWSTREAM_ALLOWED_HOSTS),
      )
    : undefined;
  const app = createApp({
    ...options.app,
    ...(hostCheck ? { hostCheck } : {}),
    runs,
    catalog: options.catalog,
    limiter,
    runQuota,
    logger,
    clientKey: options.app.clientKey ?? remoteAddressKey,
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(token ? { token } : {}),
  });
  const fetch = options.wrapFetch ? options.wrapFetch(app.fetch) : app.fetch;

  const server = await new Promise<Server>((resolve, reject) => {
    const listening = serve(
      {
        fetch,
        hostname: options.host,
        port: options.app.port ?? 5757,
      },
      () => resolve(listening as Server),
    );
    listening.once("error", reject);
  });
  limitConnections(server, options.app);
  const ws = attachWebSocket(server, {
    runs,
    logger,
    limiter,
    runQuota,
    allowedOrigins: options.app.corsOrigins ?? [],
    ...(hostCheck ? { hostCheck } : {}),
    ...(token ? { token } : {}),
  });
  const address = server.address() as AddressInfo;
  boundPort = address.port;
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
