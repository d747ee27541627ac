/**
 * The crewstream HTTP app: a Hono app whose `fetch` is a Web-standard handler, so the same
 * routes run under `crewstream serve` on Node and inside a Next.js route file.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Hono } from "hono";
import type { Context } from "hono";
import { cors } from "hono/cors";
import { DEFAULT_PING_MS, streamTurns } from "../transport/index.js";
import { requireToken } from "./auth.js";
import type { RouteDeps } from "./deps.js";
import { createErrorHandler, notFoundHandler } from "./errors.js";
import { requireHost } from "./host-check.js";
import { limitRequestBody } from "./request-body.js";
import type { HostCheck } from "./host-check.js";
import {
  DEFAULT_MAX_RUNS_PER_CLIENT,
  DEFAULT_MAX_STREAMS_PER_CLIENT,
  RunQuota,
  StreamLimiter,
} from "./limits.js";
import type { Logger } from "./logger.js";
import { unmatchedRoute } from "./method-check.js";
import { chatRoutes } from "./routes/chat.js";
import { crewStreamRoutes } from "./routes/crew-stream.js";
import { crewsRoutes } from "./routes/crews.js";
import { healthRoutes } from "./routes/health.js";
import { metricsRoutes } from "./routes/metrics.js";
import type { RunMetrics } from "../observe/index.js";
import { runEventsRoutes } from "./routes/run-events.js";
import { runFilesRoutes } from "./routes/run-files.js";
import { runsRoutes } from "./routes/runs.js";
import { threadsRoutes } from "./routes/threads.js";
import { webUiRoutes } from "./routes/web-ui.js";
import type { RunService } from "../runs/index.js";
import type { CrewSource } from "./types.js";

/** Default limit of a request body: 1 MB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** The built web UI shipped in the package. */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL("../../web/dist", import.meta.url));

/** Options of {@link createApp}. */
export interface AppOptions {
  /** Starts, lists, streams, cancels and answers runs. */
  runs: RunService;
  /** The crews that can run. */
  catalog: CrewSource;
  /** With a token, every `/api` request needs `Authorization: Bearer <token>`. */
  token?: string;
  /** Largest accepted request body (default 1 MB); larger ones are answered 413. */
  maxBodyBytes?: number;
  /** Concurrent event streams one client may hold (default 16); more are answered 429. */
  maxStreamsPerClient?: number;
  /** Origins allowed by CORS; none by default (same-origin only). */
  corsOrigins?: readonly string[];
  /**
   * Requests whose `Host` header fails this check are answered 421 (DNS rebinding); `listen`
   * sets it for servers bound to loopback. None by default (any `Host`, e.g. under Next.js).
   */
  hostCheck?: HostCheck;
  /** The run store's write health; `GET /api/health` answers 503 while it is degraded. */
  storeHealth?: RouteDeps["storeHealth"];
  /** Where internal errors are logged (default `console`). */
  logger?: Logger;
  /** Reported by `GET /api/health` (default: the package's version). */
  version?: string;
  /** Folder of the built web UI served at `/` (default `<package>/web/dist`); `false` serves none. */
  webRoot?: string | false;
  /** Interval of SSE `: ping` comments (default 15 s). */
  pingMs?: number;
  /** Identifies a client for the streams cap (default: the remote address, under Node). */
  clientKey?: (c: Context) => string;
  /** Shares stream slots with other endpoints (the WebSocket server); one is made otherwise. */
  limiter?: StreamLimiter;
  /** Unfinished runs one client may start in the background (default 100); more are 429. */
  maxRunsPerClient?: number;
  /** Shares run slots with other endpoints (the WebSocket server); one is made otherwise. */
  runQuota?: RunQuota;
  /** Served at `GET /metrics` (same token as `/api`); none without. */
  metrics?: RunMetrics;
}

let packageVersion: string | undefined;
/** The version in the package's package.json. */
export function crewstreamVersion(): string {
  packageVersion ??= (
    JSON.parse(
      readFileSync(fileURLToPath(new URL("../../package.json", import.meta.url)), "utf8"),
    ) as { version: string }
  ).version;
  return packageVersion;
}

/** The remote address under @hono/node-server, or one shared key elsewhere. */
export function remoteAddressKey(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? "unknown";
}

/** Builds the app. Its `fetch` is a Web-standard `(Request) => Promise<Response>` handler. */
export function createApp(options: AppOptions): Hono {
  const logger = options.logger ?? console;
  const deps: RouteDeps = {
    runs: options.runs,
    catalog: options.catalog,
    limiter:
      options.limiter ??
      new StreamLimiter(options.maxStreamsPerClient ?? DEFAULT_MAX_STREAMS_PER_CLIENT),
    runQuota:
      options.runQuota ?? new RunQuota(options.maxRunsPerClient ?? DEFAULT_MAX_RUNS_PER_CLIENT),
    clientKey: options.clientKey ?? remoteAddressKey,
    logger,
    version: options.version ?? crewstreamVersion(),
    pingMs: options.pingMs ?? DEFAULT_PING_MS,
    middlewareHeaders: (options.corsOrigins?.length ?? 0) > 0,
    ...(options.storeHealth ? { storeHealth: options.storeHealth } : {}),
  };
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  const app = new Hono();
  app.onError(createErrorHandler(logger));
  app.notFound(notFoundHandler);
  // Event streams catching up give way while requests arrive (see StreamTurns).
  app.use("*", (_c, next) => {
    streamTurns.requestArrived();
    return next();
  });
  if (options.hostCheck) app.use("*", requireHost(options.hostCheck));

  if (options.corsOrigins && options.corsOrigins.length > 0) {
    app.use(
      "/api/*",
      cors({
        origin: [...options.corsOrigins],
        allowMethods: ["GET", "POST", "OPTIONS"],
        allowHeaders: ["authorization", "content-type", "last-event-id", "accept"],
        exposeHeaders: ["x-run-id"],
        maxAge: 600,
      }),
    );
  }
  if (options.token) app.use("/api/*", requireToken(options.token));
  const limitBody = limitRequestBody(maxBodyBytes);
  // GET and HEAD carry no body. Looking for one would make @hono/node-server build a full
  // web Request for every event stream, kept for the connection's whole life.
  app.use("/api/*", (c, next) =>
    c.req.method === "GET" || c.req.method === "HEAD" ? next() : limitBody(c, next),
  );

  for (const routes of [
    healthRoutes,
    crewsRoutes,
    crewStreamRoutes,
    runsRoutes,
    runEventsRoutes,
    runFilesRoutes,
    chatRoutes,
    threadsRoutes,
  ]) {
    app.route("/api", routes(deps));
  }
  app.all("/api/*", unmatchedRoute(app, "/api/"));
  if (options.metrics)
    app.route("/", metricsRoutes(options.metrics, { limiter: deps.limiter, token: options.token }));

  const webRoot = options.webRoot ?? DEFAULT_WEB_ROOT;
  if (webRoot !== false) app.route("/", webUiRoutes(webRoot));
  return app;
}
