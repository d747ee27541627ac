/**
 * The built-in `offline` model: an AI SDK `LanguageModelV3` that needs no key and no network.
 * It answers deterministically, says in its first line that it is offline, streams token by
 * token at a realistic pace, calls tools like a real model would (see offline-tools.ts) and
 * reports usage, so that crews, UIs and tests behave as with a real provider.
 */
import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamPart,
  LanguageModelV3StreamResult,
  LanguageModelV3Usage,
} from "@ai-sdk/provider";
import { CrewError, ErrorCode } from "../events/index.js";
import { abortError, abortableSleep } from "../util/index.js";
import { composeAnswer } from "./offline-answers.js";
import { parsePrompt, type OfflinePrompt } from "./offline-prompt.js";
import { planToolCall, type PlannedToolCall } from "./offline-tools.js";
import { guardrailVerdict, sampleJson, tokenizeJson } from "./offline-json.js";
import { excerpt, findTopic, hashText, promptTopic, tokenize } from "./offline-topic.js";

/** Options of {@link createOfflineModel}. */
export interface OfflineModelOptions {
  /**
   * Delay per streamed token in ms; 0 streams without delay. Default: the
   * `CREWSTREAM_OFFLINE_TOKEN_MS` environment variable, else 18 (about 55 tokens per second).
   */
  tokenMs?: number;
  /** Varies the wording deterministically; the same seed and prompt give the same answer. */
  seed?: number;
  /** Environment to read `CREWSTREAM_OFFLINE_TOKEN_MS` from; defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** Provider id of the offline model; `describeModel` shows it as `offline`. */
export const OFFLINE_PROVIDER = "offline";

/** Default pace: 15 ms per token, about 65 tokens per second like a fast hosted model. */
const DEFAULT_OFFLINE_TOKEN_MS = 15;

function resolveTokenMs(options: OfflineModelOptions): number {
  if (options.tokenMs !== undefined) return Math.max(0, options.tokenMs);
  const raw = (options.env ?? process.env)["CREWSTREAM_OFFLINE_TOKEN_MS"];
  if (raw === undefined || raw.trim() === "") return DEFAULT_OFFLINE_TOKEN_MS;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    throw new CrewError(
      ErrorCode.BAD_REQUEST,
      `CREWSTREAM_OFFLINE_TOKEN_MS must be a non-negative number of milliseconds, got "${raw}".`,
    );
  }
  return value;
}

type Turn =
  | { kind: "text"; text: string; reasoning?: string; tokens?: string[] }
  | { kind: "tool"; call: PlannedToolCall; id: string };

/** The guardrail check's prompt lines (see the engine's `guardrailCheckPrompt`). */
const REQUIREMENT_LINE = /^Requirement: (.+)$/m;
const ATTEMPT_LINE = /^Attempt: (\d+)$/m;

/**
 * A JSON answer when the call asks for one (structured output): a guardrail verdict for a
 * guardrail check, else a value of the requested schema. Undefined for a text call.
 */
function jsonAnswer(
  call: LanguageModelV3CallOptions,
  prompt: ReturnType<typeof parsePrompt>,
  seed: number,
): string | undefined {
  const format = call.responseFormat;
  if (format?.type !== "json") return undefined;
  const requirement = REQUIREMENT_LINE.exec(prompt.fullText)?.[1];
  if (requirement !== undefined) {
    const attempt = Number(ATTEMPT_LINE.exec(prompt.fullText)?.[1] ?? "1");
    return JSON.stringify(guardrailVerdict(requirement.trim(), attempt));
  }
  const schema = (format.schema ?? { type: "object" }) as Record<string, unknown>;
  const value = sampleJson(schema, { topic: promptTopic(prompt), seed, root: schema });
  return JSON.stringify(value, null, 2);
}

function usageOf(
  inputTokens: number,
  outputTokens: number,
  reasoningTokens = 0,
): LanguageModelV3Usage {
  return {
    inputTokens: { total: inputTokens, noCache: inputTokens, cacheRead: 0, cacheWrite: 0 },
    outputTokens: {
      total: outputTokens,
      text: outputTokens - reasoningTokens,
      reasoning: reasoningTokens,
    },
  };
}

/** A short thought before the answer, as reasoning models stream one: what it will write about. */
function reasoningFor(prompt: OfflinePrompt): string {
  const topic = findTopic(prompt.task, prompt.goal);
  const shape = excerpt(prompt.expectedOutput, 60);
  return `The task is about ${topic}; the answer should be: ${shape || "what the task asks"}`;
}

/**
 * Creates the offline model. Each call reads the prompt (role, goal, task, expected output,
 * context, earlier tool results), then either calls one tool or writes a markdown answer of a
 * few hundred tokens about the task's topic, starting with "_(offline model: ...)_".
 * Aborting the call's `abortSignal` ends the stream at once with an AbortError.
 */
