/** `crewstream/client`: stream, watch and control crew runs over HTTP and WebSocket. */
export * from "./api-types.js";
export * from "./backoff.js";
export * from "./crew-client.js";
export * from "./crew-socket.js";
export * from "./http.js";
export * from "./run-progress.js";
export * from "./runs-api.js";
export * from "./stream-run.js";
export * from "./subscribe.js";
export { readSseEvents } from "./sse-events.js";
