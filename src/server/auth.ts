/**
 * Token authentication: with a token configured, every `/api` request needs
 * `Authorization: Bearer <token>`. Tokens are compared in constant time.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { ErrorCode } from "../events/index.js";
import { errorResponse } from "./errors.js";

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

/**
 * True when `provided` equals `expected`. Both are hashed first so the comparison takes the
 * same time whatever the length or content of the guess.
 */
export function tokenMatches(expected: string, provided: string | undefined | null): boolean {
  if (provided === undefined || provided === null) return false;
  return timingSafeEqual(digest(expected), digest(provided));
}

/** The token of an `Authorization: Bearer <token>` header, if any. */
export function bearerToken(header: string | undefined | null): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match?.[1]?.trim();
}

/** Middleware refusing requests without the right bearer token (401, `WWW-Authenticate`). */
export function requireToken(token: string): MiddlewareHandler {
  return async (c, next) => {
    const provided = bearerToken(c.req.header("authorization"));
    if (provided === undefined) {
      return errorResponse(
        ErrorCode.UNAUTHORIZED,
        "This server needs a token: send Authorization: Bearer <token>.",
        {
          "www-authenticate": 'Bearer realm="crewstream"',
        },
      );
    }
    if (!tokenMatches(token, provided)) {
      return errorResponse(ErrorCode.UNAUTHORIZED, "The token is wrong: check CREWSTREAM_TOKEN.", {
        "www-authenticate": 'Bearer realm="crewstream", error="invalid_token"',
      });
    }
    await next();
  };
}
