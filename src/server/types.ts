/**
 * What the server needs from the parts below it. The real implementations are `RunManager`
 * (src/runs) and `CrewCatalog` (src/crew); these structural types keep the routes honest about
 * which of their methods they use.
 */
import type { CrewListing } from "../events/index.js";
import type { RunManager } from "../runs/index.js";

/** What happens to a run when the stream that started it closes. */
export type OnDisconnect = "continue" | "cancel";

/**
 * The run manager's surface used by the HTTP and WebSocket routes: the real {@link RunManager}
 * (or anything with the same methods, e.g. a manager in front of several workers).
 */
export type RunService = Pick<
  RunManager,
  | "start"
  | "get"
  | "list"
  | "cancel"
  | "answer"
  | "openEvents"
  | "openEventBatches"
  | "watch"
  | "close"
>;

/** The crew catalog's surface used by `GET /api/crews`. */
export interface CrewSource {
  list(): Promise<CrewListing[]>;
}
