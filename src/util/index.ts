/** Small helpers with no dependencies, shared by every layer. */
export { abortableSleep, abortError } from "./abortable-sleep.js";
export { backoffDelay } from "./backoff-delay.js";
export { firstNonEmptyLine } from "./first-non-empty-line.js";
export { containedPathProblem, resolveContained } from "./contained-path.js";
export { runOutputDir } from "./output-root.js";
