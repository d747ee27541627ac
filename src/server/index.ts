/** The crewstream server (`crewstream/server`): the Hono app and the Node server around it. */
export {
  createApp,
  crewstreamVersion,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_WEB_ROOT,
  type AppOptions,
} from "./app.js";
export { startServer, type RunningServer, type StartServerOptions } from "./start-server.js";
export { catalogRunners } from "./catalog-runners.js";
export { StreamLimiter, DEFAULT_MAX_STREAMS_PER_CLIENT } from "./limits.js";
export { tokenMatches } from "./auth.js";
export {
  attachWebSocket,
  WS_PATH,
  type WebSocketEndpoint,
  type WebSocketEndpointOptions,
} from "./ws-endpoint.js";
export { WsSession, CLOSE_TOO_SLOW, type WsSessionOptions } from "./ws-session.js";
export type { Logger } from "./logger.js";
export type { CrewSource, CrewListing, RunService, OnDisconnect } from "./types.js";
