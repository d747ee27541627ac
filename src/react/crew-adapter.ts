/**
 * An assistant-ui `ChatModelAdapter` that runs a crew for each user message and streams the
 * run into the assistant message (see `crew-message.ts` for the message's shape).
 *
 * - A message sent with `runConfig.custom.runId` attaches to that run instead of starting one
 *   (re-attaching after a reload, replaying a finished run from history).
 * - `runConfig.custom.crew` / `.inputs` override the adapter's crew and inputs for one message.
 * - Stopping (assistant-ui's stop button aborts `abortSignal`) cancels the run on the server;
 *   a detach (the runtime switched to another thread, or was unmounted) only stops watching.
 * - Updates are batched to one per animation frame.
 */
import type {
  ChatModelAdapter,
  ChatModelRunOptions,
  ChatModelRunResult,
  ThreadMessage,
} from "@assistant-ui/react";
import { initialProgress, isRunEnded, reduceProgress } from "../client/index.js";
import type { CrewClient, RunProgress } from "../client/index.js";
import type { CrewEvent, Inputs } from "../events/index.js";
import { toRunResult } from "./crew-message.js";
import type { ConnectionState } from "./crew-message.js";
import { ChangeSignal, nextFrame } from "./frame-batcher.js";

/** Options of {@link createCrewAdapter}. */
export interface CrewAdapterOptions {
  /** The server client. */
  client: CrewClient;
  /** The crew to run (a name, or a function read at each message); the server's default when absent. */
  crew?: string | (() => string | undefined);
  /**
   * The thread each run is a turn of (a name, or a function read at each message): the server
   * gives the run the thread's conversation so far. No thread when absent.
   */
  threadId?: string | (() => string | undefined);
  /** The run's inputs from the conversation; default `{ topic: <last user message's text> }`. */
  inputsFrom?: (messages: readonly ThreadMessage[]) => Inputs;
  /** Called once the run's id is known (e.g. to remember it across reloads). */
  onRunStart?: (runId: string) => void;
  /**
   * Whether stopping the message cancels the run on the server (default: always). Answer false
   * to only stop watching, e.g. when the UI switches to another run.
   */
  cancelOnAbort?: () => boolean;
  /** Called when the run's events end (with the final progress), or when watching stops. */
  onRunEnd?: (progress: RunProgress) => void;
}

/** The text of the last user message. */
export function lastUserText(messages: readonly ThreadMessage[]): string {
  const user = [...messages].reverse().find((m) => m.role === "user");
  if (!user) return "";
  return user.content
    .map((part) => (part.type === "text" ? part.text : ""))
    .join("")
    .trim();
}

/** assistant-ui aborts with `detach: true` when a thread is switched away from, not stopped. */
function isDetach(reason: unknown): boolean {
  return (
    typeof reason === "object" && reason !== null && "detach" in reason && reason.detach === true
  );
}

/** Creates the adapter; pass it to `useLocalRuntime` (or use `useCrewRuntime`). */
export function createCrewAdapter(options: CrewAdapterOptions): ChatModelAdapter {
  return {
    run: (runOptions: ChatModelRunOptions) => streamCrewMessage(options, runOptions),
  };
}

async function* streamCrewMessage(
  options: CrewAdapterOptions,
  run: ChatModelRunOptions,
): AsyncGenerator<ChatModelRunResult, void> {
  const { client } = options;
  const custom = run.runConfig.custom ?? {};
  const watch = new AbortController();
  const stopWatching = (): void => watch.abort();
  run.abortSignal.addEventListener("abort", stopWatching, { once: true });
  let connection: ConnectionState = "live";
  const onReconnect = (): void => {
    connection = "reconnecting";
    changes.notify();
  };
  const changes = new ChangeSignal();
  let events: AsyncIterable<CrewEvent>;
  let runId: string;
  try {
    if (typeof custom.runId === "string") {
      runId = custom.runId;
      events = client.subscribe(runId, { signal: watch.signal, onReconnect });
    } else {
      const crew =
        typeof custom.crew === "string"
          ? custom.crew
          : typeof options.crew === "function"
            ? options.crew()
            : options.crew;
      const inputs = {
        ...(options.inputsFrom ?? defaultInputs)(run.messages),
        ...(custom.inputs as Inputs | undefined),
      };
      const threadId =
        typeof options.threadId === "function" ? options.threadId() : options.threadId;
      const stream = await client.streamRun({
        crew,
        inputs,
        signal: watch.signal,
        onReconnect,
        ...(threadId === undefined ? {} : { threadId }),
      });
      runId = stream.runId;
      events = stream;
    }
  } catch (error) {
    run.abortSignal.removeEventListener("abort", stopWatching);
    throw error;
  }
  options.onRunStart?.(runId);

  let progress = initialProgress(runId);
  let failure: unknown;
  let done = false;
  const cancelOnServer = (): void => {
    if (isRunEnded(progress.status)) return;
    if (isDetach(run.abortSignal.reason)) return;
    if (options.cancelOnAbort && !options.cancelOnAbort()) return;
    client
      .cancel(runId)
      .catch((error: unknown) => console.error(`Could not cancel run ${runId}:`, error));
  };
  run.abortSignal.addEventListener("abort", cancelOnServer, { once: true });
  const pump = (async () => {
    for await (const event of events) {
      progress = reduceProgress(progress, event);
      connection = "live";
      changes.notify();
    }
  })()
    .catch((error: unknown) => (failure = error))
    .finally(() => {
      done = true;
      changes.notify();
    });

  try {
    yield toRunResult(progress, connection);
    while (!done) {
      await changes.changed();
      if (!done) await nextFrame();
      yield toRunResult(progress, done ? "closed" : connection);
    }
    await pump;
    if (failure !== undefined && !run.abortSignal.aborted) throw failure;
  } finally {
    watch.abort();
    run.abortSignal.removeEventListener("abort", stopWatching);
    run.abortSignal.removeEventListener("abort", cancelOnServer);
    options.onRunEnd?.(progress);
  }
}

function defaultInputs(messages: readonly ThreadMessage[]): Inputs {
  return { topic: lastUserText(messages) };
}
