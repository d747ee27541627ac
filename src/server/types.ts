/**
 * What the server needs from the parts below it. The real implementations are `RunManager`
 * (src/runs) and `CrewCatalog` (src/crew); these structural types keep the routes honest about
 * which of their methods they use.
 */
import type { CrewEvent, Inputs } from "../events/index.js";
import type { ListRunsOptions, RunPage, RunRecord } from "../store/index.js";

/** What happens to a run when the stream that started it closes. */
export type OnDisconnect = "continue" | "cancel";

/** The run manager's surface used by the HTTP and WebSocket routes. */
export interface RunService {
  start(request: { crew?: string; inputs: Inputs; source?: string; onDisconnect?: OnDisconnect }): Promise<RunRecord>;
  get(id: string): Promise<(RunRecord & { summary: unknown }) | undefined>;
  list(options: ListRunsOptions): Promise<RunPage>;
  cancel(id: string): Promise<RunRecord>;
  answer(id: string, requestId: string, text: string): Promise<void>;
  /** Checks the run and cursor (run_not_found, bad_cursor), then gives its events from the cursor. */
  openEvents(id: string, options?: { after?: number; signal?: AbortSignal }): Promise<AsyncIterable<CrewEvent>>;
  /** Counts a watcher of a live run until `release()`; see the run's onDisconnect policy. */
  watch(id: string): { release(): void };
  close(): Promise<void>;
}

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
