/**
 * Run summaries (`GET /api/runs/:id`'s `summary`) built with the progress model, for the run
 * manager that folds a live run's events as they are written.
 */
import type { CrewEvent } from "./protocol.js";
import { reduceProgress } from "./progress.js";
import { initialProgress, type RunProgress } from "./progress-state.js";
import { toRunSummary } from "./progress-selectors.js";
import type { RunSummary } from "./run-summary.js";

/** Folds events one at a time with {@link reduceProgress}; snapshots are independent copies. */
export class SummaryBuilder {
  #progress: RunProgress = initialProgress();

  /** Folds in one event. */
  add(event: CrewEvent): this {
    this.#progress = reduceProgress(this.#progress, event);
    return this;
  }

  /** Folds in many events. */
  addAll(events: Iterable<CrewEvent>): this {
    for (const event of events) this.add(event);
    return this;
  }

  /** The summary so far, as a fresh object the caller may keep. */
  snapshot(): RunSummary {
    return structuredClone(toRunSummary(this.#progress));
  }
}

/** The summary of a run's events so far. */
export function summarize(events: Iterable<CrewEvent>): RunSummary {
  return new SummaryBuilder().addAll(events).snapshot();
}
