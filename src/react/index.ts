/** `crewstream/react`: stream crew runs into assistant-ui chats. */
export * from "./crew-adapter.js";
export * from "./crew-message.js";
export * from "./frame-batcher.js";
export * from "./use-crew-runtime.js";
