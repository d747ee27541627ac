/** Transports of the crew event protocol: SSE, JSONL, WebSocket, AI SDK UI messages and legacy progress lines. */
export {
  toSseFrame,
  sseEncoder,
  sseComment,
  encodeEventStream,
  frameOf,
  type EncodeEventStreamOptions,
  SSE_HEADERS,
  DEFAULT_PING_MS,
} from "./sse.js";
export { toJsonLine, jsonlEncoder, JSONL_CONTENT_TYPE, JSONL_HEADERS } from "./jsonl.js";
export { encodeServerMessage, MAX_WS_FRAME_BYTES } from "./websocket.js";
export { LegacyProgressProjector } from "./legacy-progress.js";
export {
  toUIMessageStream,
  toUIMessageStreamResponse,
  type CrewProgressData,
  type CrewTaskData,
  type CrewUIMessage,
  inputsFromChatBody,
} from "./ui-message-stream.js";
export { writeEventStream } from "./node-response.js";
export { streamTurns } from "./stream-turns.js";
