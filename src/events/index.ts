/** The event protocol, errors, the event log and run summaries. */
export * from "./protocol.js";
export * from "./crew-error.js";
export * from "./event-log.js";
export * from "./summarize.js";
