/** The run engine: a crew's agents working through its tasks, streaming events; built-in tools. */
export {
  Crew,
  type CrewOptions,
  type KickoffOptions,
  type KickoffResult,
  type KickoffForEachOptions,
  type KickoffHooks,
} from "./crew.js";
export type { CrewRunOptions } from "./run-context.js";
export { dispatchEvent, type EventCallback } from "./callbacks.js";
export { MANAGER_ROLE } from "./hierarchical.js";
export * from "./tools/index.js";
