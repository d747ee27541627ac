/**
 * The life of one task, shared by both processes: `task.start`, the work, optional human
 * review, `task.end`.
 */
import type { ModelMessage } from "ai";
import { CrewError, ErrorCode } from "../events/index.js";
import { feedbackPrompt, humanReviewPrompt } from "./prompts.js";
import { StepCounter, UsageMeter, type RunContext, type TurnScope } from "./run-context.js";
import type { TaskDefinition } from "../crew/index.js";

/** A task's work: produce an answer, and revise it after feedback when asked. */
export interface TaskWork {
  /** First answer. Returns the output and the conversation that led to it. */
  answer(
    steps: StepCounter,
    usage: UsageMeter,
  ): Promise<{ output: string; messages: ModelMessage[] }>;
  /** Revised answer, given the conversation with the feedback appended. */
  revise(
    messages: ModelMessage[],
    steps: StepCounter,
    usage: UsageMeter,
  ): Promise<{ output: string }>;
}

/** Where a task sits in the run. */
export interface TaskPosition {
  task: TaskDefinition;
  /** Agent the task's events are stamped with (its agent, or the manager). */
  agent: string;
  index: number;
  total: number;
}

/** Runs a task and returns its final output. */
export async function runTask(
  ctx: RunContext,
  position: TaskPosition,
  work: TaskWork,
): Promise<string> {
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
  const draft = await work.answer(steps, usage);
  let output = draft.output;
  if (task.humanInput) {
    const feedback = await askHuman(ctx, scope, output);
    if (feedback.trim() !== "") {
      const messages: ModelMessage[] = [
        ...draft.messages,
        { role: "user", content: feedbackPrompt(feedback) },
      ];
      output = (await work.revise(messages, steps, usage)).output;
    }
  }
  await ctx.emit({
    type: "task.end",
    ...scope,
    output,
    usage: usage.total,
    ...(usage.estimated ? { estimated: true } : {}),
    durationMs: Math.round(performance.now() - started),
  });
  return output;
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
