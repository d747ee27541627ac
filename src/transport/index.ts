/** Transports of the crew event protocol: SSE, JSONL, WebSocket, AI SDK UI messages and legacy progress lines. */
export * from "./sse.js";
export * from "./jsonl.js";
export * from "./websocket.js";
export * from "./legacy-progress.js";
export * from "./ui-message-stream.js";
export * from "./node-response.js";
