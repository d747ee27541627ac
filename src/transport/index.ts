/** Transports of the crew event protocol: SSE, JSONL, WebSocket, AI SDK UI messages and legacy progress lines. */
export {
  toSseFrame,
  sseComment,
  toSseStream,
  encodeBatch,
  encodeEventStream,
  endsRun,
  frameOf,
  openBatches,
  type EncodeEventStreamOptions,
  type EventBatchSource,
  type EventSource,
  SSE_HEADERS,
  DEFAULT_PING_MS,
  type SseStreamOptions,
} from "./sse.js";
export {
  toJsonLine,
  toJsonlStream,
  parseJsonLines,
  parseEventLines,
  JSONL_CONTENT_TYPE,
  JSONL_HEADERS,
  type JsonlStreamOptions,
} from "./jsonl.js";
export { encodeServerMessage, encodeClientMessage, MAX_WS_FRAME_BYTES } from "./websocket.js";
export {
  toLegacyProgress,
  type LegacyProgressLine,
  type LegacyProgressContext,
  LegacyProgressProjector,
} from "./legacy-progress.js";
export {
  toUIMessageStream,
  toUIMessageStreamResponse,
  type CrewProgressData,
  type CrewTaskData,
  type CrewUIMessage,
  type CrewUIMessageChunk,
  inputsFromChatBody,
  type ChatBodyOptions,
  type UIMessageStreamOptions,
  type UIMessageStreamResponseOptions,
} from "./ui-message-stream.js";
export { writeEventStream, type WriteEventStreamOptions } from "./node-response.js";
