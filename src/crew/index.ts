/** Crew definitions: CrewAI YAML folders loaded and validated, crews configured in code, the catalog of a crews folder. */
export {
  normalizeCrew,
  DEFAULT_GUARDRAIL_MAX_RETRIES,
  type AgentConfig,
  type TaskConfig,
  type CrewConfig,
} from "./crew-config.js";
export { loadCrew, type LoadCrewOptions, type LoadedCrew } from "./load-crew.js";
export { CREW_NAME_PATTERN } from "./crew-schema.js";
export { CrewCatalog, type CrewCatalogOptions, type CatalogEntry } from "./crew-catalog.js";
export {
  checkPlaceholders,
  interpolateCrew,
  fillKnownPlaceholders,
  requiredInputs,
} from "./interpolate.js";
export { checkInputNames } from "./check-input-names.js";
export { scaffoldCrew, type ScaffoldOptions, type ScaffoldResult } from "./scaffold.js";
export { NAMED_TOOLS, type NamedToolName } from "./tool-names.js";
export type { ToolHelpers, ToolModule } from "./tool-module.js";
export type {
  McpServerConfig,
  AgentDefinition,
  TaskDefinition,
  CrewDefinition,
  RunOptions,
  CrewListener,
  InputRequest,
  InputHandler,
  TaskOutput,
  GuardrailVerdict,
  GuardrailFunction,
  LongTermMemory,
} from "./types.js";
export {
  outputShape,
  checkOutputText,
  formatOutputIssues,
  type OutputShape,
} from "./output-shape.js";
export { containedPathProblem, resolveContained } from "./contained-path.js";
export { runOutputDir } from "./output-root.js";
