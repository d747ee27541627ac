/** The server: the Hono app, its routes and the Node listener. The package entry `crewstream/server` is `public.ts`. */
export {
  createApp,
  crewstreamVersion,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_WEB_ROOT,
  type AppOptions,
} from "./app.js";
export { startServer, type RunningServer, type StartServerOptions } from "./start-server.js";
export { serveMetrics, type MetricsEndpoint, type ServeMetricsOptions } from "./serve-metrics.js";
export { StreamLimiter, DEFAULT_MAX_STREAMS_PER_CLIENT } from "./limits.js";
export { tokenMatches } from "./auth.js";
export { loopbackHostCheck, parseAllowedHosts, type HostCheck } from "./host-check.js";
export {
  attachWebSocket,
  WS_PATH,
  type WebSocketEndpoint,
  type WebSocketEndpointOptions,
} from "./ws-endpoint.js";
export { WsSession, CLOSE_TOO_SLOW, type WsSessionOptions } from "./ws-session.js";
export type { Logger } from "./logger.js";
export type { CrewSource } from "./types.js";
export type { RunService, OnDisconnect } from "../runs/index.js";
export {
  bindSettings,
  listen,
  type FetchHandler,
  type Listening,
  type ListenOptions,
  type ServerAppOptions,
} from "./listen.js";
export { errorResponse } from "./errors.js";
export { formatStartBanner, type BannerStore, type StartBannerInfo } from "./start-banner.js";
export { silentLogger } from "./logger.js";
// What a host app (e.g. a Next.js route file) needs to build the app itself.
export {
  RunManager,
  catalogRunners,
  type RunManagerOptions,
  type RunnerForCrewOptions,
} from "../runs/index.js";
export { MemoryRunStore, SqliteRunStore, DEFAULT_DB_PATH } from "../store/index.js";
export { CrewCatalog } from "../crew/index.js";
