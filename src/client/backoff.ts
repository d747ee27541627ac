/**
 * Reconnection delays: exponential with full jitter, capped, so that many clients dropped at
 * once do not reconnect in lockstep.
 */

/** Options of the reconnect policy. */
export interface RetryOptions {
  /** Delay before the first reconnect attempt (default 250 ms). */
  initialDelayMs?: number;
  /** Longest wait between attempts (default 5 s). */
  maxDelayMs?: number;
  /** Consecutive failed attempts before giving up (default 30); reset by every event received. */
  maxRetries?: number;
}

/** The delay before reconnect attempt `attempt` (1-based). */
export function backoffDelay(
  attempt: number,
  options: RetryOptions = {},
  random: () => number = Math.random,
): number {
  const initial = options.initialDelayMs ?? 250;
  const max = options.maxDelayMs ?? 5_000;
  const ceiling = Math.min(max, initial * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Waits `ms`, or less if the signal aborts (then resolves without throwing). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
