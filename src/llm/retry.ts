/**
 * Retrying model calls: how long to wait (Retry-After when the provider says, else exponential
 * backoff with jitter), and the {@link CrewError} a run fails with once the retries are used up.
 * Which failures are retryable is decided by `classifyModelError`.
 */
import { CrewError, ErrorCode } from "../events/index.js";
import { abortableSleep, backoffDelay } from "../util/index.js";
import { classifyModelError, type ModelErrorClass } from "./classify-model-error.js";

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
