/** The crew engine: crews, their processes, tools and callbacks; loading crews from folders. */
export {
  Crew,
  type CrewInfo,
  type CrewOptions,
  type KickoffOptions,
  type KickoffResult,
} from "./crew.js";
export {
  normalizeCrew,
  DEFAULT_MAX_ITER,
  type AgentConfig,
  type TaskConfig,
  type CrewConfig,
} from "./crew-config.js";
export type { CrewRunOptions } from "./run-context.js";
export { dispatchEvent, type EventCallback } from "./callbacks.js";
export { MANAGER_KEY, MANAGER_ROLE, DELEGATE_TOOL } from "./hierarchical.js";
export { loadCrew, type LoadCrewOptions, type LoadedCrew } from "./load-crew.js";
export { CrewCatalog, type CrewCatalogOptions, type CrewSummary } from "./crew-catalog.js";
export { interpolate, interpolateCrew, requiredInputs, placeholdersOf } from "./interpolate.js";
export { scaffoldCrew, type ScaffoldOptions, type ScaffoldResult } from "./scaffold.js";
export * from "./tools/index.js";
export type {
  AgentDefinition,
  TaskDefinition,
  CrewDefinition,
  RunOptions,
  CrewListener,
  InputRequest,
  InputHandler,
} from "./types.js";
