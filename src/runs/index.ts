/** Runs: start, queue, cancel, watch and resume them. */
export {
  RunManager,
  type RunDetails,
  type RunEventsOptions,
  type RunManagerOptions,
  type StartRunRequest,
} from "./run-manager.js";
export type { RunLogger, RunWatch } from "./run.js";
export {
  crewRunner,
  type CrewRunner,
  type CrewRunnerInfo,
  type ResolveRunner,
} from "./crew-runner.js";
export { recoverRuns } from "./recover-runs.js";
export { replayEventBatches, replayEvents } from "./replay-events.js";
export { catalogRunnerResolver, type CatalogRunnerOptions } from "./catalog-runner.js";
export { endRun } from "./end-run.js";
export { checkCursor } from "./check-cursor.js";
export { StoreHealth, type StoreHealthOptions, type StoreHealthReport } from "./store-health.js";
