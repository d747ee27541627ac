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
  const detaching = useRef(false);

  const runtime = useCrewRuntime({
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
    onRunStart: (runId) => {
      setActiveRun(runId);
      rememberRun(runId);
      history.refresh();
    },
    onRunEnd: () => history.refresh(),
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

  const newChat = useCallback(() => {
    clearThread();
    setActiveRun(undefined);
    rememberRun(undefined);
    setSidebarOpen(false);
  }, [clearThread]);

  const restored = useRef(false);
  useEffect(() => {
    if (restored.current) return;
    restored.current = true;
    const runId = initialRunId();
    if (runId) void openRun(runId);
  }, [openRun]);

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
        />
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
