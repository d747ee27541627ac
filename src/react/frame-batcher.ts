/**
 * Batches state changes to at most one UI update per animation frame, so a run writing
 * hundreds of tokens per second costs one render per frame, not one per token. Outside a
 * browser (or in a hidden tab, where frames stop) a timer stands in.
 */

/** Longest wait for a frame; hidden tabs get no frames at all. */
const FRAME_FALLBACK_MS = 100;

/** Resolves at the next animation frame, or after a short timeout where there are none. */
export function nextFrame(): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(
      done,
      typeof requestAnimationFrame === "function" ? FRAME_FALLBACK_MS : 16,
    );
    const frame =
      typeof requestAnimationFrame === "function" ? requestAnimationFrame(done) : undefined;
    function done(): void {
      clearTimeout(timer);
      if (frame !== undefined) cancelAnimationFrame(frame);
      resolve();
    }
  });
}

/**
 * A change signal: producers call `notify()` as often as they like; the consumer awaits
 * `changed()`, which resolves once per batch of notifications.
 */
export class ChangeSignal {
  #dirty = false;
  #waiter: (() => void) | undefined;

  /** Marks the state changed and wakes the consumer. */
  notify(): void {
    this.#dirty = true;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.();
  }

  /** Resolves when something changed since the last call (at once if it already has). */
  async changed(): Promise<void> {
    if (!this.#dirty) await new Promise<void>((resolve) => (this.#waiter = resolve));
    this.#dirty = false;
  }
}
