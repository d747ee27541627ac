/**
 * One streamed model turn of an agent (possibly several model steps with tool calls), turned
 * into protocol events.
 */
import {
  jsonSchema,
  Output,
  stepCountIs,
  streamText,
  type LanguageModel,
  type ModelMessage,
  type ToolSet,
} from "ai";
import { CrewError, ErrorCode } from "../events/index.js";
import { callsDirectly, streamDirectTurn } from "./direct-turn.js";
import { instrumentTools } from "./instrument-tools.js";
import type { RunContext, StepCounter, TurnScope, UsageMeter } from "./run-context.js";
import type { AgentDefinition, OutputShape } from "../crew/index.js";
import type { PartialObjects } from "./partial-objects.js";
import { TurnRecorder } from "./turn-recorder.js";

/** A turn whose answer has a shape: asked for as structured output, streamed as partial objects. */
export interface TurnOutput {
  shape: OutputShape;
  partials: PartialObjects;
}

/** What one model turn needs. */
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

/**
 * Runs one model turn and emits its events: `text.delta` per chunk of text,
 * `reasoning.delta` per chunk of reasoning, `tool.call` and `tool.result` around each tool,
 * `agent.step` after each model step. A turn with tools goes through `streamText` (its
 * multi-step tool loop); one without is streamed straight from the model. Throws the
 * provider's error (already retried by the model guard) or an abort error.
 */
export async function streamTurn(
  ctx: RunContext,
  options: StreamTurnOptions,
): Promise<StreamTurnResult> {
  const model = ctx.modelFor(options.agent, options.scope);
  const recorder = new TurnRecorder(ctx, model, {
    scope: options.scope,
    steps: options.steps,
    usage: options.usage,
    partials: options.output?.partials,
  });
  try {
    const responseMessages = callsDirectly(model, options.tools)
      ? await streamDirectTurn(
          model,
          {
            system: options.system,
            messages: options.messages,
            abortSignal: ctx.signal,
            jsonSchema: options.output?.shape.jsonSchema,
          },
          recorder,
        )
      : await streamToolTurn(ctx, model, options, recorder);
    return { ...recorder.last, responseMessages };
  } finally {
    recorder.close();
  }
}

/** A turn with tools: `streamText` and its tool loop, up to `maxSteps` model steps. */
async function streamToolTurn(
  ctx: RunContext,
  model: LanguageModel,
  options: StreamTurnOptions,
  recorder: TurnRecorder,
): Promise<ModelMessage[]> {
  const { scope } = options;
  const gate = deferredMap();
  // Taken from onFinish: reading `result.response` afterwards would replay the whole stream
  // through a second tee branch that buffers every chunk.
  let responseMessages: ModelMessage[] = [];
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
  const invalidCalls = new Set<string>();
  for await (const part of result.fullStream) {
    switch (part.type) {
      case "text-delta": {
        const queued = recorder.text(part.text);
        if (queued) await queued;
        break;
      }
      case "reasoning-delta": {
        const queued = recorder.reasoning(part.text);
        if (queued) await queued;
        break;
      }
      case "tool-call":
        recorder.toolCall(part.toolName, part.input);
        // An invalid call (unknown tool, bad arguments) never reaches execute: report it here.
        if (part.invalid === true) {
          invalidCalls.add(part.toolCallId);
          await recorder.invalidCall(part.toolCallId, part.toolName, part.input);
        }
        gate.reached(part.toolCallId);
        break;
      case "tool-error":
        if (invalidCalls.has(part.toolCallId)) {
          const message = part.error instanceof Error ? part.error.message : String(part.error);
          await recorder.invalidCallFailed(part.toolCallId, part.toolName, message);
        }
        break;
      case "start-step":
        recorder.providerWarnings(part.warnings);
        break;
      case "finish-step":
        await recorder.stepEnd(part.usage, part.finishReason);
        break;
      case "error":
        throw part.error;
      case "abort":
        throw new CrewError(ErrorCode.CANCELLED, "The run was cancelled.");
      default:
        break;
    }
  }
  return responseMessages;
}
