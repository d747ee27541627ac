/**
 * Classifies a failed model call: worth another attempt or not, how long the provider asked to
 * wait, and the error code a run fails with if it is the last failure.
 */
import {
  APICallError,
  EmptyResponseBodyError,
  InvalidResponseDataError,
  JSONParseError,
  RetryError,
  TypeValidationError,
} from "ai";
import { CrewError, ErrorCode, isAbortError } from "../events/index.js";

/** What {@link classifyModelError} found out about a failure. */
export interface ModelErrorClass {
  /** Whether another attempt may succeed. */
  retryable: boolean;
  /** How long the provider asked us to wait (Retry-After), when it said. */
  delayMs?: number;
  /** Short human text for `llm.retry` and logs, e.g. "rate limited (429)". */
  reason: string;
  /** The code a run fails with when this is the last failure. */
  code: ErrorCode;
}

const NETWORK_CODES = /^(ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|UND_ERR_\w+)$/;

/** Milliseconds from `retry-after-ms` or `retry-after` (seconds or an HTTP date); undefined if absent. */
export function retryAfterMs(
  headers: Record<string, string> | undefined,
  now = Date.now(),
): number | undefined {
  if (!headers) return undefined;
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const ms = Number(lower["retry-after-ms"]);
  if (lower["retry-after-ms"] !== undefined && Number.isFinite(ms) && ms >= 0) return ms;
  const value = lower["retry-after"];
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function isNetworkError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && NETWORK_CODES.test(code)) return true;
    if (e instanceof TypeError && /fetch failed|terminated|network|socket/i.test(e.message))
      return true;
  }
  return false;
}

/** Classifies a failed model call: retryable or not, how long to wait, and the final error code. */
export function classifyModelError(error: unknown): ModelErrorClass {
  if (isAbortError(error))
    return { retryable: false, reason: "cancelled", code: ErrorCode.CANCELLED };
  if (RetryError.isInstance(error)) return classifyModelError(error.lastError);
  if (CrewError.is(error))
    return { retryable: error.retryable, reason: error.message, code: error.code };
  if (APICallError.isInstance(error)) {
    const status = error.statusCode;
    if (status === 401 || status === 403) {
      return {
        retryable: false,
        reason: `the provider rejected the credentials (${status})`,
        code: ErrorCode.PROVIDER_AUTH,
      };
    }
    if (status === 429) {
      const delayMs = retryAfterMs(error.responseHeaders);
      return {
        retryable: true,
        ...(delayMs === undefined ? {} : { delayMs }),
        reason: "rate limited (429)",
        code: ErrorCode.RATE_LIMITED,
      };
    }
    if (status !== undefined && status >= 500) {
      const delayMs = retryAfterMs(error.responseHeaders);
      return {
        retryable: true,
        ...(delayMs === undefined ? {} : { delayMs }),
        reason: `server error (${status})`,
        code: ErrorCode.PROVIDER_ERROR,
      };
    }
    // A 2xx here means the provider accepted the call and its stream broke off part-way.
    if (status !== undefined && status >= 200 && status < 300) {
      return {
        retryable: true,
        reason: isNetworkError(error)
          ? "the provider's stream was dropped mid-way"
          : "the provider's stream broke off mid-way",
        code: ErrorCode.PROVIDER_ERROR,
      };
    }
    if (status === undefined || error.isRetryable) {
      return {
        retryable: true,
        reason: status === undefined ? "network error" : `provider error (${status})`,
        code: ErrorCode.PROVIDER_ERROR,
      };
    }
    return {
      retryable: false,
      reason: `the provider refused the request (${status})`,
      code: ErrorCode.PROVIDER_ERROR,
    };
  }
  if (
    JSONParseError.isInstance(error) ||
    TypeValidationError.isInstance(error) ||
    InvalidResponseDataError.isInstance(error) ||
    EmptyResponseBodyError.isInstance(error)
  ) {
    return {
      retryable: true,
      reason: "malformed response from the provider",
      code: ErrorCode.PROVIDER_ERROR,
    };
  }
  if (isNetworkError(error))
    return { retryable: true, reason: "network error", code: ErrorCode.PROVIDER_ERROR };
  // Wrappers such as NoOutputGeneratedError carry the provider failure as their cause.
  if (error instanceof Error && error.cause !== undefined && error.cause !== error) {
    const inner = classifyModelError(error.cause);
    if (inner.code !== ErrorCode.INTERNAL) return inner;
  }
  const message = error instanceof Error ? error.message : String(error);
  return { retryable: false, reason: message, code: ErrorCode.INTERNAL };
}
