/** A deadline that starts when a signal aborts: how long a cancelled crew may take to stop. */

/** What {@link AbortGrace.race} settles with once the grace is over. */
export const GRACE_OVER = Symbol("grace over");

/** The grace of one run: see {@link graceAfterAbort}. */
export interface AbortGrace {
  /**
   * Settles like `promise`, or with {@link GRACE_OVER} once the grace is over. A run races
   * every event this way: it adds no reaction to a promise of the grace per call (with
   * `Promise.race` those stayed until the run's end).
   */
  race<T>(promise: PromiseLike<T>): Promise<T | typeof GRACE_OVER>;
  /** Stops the timer and the listener. */
  clear(): void;
}

/**
 * A grace that is over `graceMs` after `signal` aborts (never, if it does not). `clear()` stops
 * the timer and the listener.
 */
export function graceAfterAbort(signal: AbortSignal, graceMs: number): AbortGrace {
  let timer: NodeJS.Timeout | undefined;
  let over = false;
  /** The pending race's resolve, told when the grace is over. */
  let waiting: ((value: typeof GRACE_OVER) => void) | undefined;
  const onAbort = (): void => {
    timer = setTimeout(() => {
      over = true;
      waiting?.(GRACE_OVER);
    }, graceMs);
    timer.unref();
  };
  if (signal.aborted) onAbort();
  else signal.addEventListener("abort", onAbort, { once: true });
  return {
    race: <T>(raced: PromiseLike<T>) =>
      new Promise<T | typeof GRACE_OVER>((resolve, reject) => {
        raced.then(resolve, reject);
        // As Promise.race with a settled grace: the raced value wins if it is there already.
        if (over) queueMicrotask(() => resolve(GRACE_OVER));
        else waiting = resolve;
      }),
    clear: () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
    },
  };
}
