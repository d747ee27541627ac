/**
 * A crew that is a program (e.g. a Python CrewAI crew's `crew/run.py`), streamed through the
 * crewstream protocol. The program gets the inputs as `--inputs <json>` and as JSON on stdin,
 * reports progress on stderr (the seed's `{"type":"progress",...}` lines, or protocol events
 * such as `{"type":"text.delta","delta":"..."}`) and prints its result on stdout.
 */
import { randomUUID } from "node:crypto";
import { CrewError, ErrorCode, EventStamper } from "../events/index.js";
import type { CrewEvent, ErrorInfo, Inputs, RunEndEvent } from "../events/index.js";
import type { RunOptions } from "../crew/index.js";
import type { CrewRunner } from "../runs/index.js";
import { CrewProcess } from "./crew-process.js";
import { DEFAULT_MAX_LINE_LENGTH } from "./line-splitter.js";
import { fillPlaceholders } from "./names.js";
import {
  ERROR_TAIL_LINES,
  processError,
  resultFromStdout,
  timeoutError,
} from "./process-result.js";
import { classifyStderrLine } from "./stderr-line.js";
import { TaskTracker } from "./task-tracker.js";
import type { KnownAgent } from "./task-tracker.js";
import type { ProcessCrewOptions } from "./process-crew-options.js";
import { stopSignals } from "./stop-signals.js";
import type { StopReason } from "./stop-signals.js";

export type { ProcessCrewOptions } from "./process-crew-options.js";

/** Runs a crew program and streams its progress as protocol events. */
export class ProcessCrew implements CrewRunner {
  /** The crew's name. */
  readonly name: string;
  readonly #options: ProcessCrewOptions;

  constructor(options: ProcessCrewOptions) {
    if (options.command.length === 0 || options.command[0] === "") {
      throw new CrewError(
        ErrorCode.INVALID_CREW,
        `Crew "${options.name}": \`command:\` must name a program to run, e.g. ["python3", "crew/run.py"].`,
      );
    }
    this.name = options.name;
    this.#options = options;
  }

