/**
 * Answers API requests with 503 and a message that says what is wrong while Redis cannot be
 * reached, instead of hanging or answering a generic 500. ioredis keeps reconnecting; requests
 * succeed again as soon as Redis is back.
 */
import type { Redis } from "ioredis";
import { ErrorCode } from "../events/index.js";
import { errorResponse } from "../server/index.js";

/** Wraps a fetch handler: `/api` requests get 503 while `redis` is not ready. */
export function redisGate(
  redis: Redis,
  label: string,
  fetch: (request: Request, env?: unknown) => Response | Promise<Response>,
): (request: Request, env?: unknown) => Promise<Response> {
  const unavailable = (): Response =>
    errorResponse(
      ErrorCode.UNAVAILABLE,
      `The run store (Redis at ${label}) cannot be reached; retry when it is back.`,
      { "retry-after": "2" },
    );
  return async (request, env) => {
    const api = new URL(request.url).pathname.startsWith("/api");
    if (api && redis.status !== "ready") return unavailable();
    const response = await fetch(request, env);
    // A command that failed because Redis went away mid-request surfaces as a 500.
    if (api && response.status === 500 && redis.status !== "ready") return unavailable();
    return response;
  };
}

/** `redis://user:secret@host:port/db` without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "the configured URL";
  }
}
