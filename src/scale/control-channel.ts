/**
 * Cancel requests and human-input answers travel from the server that received them to the
 * worker executing the run over Redis pub/sub. A cancel is also left in a key, so a worker that
 * claims the run after the message went out still sees it.
 */
import type { Redis } from "ioredis";
import type { RedisKeys } from "./redis-keys.js";

/** A message to the worker executing `runId`. */
export type ControlMessage =
  | { type: "cancel"; runId: string }
  | { type: "input"; runId: string; requestId: string; text: string };

/** How long a cancel request is remembered for a run not yet claimed. */
const CANCEL_TTL_S = 24 * 3600;

/** Sends control messages (servers). */
export async function sendControl(
  redis: Redis,
  keys: RedisKeys,
  message: ControlMessage,
): Promise<void> {
  if (message.type === "cancel")
    await redis.set(keys.cancel(message.runId), "1", "EX", CANCEL_TTL_S);
  await redis.publish(keys.control, JSON.stringify(message));
}

/**
 * Receives control messages (workers) on `subscriber`, a connection used for nothing else.
 * Resolves once subscribed; ioredis subscribes again after a reconnect.
 */
export async function receiveControl(
  subscriber: Redis,
  keys: RedisKeys,
  onMessage: (message: ControlMessage) => void,
  onError: (error: unknown) => void,
): Promise<void> {
  subscriber.on("message", (channel: string, text: string) => {
    if (channel !== keys.control) return;
    try {
      onMessage(JSON.parse(text) as ControlMessage);
    } catch (error) {
      onError(error);
    }
  });
  await subscriber.subscribe(keys.control);
}
