/** What every route gets from `createApp`: the run manager, the catalog, limits and the log. */
import type { Context } from "hono";
import type { StoreHealthReport } from "../runs/index.js";
import type { RunQuota, StreamLimiter } from "./limits.js";
import type { Logger } from "./logger.js";
import type { RunService } from "../runs/index.js";
import type { CrewSource } from "./types.js";

/** Shared dependencies of the routes. */
export interface RouteDeps {
  runs: RunService;
  catalog: CrewSource;
  limiter: StreamLimiter;
  /** Caps the unfinished runs one client starts in the background. */
  runQuota: RunQuota;
  /** Identifies the client for the streams-per-client cap. */
  clientKey: (c: Context) => string;
  logger: Logger;
  version: string;
  /** Interval of SSE `: ping` comments. */
  pingMs: number;
  /**
   * True when middleware sets response headers (CORS) that a response written straight to the
   * Node response must copy; false spares each stream making Hono's response object for none.
   */
  middlewareHeaders?: boolean;
  /** The run store's write health, reported by `GET /api/health`. */
  storeHealth?: { report(): StoreHealthReport };
}
