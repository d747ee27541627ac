/**
 * `crewstream/server`: the crewstream HTTP API as a Web-standard fetch handler (`createApp`),
 * the Node server around it (`startServer`), and what a host app (e.g. a Next.js route file)
 * needs to build the app itself: a run service, a crew catalog and a store.
 */
export {
  createApp,
  crewstreamVersion,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_WEB_ROOT,
  type AppOptions,
} from "./app.js";
export { startServer, type RunningServer, type StartServerOptions } from "./start-server.js";
export { silentLogger, type Logger } from "./logger.js";
export type { CrewSource } from "./types.js";
export {
  RunManager,
  catalogRunners,
  type RunService,
  type RunManagerOptions,
  type RunnerForCrewOptions,
  type OnDisconnect,
} from "../runs/index.js";
export { MemoryRunStore, SqliteRunStore, DEFAULT_DB_PATH, type RunStore } from "../store/index.js";
export { CrewCatalog, type CrewCatalogOptions } from "../crew/index.js";