  /** Names of the inputs the program needs. */
  requiredInputs(): string[] {
    return [...(this.#options.inputs ?? [])];
  }

  /** What the crew declares: its agents, tasks and inputs. */
  info(): {
    name: string;
    process: "sequential";
    agents: KnownAgent[];
    tasks: { key: string; agent?: string }[];
    inputs: string[];
  } {
    return {
      name: this.name,
      process: "sequential",
      agents: [...(this.#options.agents ?? [])],
      tasks: this.#runStartTasks(),
      inputs: this.requiredInputs(),
    };
  }

  /**
   * Runs the program once. Yields `run.start` first and exactly one `run.end` last; it does not
   * throw for run failures. Aborting `options.signal` stops the program (SIGTERM, then SIGKILL
   * after `killGraceMs`) and ends with `cancelled`; returning early from the generator stops it too.
   */
  async *stream(given: Inputs, options: RunOptions = {}): AsyncGenerator<CrewEvent> {
    const inputs: Inputs = { ...this.#options.defaultInputs, ...given };
    const runId = options.runId ?? randomUUID();
    const stamper = new EventStamper(runId);
    const startedAt = Date.now();
    const tracker = new TaskTracker(this.#options.agents ?? [], this.#options.tasks ?? [], inputs);
    const tail: string[] = [];
    const diagnostic = (line: string): void => {
      tail.push(line);
      if (tail.length > ERROR_TAIL_LINES) tail.shift();
      this.#options.onDiagnostic?.(line, runId);
    };
    const end = (
      status: RunEndEvent["status"],
      extra: { result?: string; error?: ErrorInfo },
    ): CrewEvent =>
      stamper.stamp({
        type: "run.end",
        status,
        ...extra,
        usage: tracker.usage.usage,
        ...(tracker.usage.estimated ? { estimated: true } : {}),
        durationMs: Date.now() - startedAt,
      });

    yield stamper.stamp({
      type: "run.start",
      crew: this.name,
      process: "sequential",
      inputs,
      // Roles as the program will print them: placeholders filled in.
      agents: (this.#options.agents ?? []).map((agent) => ({
        key: agent.key,
        role: fillPlaceholders(agent.role, inputs).trim(),
      })),
      tasks: this.#runStartTasks(),
    });
    if (options.signal?.aborted === true) {
      yield end("cancelled", {
        error: {
          code: ErrorCode.CANCELLED,
          message: "The run was cancelled before the crew process started.",
        },
      });
      return;
    }

    const child = new CrewProcess({
      command: this.#options.command,
      args: ["--inputs", JSON.stringify(inputs)],
      cwd: this.#options.cwd,
      env: this.#environment(runId, options),
      stdin: JSON.stringify(inputs),
      killGraceMs: this.#options.killGraceMs ?? 5000,
      maxLineLength: this.#options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH,
      maxStdoutLength: this.#options.maxResultLength ?? 8 * 1024 * 1024,
      onPipeError: diagnostic,
    });
    void child.exited.then((exit) =>
      this.#options.onProcessExit?.({
        runId,
        pid: child.pid,
        code: exit.code,
        signal: exit.signal,
      }),
    );
    const { stopped, dispose } = stopSignals(options.signal, this.#options.timeoutMs);
    const lines = child.stderrLines();
    let finished = false;
    try {
      let stop: StopReason | undefined;
      for (;;) {
        const next = lines.next();
        next.catch(() => undefined);
        const step = await Promise.race([next, stopped]);
        if (typeof step === "string") {
          stop = step;
          break;
        }
        if (step.done === true) break;
        const line = classifyStderrLine(step.value);
        if (line.kind === "progress") {
          for (const draft of tracker.progress(line)) yield stamper.stamp(draft);
        } else if (line.kind === "event") {
          const draft = tracker.passthrough(line.fields);
          if (draft === undefined) diagnostic(step.value);
          else yield stamper.stamp(draft);
        } else {
          diagnostic(line.text);
        }
      }
      if (stop === undefined) {
        const exit = await Promise.race([child.exited, stopped]);
        if (typeof exit === "string") stop = exit;
        else {
          finished = true;
          if (exit.spawnError === undefined && exit.code === 0) {
            // An empty stdout leaves the last task's streamed text as the result.
            let result = resultFromStdout(exit.stdout);
            for (const draft of tracker.finish(result === "" ? undefined : result)) {
              if (draft.type === "task.end" && result === "") result = draft.output;
              yield stamper.stamp(draft);
            }
            yield end("completed", { result });
          } else {
            yield end("failed", {
              error: processError(this.#options.command, exit, tail).toInfo(),
            });
          }
          return;
        }
      }
      child.stop();
      await child.exited;
      finished = true;
      yield stop === "timeout"
        ? end("failed", { error: timeoutError(this.#options.timeoutMs ?? 0).toInfo() })
        : end("cancelled", {
            error: {
              code: ErrorCode.CANCELLED,
              message: "The run was cancelled; the crew process was stopped.",
            },
          });
    } finally {
      dispose();
      if (!finished) child.stop();
    }
  }

  #runStartTasks(): { key: string; agent?: string }[] {
    return (this.#options.tasks ?? []).map((task) =>
      task.agent === undefined ? { key: task.key } : { key: task.key, agent: task.agent },
    );
  }

  /** The inherited environment (model keys included), the crew's variables, and the run's. */
  #environment(runId: string, options: RunOptions): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      PYTHONUNBUFFERED: "1",
      PYTHONIOENCODING: "utf-8",
      ...process.env,
      ...this.#options.env,
      CREWSTREAM_RUN_ID: runId,
    };
    if (typeof options.model === "string") env.CREWSTREAM_MODEL = options.model;
    return env;
  }
}
