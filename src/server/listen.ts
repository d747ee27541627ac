/**
 * The Node side every crewstream server shares: an HTTP server for a fetch handler, the
 * WebSocket endpoint on it, and an orderly shutdown. `startServer` (one process) and
 * `startClusterServer` (in front of workers) differ only in what they put behind it.
 */
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import type { StreamLimiter } from "./limits.js";
import type { Logger } from "./logger.js";
import type { RunService } from "./types.js";
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

/** Options of {@link listen}. */
export interface ListenOptions {
  /** The app's fetch handler (it gets @hono/node-server's `{ incoming, outgoing }` as env). */
  fetch: (request: Request, env?: unknown) => Response | Promise<Response>;
  host: string;
  port: number;
  runs: RunService;
  logger: Logger;
  /** Stream slots shared by the HTTP app and the WebSocket endpoint. */
  limiter: StreamLimiter;
  token?: string;
  /** Origins besides the server's own whose pages may open sockets (the CORS allowlist). */
  allowedOrigins: readonly string[];
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

/** Serves `fetch` and the WebSocket endpoint on `host:port`; resolves once listening. */
export async function listen(options: ListenOptions): Promise<Listening> {
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = serve(
      { fetch: options.fetch, hostname: options.host, port: options.port },
      () => resolve(listening as Server),
    );
    listening.once("error", reject);
  });
  const ws = attachWebSocket(server, {
    runs: options.runs,
    logger: options.logger,
    limiter: options.limiter,
    allowedOrigins: options.allowedOrigins,
    ...(options.token ? { token: options.token } : {}),
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
      await options.runs.close();
      await ws.close();
      server.closeAllConnections();
      await closed;
      await options.afterClose();
    })());

  return { url: `http://${urlHost}:${address.port}`, port: address.port, close };
}
