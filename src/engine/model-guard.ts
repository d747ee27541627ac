/**
 * Every model request of a run goes through a guard: it waits for the shared rate limiter
 * (honouring the agent's `max_rpm` and providers' Retry-After) and retries failed requests,
 * reporting each wait as `llm.retry`.
 *
 * Retries happen per model request (in a language-model middleware), before the request's
 * stream has produced anything: a request that fails to start (429, 5xx, connection refused)
 * is simply sent again. A stream that fails after it started is not retried: its text already
 * reached consumers and tools may already have run, so a retry would show duplicate output
 * and repeat side effects; the task fails instead with the classified error.
 */
import { wrapLanguageModel, type LanguageModel } from "ai";
import { CrewError, ErrorCode, isAbortError, type EventDraft } from "../events/index.js";
import {
  callWithRetry,
  classifyModelError,
  configuredRateLimiter,
  describeModel,
  modelTimeouts,
  sharedRateLimiter,
  withModelTimeouts,
  type ModelTimeouts,
  type RateLimiterLike,
} from "../llm/index.js";
import type { TurnScope } from "./run-context.js";

/** Options of {@link guardModel}. */
export interface GuardOptions {
  scope: TurnScope;
  signal: AbortSignal;
  emit: (draft: EventDraft) => Promise<void>;
  /** Identifies the agent in the rate limiter (its `max_rpm` applies to this key). */
  agentKey: string;
  maxRpm?: number;
  /** The crew's `max_rpm`, shared by all its agents in this process. */
  crewRpm?: { key: string; rpm: number };
  /** Default: the limiter shared by every run in the process. */
  limiter?: RateLimiterLike;
  /** Retry tuning; defaults are those of `callWithRetry`. */
  retry?: { maxRetries?: number; baseDelayMs?: number; maxDelayMs?: number };
  /** Bounds on each model call; defaults from the environment (see `modelTimeouts`). */
  timeouts?: Partial<ModelTimeouts>;
}

/** The rate-limiter key of a model: providers rate-limit per model and key. */
function modelKey(model: Exclude<LanguageModel, string>): string {
  return `model:${model.provider}/${model.modelId}`;
}

/** The model with rate limiting and retries around each streamed request. */
export function guardModel(model: LanguageModel, options: GuardOptions): LanguageModel {
  if (typeof model === "string" || model.specificationVersion !== "v3") return model;
  // CREWSTREAM_RPM ("openai/gpt-4o-mini=60,compatible/*=30") applies to every run sharing it.
  const limiter = options.limiter ?? configuredRateLimiter(sharedRateLimiter);
  const key = modelKey(model);
  const { scope } = options;
  const name = describeModel(model);
  const timeouts = modelTimeouts(options.timeouts);
  const report = (
    attempt: number,
    delayMs: number,
    reason: string,
    rateLimited: boolean,
  ): Promise<void> =>
    options.emit({
      type: "llm.retry",
      ...scope,
      attempt,
      delayMs,
      reason,
      model: name,
      rateLimited,
    });
  return wrapLanguageModel({
    model,
    middleware: {
      specificationVersion: "v3",
      // The call's own signal (a task's time limit) or else the run's.
      wrapStream: ({ params }) => {
        const signal = params.abortSignal ?? options.signal;
        return callWithRetry(
          async (attempt) => {
            const onWait = (delayMs: number, reason: string): void => {
              // The push is synchronous while the buffer has room; a closed channel means the
              // run is ending, which the aborted signal reports.
              report(attempt, delayMs, reason, true).catch(() => undefined);
            };
            await limiter.acquire(key, { signal, onWait });
            if (options.maxRpm !== undefined) {
              await limiter.acquire(`agent:${options.agentKey}`, {
                rpm: options.maxRpm,
                signal,
                onWait,
              });
            }
            if (options.crewRpm !== undefined) {
              await limiter.acquire(`crew:${options.crewRpm.key}`, {
                rpm: options.crewRpm.rpm,
                signal,
                onWait,
              });
            }
            // A provider that goes silent is aborted and, before any content, tried again.
            return withModelTimeouts(
              (callSignal) => model.doStream({ ...params, abortSignal: callSignal }),
              timeouts,
              signal,
            );
          },
          {
            signal,
            ...options.retry,
            onRetry: async (info) => {
              // A provider 429 holds back every run using this model, not only this one.
              if (info.code === ErrorCode.RATE_LIMITED) await limiter.penalize(key, info.delayMs);
              await report(
                info.attempt,
                info.delayMs,
                info.reason,
                info.code === ErrorCode.RATE_LIMITED,
              );
            },
          },
        );
      },
    },
  });
}

/**
 * The error a failed run reports. CrewErrors stay as they are; a provider failure during a
 * stream (malformed chunk, dropped connection) gets its classified code and a clear message.
 */
export function toRunError(error: unknown): CrewError {
  if (CrewError.is(error)) return error;
  if (isAbortError(error))
    return new CrewError(ErrorCode.CANCELLED, "The run was cancelled.", { cause: error });
  const kind = classifyModelError(error);
  if (kind.code === ErrorCode.INTERNAL)
    return new CrewError(ErrorCode.INTERNAL, "An internal error occurred.", { cause: error });
  return new CrewError(kind.code, `The model's response failed midway: ${kind.reason}.`, {
    cause: error,
  });
}
