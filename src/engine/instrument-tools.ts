/**
 * Wraps tools so that `tool.call` and `tool.result` events are emitted around each execution,
 * in order with everything the tool itself emits (a delegated coworker's events).
 */
import type { ToolExecutionOptions, ToolSet } from "ai";
import { CrewError, ErrorCode, isAbortError, type EventDraft } from "../events/index.js";
import type { TurnScope } from "./run-context.js";

/** Longest string a `tool.result` event carries; the model still gets the whole result. */
const TOOL_RESULT_EVENT_MAX_CHARS = 16_384;

function forEvent(result: unknown): unknown {
  if (typeof result === "string" && result.length > TOOL_RESULT_EVENT_MAX_CHARS) {
    return `${result.slice(0, TOOL_RESULT_EVENT_MAX_CHARS)}… [${result.length - TOOL_RESULT_EVENT_MAX_CHARS} more characters]`;
  }
  return result;
}

/** The message a model (and the `tool.result` event) sees for a failed tool. */
function toolErrorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}

/**
 * Returns `tools` with each `execute` wrapped. `ready(callId)` resolves once the turn's stream
 * reader has reached the tool call, so text streamed before the call is emitted before it.
 */
export function instrumentTools(
  tools: ToolSet,
  scope: TurnScope,
  emit: (draft: EventDraft) => Promise<void>,
  ready: (callId: string) => Promise<void>,
): ToolSet {
  const wrapped: ToolSet = {};
  for (const [name, original] of Object.entries(tools)) {
    const execute = original.execute;
    if (execute === undefined) {
      wrapped[name] = original;
      continue;
    }
    wrapped[name] = {
      ...original,
      execute: async (input: unknown, options: ToolExecutionOptions) => {
        const callId = options.toolCallId;
        await ready(callId);
        await emit({ type: "tool.call", ...scope, callId, tool: name, args: input });
        try {
          let result: unknown = await execute(input, options);
          // A streaming tool yields preliminary results; the last one is its result.
          if (isAsyncIterable(result)) for await (const value of result) result = value;
          // A cancelled run reports nothing after the abort, even from a tool that finished anyway.
          if (options.abortSignal?.aborted)
            throw new CrewError(ErrorCode.CANCELLED, "The run was cancelled.");
          await emit({
            type: "tool.result",
            ...scope,
            callId,
            tool: name,
            result: forEvent(result),
          });
          return result;
        } catch (error) {
          if (!isAbortError(error) && !options.abortSignal?.aborted) {
            const message = toolErrorMessage(error);
            await emit({
              type: "tool.result",
              ...scope,
              callId,
              tool: name,
              error: { code: ErrorCode.TOOL_ERROR, message },
            });
          }
          // Rethrown so the AI SDK hands the error to the model as the tool's result.
          throw error;
        }
      },
    };
  }
  return wrapped;
}
