/** Process crews: a crew program (e.g. a Python CrewAI crew) streamed through the event protocol. */
export { ProcessCrew } from "./process-crew.js";
export type { ProcessCrewOptions } from "./process-crew.js";
export type { KnownAgent, KnownTask } from "./task-tracker.js";
export {
  LineSplitter,
  readLines,
  DEFAULT_MAX_LINE_LENGTH,
  TRUNCATION_MARKER,
} from "./line-splitter.js";
export type { LineSplitterOptions } from "./line-splitter.js";
export { classifyStderrLine, PASSTHROUGH_TYPES } from "./stderr-line.js";
export type { StderrLine, ProgressLine, EventLine, DiagnosticLine } from "./stderr-line.js";
export { resultFromStdout } from "./process-result.js";
