/** The chat page: run history, crew picker and the thread, wired to one crew runtime. */
import { AssistantRuntimeProvider } from "@assistant-ui/react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { CrewClient } from "../../src/client/index.js";
import { lastUserText, useCrewRuntime } from "../../src/react/index.js";
import { CrewClientContext, useCrewClient } from "./client-context.js";
import { AppHeader } from "./components/app-header.js";
import { ChatThread } from "./components/chat-thread.js";
import { HistorySidebar } from "./components/history-sidebar.js";
import { mainInput, useCrews } from "./hooks/use-crews.js";
import { useRunHistory } from "./hooks/use-run-history.js";
import { initialRunId, rememberRun } from "./hooks/use-run-url.js";
import { initialThreadId, newThreadId, rememberThread } from "./hooks/use-thread-url.js";
import { useThreads } from "./hooks/use-threads.js";
import { ThreadList } from "./components/thread-list.js";
import type { AssistantRuntime } from "@assistant-ui/react";

/** The whole UI. */
export function App() {
  const client = useMemo(() => new CrewClient(), []);
  return (
    <CrewClientContext.Provider value={client}>
      <Shell />
    </CrewClientContext.Provider>
  );
}

function Shell() {
  const client = useCrewClient();
  const { crews, error: crewsError } = useCrews();
  const [crewName, setCrewName] = useState<string>();
  const crew = crews.find((c) => c.name === crewName) ?? crews.find((c) => c.default) ?? crews[0];
  const [extraInputs, setExtraInputs] = useState<Record<string, string>>({});
  const [activeRun, setActiveRun] = useState<string>();
  const [sidebarOpen, setSidebarOpen] = useState(false);
  const [openError, setOpenError] = useState<string>();
  const history = useRunHistory();
  const threads = useThreads();
  const [threadId, setThreadId] = useState<string>(() => newThreadId());
  const threadRef = useRef(threadId);
  threadRef.current = threadId;
  const detaching = useRef(false);

  const runtime = useCrewRuntime({
    client,
    crew: () => crew?.name,
    threadId: () => threadRef.current,
    inputsFrom: (messages) => {
      const main = mainInput(crew);
      const extras = Object.fromEntries(
        (crew?.inputs ?? [])
          .filter((name) => name !== main)
          .map((name) => [name, extraInputs[name] ?? ""]),
      );
      return { ...extras, [main]: lastUserText(messages) };
    },
    onRunStart: (runId) => {
      setActiveRun(runId);
      rememberRun(runId);
      rememberThread(threadRef.current);
      history.refresh();
      threads.refresh();
    },
    onRunEnd: () => {
      history.refresh();
      threads.refresh();
    },
    cancelOnAbort: () => !detaching.current,
  });

  /** Leaves the current run running on the server and empties the thread. */
  const clearThread = useCallback(() => {
    detaching.current = true;
    try {
      if (runtime.thread.getState().isRunning) runtime.thread.cancelRun();
      runtime.thread.reset();
    } finally {
      detaching.current = false;
    }
  }, [runtime]);

  const openRun = useCallback(
    async (runId: string) => {
      setSidebarOpen(false);
      try {
        const run = await client.getRun(runId);
        setOpenError(undefined);
        clearThread();
        setCrewName(run.crew);
        setActiveRun(runId);
        rememberRun(runId);
        // A follow-up continues the run's thread, or starts one.
        const thread = run.threadId ?? newThreadId();
        threadRef.current = thread;
        setThreadId(thread);
        rememberThread(run.threadId);
        const label = String(
          run.inputs[mainInput(crews.find((c) => c.name === run.crew))] ??
            Object.values(run.inputs)[0] ??
            run.crew,
        );
        runtime.thread.append({
          role: "user",
          content: [{ type: "text", text: label }],
          runConfig: { custom: { runId } },
        });
      } catch (error) {
        rememberRun(undefined);
        setOpenError(
          `Could not open run ${runId}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    },
    [client, clearThread, crews, runtime],
  );

  /** Shows a thread: each turn's run is replayed (or followed live) in order. */
  const openThread = useCallback(
    async (id: string) => {
      setSidebarOpen(false);
      try {
        const thread = await client.getThread(id);
        setOpenError(undefined);
        clearThread();
        threadRef.current = id;
        setThreadId(id);
        rememberThread(id);
        const last = thread.runs.at(-1);
        if (last) setCrewName(last.crew);
        for (const run of thread.runs) {
          setActiveRun(run.id);
          rememberRun(run.id);
          runtime.thread.append({
            role: "user",
            content: [{ type: "text", text: turnLabel(run.inputs, run.crew) }],
            runConfig: { custom: { runId: run.id } },
          });
          // The next turn is appended once this one's replay is in, so turns keep their order.
          await idle(runtime);
          if (threadRef.current !== id) return;
        }
      } catch (error) {
        rememberThread(undefined);
        setOpenError(
          `Could not open thread ${id}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    },
    [client, clearThread, runtime],
  );

  const newChat = useCallback(() => {
    clearThread();
    const id = newThreadId();
    threadRef.current = id;
    setThreadId(id);
    rememberThread(undefined);
    setActiveRun(undefined);
    rememberRun(undefined);
    setSidebarOpen(false);
  }, [clearThread]);

  const renameThread = useCallback(
    (id: string, title: string) => {
      client
        .renameThread(id, title)
        .then(() => threads.refresh())
        .catch((error: unknown) =>
          setOpenError(
            `Could not rename: ${error instanceof Error ? error.message : String(error)}`,
          ),
        );
    },
    [client, threads],
  );

  const deleteThread = useCallback(
    (id: string) => {
      client
        .deleteThread(id)
        .then(() => {
          if (id === threadRef.current) newChat();
          threads.refresh();
          history.refresh();
        })
        .catch((error: unknown) =>
          setOpenError(
            `Could not delete: ${error instanceof Error ? error.message : String(error)}`,
          ),
        );
    },
    [client, history, newChat, threads],
  );

  const restored = useRef(false);
  useEffect(() => {
    if (restored.current) return;
    restored.current = true;
    // A thread link wins; a run link opens that run alone.
    const params = new URLSearchParams(location.search);
    const thread = params.get("thread") ?? (params.get("run") ? undefined : initialThreadId());
    if (thread) void openThread(thread);
    else {
      const runId = initialRunId();
      if (runId) void openRun(runId);
    }
  }, [openRun, openThread]);

  return (
    <AssistantRuntimeProvider runtime={runtime}>
      <div className="app" data-sidebar={sidebarOpen ? "open" : "closed"}>
        <HistorySidebar
          runs={history.runs}
          {...(history.error === undefined ? {} : { error: history.error })}
          {...(activeRun === undefined ? {} : { activeRunId: activeRun })}
          onOpen={(id) => void openRun(id)}
          onNewChat={newChat}
          onClose={() => setSidebarOpen(false)}
        >
          <ThreadList
            threads={threads.threads}
            {...(threads.error === undefined ? {} : { error: threads.error })}
            activeThreadId={threadId}
            onOpen={(id) => void openThread(id)}
            onNew={newChat}
            onRename={renameThread}
            onDelete={deleteThread}
          />
        </HistorySidebar>
        <main className="main">
          <AppHeader
            crews={crews}
            {...(crew ? { crew } : {})}
            onCrewChange={setCrewName}
            onToggleSidebar={() => setSidebarOpen((open) => !open)}
          />
          {(crewsError ?? openError) && (
            <div className="banner banner-error" role="alert">
              {openError ?? `Could not load crews: ${crewsError}`}
            </div>
          )}
          <ChatThread
            {...(crew ? { crew } : {})}
            extraInputs={extraInputs}
            onExtraInputsChange={setExtraInputs}
          />
        </main>
      </div>
    </AssistantRuntimeProvider>
  );
}

/** The user's message of a turn: its main input's text. */
function turnLabel(inputs: Record<string, string | number | boolean>, crew: string): string {
  const value = inputs.topic ?? Object.values(inputs)[0];
  return value === undefined ? crew : String(value);
}

/** Resolves once the thread's current run (the replay of a turn) is over. */
function idle(runtime: AssistantRuntime): Promise<void> {
  return new Promise((resolve) => {
    const check = (): boolean => {
      if (runtime.thread.getState().isRunning) return false;
      resolve();
      return true;
    };
    // append() starts the run on a later tick: wait for it to start, then to end.
    let started = runtime.thread.getState().isRunning;
    const unsubscribe = runtime.thread.subscribe(() => {
      if (runtime.thread.getState().isRunning) started = true;
      else if (started && check()) unsubscribe();
    });
    setTimeout(() => {
      if (!started && check()) unsubscribe();
    }, 2000);
  });
}
