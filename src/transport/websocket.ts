/**
 * WebSocket framing: every message is one JSON text frame, at most {@link MAX_WS_FRAME_BYTES}.
 * The messages themselves are defined with the protocol (`events/socket-messages.ts`).
 */
import type { ServerMessage } from "../events/index.js";

/** Largest frame a server accepts (1 MB); larger frames close the socket. */
export const MAX_WS_FRAME_BYTES = 1024 * 1024;

/** One server message as a text frame. */
export function encodeServerMessage(message: ServerMessage): string {
  return JSON.stringify(message);
}
