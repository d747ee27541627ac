/**
 * Where a run's events go in the terminal, by output mode:
 * - `live`: the in-place view (stdout is a TTY), then the result;
 * - `plain`: one line per notable event, then the result;
 * - `jsonl`: exactly the protocol events, one JSON per line, nothing else on stdout;
 * - `quiet`: nothing while running, then the result (used with `--progress-stderr`).
 * With `progressStderr`, the seed's legacy progress lines also go to stderr.
 */
import type { CrewEvent, RunEndEvent } from "../events/index.js";
import { LegacyProgressProjector, toJsonLine } from "../transport/index.js";

import { LiveView, type LiveViewOptions } from "./live-view.js";
import { plainLine } from "./plain-lines.js";
import { applyEvent, createRunViewState } from "./run-view-state.js";

/** Output modes of `run` and `replay`. */
export type OutputMode = "live" | "plain" | "jsonl" | "quiet";

/** Shows a run's events as they arrive. */
export interface RunOutput {
  /** Shows one event, in `seq` order. */
  event(event: CrewEvent): void;
  /** Shows a message from the command (e.g. "Cancelling…") without disturbing the output. */
  notice(text: string): void;
  /** Hands the terminal to a prompt (human input). */
  pause(): void;
  /** Takes the terminal back after {@link RunOutput.pause}. */
  resume(): void;
  /** The run is over: stops redrawing and prints the result where the mode wants it. */
  finish(end: RunEndEvent | undefined): void;
}

/** Options of {@link createRunOutput}. */
export interface RunOutputOptions {
  mode: OutputMode;
  /** Also write the legacy `{"type":"progress",...}` lines to stderr. */
  progressStderr?: boolean;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WritableStream;
  /** Clock of the live view (replays pass the event clock). */
  now?: LiveViewOptions["now"];
}

/** Picks the mode from the flags and the terminal: live only when stdout is a TTY. */
export function chooseOutputMode(
  flags: { jsonl?: boolean; progressStderr?: boolean },
  stdout: NodeJS.WriteStream,
): OutputMode {
  if (flags.jsonl === true) return "jsonl";
  if (flags.progressStderr === true) return "quiet";
  return stdout.isTTY ? "live" : "plain";
}

function printResult(stdout: NodeJS.WritableStream, end: RunEndEvent | undefined): void {
  if (end?.status === "completed" && end.result !== undefined)
    stdout.write(`${end.result.trimEnd()}\n`);
}

/** Creates the output for a mode. */
export function createRunOutput(options: RunOutputOptions): RunOutput {
  const { stdout, stderr } = options;
  const legacy = options.progressStderr === true ? new LegacyProgressProjector() : undefined;
  const toStderr = (event: CrewEvent): void => {
    const line = legacy?.push(event);
    if (line !== undefined) stderr.write(toJsonLine(line));
  };
  switch (options.mode) {
    case "jsonl":
      return {
        event(event) {
          stdout.write(toJsonLine(event));
          toStderr(event);
        },
        notice: (text) => stderr.write(`${text}\n`),
        pause() {},
        resume() {},
        finish() {},
      };
    case "quiet":
      return {
        event: toStderr,
        notice: (text) => stderr.write(`${text}\n`),
        pause() {},
        resume() {},
        finish: (end) => printResult(stdout, end),
      };
    case "plain": {
      const state = createRunViewState();
      return {
        event(event) {
          applyEvent(state, event);
          const line = plainLine(event, state);
          if (line !== undefined) stdout.write(`${line}\n`);
          toStderr(event);
        },
        notice: (text) => stderr.write(`${text}\n`),
        pause() {},
        resume() {},
        finish(end) {
          if (end?.result !== undefined && end.status === "completed") stdout.write("\n");
          printResult(stdout, end);
        },
      };
    }
    case "live": {
      const view = new LiveView({
        stream: stdout,
        ...(options.now === undefined ? {} : { now: options.now }),
      });
      return {
        event(event) {
          view.push(event);
          toStderr(event);
        },
        notice: (text) => view.notice(text),
        pause: () => view.pause(),
        resume: () => view.resume(),
        finish(end) {
          view.stop();
          if (end?.result !== undefined && end.status === "completed") stdout.write("\n");
          printResult(stdout, end);
        },
      };
    }
  }
}
