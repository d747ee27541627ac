/**
 * Waiting that an AbortSignal can end: the offline model's pacing, rate-limit waits and retry
 * backoff all use it, so a cancelled run never sits out a timer.
 */

/** The error every abortable wait in crewstream rejects with: a DOMException named "AbortError". */
export function abortError(signal?: AbortSignal): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error && reason.name === "AbortError") return reason;
  return new DOMException("The operation was aborted.", "AbortError");
}

/**
 * Resolves after `ms` milliseconds, or rejects with an AbortError as soon as `signal` aborts
 * (at once when it already has). The timer is cleared on abort, so nothing keeps the process alive.
 */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortError(signal));
  if (ms <= 0 && !signal) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
