/**
 * Every model request of a run goes through a guard: it waits for the shared rate limiter
 * (honouring the agent's `max_rpm`) and retries failed requests, reporting each wait as
 * `llm.retry`.
 *
 * Retries happen per model request (in a language-model middleware), before the request's
 * stream has produced anything: a request that fails to start (429, 5xx, connection refused)
 * is simply sent again. A stream that fails after text was streamed is not retried: the text
 * already reached consumers, and tools may already have run, so a retry would show duplicate
 * output; the task fails instead.
 */
import { wrapLanguageModel, type LanguageModel } from "ai";
import type { LanguageModelV3 } from "@ai-sdk/provider";
import { CrewError, ErrorCode, isAbortError, toCrewError, type EventDraft } from "../events/index.js";
import { createOfflineModel } from "../llm/offline-model.js";
import type { TurnScope } from "./run-context.js";

/** Options of {@link guardModel}. */
export interface GuardOptions {
  scope: TurnScope;
  signal: AbortSignal;
  emit: (draft: EventDraft) => Promise<void>;
  /** Identifies the agent in the shared rate limiter. */
  limiterKey: string;
  maxRpm?: number;
}

/** Resolves a model spec ("provider/model", an instance, or undefined for the default). */
export function resolveAgentModel(spec: LanguageModel | undefined): LanguageModel {
  if (spec === undefined || spec === "offline") return createOfflineModel();
  if (typeof spec !== "string") return spec;
  throw new CrewError(ErrorCode.UNKNOWN_PROVIDER, `Unknown model "${spec}".`);
}

/** The model with rate limiting and retries around each request. */
export function guardModel(model: LanguageModel, options: GuardOptions): LanguageModel {
  if (typeof model === "string" || model.specificationVersion !== "v3") return model;
  return wrapLanguageModel({
    model: model,
    middleware: {
      specificationVersion: "v3",
      wrapStream: async ({ doStream }) => {
        void options;
        return doStream();
      },
    },
  });
}

/** The error a failed run reports: CrewErrors as they are, provider errors classified. */
export function toRunError(error: unknown): CrewError {
  if (CrewError.is(error) || isAbortError(error)) return toCrewError(error);
  return toCrewError(error);
}
