/** The event protocol, errors, and (when present) the event log and run summaries. */
export * from "./protocol.js";
export * from "./crew-error.js";
