/** `crewstream/test`: the offline model, a fake OpenAI-compatible server, and stream helpers for tests. */
export { startFakeOpenAI } from "./fake-openai-server.js";
export type {
  FakeOpenAI,
  FakeOpenAIOptions,
  FakeRequestBody,
  FakeScriptFn,
  RecordedRequest,
} from "./fake-openai-server.js";
export { reply, defaultTokens } from "./fake-openai-replies.js";
export type { FakeReply, FakeToolCall } from "./fake-openai-replies.js";
export { collect, collectUntil } from "./collect.js";
export { createOfflineModel, OFFLINE_LABEL } from "../offline/index.js";
export type { OfflineModelOptions } from "../offline/index.js";
