/** `crewstream/react`: stream crew runs into assistant-ui chats. */
export { lastUserText, createCrewAdapter, type CrewAdapterOptions } from "./crew-adapter.js";
export {
  toRunResult,
  CREW_PROGRESS_PART,
  type ConnectionState,
  type CrewProgressData,
  type CrewMessageMetadata,
} from "./crew-message.js";
export { useCrewRuntime, type UseCrewRuntimeOptions } from "./use-crew-runtime.js";
