/**
 * The AI SDK UI message stream transport: a run's events as one assistant message for
 * `useChat` clients (`POST /api/chat`). The message's text is the crew's final answer, streamed
 * as the last task writes it; a `data-crew-progress` part (one per run) and a `data-crew-task`
 * part per task (id = task key) are updated in place as the run moves on.
 */
import { createUIMessageStream, createUIMessageStreamResponse } from "ai";
import { toCrewError } from "../events/index.js";
import type { CrewEvent } from "../events/index.js";
import { MessageProjector } from "./ui-message-projector.js";
import type { CrewUIMessage, CrewUIMessageChunk } from "./ui-message-projector.js";

export type {
  CrewProgressData,
  CrewTaskData,
  CrewUIMessage,
  CrewUIMessageChunk,
} from "./ui-message-projector.js";
export { inputsFromChatBody } from "./ui-message-chat-body.js";
/** Options of {@link toUIMessageStream}. */
export interface UIMessageStreamOptions {
  /** Aborting stops reading the events (the watcher detaches; the run itself goes on) and ends the stream. */
  signal?: AbortSignal;
}

/**
 * A run's events as an AI SDK UI message stream (`createUIMessageStream`). Ends after
 * `run.end`, when the events end, or when `signal` aborts. An error thrown by the events
 * (e.g. `run_not_found`) becomes an `error` chunk with the error's safe message.
 */
export function toUIMessageStream(
  events: AsyncIterable<CrewEvent>,
  options: UIMessageStreamOptions = {},
): ReadableStream<CrewUIMessageChunk> {
  const { signal } = options;
  return createUIMessageStream<CrewUIMessage>({
    execute: async ({ writer }) => {
      const projector = new MessageProjector();
      const iterator = events[Symbol.asyncIterator]();
      const aborted = new Promise<undefined>((resolve) =>
        signal?.addEventListener("abort", () => resolve(undefined), { once: true }),
      );
      try {
        while (signal?.aborted !== true) {
          const next = await Promise.race([iterator.next(), aborted]);
          if (next === undefined || next.done === true) break;
          for (const chunk of projector.push(next.value)) writer.write(chunk);
          if (next.value.type === "run.end") break;
        }
      } finally {
        // Detach from the run's events; an iterator still waiting for its next event is not awaited.
        void Promise.resolve(iterator.return?.()).catch(() => undefined);
      }
    },
    onError: (error) => toCrewError(error).message,
  });
}

/** Options of {@link toUIMessageStreamResponse}. */
export interface UIMessageStreamResponseOptions extends UIMessageStreamOptions {
  /** Extra headers, e.g. `{ "X-Run-Id": runId }`. */
  headers?: Record<string, string>;
  status?: number;
}

/** A run's events as a `Response` in the UI message stream format (SSE), for `useChat`. */
export function toUIMessageStreamResponse(
  events: AsyncIterable<CrewEvent>,
  options: UIMessageStreamResponseOptions = {},
): Response {
  const { headers, status, ...streamOptions } = options;
  return createUIMessageStreamResponse({
    stream: toUIMessageStream(events, streamOptions),
    ...(headers === undefined ? {} : { headers }),
    ...(status === undefined ? {} : { status }),
  });
}
