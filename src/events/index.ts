/** The event protocol, errors, the event log, the progress model with its summaries, and the HTTP and WebSocket shapes. */
export * from "./protocol.js";
export * from "./crew-error.js";
export * from "./event-log.js";
export * from "./run-summary.js";
export * from "./progress-state.js";
export * from "./progress.js";
export * from "./progress-selectors.js";
export * from "./summarize.js";
export * from "./api.js";
export * from "./api-runs.js";
export * from "./api-crews.js";
export * from "./socket-messages.js";
export * from "./api-threads.js";
