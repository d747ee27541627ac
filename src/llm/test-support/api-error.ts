/** Builds the AI SDK's `APICallError` as a provider answering `statusCode` would raise it. */
import { APICallError } from "ai";

export function apiError(
  statusCode: number | undefined,
  headers: Record<string, string> = {},
  isRetryable?: boolean,
): APICallError {
  return new APICallError({
    message: `status ${statusCode}`,
    url: "http://127.0.0.1/v1/chat/completions",
    requestBodyValues: {},
    ...(statusCode === undefined ? {} : { statusCode }),
    responseHeaders: headers,
    ...(isRetryable === undefined ? {} : { isRetryable }),
  });
}
