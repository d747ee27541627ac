/**
 * Watcher counting for runs started with `onDisconnect: "cancel"`: such a run is cancelled when
 * its last watcher is released. Runs not tracked (the default "continue", or already finished)
 * get a handle that does nothing.
 */
import type { RunWatch } from "./run-service.js";

/** Counts the watchers of tracked runs; see the file comment. */
export class RunWatchers {
  readonly #counts = new Map<string, number>();

  /** @param onLastGone called once the last watcher of a tracked run is released (then untracked). */
  constructor(private readonly onLastGone: (runId: string) => void) {}

  /** Starts counting watchers of `runId` (from zero: a run nobody watched is never cancelled). */
  track(runId: string): void {
    this.#counts.set(runId, 0);
  }

  /** Stops counting (the run finished); later handles do nothing. */
  forget(runId: string): void {
    this.#counts.delete(runId);
  }

  /** Adds one watcher of `runId`; releasing it twice counts once. */
  watch(runId: string): RunWatch {
    const count = this.#counts.get(runId);
    if (count === undefined) return { release: () => undefined };
    this.#counts.set(runId, count + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        const left = this.#counts.get(runId);
        if (left === undefined) return;
        if (left > 1) return void this.#counts.set(runId, left - 1);
        this.#counts.delete(runId);
        this.onLastGone(runId);
      },
    };
  }
}
