/**
 * What the server needs from the crew catalog (the real implementation is `CrewCatalog` in
 * src/crew); a structural type keeps the routes honest about which of its methods they use.
 * The run service's contract is `RunService` in src/runs.
 */
import type { CrewListing } from "../events/index.js";

/** The crew catalog's surface used by `GET /api/crews`. */
export interface CrewSource {
  list(): Promise<CrewListing[]>;
}
