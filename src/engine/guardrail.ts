/**
 * Checks a task's output against its guardrail: a function given in code, or a sentence the
 * model checks it against (CrewAI's LLM guardrail), answering a verdict with feedback.
 */
import type { JSONSchema7 } from "@ai-sdk/provider";
import { jsonSchema, Output, streamText, type LanguageModel } from "ai";
import { z } from "zod";
import { CrewError, ErrorCode, type Usage } from "../events/index.js";
import { guardrailCheckPrompt, GUARDRAIL_REVIEWER } from "./prompts.js";
import { describeWarning } from "./provider-warnings.js";
import type { UsageMeter } from "./run-context.js";
import type { GuardrailFunction, GuardrailVerdict, TaskOutput } from "../crew/index.js";

const verdictSchema = z.object({ ok: z.boolean(), feedback: z.string().optional() });
const VERDICT_JSON_SCHEMA: JSONSchema7 = {
  type: "object",
  properties: {
    ok: { type: "boolean", description: "true only if the output fully meets the requirement" },
    feedback: { type: "string", description: "what to change, or why it passes" },
  },
  required: ["ok", "feedback"],
  additionalProperties: false,
};

/** What a guardrail check needs besides the output. */
export interface GuardrailCheck {
  guardrail: string | GuardrailFunction;
  output: TaskOutput;
  /** 1-based attempt of the task. */
  attempt: number;
  /** The model that checks a sentence guardrail (the task's agent's). */
  model: LanguageModel;
  signal: AbortSignal;
  usage: UsageMeter;
}

/**
 * The verdict of the guardrail. A function that throws, or a model whose answer is not a
 * verdict, fails the task with the reason (an unusable check is not a pass).
 */
export async function checkGuardrail(
  check: GuardrailCheck,
): Promise<GuardrailVerdict & { usage?: Usage; warnings?: string[] }> {
  const { guardrail } = check;
  if (typeof guardrail === "function") return verdictOf(await guardrail(check.output));
  // Streamed like every other model call (same wire, same retries in the model guard); only
  // the verdict matters, so the stream is read to its end.
  let failure: unknown;
  const result = streamText({
    model: check.model,
    system: GUARDRAIL_REVIEWER,
    prompt: guardrailCheckPrompt(guardrail, check.output.output, check.attempt),
    output: Output.object({ schema: jsonSchema(VERDICT_JSON_SCHEMA) }),
    maxRetries: 0,
    abortSignal: check.signal,
    onError: ({ error }) => {
      failure = error;
    },
  });
  let text = "";
  let usage: Usage = { inputTokens: 0, outputTokens: 0 };
  const warnings: string[] = [];
  for await (const part of result.fullStream) {
    if (part.type === "text-delta") text += part.text;
    else if (part.type === "start-step") warnings.push(...part.warnings.map(describeWarning));
    else if (part.type === "finish-step") {
      check.usage.add(part.usage);
      usage = {
        inputTokens: usage.inputTokens + (part.usage.inputTokens ?? 0),
        outputTokens: usage.outputTokens + (part.usage.outputTokens ?? 0),
      };
    } else if (part.type === "error") failure = part.error;
  }
  if (failure !== undefined) throw failure;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { ...verdictOf(parsed), usage, ...(warnings.length === 0 ? {} : { warnings }) };
}

function verdictOf(value: unknown): GuardrailVerdict {
  const parsed = verdictSchema.safeParse(value);
  if (!parsed.success) {
    throw new CrewError(
      ErrorCode.MODEL_OUTPUT,
      `The guardrail gave no verdict: expected { ok: boolean, feedback?: string }, got ${JSON.stringify(value) ?? "nothing"}.`,
    );
  }
  const { ok, feedback } = parsed.data;
  return feedback === undefined || feedback.trim() === "" ? { ok } : { ok, feedback };
}
