/** Crew definitions: CrewAI YAML folders loaded and validated, crews configured in code, the catalog of a crews folder. */
export {
  normalizeCrew,
  DEFAULT_MAX_ITER,
  type AgentConfig,
  type TaskConfig,
  type CrewConfig,
} from "./crew-config.js";
export { loadCrew, type LoadCrewOptions, type LoadedCrew } from "./load-crew.js";
export { CREW_NAME_PATTERN } from "./crew-schema.js";
export { CrewCatalog, type CrewCatalogOptions, type CatalogEntry } from "./crew-catalog.js";
export {
  interpolate,
  interpolateCrew,
  fillKnownPlaceholders,
  requiredInputs,
  placeholdersOf,
} from "./interpolate.js";
export { scaffoldCrew, type ScaffoldOptions, type ScaffoldResult } from "./scaffold.js";
export type {
  AgentDefinition,
  TaskDefinition,
  CrewDefinition,
  RunOptions,
  CrewListener,
  InputRequest,
  InputHandler,
  LongTermMemory,
  MemoryRecord,
} from "./types.js";
