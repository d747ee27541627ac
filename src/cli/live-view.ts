/**
 * The live terminal view: folds events into a {@link RunViewState} and redraws the frame in
 * place with log-update, at most {@link FRAME_MS} apart however fast events arrive (a streaming
 * model emits hundreds of deltas per second; the terminal needs a dozen frames).
 */
import { createLogUpdate } from "log-update";
import { isRunEnded, type CrewEvent } from "../events/index.js";
import { renderFrame } from "./render-frame.js";
import { applyEvent, createRunViewState, type RunViewState } from "./run-view-state.js";

/** Minimum time between two frames: about 12 frames per second. */
const FRAME_MS = 80;

/** Options of {@link LiveView}. */
export interface LiveViewOptions {
  /** Terminal to draw on (a TTY). */
  stream: NodeJS.WriteStream;
  /**
   * The clock for elapsed times. Live runs use the wall clock; a replay passes a function
   * answering the newest event's timestamp so durations match the original run.
   */
  now?: (state: RunViewState) => number;
}

/** Draws a run in place on a terminal until {@link LiveView.stop}. */
export class LiveView {
  readonly state: RunViewState = createRunViewState();
  readonly #log: ReturnType<typeof createLogUpdate>;
  readonly #stream: NodeJS.WriteStream;
  readonly #now: (state: RunViewState) => number;
  #timer: NodeJS.Timeout | undefined;
  #tick = 0;
  #paused = false;
  #notice: string | undefined;

  constructor(options: LiveViewOptions) {
    this.#stream = options.stream;
    this.#now = options.now ?? (() => Date.now());
    this.#log = createLogUpdate(options.stream);
    // The timer both throttles redraws and animates spinners and elapsed times.
    this.#timer = setInterval(() => this.#draw(), FRAME_MS);
    this.#draw();
  }

  /** Folds one event into the view; the next frame shows it. */
  push(event: CrewEvent): void {
    applyEvent(this.state, event);
  }

  /** Shows a line under the frame (e.g. "Cancelling…") from the next frame on. */
  notice(text: string): void {
    this.#notice = text;
    this.#draw();
  }

  /** Clears the view so something else (a prompt) can use the terminal. */
  pause(): void {
    this.#paused = true;
    this.#log.clear();
  }

  /** Draws again after {@link LiveView.pause}. */
  resume(): void {
    this.#paused = false;
    this.#draw();
  }

  /** Draws the final frame and leaves it in the scrollback. Idempotent. */
  stop(): void {
    if (this.#timer === undefined) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#paused = false;
    this.#draw();
    this.#log.done();
  }

  #draw(): void {
    if (this.#paused) return;
    this.#tick += 1;
    const frame = renderFrame(this.state, {
      now: this.#now(this.state),
      width: this.#stream.columns ?? 80,
      tick: this.#tick,
    });
    this.#log(
      this.#notice === undefined || isRunEnded(this.state.progress.status)
        ? frame
        : `${frame}\n\n${this.#notice}`,
    );
  }
}
