/**
 * What a model turn emits while it streams, whichever way its model is called: `text.delta`
 * and `reasoning.delta` per chunk, `agent.step` at the end of each model step (with usage,
 * model, finish reason, duration, cost and the provider's warnings), and the usage estimate of
 * a call cut short.
 */
import type { SharedV3Warning } from "@ai-sdk/provider";
import { describeWarning } from "./provider-warnings.js";
import {
  ASK_QUESTION_TOOL,
  DELEGATE_TOOL,
  DELEGATE_WORK_TOOL,
  ErrorCode,
  type Usage,
} from "../events/index.js";
import { describeModel, priceOf, type ModelPrice } from "../llm/index.js";
import { summaryLine } from "./prompts.js";
import type { RunContext, StepCounter, TurnScope, UsageMeter } from "./run-context.js";
import type { PartialObjects } from "./partial-objects.js";

const DELEGATION_TOOLS = new Set([DELEGATE_TOOL, DELEGATE_WORK_TOOL, ASK_QUESTION_TOOL]);

/** Token counts as a model step reports them (either may be missing). */
export interface StepUsage {
  inputTokens?: number | undefined;
  outputTokens?: number | undefined;
}

/** The turn's place in its task, as the recorder needs it. */
export interface TurnRecorderOptions {
  scope: TurnScope;
  steps: StepCounter;
  usage: UsageMeter;
  /** Partial objects of an answer with an output schema. */
  partials?: PartialObjects | undefined;
}

/** Records one turn's model steps as protocol events. */
export class TurnRecorder {
  #text = "";
  #reasoning = "";
  #toolCalls: Array<{ name: string; input: unknown }> = [];
  // Text chunks of the model call in progress: its usage estimate until the model reports one.
  #streamed = 0;
  #warnings: string[] = [];
  #callStarted = performance.now();
  readonly #modelName: string;
  readonly #price: ModelPrice | undefined;
  /** Text and finish reason of the last finished step: the turn's answer. */
  last = { text: "", finishReason: "unknown" };

  constructor(
    private readonly ctx: RunContext,
    model: Parameters<typeof describeModel>[0],
    private readonly options: TurnRecorderOptions,
  ) {
    // The model string and its price, carried on every agent.step so traces, metrics and cost
    // need nothing but the events.
    this.#modelName = describeModel(model);
    this.#price = priceOf(this.#modelName);
  }

  /**
   * A chunk of answer text. Resolves once the event is queued; answers `undefined` when that
   * needed no waiting, so the caller of a token's worth of work awaits only when it must.
   */
  text(delta: string): Promise<void> | undefined {
    if (delta === "") return undefined;
    this.#text += delta;
    const queued = this.#delta("text.delta", delta);
    const partials = this.options.partials;
    if (partials === undefined) return queued;
    return queued === undefined ? partials.push(delta) : queued.then(() => partials.push(delta));
  }

  /**
   * A chunk of reasoning: streamed as its own event and kept out of the answer; reasoning
   * tokens count as output tokens, so they count in the estimate too. Answers as `text` does.
   */
  reasoning(delta: string): Promise<void> | undefined {
    if (delta === "") return undefined;
    this.#reasoning += delta;
    return this.#delta("reasoning.delta", delta);
  }

  /** Queues a delta event, with a promise only when the queue made it wait. */
  #delta(type: "text.delta" | "reasoning.delta", delta: string): Promise<void> | undefined {
    this.#streamed += 1;
    const event = { type, ...this.options.scope, delta };
    return this.ctx.tryEmit(event) ? undefined : this.ctx.emit(event);
  }

  /** A tool call of the step in progress (named in its `agent.step`). */
  toolCall(name: string, input: unknown): void {
    this.#toolCalls.push({ name, input });
  }

  /**
   * A call that never reaches a tool's execute (an unknown tool, bad arguments): its
   * `tool.call`, which instrumented tools otherwise emit themselves.
   */
  invalidCall(callId: string, tool: string, args: unknown): Promise<void> {
    return this.ctx.emit({ type: "tool.call", ...this.options.scope, callId, tool, args });
  }

  /** The failed `tool.result` of an {@link TurnRecorder.invalidCall}. */
  invalidCallFailed(callId: string, tool: string, message: string): Promise<void> {
    return this.ctx.emit({
      type: "tool.result",
      ...this.options.scope,
      callId,
      tool,
      error: { code: ErrorCode.TOOL_ERROR, message },
    });
  }

  /** Ends a model step with what the model reported: emits its `agent.step`. */
  async stepEnd(usage: StepUsage, finishReason: string): Promise<void> {
    const { scope } = this.options;
    const reported = reportedUsage(usage);
    if (reported === undefined) this.options.usage.addEstimate(this.#streamed);
    else this.options.usage.add(reported);
    this.#streamed = 0;
    await this.ctx.emit({
      type: "agent.step",
      ...scope,
      step: this.options.steps.next(),
      ...stepSummary(this.#text, this.#reasoning, this.#toolCalls),
      ...(reported === undefined ? {} : { usage: reported }),
      model: this.#modelName,
      finishReason,
      durationMs: Math.round(performance.now() - this.#callStarted),
      ...callCost(this.#price, reported),
      ...(this.#warnings.length === 0 ? {} : { warnings: this.#warnings }),
    });
    this.#warnings = [];
    this.#callStarted = performance.now();
    this.last = { text: this.#text, finishReason };
    this.options.partials?.restart();
    this.#text = "";
    this.#reasoning = "";
    this.#toolCalls = [];
  }

  /** The provider's warnings about the call being streamed; its `agent.step` carries them. */
  providerWarnings(warnings: readonly SharedV3Warning[]): void {
    for (const warning of warnings) this.#warnings.push(describeWarning(warning));
  }

  /** A call cut short by a cancel or an error reports no usage: counts what it streamed. */
  close(): void {
    this.options.usage.addEstimate(this.#streamed);
    this.#streamed = 0;
  }
}

function stepSummary(
  text: string,
  reasoning: string,
  toolCalls: Array<{ name: string; input: unknown }>,
) {
  if (toolCalls.length > 0 && toolCalls.every((c) => DELEGATION_TOOLS.has(c.name))) {
    const to = toolCalls.map(
      (c) => (c.input as { coworker?: string } | undefined)?.coworker ?? "?",
    );
    return { kind: "delegate" as const, text: `Delegating to ${to.join(", ")}` };
  }
  if (toolCalls.length > 0)
    return {
      kind: "tool" as const,
      text: `Using tool: ${toolCalls.map((c) => c.name).join(", ")}`,
    };
  if (text.trim() !== "") return { kind: "answer" as const, text: summaryLine(text) };
  return { kind: "thought" as const, text: summaryLine(reasoning) || "(no output)" };
}

/** The usage a model step reported, or undefined when the provider reported none. */
function reportedUsage(usage: StepUsage): Usage | undefined {
  if (usage.inputTokens === undefined && usage.outputTokens === undefined) return undefined;
  return { inputTokens: usage.inputTokens ?? 0, outputTokens: usage.outputTokens ?? 0 };
}

/** The `cost` of a call: known when its price is and the model reported usage (or it is free). */
function callCost(price: ModelPrice | undefined, usage: Usage | undefined): { cost?: number } {
  if (price === undefined) return {};
  if (usage === undefined) return price.input === 0 && price.output === 0 ? { cost: 0 } : {};
  return {
    cost: (usage.inputTokens * price.input + usage.outputTokens * price.output) / 1_000_000,
  };
}
