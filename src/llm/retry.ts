/**
 * Retrying model calls: which provider failures are worth another attempt, how long to wait
 * (Retry-After when the provider says, else exponential backoff with jitter), and the
 * {@link CrewError} a run fails with once the retries are used up.
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
import { abortableSleep } from "./abortable-sleep.js";

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

/** One wait before another attempt, as reported in an `llm.retry` event. */
export interface RetryInfo {
  /** 1-based number of the attempt that failed. */
  attempt: number;
  delayMs: number;
  reason: string;
  code: ErrorCode;
}

/** Options of {@link callWithRetry}. */
export interface RetryOptions {
  /** Aborting stops at once, also during a wait; the call rejects with CrewError `cancelled`. */
  signal?: AbortSignal;
  /** Attempts after the first. Default 4. */
  maxRetries?: number;
  /** First backoff delay. Default 500 ms. */
  baseDelayMs?: number;
  /** Longest backoff delay, and longest Retry-After honoured is 6 times this. Default 20 000 ms. */
  maxDelayMs?: number;
  /** Called before each wait; the engine turns it into an `llm.retry` event. */
  onRetry?: (info: RetryInfo) => void | Promise<void>;
  /** Random number in [0, 1) for jitter; injectable for tests. */
  random?: () => number;
}

/** Backoff before retry `attempt` (1-based): exponential, capped, with "equal jitter" (half fixed, half random). */
export function backoffDelay(
  attempt: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

function finalMessage(kind: ModelErrorClass, attempts: number): string {
  const tries = `after ${attempts} attempt${attempts === 1 ? "" : "s"}`;
  switch (kind.code) {
    case ErrorCode.PROVIDER_AUTH:
      return `The model provider rejected the API key: ${kind.reason}. Check the key in the provider's environment variable.`;
    case ErrorCode.RATE_LIMITED:
      return `The model provider kept rate-limiting requests ${tries}. Lower the agents' max_rpm or try again later.`;
    case ErrorCode.PROVIDER_ERROR:
      return `The model provider failed ${tries}: ${kind.reason}.`;
    case ErrorCode.INTERNAL:
      return "The model call failed unexpectedly.";
    default:
      return kind.reason;
  }
}

/**
 * Runs `attempt` until it succeeds, retrying retryable failures with backoff (or the provider's
 * Retry-After). Every wait is reported through `onRetry` first. Rejects with a CrewError: the
 * classified code with the last error as cause, or `cancelled` when the signal aborts.
 */
export async function callWithRetry<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const {
    signal,
    maxRetries = 4,
    baseDelayMs = 500,
    maxDelayMs = 20_000,
    onRetry,
    random = Math.random,
  } = options;
  for (let n = 1; ; n++) {
    if (signal?.aborted)
      throw new CrewError(ErrorCode.CANCELLED, "The run was cancelled.", { cause: signal.reason });
    try {
      return await attempt(n);
    } catch (error) {
      const kind = classifyModelError(error);
      if (kind.code === ErrorCode.CANCELLED || signal?.aborted) {
        throw CrewError.is(error)
          ? error
          : new CrewError(ErrorCode.CANCELLED, "The run was cancelled.", { cause: error });
      }
      if (!kind.retryable || n > maxRetries) {
        if (CrewError.is(error) && !kind.retryable) throw error;
        throw new CrewError(kind.code, finalMessage(kind, n), {
          cause: error,
          retryable: kind.retryable,
        });
      }
      const delayMs =
        kind.delayMs !== undefined
          ? Math.min(kind.delayMs, maxDelayMs * 6)
          : backoffDelay(n, baseDelayMs, maxDelayMs, random);
      await onRetry?.({ attempt: n, delayMs, reason: kind.reason, code: kind.code });
      try {
        await abortableSleep(delayMs, signal);
      } catch (abort) {
        throw new CrewError(ErrorCode.CANCELLED, "The run was cancelled.", { cause: abort });
      }
    }
  }
}
