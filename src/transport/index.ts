/** Transports of the crew event protocol: SSE, JSONL and WebSocket framing. */
export * from "./sse.js";
export * from "./jsonl.js";
export * from "./websocket.js";
export * from "./legacy-progress.js";
