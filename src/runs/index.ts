/** Runs: start, queue, cancel, watch and resume them. */
export type { OnDisconnect, RunEventsOptions, RunService, StartRunRequest } from "./run-service.js";
export { RunManager, type RunManagerOptions } from "./run-manager.js";
export { ActiveRun, type ActiveRunContext, type RunLogger } from "./run.js";
export type { CrewRunner, ResolveRunner } from "./crew-runner.js";
export { checkStart } from "./check-start.js";
export {
  findRun,
  MIN_RUN_ID_PREFIX,
  requireCursor,
  requireRun,
  resolveRunId,
} from "./require-run.js";
export { SummaryCache } from "./summary-cache.js";
export { openWatch, watchStartedRun } from "./open-watch.js";
export { replayEvents } from "./replay-events.js";
export { runnerForCrew, catalogRunners, type RunnerForCrewOptions } from "./runner-for-crew.js";
export { endRun } from "./end-run.js";
export { StoreHealth, type StoreHealthOptions, type StoreHealthReport } from "./store-health.js";
export { combineObservers, type RunObserver } from "./run-observer.js";
export { StoredRunService } from "./stored-run-service.js";
