/**
 * The life of one task, shared by both processes: `task.start`, the work, optional human
 * review, the checks of its output (schema, guardrail) with retries, its output file,
 * `task.end`, its callback.
 */
import type { ModelMessage } from "ai";
import { CrewError, ErrorCode, type Usage } from "../events/index.js";
import {
  checkOutputText,
  DEFAULT_GUARDRAIL_MAX_RETRIES,
  formatOutputIssues,
  outputShape,
  type AgentDefinition,
  type OutputShape,
  type TaskDefinition,
} from "../crew/index.js";
import type { TurnOutput } from "./agent-turn.js";
import { checkGuardrail } from "./guardrail.js";
import { writeOutputFile } from "./output-file.js";
import { PartialObjects } from "./partial-objects.js";
import { feedbackPrompt, humanReviewPrompt, retryPrompt } from "./prompts.js";
import { StepCounter, UsageMeter, type RunContext, type TurnScope } from "./run-context.js";

/** How a task's answer must come out: its shape (output schema), when it has one. */
interface AnswerOptions {
  output?: TurnOutput;
}

/** A task's work: produce an answer, and revise it after feedback when asked. */
export interface TaskWork {
  /** First answer. Returns the output and the conversation that led to it. */
  answer(
    steps: StepCounter,
    usage: UsageMeter,
    options?: AnswerOptions,
  ): Promise<{ output: string; messages: ModelMessage[] }>;
  /** Revised answer, given the conversation with the feedback appended. */
  revise(
    messages: ModelMessage[],
    steps: StepCounter,
    usage: UsageMeter,
    options?: AnswerOptions,
  ): Promise<{ output: string; messages?: ModelMessage[] }>;
}

/** Where a task sits in the run. */
export interface TaskPosition {
  task: TaskDefinition;
  /** Agent the task's events are stamped with (its agent, or the manager). */
  agent: string;
  index: number;
  total: number;
}

/** A task's final output: the text, and the parsed value when the task has an output schema. */
interface TaskResult {
  output: string;
  object?: unknown;
}

/**
 * Runs a task and returns its final output. With an output schema, the answer is streamed as
 * partial objects and validated; with a guardrail, it is checked. A failed check (schema or
 * guardrail, each streamed as `guardrail.check`) re-runs the task with the feedback, at most
 * `guardrailMaxRetries` times; then the task fails with invalid_output or guardrail_failed.
 */
export async function runTask(
  ctx: RunContext,
  position: TaskPosition,
  work: TaskWork,
): Promise<string> {
  return (await runTaskForResult(ctx, position, work)).output;
}

/** {@link runTask}, answering the parsed value too. */
async function runTaskForResult(
  ctx: RunContext,
  position: TaskPosition,
  work: TaskWork,
): Promise<TaskResult> {
  const { task } = position;
  const scope: TurnScope = { agent: position.agent, task: task.key };
  // A cancelled run starts no new task.
  if (ctx.signal.aborted) throw new CrewError(ErrorCode.CANCELLED, "The run was cancelled.");
  const started = performance.now();
  await ctx.emit({
    type: "task.start",
    ...scope,
    index: position.index,
    total: position.total,
    description: task.description,
  });
  const steps = new StepCounter();
  const usage = new UsageMeter(ctx.usage);
  const shape = task.outputSchema === undefined ? undefined : outputShape(task.outputSchema);
  const options: AnswerOptions =
    shape === undefined
      ? {}
      : {
          output: {
            shape,
            partials: new PartialObjects((partial) =>
              ctx.emit({ type: "object.delta", ...scope, partial }),
            ),
          },
        };
  const draft = await work.answer(steps, usage, options);
  let output = draft.output;
  let messages = draft.messages;
  if (task.humanInput) {
    const feedback = await askHuman(ctx, scope, output);
    if (feedback.trim() !== "") {
      messages = [...messages, { role: "user", content: feedbackPrompt(feedback) }];
      const revised = await work.revise(messages, steps, usage, options);
      output = revised.output;
      messages = revised.messages ?? messages;
    }
  }
  const maxRetries = task.guardrailMaxRetries ?? DEFAULT_GUARDRAIL_MAX_RETRIES;
  let object: unknown;
  for (let attempt = 1; ; attempt++) {
    const verdict = await checkOutput(ctx, scope, task, output, attempt, shape, usage);
    if (verdict.ok) {
      object = verdict.object;
      break;
    }
    await ctx.emit({
      type: "guardrail.check",
      ...scope,
      attempt,
      ok: false,
      feedback: verdict.feedback,
      ...(verdict.usage === undefined ? {} : { usage: verdict.usage }),
      ...(verdict.warnings === undefined ? {} : { warnings: verdict.warnings }),
    });
    if (attempt > maxRetries) {
      const tries = attempt === 1 ? "1 attempt" : `${attempt} attempts`;
      throw new CrewError(
        verdict.code,
        verdict.code === ErrorCode.INVALID_OUTPUT
          ? `Task "${task.key}": the output does not match its schema after ${tries}: ${verdict.feedback}`
          : `Task "${task.key}": the guardrail rejected the output after ${tries}: ${verdict.feedback}`,
      );
    }
    messages = [...messages, { role: "user", content: retryPrompt(verdict.feedback) }];
    const revised = await work.revise(messages, steps, usage, options);
    output = revised.output;
    messages = revised.messages ?? messages;
  }
  // The JSON text of a structured output is normalised, so later tasks and files get clean JSON.
  if (shape !== undefined) output = JSON.stringify(object, null, 2);
  const file =
    task.outputFile === undefined
      ? undefined
      : await writeOutputFile(ctx.outputDir, task.outputFile, output, task.key);
  await ctx.emit({
    type: "task.end",
    ...scope,
    output,
    usage: usage.total,
    ...(usage.estimated ? { estimated: true } : {}),
    durationMs: Math.round(performance.now() - started),
    ...(shape === undefined ? {} : { object }),
    ...(file === undefined ? {} : { file }),
  });
  await task.callback?.({
    task: task.key,
    agent: position.agent,
    description: task.description,
    output,
    ...(shape === undefined ? {} : { object }),
    ...(file === undefined ? {} : { file }),
  });
  return shape === undefined ? { output } : { output, object };
}

