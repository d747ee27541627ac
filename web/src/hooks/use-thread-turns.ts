/**
 * The runtime of one thread of the thread list: assistant-ui's thread list runtime calls this hook
 * once per open thread. Each user message is a turn of the thread on the server (`threadId`);
 * opening a thread that has turns replays them in order, each with its crew timeline, following
 * a turn that is still running live.
 */
import { useAuiState, type AssistantRuntime } from "@assistant-ui/react";
import { useEffect, useRef, type RefObject } from "react";
import type { CrewClient, RunRecord } from "../../../src/client/index.js";
import { useCrewRuntime, type CrewAdapterOptions } from "../../../src/react/index.js";
import { serverThreadId } from "./crew-thread-list.js";

/** What the page gives every thread's runtime; read at each use, so it may change. */
export interface ThreadTurnsOptions {
  client: CrewClient;
  /** The crew of the next turn. */
  crew: () => string | undefined;
  /** The next turn's inputs from the conversation. */
  inputsFrom: NonNullable<CrewAdapterOptions["inputsFrom"]>;
  /** The text a replayed turn's user message shows. */
  turnLabel: (run: RunRecord) => string;
  onRunStart: (runId: string) => void;
  onRunEnd: () => void;
  /** A thread with turns is being opened (its last run's crew, to continue with). */
  onOpenThread: (lastRun: RunRecord | undefined) => void;
  onError: (message: string) => void;
  /** A run without a thread to show in a new thread, taken by the next new thread's runtime. */
  pendingRun: { current: RunRecord | undefined };
}

/** Appends one replayed turn: the user's message, answered by attaching to the run. */
export function appendTurn(runtime: AssistantRuntime, run: RunRecord, label: string): void {
  runtime.thread.append({
    role: "user",
    content: [{ type: "text", text: label }],
    runConfig: { custom: { runId: run.id } },
  });
}

/** Resolves once the thread's current run (the replay of a turn) is over. */
function idle(runtime: AssistantRuntime): Promise<void> {
  return new Promise((resolve) => {
    // append() starts the run on a later tick: wait for it to start, then to end.
    let started = runtime.thread.getState().isRunning;
    const unsubscribe = runtime.thread.subscribe(() => {
      if (runtime.thread.getState().isRunning) started = true;
      else if (started) done();
    });
    const timer = setTimeout(() => {
      if (!started) done();
    }, 2000);
    function done(): void {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    }
  });
}

/** Replays the turns of thread `threadId` into `runtime`, oldest first. */
async function replayThread(
  runtime: AssistantRuntime,
  threadId: string,
  options: ThreadTurnsOptions,
): Promise<void> {
  try {
    const thread = await options.client.getThread(threadId);
    options.onOpenThread(thread.runs.at(-1));
    for (const run of thread.runs) {
      appendTurn(runtime, run, options.turnLabel(run));
      // The next turn is appended once this one's replay is in, so turns keep their order.
      await idle(runtime);
    }
  } catch (error) {
    options.onError(
      `Could not open thread ${threadId}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** The runtime hook of one thread (see the file comment). */
export function useThreadTurns(options: RefObject<ThreadTurnsOptions>): AssistantRuntime {
  const localId = useAuiState((s) => s.threadListItem.id);
  const remoteId = useAuiState((s) => s.threadListItem.remoteId);
  // A new thread is named before assistant-ui initializes it, so its first turn has the id too.
  const threadId = remoteId ?? serverThreadId(localId);
  const threadRef = useRef(threadId);
  threadRef.current = threadId;

  const runtime = useCrewRuntime({
    client: options.current.client,
    crew: () => options.current.crew(),
    threadId: () => threadRef.current,
    inputsFrom: (messages) => options.current.inputsFrom(messages),
    onRunStart: (runId) => options.current.onRunStart(runId),
    onRunEnd: () => options.current.onRunEnd(),
  });

  // What the thread holds when it opens: its turns on the server, or a run opened from the
  // history into a new thread. Later changes of the remote id (a new thread initialized after
  // its first turn) must not replay what is already shown.
  const opened = useRef(false);
  useEffect(() => {
    if (opened.current) return;
    opened.current = true;
    if (remoteId !== undefined) {
      void replayThread(runtime, remoteId, options.current);
    } else {
      const run = options.current.pendingRun.current;
      options.current.pendingRun.current = undefined;
      if (run) appendTurn(runtime, run, options.current.turnLabel(run));
    }
  }, [options, remoteId, runtime]);

  return runtime;
}
