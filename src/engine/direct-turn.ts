/**
 * A model turn without tools, streamed straight from the model's `doStream`. `streamText`
 * pipes every chunk through half a dozen web streams (tool handling, output parsing, step
 * bookkeeping, a tee per reader), which costs about twice the provider's own parsing; a turn
 * that can call no tool needs none of it. The prompt is converted by the AI SDK's own function,
 * so the request the provider sends is the one `streamText` would send. (`streamText` also
 * checks the messages against its zod schema, building the schema anew per call, ~0.1 ms;
 * these messages are the engine's own, typed `ModelMessage`s.)
 */
import type {
  LanguageModelV3,
  LanguageModelV3StreamPart,
  SharedV3ProviderMetadata,
  SharedV3Warning,
} from "@ai-sdk/provider";
import { NoSuchToolError, type LanguageModel, type ModelMessage } from "ai";
import * as aiInternal from "ai/internal";
import type { TurnRecorder } from "./turn-recorder.js";

/** What a direct turn sends. */
export interface DirectTurnRequest {
  system: string;
  messages: ModelMessage[];
  /** The run's signal: aborting it closes the model request. */
  abortSignal: AbortSignal;
  /** JSON schema of the answer, when the task has one. */
  jsonSchema?: Record<string, unknown> | undefined;
}

// The AI SDK's own prompt conversion and usage mapping, from its `ai/internal` entry (marked
// experimental there): an AI SDK release without them makes every turn go through `streamText`.
const { convertToLanguageModelPrompt, asLanguageModelUsage } = aiInternal as Partial<
  typeof aiInternal
>;
const available = convertToLanguageModelPrompt !== undefined && asLanguageModelUsage !== undefined;

/** Whether a turn can skip `streamText`: a v3 model, no tools to offer it, and the SDK's helpers. */
export function callsDirectly(
  model: LanguageModel,
  tools: Record<string, unknown>,
): model is LanguageModelV3 {
  return (
    available &&
    typeof model !== "string" &&
    model.specificationVersion === "v3" &&
    Object.keys(tools).length === 0
  );
}

/** A text or reasoning part of the answer, as the response messages carry it. */
interface ContentPart {
  type: "text" | "reasoning";
  text: string;
  providerMetadata: SharedV3ProviderMetadata | undefined;
}

/**
 * Streams one model call and records it; returns the assistant message of the answer (for
 * the conversation to go on). Throws the provider's error (already retried by the model
 * guard) or an abort error.
 */
export async function streamDirectTurn(
  model: LanguageModelV3,
  request: DirectTurnRequest,
  recorder: TurnRecorder,
): Promise<ModelMessage[]> {
  const prompt = await convertToLanguageModelPrompt!({
    prompt: { system: request.system, messages: request.messages },
    supportedUrls: await model.supportedUrls,
    download: undefined,
    abortSignal: request.abortSignal,
  });
  const { stream } = await model.doStream({
    prompt,
    abortSignal: request.abortSignal,
    ...(request.jsonSchema === undefined
      ? {}
      : { responseFormat: { type: "json" as const, schema: request.jsonSchema } }),
  });
  const content: ContentPart[] = [];
  // The parts being streamed, by kind and id (a provider may interleave several).
  const open = { text: new Map<string, ContentPart>(), reasoning: new Map<string, ContentPart>() };
  const begin = (type: ContentPart["type"], id: string, metadata?: SharedV3ProviderMetadata) => {
    const part: ContentPart = { type, text: "", providerMetadata: metadata };
    content.push(part);
    open[type].set(id, part);
    return part;
  };
  const append = (
    type: ContentPart["type"],
    id: string,
    text: string,
    metadata?: SharedV3ProviderMetadata,
  ) => {
    const part = open[type].get(id) ?? begin(type, id);
    part.text += text;
    if (metadata !== undefined) part.providerMetadata = metadata;
  };
  let usage = {};
  let finishReason = "other";
  const reader = stream.getReader();
  let done = false;
  let queued: Promise<void> | undefined;
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) {
        done = true;
        break;
      }
      const part: LanguageModelV3StreamPart = next.value;
      switch (part.type) {
        case "text-start":
        case "reasoning-start":
          begin(part.type === "text-start" ? "text" : "reasoning", part.id, part.providerMetadata);
          break;
        case "text-delta":
          append("text", part.id, part.delta, part.providerMetadata);
          queued = recorder.text(part.delta);
          if (queued) await queued;
          break;
        case "reasoning-delta":
          append("reasoning", part.id, part.delta, part.providerMetadata);
          queued = recorder.reasoning(part.delta);
          if (queued) await queued;
          break;
        case "text-end":
        case "reasoning-end":
          if (part.providerMetadata !== undefined)
            append(
              part.type === "text-end" ? "text" : "reasoning",
              part.id,
              "",
              part.providerMetadata,
            );
          break;
        case "stream-start":
          logWarnings(model, part.warnings);
          recorder.providerWarnings(part.warnings);
          break;
        case "tool-call":
          await reportUnofferedCall(part, recorder);
          break;
        case "finish":
          usage = asLanguageModelUsage!(part.usage);
          finishReason = part.finishReason.unified;
          break;
        case "error":
          throw part.error;
        default:
          break;
      }
    }
  } finally {
    // Cut short (an error, a cancel, a consumer gone): the provider's response is closed too.
    if (!done) reader.cancel().catch(() => undefined);
  }
  await recorder.stepEnd(usage, finishReason);
  const answer = content
    .filter((part) => part.type === "reasoning" || part.text !== "")
    .map((part) => ({
      type: part.type,
      text: part.text,
      ...(part.providerMetadata === undefined ? {} : { providerOptions: part.providerMetadata }),
    }));
  return [{ role: "assistant", content: answer }];
}

/**
 * A model that calls a tool although none was offered: the call is reported as failed, as
 * `streamText` reports a call of an unknown tool; its answer (none) makes the agent ask again.
 */
async function reportUnofferedCall(
  call: { toolCallId: string; toolName: string; input: string },
  recorder: TurnRecorder,
): Promise<void> {
  let args: unknown = call.input;
  try {
    args = JSON.parse(call.input);
  } catch {
    // Not JSON: reported as the model sent it.
  }
  recorder.toolCall(call.toolName, args);
  await recorder.invalidCall(call.toolCallId, call.toolName, args);
  const message = new NoSuchToolError({ toolName: call.toolName }).message;
  await recorder.invalidCallFailed(call.toolCallId, call.toolName, message);
}

/**
 * The provider's warnings about the call (a setting it does not support, e.g. a JSON schema
 * it cannot enforce), logged as `streamText` logs them: to `globalThis.AI_SDK_LOG_WARNINGS`
 * when that is a function, nowhere when it is `false`, else to the console.
 */
function logWarnings(model: LanguageModelV3, warnings: SharedV3Warning[]): void {
  if (warnings.length === 0) return;
  const logger = (globalThis as { AI_SDK_LOG_WARNINGS?: unknown }).AI_SDK_LOG_WARNINGS;
  if (logger === false) return;
  if (typeof logger === "function") {
    logger({ warnings, provider: model.provider, model: model.modelId });
    return;
  }
  const prefix = `AI SDK Warning (${model.provider} / ${model.modelId}):`;
  for (const warning of warnings) {
    const text =
      warning.type === "other"
        ? warning.message
        : `The feature "${warning.feature}" is ${warning.type === "unsupported" ? "not supported" : "used in a compatibility mode"}.${warning.details ? ` ${warning.details}` : ""}`;
    console.warn(`${prefix} ${text}`);
  }
}
