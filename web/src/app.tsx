/** The chat page: threads, run history, crew picker and the open thread, on one runtime. */
import {
  AssistantRuntimeProvider,
  useRemoteThreadListRuntime,
  type AssistantRuntime,
} from "@assistant-ui/react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { CrewClient, type RunRecord } from "../../src/client/index.js";
import { lastUserText } from "../../src/react/index.js";
import { CrewClientContext, useCrewClient } from "./client-context.js";
import { AppHeader } from "./components/app-header.js";
import { ChatThread } from "./components/chat-thread.js";
import { HistorySidebar } from "./components/history-sidebar.js";
import { ThreadList } from "./components/thread-list.js";
import { crewThreadList } from "./hooks/crew-thread-list.js";
import { mainInput, useCrews } from "./hooks/use-crews.js";
import { useRunHistory } from "./hooks/use-run-history.js";
import { initialRunId, rememberRun } from "./hooks/use-run-url.js";
import { initialThreadId, rememberThread } from "./hooks/use-thread-url.js";
import { appendTurn, useThreadTurns, type ThreadTurnsOptions } from "./hooks/use-thread-turns.js";

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
  const runtimeRef = useRef<AssistantRuntime>(null);
  const pendingRun = useRef<RunRecord | undefined>(undefined);

  const turnLabel = useCallback(
    (run: RunRecord) =>
      String(
        run.inputs[mainInput(crews.find((c) => c.name === run.crew))] ??
          Object.values(run.inputs)[0] ??
          run.crew,
      ),
    [crews],
  );

  // Every thread's runtime reads the page's latest state through this ref: the runtimes are
  // hooks of the thread list, not of this component.
  const latest: ThreadTurnsOptions = {
    client,
    crew: () => crew?.name,
    inputsFrom: (messages) => {
      const main = mainInput(crew);
      const extras = Object.fromEntries(
        (crew?.inputs ?? [])
          .filter((name) => name !== main)
          .map((name) => [name, extraInputs[name] ?? ""]),
      );
      return { ...extras, [main]: lastUserText(messages) };
    },
    turnLabel,
    onRunStart: (runId) => {
      setActiveRun(runId);
      rememberRun(runId);
      history.refresh();
      void runtimeRef.current?.threads.reload();
    },
    onRunEnd: () => {
      history.refresh();
      void runtimeRef.current?.threads.reload();
    },
    onOpenThread: (lastRun) => {
      setOpenError(undefined);
      if (lastRun) setCrewName(lastRun.crew);
    },
    onError: (message) => {
      rememberThread(undefined);
      setOpenError(message);
    },
    pendingRun,
  };
  const turns = useRef(latest);
  turns.current = latest;

  const threadList = useMemo(() => crewThreadList(client), [client]);
  const runtimeHook = useCallback(function useThreadRuntime() {
    return useThreadTurns(turns);
  }, []);
  const runtime = useRemoteThreadListRuntime({
    runtimeHook,
    adapter: threadList,
    // The URL follows the open thread, so a reload or a shared link opens it again.
    onThreadIdChange: (threadId) => rememberThread(threadId),
  });
  runtimeRef.current = runtime;

  /** Opens a thread by id; an unknown one is reported, not shown. */
  const openThread = useCallback(
    async (threadId: string) => {
      setSidebarOpen(false);
      try {
        await client.getThread(threadId);
        await runtime.threads.switchToThread(threadId);
        rememberThread(threadId);
      } catch (error) {
        rememberThread(undefined);
        setOpenError(
          `Could not open thread ${threadId}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    },
    [client, runtime],
  );

  /** Opens a run of the history: its thread when it has one, else the run alone in a new thread. */
  const openRun = useCallback(
    async (runId: string) => {
      setSidebarOpen(false);
      try {
        const run = await client.getRun(runId);
        setOpenError(undefined);
        setCrewName(run.crew);
        setActiveRun(run.id);
        rememberRun(run.id);
        if (run.threadId !== undefined) {
          await runtime.threads.switchToThread(run.threadId);
          return;
        }
        const list = runtime.threads.getState();
        const emptyNew =
          list.mainThreadId === list.newThreadId && runtime.thread.getState().messages.length === 0;
        if (emptyNew) appendTurn(runtime, run, turnLabel(run));
        else {
          pendingRun.current = run;
          await runtime.threads.switchToNewThread();
        }
      } catch (error) {
        rememberRun(undefined);
        setOpenError(
          `Could not open run ${runId}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    },
    [client, runtime, turnLabel],
  );

  const newChat = useCallback(() => {
    void runtime.threads.switchToNewThread();
    setActiveRun(undefined);
    rememberRun(undefined);
    setSidebarOpen(false);
  }, [runtime]);

  const restored = useRef(false);
  useEffect(() => {
    if (restored.current) return;
    restored.current = true;
    // A thread link wins; a run link opens that run (in its thread, if it has one).
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
          <ThreadList />
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
