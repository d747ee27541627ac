/**
 * The WebSocket endpoint `/api/ws` on a Node HTTP server: upgrades authenticated requests
 * (token from `Authorization: Bearer` or `?token=`), refuses frames over 1 MB, and hands each
 * socket to a {@link WsSession}.
 */
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import type { WebSocket } from "ws";
import { CrewError, ErrorCode, HTTP_STATUS } from "../events/index.js";
import { MAX_WS_FRAME_BYTES } from "../transport/index.js";
import { bearerToken, tokenMatches } from "./auth.js";
import { HOST_REFUSED_STATUS, hostRefusal } from "./host-check.js";
import type { HostCheck } from "./host-check.js";
import type { RunQuota, StreamLimiter } from "./limits.js";
import type { Logger } from "./logger.js";
import type { RunService } from "../runs/index.js";
import { WsSession } from "./ws-session.js";
import type { WsSessionOptions } from "./ws-session.js";

/** Path of the WebSocket endpoint. */
export const WS_PATH = "/api/ws";

/** Options of {@link attachWebSocket}. */
export interface WebSocketEndpointOptions extends WsSessionOptions {
  runs: RunService;
  logger: Logger;
  /** Stream slots: one for the socket, one for each run it watches. */
  limiter: StreamLimiter;
  /** Caps the unfinished runs one client starts (`start` messages). */
  runQuota?: RunQuota;
  token?: string;
  /** Upgrades whose `Host` fails this check are refused with 421, as HTTP requests are. */
  hostCheck?: HostCheck;
  /** Origins besides the server's own whose pages may open sockets (the CORS allowlist). */
  allowedOrigins?: readonly string[];
  /** Interval of pings; a socket that misses one is closed (default 30 s). */
  heartbeatMs?: number;
  /** Largest accepted frame (default 1 MB). */
  maxPayload?: number;
}

/** The running endpoint. */
export interface WebSocketEndpoint {
  /** Closes every socket (code 1001) and stops accepting upgrades. */
  close(): Promise<void>;
}

function refuse(socket: Duplex, error: CrewError, status = HTTP_STATUS[error.code]): void {
  const body = JSON.stringify({ error: error.toInfo() });
  socket.end(
    `HTTP/1.1 ${status} ${error.code}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/**
 * Browsers let any page open a WebSocket to any host, so a page from another site could drive a
 * local server (cross-site WebSocket hijacking). Pages may connect only from the server's own
 * origin or an allowed one; clients that send no Origin (CLI, Node) are not browsers and pass.
 */
function originAllowed(request: IncomingMessage, allowed: readonly string[]): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  if (allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

/** Serves `/api/ws` on `server`'s `upgrade` event. */
export function attachWebSocket(
  server: Server,
  options: WebSocketEndpointOptions,
): WebSocketEndpoint {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayload ?? MAX_WS_FRAME_BYTES,
  });

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(request.url ?? "/", "http://localhost");
    if (url.pathname !== WS_PATH) {
      refuse(
        socket,
        new CrewError(ErrorCode.BAD_REQUEST, `WebSocket connections go to ${WS_PATH}.`),
      );
      return;
    }
    if (options.hostCheck && !options.hostCheck(request.headers.host)) {
      refuse(
        socket,
        new CrewError(ErrorCode.BAD_REQUEST, hostRefusal(request.headers.host)),
        HOST_REFUSED_STATUS,
      );
      return;
    }
    if (!originAllowed(request, options.allowedOrigins ?? [])) {
      refuse(
        socket,
        new CrewError(
          ErrorCode.UNAUTHORIZED,
          "WebSocket connections from this origin are not allowed; add it to the CORS origins.",
        ),
      );
      return;
    }
    if (options.token !== undefined) {
      const provided = bearerToken(request.headers.authorization) ?? url.searchParams.get("token");
      if (!tokenMatches(options.token, provided)) {
        refuse(
          socket,
          new CrewError(
            ErrorCode.UNAUTHORIZED,
            "This server needs a token: send Authorization: Bearer <token> or ?token=.",
          ),
        );
        return;
      }
    }
    const client = request.socket.remoteAddress ?? "unknown";
    let release: () => void;
    try {
      release = options.limiter.acquire(client);
    } catch (error) {
      refuse(socket, error as CrewError);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      wss.emit("connection", ws, request);
      serveSocket(ws, options, client, release);
    });
  };

  // Peers that vanish without closing (a dropped network) never send a close frame: ping every
  // interval and end sockets that did not answer the previous ping, releasing their watches.
  const alive = new WeakSet<WebSocket>();
  const heartbeat = setInterval(() => {
    for (const client of wss.clients) {
      if (!alive.has(client)) {
        client.terminate();
        continue;
      }
      alive.delete(client);
      client.ping();
    }
  }, options.heartbeatMs ?? 30_000);
  heartbeat.unref();
  wss.on("connection", (ws: WebSocket) => {
    alive.add(ws);
    ws.on("pong", () => alive.add(ws));
  });

  server.on("upgrade", onUpgrade);
  return {
    close: async () => {
      clearInterval(heartbeat);
      server.off("upgrade", onUpgrade);
      for (const client of wss.clients) client.close(1001, "server shutting down");
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      for (const client of wss.clients) client.terminate();
    },
  };
}

function serveSocket(
  ws: WebSocket,
  options: WebSocketEndpointOptions,
  client: string,
  release: () => void,
): void {
  const session = new WsSession(
    ws,
    {
      runs: options.runs,
      logger: options.logger,
      limits: {
        client,
        streams: options.limiter,
        ...(options.runQuota ? { runs: options.runQuota } : {}),
      },
    },
    options,
  );
  ws.on("message", (data, isBinary) => {
    if (isBinary) {
      ws.send(
        JSON.stringify({
          type: "error",
          code: ErrorCode.BAD_REQUEST,
          message: "Send text frames of JSON, not binary.",
        }),
      );
      return;
    }
    const text = Array.isArray(data)
      ? Buffer.concat(data).toString("utf8")
      : Buffer.from(data as ArrayBuffer).toString("utf8");
    void session.handle(text);
  });
  ws.on("error", (error) => {
    // Oversized frames and protocol violations land here; ws closes the socket itself.
    options.logger.warn(`WebSocket error: ${error.message}`);
  });
  ws.on("close", () => {
    session.close();
    release();
  });
}
