/**
 * What the server needs from the crew catalog (the real implementation is `CrewCatalog` in
 * src/crew); a structural type keeps the routes honest about which of its methods they use.
 * The run service's contract is `RunService` in src/runs.
 */

/** One crew as `GET /api/crews` lists it. */
export interface CrewListing {
  name: string;
  default?: boolean;
  process: string;
  agents: Array<{ key: string; role: string }>;
  tasks: Array<{ key: string; agent?: string }>;
  inputs: string[];
  /** "crew" runs on the engine, "process" through the process bridge. */
  kind?: string;
  /** Why the crew cannot be loaded; listed so the problem is visible. */
  error?: { code: string; message: string };
}

/** The crew catalog's surface used by `GET /api/crews`. */
export interface CrewSource {
  list(): Promise<CrewListing[]>;
}
