/** `crewstream/client`: stream, watch and control crew runs over HTTP and WebSocket. */
export * from "./crew-client.js";
export * from "./crew-socket.js";
export * from "./http.js";
export * from "./run-progress.js";
export * from "./runs-api.js";
export * from "./threads-api.js";
export * from "./stream-run.js";
export * from "./subscribe.js";
export { readSseEvents } from "./sse-events.js";
// The API's shapes, defined with the protocol, for apps that import only the client.
export {
  isFinished,
  type CrewListing,
  type ListRunsQuery,
  type RunDetails,
  type RunPage,
  type RunRecord,
  type RunStarted,
  type RunStatus,
  type StartRunBody,
  type ListThreadsQuery,
  type ThreadDeleted,
  type ThreadDetails,
  type ThreadPage,
  type ThreadRecord,
} from "../events/index.js";
