/** `crewstream/client`: stream, watch and control crew runs over HTTP and WebSocket. */
export { type CallSignal, CrewClient } from "./crew-client.js";
export {
  type WebSocketLike,
  type WebSocketConstructor,
  type CrewSocketOptions,
  CrewSocket,
} from "./crew-socket.js";
export type { ConnectionOptions } from "./http.js";
// The progress model: the same reducer and selectors the server's run summary, the CLI and
// the web UI use, so every view of a run reports the same figures.
export {
  activeRetry,
  finalText,
  foldProgress,
  formatCost,
  initialProgress,
  isActive,
  isRunEnded,
  pendingInput,
  reduceProgress,
  runSummarySchema,
  streamedText,
  toRunSummary,
  totalTokens,
  type AgentProgress,
  type DelegationProgress,
  type InputProgress,
  type PendingInput,
  type ProgressStatus,
  type RetryProgress,
  type RunProgress,
  type RunProgressStatus,
  type RunSummary,
  type StepProgress,
  type TaskProgress,
  type TaskMemory,
  type TextSegment,
  type ThoughtProgress,
  type CheckProgress,
  type TimelineMark,
  type TimelineMarkKind,
  type Cost,
  type TokenCount,
  type ToolCallProgress,
} from "../events/index.js";
export {
  listCrews,
  listRuns,
  getRun,
  startRun,
  cancel,
  answer,
  type CallOptions,
} from "./runs-api.js";
export { listThreads, getThread, renameThread, deleteThread } from "./threads-api.js";
export { streamRun, type StreamRunOptions, type RunStream } from "./stream-run.js";
export {
  subscribe,
  type RetryOptions,
  type SubscribeOptions,
  type ResumableOptions,
} from "./subscribe.js";
export { readSseEvents } from "./sse-events.js";
// The API's shapes, defined with the protocol, for apps that import only the client.
export {
  isFinished,
  type CrewListing,
  type CrewWarningInfo,
  type ListRunsQuery,
  type RunDetails,
  type RunPage,
  type RunRecord,
  type RunStarted,
  type RunStatus,
  type StartRunBody,
  type ListThreadsQuery,
  type ThreadDeleted,
  type ThreadDetails,
  type ThreadPage,
  type ThreadRecord,
} from "../events/index.js";
