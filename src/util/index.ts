/** Small helpers with no dependencies, shared by every layer; safe in a browser bundle (no Node imports). */
export { abortableSleep, abortError } from "./abortable-sleep.js";
export { backoffDelay } from "./backoff-delay.js";
export { dateFormatProblem, formatDate } from "./date-format.js";
export { firstNonEmptyLine } from "./first-non-empty-line.js";
