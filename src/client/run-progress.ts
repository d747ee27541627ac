/**
 * The progress model of `crewstream/client`: the same reducer and selectors as the server's
 * run summary, the CLI and the web UI use, so every view of a run reports the same figures.
 */
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
} from "../events/index.js";
export type {
  AgentProgress,
  CheckProgress,
  DelegationProgress,
  InputProgress,
  PendingInput,
  ProgressStatus,
  RetryProgress,
  RunProgress,
  RunProgressStatus,
  RunSummary,
  StepProgress,
  TaskProgress,
  TextSegment,
  ThoughtProgress,
  TimelineMark,
  TimelineMarkKind,
  Cost,
  TokenCount,
  ToolCallProgress,
} from "../events/index.js";
