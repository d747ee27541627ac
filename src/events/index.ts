/** The event protocol, errors, the event log, and the progress model with its summaries. */
export * from "./protocol.js";
export * from "./crew-error.js";
export * from "./event-log.js";
export * from "./run-summary.js";
export * from "./progress-state.js";
export * from "./progress.js";
export * from "./progress-selectors.js";
export * from "./summarize.js";