export function createOfflineModel(options: OfflineModelOptions = {}): LanguageModelV3 {
  const tokenMs = resolveTokenMs(options);
  const seed = options.seed ?? 0;

  function plan(call: LanguageModelV3CallOptions): { turn: Turn; inputTokens: number } {
    const prompt = parsePrompt(call.prompt);
    const inputChars = prompt.fullText.length + JSON.stringify(call.tools ?? []).length;
    const inputTokens = Math.max(1, Math.ceil(inputChars / 4));
    const toolCall = planToolCall(prompt, call);
    if (toolCall) {
      const id = `call_${prompt.exchanges.length + 1}_${hashText(JSON.stringify(toolCall), seed).toString(36)}`;
      return { turn: { kind: "tool", call: toolCall, id }, inputTokens };
    }
    const json = jsonAnswer(call, prompt, seed);
    if (json !== undefined)
      return { turn: { kind: "text", text: json, tokens: tokenizeJson(json) }, inputTokens };
    const text = composeAnswer(prompt, seed);
    return { turn: { kind: "text", text, reasoning: reasoningFor(prompt) }, inputTokens };
  }

  return {
    specificationVersion: "v3",
    provider: OFFLINE_PROVIDER,
    modelId: "offline",
    supportedUrls: {},

    async doGenerate(call): Promise<LanguageModelV3GenerateResult> {
      if (call.abortSignal?.aborted) throw abortError(call.abortSignal);
      const { turn, inputTokens } = plan(call);
      if (turn.kind === "tool") {
        const input = JSON.stringify(turn.call.input);
        return {
          content: [
            { type: "tool-call", toolCallId: turn.id, toolName: turn.call.toolName, input },
          ],
          finishReason: { unified: "tool-calls", raw: "tool_calls" },
          usage: usageOf(inputTokens, tokenize(input.replace(/[{}",:]/g, " $& ")).length),
          warnings: [],
        };
      }
      const reasoningTokens = turn.reasoning === undefined ? 0 : tokenize(turn.reasoning).length;
      return {
        content: [
          ...(turn.reasoning === undefined
            ? []
            : [{ type: "reasoning" as const, text: turn.reasoning }]),
          { type: "text", text: turn.text },
        ],
        finishReason: { unified: "stop", raw: "stop" },
        usage: usageOf(inputTokens, tokenize(turn.text).length + reasoningTokens, reasoningTokens),
        warnings: [],
      };
    },

    async doStream(call): Promise<LanguageModelV3StreamResult> {
      const signal = call.abortSignal;
      if (signal?.aborted) throw abortError(signal);
      const { turn, inputTokens } = plan(call);
      return { stream: streamTurn(turn, inputTokens, tokenMs, signal) };
    },
  };
}

/** Builds the parts of one turn lazily, so pacing happens as the consumer pulls. */
function* turnParts(
  turn: Turn,
): Generator<{ part: LanguageModelV3StreamPart; token: boolean; reasoning?: boolean }> {
  if (turn.kind === "text") {
    // A structured (JSON) answer comes without a thought.
    if (turn.reasoning !== undefined) {
      yield { part: { type: "reasoning-start", id: "reasoning-0" }, token: false };
      for (const delta of tokenize(turn.reasoning))
        yield {
          part: { type: "reasoning-delta", id: "reasoning-0", delta },
          token: true,
          reasoning: true,
        };
      yield { part: { type: "reasoning-end", id: "reasoning-0" }, token: false };
    }
    yield { part: { type: "text-start", id: "text-0" }, token: false };
    for (const delta of turn.tokens ?? tokenize(turn.text))
      yield { part: { type: "text-delta", id: "text-0", delta }, token: true };
    yield { part: { type: "text-end", id: "text-0" }, token: false };
    return;
  }
  const input = JSON.stringify(turn.call.input);
  yield {
    part: { type: "tool-input-start", id: turn.id, toolName: turn.call.toolName },
    token: false,
  };
  // Tool arguments stream in small pieces, as providers send them.
  for (const delta of input.match(/.{1,12}/gs) ?? [])
    yield { part: { type: "tool-input-delta", id: turn.id, delta }, token: true };
  yield { part: { type: "tool-input-end", id: turn.id }, token: false };
  yield {
    part: { type: "tool-call", toolCallId: turn.id, toolName: turn.call.toolName, input },
    token: false,
  };
}

function streamTurn(
  turn: Turn,
  inputTokens: number,
  tokenMs: number,
  signal: AbortSignal | undefined,
) {
  const parts = turnParts(turn);
  let outputTokens = 0;
  let reasoningTokens = 0;
  let onAbort: (() => void) | undefined;
  return new ReadableStream<LanguageModelV3StreamPart>({
    start(controller) {
      controller.enqueue({ type: "stream-start", warnings: [] });
      controller.enqueue({
        type: "response-metadata",
        id: `offline-${inputTokens}`,
        modelId: "offline",
      });
      onAbort = () => controller.error(abortError(signal));
      signal?.addEventListener("abort", onAbort, { once: true });
    },
    async pull(controller) {
      const next = parts.next();
      if (next.done) {
        signal?.removeEventListener("abort", onAbort ?? (() => {}));
        const toolCalls = turn.kind === "tool";
        controller.enqueue({
          type: "finish",
          usage: usageOf(inputTokens, outputTokens, reasoningTokens),
          finishReason: toolCalls
            ? { unified: "tool-calls", raw: "tool_calls" }
            : { unified: "stop", raw: "stop" },
        });
        controller.close();
        return;
      }
      if (next.value.token) {
        if (tokenMs > 0) await abortableSleep(tokenMs, signal);
        if (signal?.aborted) throw abortError(signal);
        outputTokens++;
        if (next.value.reasoning === true) reasoningTokens++;
      }
      controller.enqueue(next.value.part);
    },
    cancel() {
      signal?.removeEventListener("abort", onAbort ?? (() => {}));
    },
  });
}
