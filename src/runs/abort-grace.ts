/** A deadline that starts when a signal aborts: how long a cancelled crew may take to stop. */

/** What {@link graceAfterAbort}'s promise resolves with. */
export const GRACE_OVER = Symbol("grace over");

/**
 * A promise that resolves with {@link GRACE_OVER} `graceMs` after `signal` aborts (never, if it
 * does not). `clear()` stops the timer and the listener.
 */
export function graceAfterAbort(
  signal: AbortSignal,
  graceMs: number,
): { promise: Promise<typeof GRACE_OVER>; clear(): void } {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const promise = new Promise<typeof GRACE_OVER>((resolve) => {
    onAbort = () => {
      timer = setTimeout(() => resolve(GRACE_OVER), graceMs);
      timer.unref();
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  return {
    promise,
    clear: () => {
      clearTimeout(timer);
      if (onAbort) signal.removeEventListener("abort", onAbort);
    },
  };
}
