/**
 * crewstream: run CrewAI-style crews in TypeScript and stream everything they do.
 *
 * The package's main export: the engine (`Crew`, `loadCrew`), the event protocol (types,
 * schemas, `parseEvent`), errors, and models (`resolveModel`, `createOfflineModel`).
 */
export * from "./events/index.js";
export * from "./crew/index.js";
export * from "./engine/index.js";
export {
  resolveModel,
  describeModel,
  sharedRateLimiter,
  RateLimiter,
  type ResolveModelOptions,
  type RateLimiterLike,
} from "./llm/index.js";
export { createOfflineModel, type OfflineModelOptions } from "./offline/index.js";
