/**
 * One streamed model turn of an agent (an AI SDK `streamText` call, possibly several model
 * steps with tool calls), turned into protocol events.
 */
import { jsonSchema, Output, stepCountIs, streamText, type ModelMessage, type ToolSet } from "ai";
import { CrewError, ErrorCode, type Usage } from "../events/index.js";
import { instrumentTools } from "./instrument-tools.js";
import { summaryLine } from "./prompts.js";
import type { RunContext, StepCounter, TurnScope, UsageMeter } from "./run-context.js";
import type { AgentDefinition, OutputShape } from "../crew/index.js";
import { ASK_QUESTION_TOOL, DELEGATE_TOOL, DELEGATE_WORK_TOOL } from "../events/index.js";
import { describeModel, priceOf, type ModelPrice } from "../llm/index.js";
import type { PartialObjects } from "./partial-objects.js";

const DELEGATION_TOOLS = new Set([DELEGATE_TOOL, DELEGATE_WORK_TOOL, ASK_QUESTION_TOOL]);

/** A turn whose answer has a shape: asked for as structured output, streamed as partial objects. */
export interface TurnOutput {
  shape: OutputShape;
  partials: PartialObjects;
}

/** What one `streamText` call needs. */
export interface StreamTurnOptions {
  agent: AgentDefinition;
  scope: TurnScope;
  system: string;
  messages: ModelMessage[];
  tools: ToolSet;
  maxSteps: number;
  steps: StepCounter;
  usage: UsageMeter;
  toolChoice?: "auto" | "none";
  /** The answer's shape, when the task has an output schema. */
  output?: TurnOutput;
}

/** What a turn produced. */
export interface StreamTurnResult {
  /** Text of the last model step: the answer. */
  text: string;
  /** Why the last step ended ("stop", "tool-calls", "length", ...). */
  finishReason: string;
  /** The assistant and tool messages of the turn, to continue the conversation. */
  responseMessages: ModelMessage[];
}

function deferredMap(): { ready: (id: string) => Promise<void>; reached: (id: string) => void } {
  const waiting = new Map<string, { promise: Promise<void>; resolve: () => void }>();
  const entry = (id: string): { promise: Promise<void>; resolve: () => void } => {
    let found = waiting.get(id);
    if (found === undefined) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      found = { promise, resolve };
      waiting.set(id, found);
    }
    return found;
  };
  return { ready: (id) => entry(id).promise, reached: (id) => entry(id).resolve() };
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

/**
 * Runs one `streamText` call and emits its events: `text.delta` per chunk of text,
 * `reasoning.delta` per chunk of reasoning, `tool.call` and `tool.result` around each tool,
 * `agent.step` after each model step. Throws the provider's error (already retried by the
 * model guard) or an abort error.
 */
export async function streamTurn(
  ctx: RunContext,
  options: StreamTurnOptions,
): Promise<StreamTurnResult> {
  const { scope } = options;
  const gate = deferredMap();
  // Taken from onFinish: reading `result.response` afterwards would replay the whole stream
  // through a second tee branch that buffers every chunk.
  let responseMessages: ModelMessage[] = [];
  const model = ctx.modelFor(options.agent, scope);
  // The model string and its price, carried on every agent.step so traces, metrics and cost
  // need nothing but the events.
  const modelName = describeModel(model);
  const price = priceOf(modelName);
  const result = streamText({
    model,
    system: options.system,
    messages: options.messages,
    tools: instrumentTools(options.tools, scope, (draft) => ctx.emit(draft), gate.ready),
    ...(options.toolChoice ? { toolChoice: options.toolChoice } : {}),
    // The provider is asked for JSON of the schema; validation happens in the task, which
    // retries with the errors, so the SDK's own parsing is not relied on.
    ...(options.output === undefined
      ? {}
      : { output: Output.object({ schema: jsonSchema(options.output.shape.jsonSchema) }) }),
    stopWhen: stepCountIs(options.maxSteps),
    // Retries happen per model request in the model guard, where they are visible as llm.retry.
    maxRetries: 0,
    abortSignal: ctx.signal,
    // Errors reach the loop below as "error" parts and fail the run; no console logging.
    onError: () => undefined,
    onFinish: (event) => {
      responseMessages = event.response.messages;
    },
  });
  let text = "";
  let reasoning = "";
  let toolCalls: Array<{ name: string; input: unknown }> = [];
  const invalidCalls = new Set<string>();
  let last = { text: "", finishReason: "unknown" };
  // Text chunks of the model call in progress: its usage estimate until the model reports one.
  let streamed = 0;
  let callStarted = performance.now();
  try {
    for await (const part of result.fullStream) {
      switch (part.type) {
        case "text-delta":
          if (part.text === "") break;
          {
            text += part.text;
            streamed += 1;
            const delta = { type: "text.delta" as const, ...scope, delta: part.text };
            if (!ctx.tryEmit(delta)) await ctx.emit(delta);
            if (options.output !== undefined) await options.output.partials.push(part.text);
            break;
          }
        case "reasoning-delta":
          if (part.text === "") break;
          {
            // Streamed as its own event and kept out of `text`, so never part of the output;
            // reasoning tokens count as output tokens, so they count in the estimate too.
            reasoning += part.text;
            streamed += 1;
            const delta = { type: "reasoning.delta" as const, ...scope, delta: part.text };
            if (!ctx.tryEmit(delta)) await ctx.emit(delta);
            break;
          }
        case "tool-call":
          toolCalls.push({ name: part.toolName, input: part.input });
          // An invalid call (unknown tool, bad arguments) never reaches execute: report it here.
          if (part.invalid === true) {
            invalidCalls.add(part.toolCallId);
            await ctx.emit({
              type: "tool.call",
              ...scope,
              callId: part.toolCallId,
              tool: part.toolName,
              args: part.input,
            });
          }
          gate.reached(part.toolCallId);
          break;
        case "tool-error":
          if (invalidCalls.has(part.toolCallId)) {
            const message = part.error instanceof Error ? part.error.message : String(part.error);
            await ctx.emit({
              type: "tool.result",
              ...scope,
              callId: part.toolCallId,
              tool: part.toolName,
              error: { code: ErrorCode.TOOL_ERROR, message },
            });
          }
          break;
        case "finish-step": {
          const reported = reportedUsage(part.usage);
          if (reported === undefined) options.usage.addEstimate(streamed);
          else options.usage.add(reported);
          streamed = 0;
          const summary = stepSummary(text, reasoning, toolCalls);
          await ctx.emit({
            type: "agent.step",
            ...scope,
            step: options.steps.next(),
            ...summary,
            ...(reported === undefined ? {} : { usage: reported }),
            model: modelName,
            finishReason: part.finishReason,
            durationMs: Math.round(performance.now() - callStarted),
            ...callCost(price, reported),
          });
          callStarted = performance.now();
          last = { text, finishReason: part.finishReason };
          options.output?.partials.restart();
          text = "";
          reasoning = "";
          toolCalls = [];
          break;
        }
        case "error":
          throw part.error;
        case "abort":
          throw new CrewError(ErrorCode.CANCELLED, "The run was cancelled.");
        default:
          break;
      }
    }
  } finally {
    // A call cut short by a cancel or an error reports no usage: count what it streamed.
    options.usage.addEstimate(streamed);
  }
  return { text: last.text, finishReason: last.finishReason, responseMessages };
}

/** The usage a model step reported, or undefined when the provider reported none. */
function reportedUsage(usage: {
  inputTokens?: number | undefined;
  outputTokens?: number | undefined;
}): Usage | undefined {
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
