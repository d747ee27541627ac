/** Runs: start, queue, cancel, watch and resume them. */
export type {
  OnDisconnect,
  RunDetails,
  RunEventsOptions,
  RunService,
  RunWatch,
  StartRunRequest,
} from "./run-service.js";
export { RunManager, type RunManagerOptions } from "./run-manager.js";
export { ActiveRun, type ActiveRunContext, type RunLogger } from "./run.js";
export {
  crewRunner,
  type CrewRunner,
  type CrewRunnerInfo,
  type ResolveRunner,
  type RunnerOptions,
} from "./crew-runner.js";
export { checkStart, type CheckedStart } from "./check-start.js";
export { requireCursor, requireRun } from "./require-run.js";
export { RunWatchers } from "./run-watchers.js";
export { SummaryCache, SUMMARY_CACHE_SIZE } from "./summary-cache.js";
export { openWatch, type OpenWatchOptions } from "./open-watch.js";
export { recoverRuns } from "./recover-runs.js";
export { replayEvents } from "./replay-events.js";
export { runnerForCrew, catalogRunners, type RunnerForCrewOptions } from "./runner-for-crew.js";
export { endRun } from "./end-run.js";
export { checkCursor } from "./check-cursor.js";
export { ThreadOperations } from "./thread-operations.js";
export {
  conversationFor,
  conversationText,
  DEFAULT_HISTORY_TOKENS,
  estimateTokens,
  historyBudget,
  TRIMMED_NOTE,
  turnsBefore,
  userMessageOf,
  type ConversationTurn,
} from "./conversation.js";
