/**
 * How the server answers failures: every error body is `{ error: { code, message } }` with the
 * HTTP status of its code. Internal errors are logged with their cause and answered generically.
 */
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { CrewError, ErrorCode, HTTP_STATUS, toCrewError } from "../events/index.js";
import type { ErrorBody } from "../events/index.js";
import type { Logger } from "./logger.js";

/** An error response for a code, with its HTTP status. */
export function errorResponse(
  code: ErrorCode,
  message: string,
  headers?: Record<string, string>,
): Response {
  const body: ErrorBody = { error: { code, message } };
  return Response.json(body, { status: HTTP_STATUS[code], ...(headers ? { headers } : {}) });
}

/** Maps statuses that Hono raises itself (HTTPException) to error codes. */
function codeForStatus(status: number): ErrorCode {
  if (status === 401) return ErrorCode.UNAUTHORIZED;
  if (status === 413) return ErrorCode.PAYLOAD_TOO_LARGE;
  if (status === 415) return ErrorCode.UNSUPPORTED_MEDIA_TYPE;
  if (status === 429) return ErrorCode.TOO_MANY_REQUESTS;
  if (status === 404) return ErrorCode.RUN_NOT_FOUND;
  if (status >= 400 && status < 500) return ErrorCode.BAD_REQUEST;
  return ErrorCode.INTERNAL;
}

/**
 * The app's `onError`: CrewErrors answer their code's status and message; anything else is an
 * internal error, logged with its cause, answered with a generic 500.
 */
export function createErrorHandler(logger: Logger): ErrorHandler {
  return (error: unknown, c: Context) => {
    if (error instanceof HTTPException && !CrewError.is(error.cause)) {
      const code = codeForStatus(error.status);
      if (code !== ErrorCode.INTERNAL)
        return errorResponse(code, error.message || "The request was refused.");
    }
    const crewError = toCrewError(
      error instanceof HTTPException && CrewError.is(error.cause) ? error.cause : error,
    );
    const status = HTTP_STATUS[crewError.code];
    if (status >= 500) {
      logger.error(
        `${c.req.method} ${new URL(c.req.url).pathname} failed: ${crewError.code}`,
        crewError.cause ?? crewError,
      );
    }
    const message =
      crewError.code === ErrorCode.INTERNAL ? "An internal error occurred." : crewError.message;
    return errorResponse(crewError.code, message);
  };
}

/** Unknown routes: 404 with the path named. */
export const notFoundHandler: NotFoundHandler = (c) =>
  errorResponse(
    ErrorCode.NOT_FOUND,
    `No route ${c.req.method} ${new URL(c.req.url).pathname}; see GET /api/health.`,
  );

/** Known path, wrong method: 405 with the allowed methods. */
export function methodNotAllowedResponse(
  method: string,
  path: string,
  allowed: readonly string[],
): Response {
  return errorResponse(
    ErrorCode.METHOD_NOT_ALLOWED,
    `${method} is not allowed on ${path}; use ${allowed.join(" or ")}.`,
    { allow: allowed.join(", ") },
  );
}
