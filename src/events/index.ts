/** The event protocol, errors, the event log, run summaries, and the HTTP and WebSocket shapes. */
export * from "./protocol.js";
export * from "./crew-error.js";
export * from "./event-log.js";
export * from "./summarize.js";
export * from "./api.js";
export * from "./api-runs.js";
export * from "./api-crews.js";
export * from "./socket-messages.js";