type Verdict =
  | { ok: true; object?: unknown }
  | {
      ok: false;
      usage?: Usage;
      /** The provider's warnings about a sentence guardrail's check. */
      warnings?: string[];
      feedback: string;
      code: typeof ErrorCode.INVALID_OUTPUT | typeof ErrorCode.GUARDRAIL_FAILED;
    };

/** The schema check, then the guardrail (which sees the parsed value); the first failure wins. */
async function checkOutput(
  ctx: RunContext,
  scope: TurnScope,
  task: TaskDefinition,
  output: string,
  attempt: number,
  shape: OutputShape | undefined,
  usage: UsageMeter,
): Promise<Verdict> {
  let object: unknown;
  if (shape !== undefined) {
    const checked = checkOutputText(shape, output);
    if (!checked.ok) {
      return {
        ok: false,
        code: ErrorCode.INVALID_OUTPUT,
        feedback: `The answer does not match the required JSON schema:\n${formatOutputIssues(checked.issues)}`,
      };
    }
    object = checked.value;
  }
  const structured = shape === undefined ? {} : { object };
  if (task.guardrail === undefined) return { ok: true, ...structured };
  const verdict = await checkGuardrail({
    guardrail: task.guardrail,
    output: { task: task.key, agent: scope.agent, output, ...structured },
    attempt,
    model: ctx.modelFor(checkerOf(ctx, task), scope),
    signal: ctx.signal,
    usage,
  });
  if (!verdict.ok) {
    return {
      ok: false,
      code: ErrorCode.GUARDRAIL_FAILED,
      feedback: verdict.feedback ?? "The output does not meet the guardrail.",
      ...(verdict.usage === undefined ? {} : { usage: verdict.usage }),
      ...(verdict.warnings === undefined ? {} : { warnings: verdict.warnings }),
    };
  }
  await ctx.emit({
    type: "guardrail.check",
    ...scope,
    attempt,
    ok: true,
    ...(verdict.feedback === undefined ? {} : { feedback: verdict.feedback }),
    ...(verdict.usage === undefined ? {} : { usage: verdict.usage }),
    ...(verdict.warnings === undefined ? {} : { warnings: verdict.warnings }),
  });
  return { ok: true, ...structured };
}

/** The agent whose model checks a sentence guardrail: the task's agent, else the first agent. */
function checkerOf(ctx: RunContext, task: TaskDefinition): AgentDefinition {
  const agents = ctx.crew.agents;
  const found = agents.find((agent) => agent.key === task.agent) ?? agents[0];
  if (found === undefined) throw new CrewError(ErrorCode.INVALID_CREW, "A crew needs agents.");
  return found;
}

/**
 * Emits `input.request`, waits for the run's input handler, emits `input.response` and
 * returns the answer. Fails with bad_request when the run has no handler.
 */
async function askHuman(ctx: RunContext, scope: TurnScope, draft: string): Promise<string> {
  const handler = ctx.onInputRequest;
  if (handler === undefined) {
    throw new CrewError(
      ErrorCode.BAD_REQUEST,
      `Task "${scope.task}" asks for human input, but this run has no way to ask: pass onInputRequest in the run options or answer through the server.`,
    );
  }
  const requestId = crypto.randomUUID();
  const prompt = humanReviewPrompt(scope.task, draft);
  await ctx.emit({ type: "input.request", ...scope, requestId, prompt });
  const text = await raceAbort(
    handler({ requestId, prompt, agent: scope.agent, task: scope.task }, ctx.signal),
    ctx.signal,
  );
  await ctx.emit({ type: "input.response", ...scope, requestId, text });
  return text;
}

/** Settles with `promise`, or rejects as cancelled as soon as `signal` aborts. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted)
    return Promise.reject(new CrewError(ErrorCode.CANCELLED, "The run was cancelled."));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void =>
      reject(new CrewError(ErrorCode.CANCELLED, "The run was cancelled."));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
