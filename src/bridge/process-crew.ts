/**
 * A crew that is a program (e.g. a Python CrewAI crew's `crew/run.py`), streamed through the
 * crewstream protocol. The program gets the inputs as `--inputs <json>` and as the first line
 * on stdin, reports progress on stderr (the seed's `{"type":"progress",...}` lines, or
 * protocol events such as `{"type":"text.delta","delta":"..."}`, which `crewstream_bridge.py`
 * writes for a CrewAI crew) and prints its result on stdout. An `input.request` it writes is
 * answered on its stdin with one line `{"type":"input.response","requestId":...,"text":...}`.
 */
import { randomUUID } from "node:crypto";
import { CrewError, ErrorCode, EventStamper, toCrewError } from "../events/index.js";
import type {
  CrewEvent,
  ErrorInfo,
  EventDraft,
  EventOf,
  Inputs,
  RunEndEvent,
} from "../events/index.js";
import { fillKnownPlaceholders, type InputHandler, type RunOptions } from "../crew/index.js";
import { childEnvironment } from "./child-environment.js";
import { CrewProcess } from "./crew-process.js";
import { DEFAULT_MAX_LINE_LENGTH } from "./line-splitter.js";
import {
  ERROR_TAIL_LINES,
  processError,
  resultFromStdout,
  timeoutError,
} from "./process-result.js";
import { classifyStderrLine } from "./stderr-line.js";
import { InputAnswers } from "./input-answers.js";
import { TaskTracker } from "./task-tracker.js";
import type { KnownAgent } from "./task-tracker.js";
import type { ProcessCrewOptions } from "./process-crew-options.js";
import { stopSignals } from "./stop-signals.js";
import type { StopReason } from "./stop-signals.js";

export type { ProcessCrewOptions } from "./process-crew-options.js";

/**
 * Runs a crew program and streams its progress as protocol events. It has the shape of the run
 * manager's `CrewRunner`, which `runs/` adapts it to (the bridge does not depend on `runs/`).
 */
export class ProcessCrew {
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
   * An `input.request` the program writes is answered through `options.onInputRequest`; the
   * answer goes to the program's stdin and is recorded as `input.response`.
   */
  async *stream(given: Inputs, options: RunOptions = {}): AsyncGenerator<CrewEvent> {
    const inputs: Inputs = { ...this.#options.defaultInputs, ...given };
    const runId = options.runId ?? randomUUID();
    const stamper = new EventStamper(runId);
    const startedAt = Date.now();
    const tracker = new TaskTracker(this.#options.agents ?? [], this.#options.tasks ?? [], inputs);
    const stamp = (draft: EventDraft): CrewEvent => stamper.stamp(draft);
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
        role: fillKnownPlaceholders(agent.role, inputs).trim(),
      })),
      tasks: this.#runStartTasks(),
      ...(options.threadId === undefined ? {} : { threadId: options.threadId }),
      ...(this.#options.warnings === undefined || this.#options.warnings.length === 0
        ? {}
        : { warnings: this.#options.warnings }),
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
    // The tighter of crew.yaml's `timeout_ms` and the run's own time limit (`timeoutMs`).
    const own = this.#options.timeoutMs;
    const runLimit = options.timeoutMs;
    const limit =
      own === undefined ? runLimit : runLimit === undefined ? own : Math.min(own, runLimit);
    const byRun = runLimit !== undefined && limit === runLimit;
    const { stopped, dispose } = stopSignals(options.signal, limit);
    const answers = new InputAnswers(options.onInputRequest ?? refuseInput);
    const lines = child.stderrLines();
    let finished = false;
    try {
      let stop: StopReason | undefined;
      let failure: CrewError | undefined;
      let pending: Promise<IteratorResult<string>> | undefined;
      for (;;) {
        pending ??= lines.next();
        pending.catch(() => undefined);
        const step = await Promise.race([
          pending,
          stopped,
          answers.ready.then((): typeof ANSWERED => ANSWERED),
        ]);
        if (typeof step === "string") {
          if (step !== ANSWERED) {
            stop = step;
            break;
          }
          for (const answer of answers.take()) {
            if ("error" in answer) {
              failure = toCrewError(answer.error);
              break;
            }
            const { requestId } = answer.request;
            child.send(JSON.stringify({ type: "input.response", requestId, text: answer.text }));
            yield stamp(inputResponse(answer.request, answer.text));
          }
          if (failure !== undefined) break;
          continue;
        }
        pending = undefined;
        if (step.done === true) break;
        const line = classifyStderrLine(step.value);
        if (line.kind === "progress") {
          for (const draft of tracker.progress(line)) yield stamp(draft);
        } else if (line.kind === "event") {
          const drafts = tracker.passthrough(line.fields);
          if (drafts === undefined) diagnostic(step.value);
          for (const draft of drafts ?? []) {
            const event = stamp(draft);
            yield event;
            if (event.type === "input.request") answers.ask(event);
          }
        } else {
          diagnostic(line.text);
        }
      }
      if (failure !== undefined) {
        child.stop();
        await child.exited;
        finished = true;
        yield end(failure.code === ErrorCode.CANCELLED ? "cancelled" : "failed", {
          error: failure.toInfo(),
        });
        return;
      }
      if (stop === undefined) {
        const exit = await Promise.race([child.exited, stopped]);
        if (typeof exit === "string") stop = exit;
        else {
          finished = true;
          if (exit.spawnError === undefined && exit.code === 0) {
            // An empty stdout leaves the last task's output (or streamed text) as the result.
            let result = resultFromStdout(exit.stdout);
            for (const draft of tracker.finish(result === "" ? undefined : result)) {
              if (draft.type === "task.end" && result === "") result = draft.output;
              yield stamp(draft);
            }
            if (result === "") result = tracker.lastOutput ?? "";
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
        ? end("failed", { error: timeoutError(limit ?? 0, byRun).toInfo() })
        : end("cancelled", {
            error: {
              code: ErrorCode.CANCELLED,
              message: "The run was cancelled; the crew process was stopped.",
            },
          });
    } finally {
      dispose();
      answers.close();
      if (!finished) child.stop();
    }
  }

  #runStartTasks(): { key: string; agent?: string }[] {
    return (this.#options.tasks ?? []).map((task) =>
      task.agent === undefined ? { key: task.key } : { key: task.key, agent: task.agent },
    );
  }

  /** The allowlisted environment (model keys included), the crew's variables, and the run's. */
  #environment(runId: string, options: RunOptions): NodeJS.ProcessEnv {
    return childEnvironment(process.env, this.#options.env, {
      CREWSTREAM_RUN_ID: runId,
      ...(typeof options.model === "string" ? { CREWSTREAM_MODEL: options.model } : {}),
    });
  }
}

/** What the stream loop's race answers when an input answer is waiting. */
const ANSWERED = "answered";

/** The `input.response` recorded when an answer is written to the program. */
function inputResponse(request: EventOf<"input.request">, text: string): EventDraft {
  const draft = { type: "input.response" as const, requestId: request.requestId, text };
  const scoped = request.task === undefined ? draft : { ...draft, task: request.task };
  return request.agent === undefined ? scoped : { ...scoped, agent: request.agent };
}

/** The input handler of a run that has no way to ask a human. */
const refuseInput: InputHandler = (request) =>
  Promise.reject(
    new CrewError(
      ErrorCode.BAD_REQUEST,
      `Task "${request.task}" asks for human input, but this run has no way to ask: run it through the run manager (crewstream serve or run) or pass onInputRequest.`,
    ),
  );
